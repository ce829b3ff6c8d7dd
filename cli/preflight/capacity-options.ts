/**
 * Which of a stack's capacity options (its own way of getting GPU nodes and its capacityFallbacks,
 * infra/settings/capacity-options.ts) AWS would let it have now: each option's offering, quota,
 * Capacity Block and spot checks (checks.ts), an outlook per option, and the first obtainable in the
 * stack's order, with the command that deploys it.
 */
import { type StackSettings } from "../../infra/settings";
import { gpuFleet } from "../../infra/settings/served-models";
import {
  CHECK_NAMES,
  NOT_STARTED,
  checkCapacityBlock,
  checkInstanceType,
  checkLaunchNow,
  checkQuota,
  factsRequestFor,
  type CheckResult,
  type PreflightInput,
} from "./checks";
import { type FactsRequest, type PreflightFacts } from "./facts";

/** What an option other than the deployed one needs asked: its nodes' offering, quota, block and spot outlook only. */
export function capacityFactsRequestFor(settings: StackSettings): FactsRequest {
  return { ...factsRequestFor(settings), clusterName: null, kubernetesVersion: null, modelCache: false, capacityBlockOfferings: null };
}

/**
 * What one option's checks say about getting its nodes now: refused by AWS (blocked), a Capacity
 * Block that has not started (waiting), spot AWS scores likely (likely), or nothing against it
 * (open) — on-demand capacity is only known at launch, and a low spot score is no evidence against
 * a one-type request, which AWS scores low by design (LIKELY_SPOT_SCORE).
 */
export type OptionOutlook = "blocked" | "waiting" | "likely" | "open";

/** The checks that decide whether an option's nodes can be had: offering, quota, the block, launch now. */
export function capacityChecks(input: PreflightInput, facts: PreflightFacts): CheckResult[] {
  return [checkInstanceType(input, facts), checkQuota(input, facts), checkCapacityBlock(input, facts), checkLaunchNow(input, facts)];
}

export function optionOutlook(settings: StackSettings, checks: readonly CheckResult[]): OptionOutlook {
  if (checks.some((check) => check.status === "fail")) return "blocked";
  const block = checks.find((check) => check.name === CHECK_NAMES.capacityBlock);
  if (settings.capacity.type === "capacity-block" && block?.status === "warn" && block.detail.includes(NOT_STARTED)) return "waiting";
  const launch = checks.find((check) => check.name === CHECK_NAMES.launchNow);
  return settings.capacity.type === "spot" && launch?.status === "pass" ? "likely" : "open";
}

/**
 * The first option, in the stack's order of preference, that nothing AWS said rules out now (open
 * or likely); else the first waiting for its block; else none. Passes when that is the deployed
 * option, warns with the command that deploys it when it is another, fails when every option is
 * blocked. The stack's order decides, not the evidence: on-demand capacity cannot be read before a
 * launch, so "likely" spot never outranks an open option the stack prefers.
 */
export function checkCapacityOptions(
  options: ReadonlyArray<{ option: number; deployed: boolean; settings: StackSettings; checks: readonly CheckResult[] }>,
): CheckResult {
  const name = CHECK_NAMES.capacityOptions;
  const outlooks = options.map((o) => ({ ...o, outlook: optionOutlook(o.settings, o.checks) }));
  const why = (o: (typeof outlooks)[number]) => {
    const failed = o.checks.filter((check) => check.status === "fail").map((check) => `${check.name}: ${check.detail}`);
    if (failed.length > 0) return failed.join("; ");
    if (o.settings.capacity.type === "on-demand") return "offered and within quota (on-demand capacity is only known at launch)";
    const decisive = o.settings.capacity.type === "spot" ? CHECK_NAMES.launchNow : CHECK_NAMES.capacityBlock;
    return o.checks.find((check) => check.name === decisive)?.detail ?? "";
  };
  const nodes = (o: (typeof outlooks)[number]) => gpuFleet(o.settings).label;
  const detail = outlooks
    .map((o) => `option ${o.option}${o.deployed ? " (deployed)" : ""} ${o.settings.capacity.type} ${nodes(o)}: ${o.outlook} — ${why(o)}`)
    .join("; ");
  const chosen = outlooks.find((o) => o.outlook === "open" || o.outlook === "likely") ?? outlooks.find((o) => o.outlook === "waiting");
  if (!chosen)
    return {
      name,
      status: "fail",
      detail: `no option can be had now: ${detail}`,
      fix: "fix one option's failure above (quota: request an increase; offering: another region), or add a fallback (capacityFallbacks)",
    };
  const first = `first obtainable: option ${chosen.option} (${chosen.settings.capacity.type} ${nodes(chosen)}${chosen.outlook === "waiting" ? ", once its block starts" : ""})`;
  if (chosen.deployed) return { name, status: "pass", detail: `${first}, the deployed one; ${detail}` };
  return {
    name,
    status: "warn",
    detail: `${first}, not the deployed option; ${detail}`,
    fix: `pulumi config set capacityOption ${chosen.option}, then pulumi preview shows the switch (its plan: llm-stack plan --stack <stack>)`,
  };
}
