/** Terminal renderer of cost reports and diffs. */
import { describeBlock, describePreviewOptions, renderCapacityOptionsText } from "./capacity-options";
import { renderMemoryBar } from "./memory-bar";
import { describeHosted, describePlannedVsMeasured, describeStackWorkload } from "./performance-text";
import { costRange, costVaries, signedPercent, signedUsd, textTable, usd } from "./format";
import { HOURS_PER_MONTH } from "../../infra/catalog";
import { type StackChange } from "../cost/stack-diff";
import { type PreviewCost } from "../cost/from-preview";
import { type StackReport } from "../cost/stack-report";

const table = textTable;

const gpus = (r: StackReport | null) => (r?.gpu ? `${r.gpu.count} × ${r.gpu.name}` : "-");
const model = (r: StackReport | null) => (r?.model ? `${r.model} (${r.variant})` : r?.status === "invalid" ? "invalid config" : "-");
const violationsText = (r: StackReport) =>
  r.violations.length === 0
    ? "none"
    : `${r.violations.filter((v) => v.level === "mandatory").length} mandatory, ${r.violations.filter((v) => v.level !== "mandatory").length} advisory`;

/** A set's models (name, where, share, $/M) and its node groups with their idle GPUs. */
export function setLines(set: NonNullable<StackReport["modelSet"]>): string[][] {
  return [
    ["name", "model", "GPUs", "replicas", "node group", "$/hour", "$/month", "$/M output"],
    ...set.models.map((m) => [
      m.name,
      `${m.model} (${m.variant})`,
      `${m.gpus} (TP ${m.tensorParallelSize} × PP ${m.pipelineParallelSize})`,
      m.autoscaling ? `${m.autoscaling.minReplicas}–${m.autoscaling.maxReplicas}` : String(m.replicas),
      `${m.nodeGroup} (${m.instanceType})`,
      usd(m.hourlyUsd),
      usd(m.monthlyUsd),
      `${usd(m.usdPerMillionOutputTokens)}${m.workloadDeclared ? "" : "*"}`,
    ]),
    [
      "idle GPUs",
      "",
      String(set.packing.idleGpus),
      "",
      "",
      usd(set.packing.idleHourlyUsd),
      usd(set.packing.idleHourlyUsd * HOURS_PER_MONTH),
      "",
    ],
  ];
}

function setDetails(report: StackReport, set: NonNullable<StackReport["modelSet"]>, cost: NonNullable<StackReport["cost"]>): string[] {
  return [
    `${report.stack}: ${model(report)} on ${gpus(report)}, ${report.instances.map((i) => `${i.nodes} × ${i.instanceType}${i.maxNodes !== i.nodes ? ` (max ${i.maxNodes})` : ""}`).join(", ")}`,
    costVaries(cost)
      ? `  cost ${costRange(cost)}; the budget is checked at max`
      : `  cost ${usd(cost.hourlyUsd)}/h, ${usd(cost.monthlyUsd)}/month`,
    ...table(setLines(set)).map((line) => `  ${line}`),
    ...(set.models.some((m) => !m.workloadDeclared)
      ? ["  * at vllm bench serve's default lengths and no load (no workload declared)"]
      : []),
    ...report.violations.map((v) => `  ! ${v.policy} (${v.level}): ${v.message}`),
    ...set.packing.reasons.map((reason) => `  · ${reason}`),
    ...capacityLines(report),
    `  assumptions: ${report.assumptions.join("; ")}`,
    "",
  ];
}

/** A Capacity Block's upfront fee and every capacity option, when the stack has them. */
function capacityLines(report: StackReport): string[] {
  return [
    ...(report.capacityBlock ? [`  capacity block ${describeBlock(report.capacityBlock)}`] : []),
    ...renderCapacityOptionsText(report.capacityOptions),
  ];
}

