/**
 * The stack's capacity options as `plan --stack`, `cost` and the PR comment show them: each option
 * (the stack's own, then its capacityFallbacks) with what it deploys, how it is bought and what it
 * costs, and a Capacity Block's upfront fee over its dates. Data first (capacityOptionRows), then
 * the text and Markdown renderings of the same rows.
 */
import { capacityBlockTerms, type CapacityBlockTerms } from "../../infra/plan";
import { type StackSettings } from "../../infra/settings";
import { gpuFleet } from "../../infra/settings/served-models";
import { parseVllmArgs } from "../../infra/vllm";
import { count, usd, utc } from "./format";
import { type OptionCost } from "../../infra/pricing/capacity-options-record";

export interface CapacityOptionRow {
  option: number;
  deployed: boolean;
  capacityType: string;
  /** "1 × p5.4xlarge, TP 1 × PP 1, 32,768 tokens" (one model) or "1 × p5.48xlarge + 1 × p5.4xlarge for 4 models" (a set). */
  deploys: string;
  hourlyUsd: number;
  maxHourlyUsd: number;
  /** Items the option buys that the snapshot cannot price: its cost is not proven. */
  unpriced: string[];
  caveats: string[];
  /** vLLM arguments where they differ from the deployed option's (one model): `--flag=old → new`, `--flag=value (added)`, `--flag (dropped)`; else []. */
  vllmArgsChanged: string[];
  capacityBlock: CapacityBlockTerms | null;
}

function deploysOf(settings: StackSettings): string {
  if (settings.modelSet) {
    const groups = settings.modelSet.packing.nodeGroups.map((group) => `${group.nodes} × ${group.instanceType}`).join(" + ");
    return `${groups} for ${settings.modelSet.models.length} models`;
  }
  const { plan } = settings;
  return `${plan.nodes} × ${plan.instanceType}, TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize}, ${plan.quantization}, ${count(plan.maxModelLen)} tokens`;
}

/** The block a capacity-block option buys, from its dates and its GPU nodes at their maximum. */
export function blockTermsOf(settings: StackSettings): CapacityBlockTerms | null {
  const { capacity } = settings;
  if (capacity.type !== "capacity-block") return null;
  // A block's stack has one GPU instance type (resolve refuses a set across two); every group runs in the block, at its maximum.
  const fleet = gpuFleet(settings);
  return capacityBlockTerms(fleet.instanceTypes[0]!, settings.region, fleet.maxNodes, capacity.startDate, capacity.endDate) ?? null;
}

/** The flags whose values differ between two vLLM argument lists, in the option's order, then those it drops. */
function argsChanged(deployed: readonly string[], option: readonly string[]): string[] {
  // Read as vLLM reads them (infra/vllm): a bare flag is "true".
  const before = new Map(Object.entries(parseVllmArgs(deployed)));
  const after = new Map(Object.entries(parseVllmArgs(option)));
  return [
    ...[...after].flatMap(([flag, value]) =>
      !before.has(flag) ? [`--${flag}=${value} (added)`] : before.get(flag) !== value ? [`--${flag}=${before.get(flag)} → ${value}`] : [],
    ),
    ...[...before.keys()].filter((flag) => !after.has(flag)).map((flag) => `--${flag} (dropped)`),
  ];
}

export function capacityOptionRows(settings: StackSettings): CapacityOptionRow[] {
  const deployedArgs = settings.modelSet ? [] : settings.plan.vllmArgs;
  return settings.capacityOptions.map(({ option, deployed, settings: o }) => ({
    option,
    deployed,
    capacityType: o.capacity.type,
    deploys: deploysOf(o),
    hourlyUsd: o.cost.hourlyUsd,
    maxHourlyUsd: o.cost.maxHourlyUsd,
    unpriced: o.cost.unpriced.map((u) => u.what),
    caveats: o.cost.caveats,
    vllmArgsChanged: o.modelSet ? [] : argsChanged(deployedArgs, o.plan.vllmArgs),
    capacityBlock: blockTermsOf(o),
  }));
}

