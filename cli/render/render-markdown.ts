/**
 * Markdown renderer of cost reports and diffs: the pull-request comment. Deterministic (a golden
 * test pins it); the first line is the marker the comment job finds and edits in place.
 */
import { describeBlock, describePreviewOptions, renderCapacityOptionsMarkdown } from "./capacity-options";
import { describeCost } from "../../infra/plan";
import { renderMemoryBar } from "./memory-bar";
import { type Violation } from "../offline/policy-run";
import { describeHosted, describePlannedVsMeasured, describeStackWorkload } from "./performance-text";
import { describeTimeToReady } from "./time-to-ready-text";
import { describeWeightsDownload } from "./weights-download-text";
import { costRange, costVaries, count, signedPercent, signedUsd, usd } from "./format";
import { type StackChange } from "../cost/stack-diff";
import { type PreviewCost } from "../cost/from-preview";
import { type StackReport } from "../cost/stack-report";
import { setLines } from "./render-table";

export const COMMENT_MARKER = "<!-- llm-stack-cost-preview -->";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const gpus = (r: StackReport | null) => (r?.gpu ? `${r.gpu.count} × ${r.gpu.name.replace("NVIDIA ", "")}` : "—");
const modelOf = (r: StackReport | null) => (r?.model ? `${r.model} (${r.variant})` : r?.status === "invalid" ? "invalid config" : "—");
const mandatoryCount = (violations: readonly Violation[]) => violations.filter((v) => v.level === "mandatory").length;

function fits(report: StackReport): string {
  if (report.status === "ok" && report.modelSet) {
    const fit = !report.violations.some((v) => v.policy === "llm-stack-gpu-memory-fit");
    return fit ? `✅ ${report.modelSet.models.length} models` : "❌ does not fit";
  }
  if (report.status === "invalid" || !report.plan) return "❌ refused";
  const fit = !report.violations.some((v) => v.policy === "llm-stack-gpu-memory-fit");
  return fit ? `✅ ${report.plan.maxConcurrentFullContext} × ${count(report.plan.maxModelLen)} tokens` : "❌ does not fit";
}

function policies(violations: readonly Violation[]): string {
  if (violations.length === 0) return "✅ none";
  const mandatory = mandatoryCount(violations);
  return `${mandatory > 0 ? "❌" : "⚠️"} ${mandatory} mandatory, ${violations.length - mandatory} advisory`;
}

function violationLines(violations: readonly Violation[], prefix = ""): string[] {
  return violations.map((v) => `- ${prefix}**${v.policy}** (${v.level}): ${v.message}`);
}

/** A set's section: its models with their share of the bill, its node groups, its cost and policies. */
function setDetails(report: StackReport, set: NonNullable<StackReport["modelSet"]>, cost: NonNullable<StackReport["cost"]>): string[] {
  const rows = setLines(set);
  return [
    `### \`${report.stack}\` — ${cell(modelOf(report))}`,
    "",
    `| ${rows[0]!.join(" | ")} |`,
    `|${rows[0]!.map(() => "---").join("|")}|`,
    ...rows.slice(1).map((row) => `| ${row.map(cell).join(" | ")} |`),
    "",
    ...(set.models.some((m) => !m.workloadDeclared)
      ? ["\\* at vllm bench serve's default lengths and no load (no workload declared).", ""]
      : []),
    costVaries(cost)
      ? `Cost: ${costRange(cost)}; the budget is checked at max.`
      : `Cost: ${usd(cost.hourlyUsd)}/h · ${usd(cost.monthlyUsd)}/month.`,
    "",
    `Policies: ${policies(report.violations)}.`,
    "",
    ...(report.violations.length > 0 ? ["Policy violations:", "", ...violationLines(report.violations), ""] : []),
    ...capacityMarkdown(report),
    "<details><summary>Why this packing</summary>",
    "",
    ...set.packing.reasons.map((reason) => `- ${cell(reason)}`),
    "",
    // The price caveats are among the assumptions below: the breakdown leaves them out.
    `Cost breakdown: ${describeCost({ ...cost, caveats: [] })}.`,
    "",
    "</details>",
    "",
    `Assumptions: ${report.assumptions.join("; ")}.`,
    "",
  ];
}