function details(report: StackReport): string[] {
  if (report.status === "ok" && report.modelSet && report.cost) return setDetails(report, report.modelSet, report.cost);
  if (report.status === "invalid" || !report.plan || !report.cost)
    return [`${report.stack}: refused, nothing would be created`, ...report.errors.map((e) => `  ${e}`), ""];
  return [
    `${report.stack}: ${model(report)} on ${gpus(report)}, ${report.instances.map((i) => `${i.nodes} × ${i.instanceType}${i.maxNodes !== i.nodes ? ` (max ${i.maxNodes})` : ""}`).join(", ") || "existing cluster"}`,
    costVaries(report.cost)
      ? `  cost ${costRange(report.cost)}; the budget is checked at max`
      : `  cost ${usd(report.cost.hourlyUsd)}/h, ${usd(report.cost.monthlyUsd)}/month`,
    ...renderMemoryBar(report.plan.memory.perGpuGiB).map((line) => `  ${line}`),
    ...(report.performance
      ? [
          `  - ${describeStackWorkload(report.performance)}`,
          `  - ${describeHosted(report.performance.hosted, report.performance.economics)}`,
        ]
      : []),
    ...(report.measured ? [`  - ${describePlannedVsMeasured(report.measured)}`] : []),
    ...report.violations.map((v) => `  ! ${v.policy} (${v.level}): ${v.message}`),
    ...report.plan.reasons.map((reason) => `  · ${reason}`),
    ...capacityLines(report),
    `  assumptions: ${report.assumptions.join("; ")}`,
    "",
  ];
}

export function renderReportsTable(reports: readonly StackReport[]): string {
  const rows = [["stack", "model", "GPUs", "$/hour", "$/month", "policy violations"]];
  for (const r of reports)
    rows.push([
      r.stack,
      model(r),
      gpus(r),
      r.cost ? usd(r.cost.hourlyUsd) : "-",
      r.cost ? usd(r.cost.monthlyUsd) : "-",
      r.status === "ok" ? violationsText(r) : "-",
    ]);
  return `${[...table(rows), "", ...reports.flatMap(details)].join("\n").trimEnd()}\n`;
}

export function renderDiffTable(changes: readonly StackChange[], base: string): string {
  const moved = changes.filter((c) => c.kind !== "unchanged");
  if (moved.length === 0) return `No cost change: ${changes.length} stack(s) evaluated, identical to ${base}.\n`;
  const rows = [["stack", "change", "model", "GPUs", "$/month", "delta"]];
  for (const c of moved) {
    rows.push([
      c.stack,
      c.kind,
      `${model(c.before)} -> ${model(c.after)}`,
      `${gpus(c.before)} -> ${gpus(c.after)}`,
      `${c.before?.cost ? usd(c.before.cost.monthlyUsd) : "-"} -> ${c.after?.cost ? usd(c.after.cost.monthlyUsd) : "-"}`,
      `${signedUsd(c.monthlyDeltaUsd)} (${signedPercent(c.percent)})`,
    ]);
  }
  const violations = moved.flatMap((c) => [
    ...c.newViolations.map((v) => `${c.stack}: new ${v.policy} (${v.level}): ${v.message}`),
    ...c.resolvedViolations.map((v) => `${c.stack}: resolved ${v.policy}`),
  ]);
  return `${[`against ${base}:`, ...table(rows), "", ...violations, ...(violations.length > 0 ? [""] : []), ...moved.flatMap((c) => (c.after ? details(c.after) : []))].join("\n").trimEnd()}\n`;
}

export function renderPreviewTable(preview: PreviewCost): string {
  return `${[
    `pulumi preview in ${preview.region}: ${usd(preview.before.monthlyUsd)}/month -> ${usd(preview.after.monthlyUsd)}/month (${preview.unknowns.length > 0 ? "at least " : ""}${signedUsd(preview.monthlyDeltaUsd)})`,
    ...preview.changes.map((c) => `  ${c.op.padEnd(18)} ${c.urn.split("::").pop()} (${c.type})`),
    ...[...preview.unknowns, ...preview.after.unpriced.map((u) => `${u.what} (${u.fix})`)].map((u) => `  not priced: ${u}`),
    ...[...new Set([...preview.before.caveats, ...preview.after.caveats])].map((caveat) => `  prices: ${caveat}`),
    ...describePreviewOptions(preview).map((line) => `  capacity ${line}`),
    ...(preview.policies
      ? [
          `policies applied to the preview: ${preview.policies.applied.join(", ")} (the others run in \`pulumi preview --policy-pack\`)${preview.policies.violations.length === 0 ? ": none violated" : ""}`,
          ...preview.policies.violations.map((v) => `  ! ${v.policy} (${v.level}): ${v.message}`),
        ]
      : []),
  ].join("\n")}\n`;
}