/** "$5,814.48 up front for 1 × p5.48xlarge, 2026-12-10 11:30 UTC to 2026-12-17 11:30 UTC (168 h): $34.61/h over the block, …" */
export function describeBlock(terms: CapacityBlockTerms): string {
  const against =
    terms.onDemandHourlyUsd === undefined
      ? ""
      : `; on demand the same nodes are ${usd(terms.onDemandHourlyUsd)}/h, so the block pays off above ${Math.round((100 * terms.hourlyEquivalentUsd) / terms.onDemandHourlyUsd)} % use`;
  return `${usd(terms.upfrontUsd)} up front for ${terms.instances} × ${terms.instanceType}, ${utc(terms.startDate)} to ${utc(terms.endDate)} (${count(terms.hours)} h at ${usd(terms.perInstanceHourUsd)} per instance-hour): ${usd(terms.hourlyEquivalentUsd)}/h over the block, paid whatever runs${against}`;
}

/** The dearest option at its maximum: what the budget is compared with. */
export function dearestOption(rows: readonly CapacityOptionRow[]): CapacityOptionRow {
  return [...rows].sort((a, b) => b.maxHourlyUsd - a.maxHourlyUsd || a.option - b.option)[0]!;
}

/** Text lines for `plan --stack` and `cost`: one per option, the deployed one marked. */
export function renderCapacityOptionsText(rows: readonly CapacityOptionRow[], indent = "  "): string[] {
  if (rows.length <= 1) return [];
  const deployedCaveats = new Set(rows.find((row) => row.deployed)?.caveats ?? []);
  return [
    `${indent}capacity options, in order (capacityOption deploys one; \`llm-stack preflight\` names the first obtainable; the budget holds the dearest):`,
    ...rows.map(
      (row) =>
        `${indent}  ${row.option}${row.deployed ? " (deployed)" : ""} ${row.capacityType}: ${row.deploys}; ${usd(row.hourlyUsd)}/h, ${usd(row.maxHourlyUsd)}/h at most${row.unpriced.length > 0 ? `; not priced: ${row.unpriced.join("; ")}` : ""}${row.vllmArgsChanged.length > 0 ? `; vLLM args against the deployed option's: ${row.vllmArgsChanged.join(", ")}` : ""}`,
    ),
    // What the other options' prices rest on (the deployed option's caveats are the stack's own, said with its cost).
    ...rows.flatMap((row) =>
      row.deployed
        ? []
        : row.caveats
            .filter((caveat) => !deployedCaveats.has(caveat))
            .map((caveat) => `${indent}  prices of option ${row.option}: ${caveat}`),
    ),
  ];
}

/** The same rows as a Markdown table for the PR comment. */
export function renderCapacityOptionsMarkdown(rows: readonly CapacityOptionRow[]): string[] {
  if (rows.length <= 1) return [];
  return [
    "| Option | Bought | Deploys | $/h | $/h at most | vLLM args that change |",
    "|---|---|---|---:|---:|---|",
    ...rows.map(
      (row) =>
        `| ${row.option}${row.deployed ? " (deployed)" : ""} | ${row.capacityType} | ${row.deploys} | ${usd(row.hourlyUsd)} | ${usd(row.maxHourlyUsd)}${row.unpriced.length > 0 ? " (not all priced)" : ""} | ${row.vllmArgsChanged.map((arg) => `\`${arg}\``).join(", ") || "—"} |`,
    ),
    "",
  ];
}

/** A preview's recorded capacity options in words: "option 3 (on-demand p5en.48xlarge) $127.34/h at most", or why they cannot be read. */
export function describePreviewOptions(preview: { capacityOptions?: readonly OptionCost[] }): string[] {
  return (preview.capacityOptions ?? []).map((o) =>
    "unreadable" in o
      ? `cannot be read: ${o.unreadable}`
      : `${o.label}${o.deployed ? " (deployed)" : ""} ${usd(o.cost.maxHourlyUsd)}/h at most${o.cost.unpriced.length > 0 ? " (not all priced)" : ""}`,
  );
}