/** A Capacity Block's upfront fee and the capacity options table, when the stack has them. */
function capacityMarkdown(report: StackReport): string[] {
  const options = renderCapacityOptionsMarkdown(report.capacityOptions);
  return [
    ...(report.capacityBlock ? [`Capacity Block: ${cell(describeBlock(report.capacityBlock))}.`, ""] : []),
    ...(options.length > 0
      ? [
          `Capacity options (capacityOption deploys one; \`llm-stack preflight\` names the first obtainable; the budget holds the dearest):`,
          "",
          ...options,
        ]
      : []),
  ];
}

export function renderStackDetails(report: StackReport): string[] {
  if (report.status === "ok" && report.modelSet && report.cost) return setDetails(report, report.modelSet, report.cost);
  const lines = [`### \`${report.stack}\` — ${modelOf(report)}`, ""];
  if (report.status === "invalid" || !report.plan || !report.cost) {
    lines.push("The program refuses this stack's config; nothing would be created:", "", "```text", ...report.errors, "```", "");
    return lines;
  }
  const plan = report.plan;
  const instances =
    report.instances.map((i) => `${i.nodes} × ${i.instanceType}${i.maxNodes !== i.nodes ? ` (max ${i.maxNodes})` : ""}`).join(", ") ||
    "none (existing cluster)";
  lines.push(
    "| | |",
    "|---|---|",
    `| GPUs | ${gpus(report)} · TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize} × ${plan.replicas} replica(s) |`,
    `| instances | ${instances} |`,
    costVaries(report.cost)
      ? `| cost | ${costRange(report.cost)}; the budget is checked at max |`
      : `| cost | ${usd(report.cost.hourlyUsd)}/h · ${usd(report.cost.monthlyUsd)}/month (at maximum node-group size ${usd(report.cost.maxHourlyUsd)}/h) |`,
    `| weights | ${cell(describeWeightsDownload(plan))} |`,
    `| time to ready | ${cell(describeTimeToReady(plan))} |`,
    `| fits | ${fits(report)} (KV cache ${count(plan.kvCacheTokens)} tokens per replica) |`,
    `| policies | ${policies(report.violations)} |`,
    "",
    "Memory per GPU:",
    "",
    "```text",
    ...renderMemoryBar(plan.memory.perGpuGiB),
    "```",
    "",
    ...(report.performance
      ? [
          `- ${cell(describeStackWorkload(report.performance))}`,
          `- ${cell(describeHosted(report.performance.hosted, report.performance.economics))}`,
        ]
      : []),
    ...(report.measured ? [`- ${cell(describePlannedVsMeasured(report.measured))}`] : []),
    "",
  );
  if (report.violations.length > 0) lines.push("Policy violations:", "", ...violationLines(report.violations), "");
  lines.push(...capacityMarkdown(report));
  lines.push(
    "<details><summary>Why this plan</summary>",
    "",
    ...plan.reasons.map((reason) => `- ${cell(reason)}`),
    "",
    `Cost breakdown: ${describeCost({ ...report.cost, caveats: [] })}.`,
    "",
    "</details>",
    "",
    `Assumptions: ${report.assumptions.join("; ")}.`,
    "",
  );
  return lines;
}

export function renderReportsMarkdown(reports: readonly StackReport[]): string {
  const lines = [
    COMMENT_MARKER,
    "## llm-stack cost",
    "",
    "| stack | model | GPUs | $/hour | $/month | fits | policies |",
    "|---|---|---|---|---|---|---|",
    ...reports.map(
      (r) =>
        `| \`${r.stack}\` | ${cell(modelOf(r))} | ${gpus(r)} | ${r.cost ? usd(r.cost.hourlyUsd) : "—"} | ${r.cost ? usd(r.cost.monthlyUsd) : "—"} | ${fits(r)} | ${policies(r.violations)} |`,
    ),
    "",
  ];
  for (const report of reports) lines.push(...renderStackDetails(report));
  return `${lines.join("\n").trimEnd()}\n`;
}

export function renderDiffMarkdown(changes: readonly StackChange[], base: string): string {
  const moved = changes.filter((c) => c.kind !== "unchanged");
  const header = [COMMENT_MARKER, "## llm-stack cost preview", ""];
  if (moved.length === 0) {
    return `${[...header, `No cost change: ${changes.length} stack(s) evaluated, identical to \`${base}\`.`].join("\n")}\n`;
  }
  const total = moved.reduce((sum, c) => sum + c.monthlyDeltaUsd, 0);
  const newMandatory = moved.reduce((sum, c) => sum + mandatoryCount(c.newViolations), 0);
  const lines = [
    ...header,
    `**${signedUsd(total)}/month** against \`${base}\` across ${moved.length} changed stack(s)${newMandatory > 0 ? ` · ❌ ${newMandatory} new mandatory policy violation(s)` : " · no new mandatory policy violations"}.`,
    "",
    "| stack | change | model | GPUs | $/month | Δ $/month | fits | policies |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const c of moved) {
    const arrow = (before: string, after: string) =>
      c.kind === "added" ? after : c.kind === "removed" ? before : before === after ? after : `${before} → ${after}`;
    lines.push(
      `| \`${c.stack}\` | ${c.kind} | ${cell(arrow(modelOf(c.before), modelOf(c.after)))} | ${arrow(gpus(c.before), gpus(c.after))} | ${arrow(c.before?.cost ? usd(c.before.cost.monthlyUsd) : "—", c.after?.cost ? usd(c.after.cost.monthlyUsd) : "—")} | ${signedUsd(c.monthlyDeltaUsd)} (${signedPercent(c.percent)}) | ${c.after ? fits(c.after) : "—"} | ${c.after ? policies(c.after.violations) : "—"} |`,
    );
  }
  lines.push("");
  for (const c of moved) {
    if (c.newViolations.length > 0 || c.resolvedViolations.length > 0) {
      lines.push(
        `#### \`${c.stack}\`: policy changes`,
        "",
        ...violationLines(c.newViolations, "new: "),
        ...violationLines(c.resolvedViolations, "resolved: "),
        "",
      );
    }
    if (c.after) lines.push(...renderStackDetails(c.after));
    else lines.push(`### \`${c.stack}\` — removed`, "", `Stops ${usd(-c.monthlyDeltaUsd)}/month.`, "");
  }
  const unchanged = changes.filter((c) => c.kind === "unchanged").map((c) => `\`${c.stack}\``);
  if (unchanged.length > 0) lines.push(`Unchanged: ${unchanged.join(", ")}.`, "");
  return `${lines.join("\n").trimEnd()}\n`;
}

export function renderPreviewMarkdown(preview: PreviewCost): string {
  const steps = Object.entries(preview.stepCounts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${n} ${op}`)
    .join(", ");
  const lines = [
    COMMENT_MARKER,
    "## llm-stack cost of `pulumi preview`",
    "",
    `**${preview.unknowns.length > 0 ? "at least " : ""}${signedUsd(preview.monthlyDeltaUsd)}/month**${preview.unknowns.length > 0 ? ` (${preview.unknowns.length} priced resource(s) unknown until apply)` : ""}: ${usd(preview.before.monthlyUsd)} → ${usd(preview.after.monthlyUsd)} (${usd(preview.before.hourlyUsd)}/h → ${usd(preview.after.hourlyUsd)}/h) in ${preview.region}. Steps: ${steps}.`,
    "",
  ];
  if (preview.changes.length > 0)
    lines.push(
      "| step | resource |",
      "|---|---|",
      ...preview.changes.map((c) => `| ${c.op} | \`${c.urn.split("::").pop()}\` (${c.type}) |`),
      "",
    );
  const caveats = [...new Set([...preview.before.caveats, ...preview.after.caveats])];
  if (caveats.length > 0) lines.push(`Prices: ${caveats.join("; ")}.`, "");
  const options = describePreviewOptions(preview);
  if (options.length > 0)
    lines.push(`Capacity options (capacityOption switches between them; the budget holds the dearest): ${options.join("; ")}.`, "");
  if (preview.unknowns.length > 0 || preview.after.unpriced.length > 0) {
    lines.push(
      "Not priced:",
      "",
      ...[...preview.unknowns, ...preview.after.unpriced.map((u) => `${u.what} (${u.fix})`)].map((u) => `- ${u}`),
      "",
    );
  }
  lines.push(`After: ${describeCost({ ...preview.after, caveats: [] }) || "nothing priced"}.`, "");
  if (preview.policies)
    lines.push(
      `Policies applied to the preview (${preview.policies.applied.join(", ")}; the others run in \`pulumi preview --policy-pack\`): ${preview.policies.violations.length === 0 ? "✅ none violated" : ""}`,
      ...violationLines(preview.policies.violations),
      "",
    );
  return `${lines.join("\n").trimEnd()}\n`;
}
