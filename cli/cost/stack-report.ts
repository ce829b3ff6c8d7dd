/**
 * Adapter stage of the cost pipeline: one stack file → the real program run offline → a typed
 * report (model, GPUs, instances, priced line items, policy results, plan reasons, assumptions).
 * Pricing is the shared priceItems(); policies are the pack's own; nothing here talks to GitHub.
 */
import {
  economicsAt,
  hostedComparison,
  performanceFor,
  withinReplicas,
  type HostedComparison,
  type HostedOffer,
  type Performance,
  type WorkloadEconomics,
} from "../../infra/plan/performance";
import { resolveWorkload } from "../../infra/plan/workload";
import { SECRET_SETTING_KEYS, coerceSettingValue } from "../../infra/settings/keys";
import { modelEntriesOf } from "../../infra/settings/operator-values";
import { resolveStackSettings, type SecretPresence, type StackSettings } from "../../infra/settings";
import { blockTermsOf, capacityOptionRows, type CapacityOptionRow } from "../render/capacity-options";
import { type PackingPlan } from "../../infra/plan/packing";
import { type ModelSet } from "../../infra/settings/model-set";
import { modelSetRows } from "./set-rows";
import { GPUS, HOURS_PER_MONTH, INSTANCES, PRICE_TABLE_DATE, isInstanceType, regionSchema, type Region } from "../../infra/catalog";
import { DEFAULTS, PlanInputError, priceItems, type CapacityBlockTerms, type DeploymentPlan, type StackCost } from "../../infra/plan";
import { PROJECT_NAME } from "../../infra/settings";
import { parseStackFile, type StackFileConfig } from "../../infra/settings/stack-file";
import { formatIssue } from "../../infra/plan/errors";
import { type PolicyResource } from "@pulumi/policy";
import { policyResourcesOf, runPolicies, withDefaultAwsProvider, type PackConfig, type Violation } from "../offline/policy-run";
import { pricingResourcesOf } from "../../infra/pricing/resource-prices";
import { stackCostOf } from "../../infra/pricing/resource-prices";
import { nodeGroupsOf } from "../../policies/lib/stack-view";
import { runProgram, stackConfigFromYaml, type ProgramLoader } from "../offline/program-run";
import { measurementPath, plannedVsMeasured, type PlannedVsMeasured } from "./measured";
import { OPERATOR_PLACEHOLDERS, unsetOperatorValues } from "../../infra/settings/operator-values";

/** Secrets cannot be read offline (and are never committed): a placeholder stands in, marked secret. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-preview-placeholder";

export interface InstanceLine {
  instanceType: string;
  gpusPerNode: number;
  nodes: number;
  maxNodes: number;
}

/** A stack's deployment at its workload: throughput, latency, $/M and the hosted comparison. */
export type StackPerformance = Performance & {
  economics: WorkloadEconomics;
  hosted: HostedComparison;
  /** Whether the stack declares a `workload` (otherwise the defaults, each printed with its source). */
  declared: boolean;
};

/** One model of a set: where it runs, its share of the bill and its $/M at its workload. */
export interface SetModelLine {
  name: string;
  model: string;
  variant: string;
  nodeGroup: string;
  instanceType: string;
  gpus: number;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  replicas: number;
  /** KEDA's range; null when fixed. */
  autoscaling: { minReplicas: number; maxReplicas: number } | null;
  hourlyUsd: number;
  monthlyUsd: number;
  usdPerMillionOutputTokens: number;
  /** Whether its workload is declared (the entry's or the stack's) rather than the defaults. */
  workloadDeclared: boolean;
  /** Its vLLM args: a change to one model shows as that model's change. */
  vllmArgs: string[];
}

/** A set's models and their packing onto node groups. */
export interface SetReport {
  models: SetModelLine[];
  packing: PackingPlan;
}

export interface StackReport {
  stack: string;
  /** invalid: the program refused the config (errors say why); nothing would be created. */
  status: "ok" | "invalid";
  errors: string[];
  model: string | null;
  variant: string | null;
  gpu: { name: string; count: number } | null;
  instances: InstanceLine[];
  cost: StackCost | null;
  /** A one-model stack's plan; null for a set (its models are in `modelSet`) or when not evaluated. */
  plan: DeploymentPlan | null;
  /** A set's models, each with its plan's shape, share of the bill and $/M; null for one model. */
  modelSet: SetReport | null;
  /** The plan's performance, $/M and hosted comparison at the stack's `workload` (or the defaults); null when not evaluated. */
  performance: StackPerformance | null;
  /** The stack's last `vllm bench serve` run (measurements/<stack>.txt) next to the plan's prediction for it; null without one. */
  measured: PlannedVsMeasured | null;
  violations: Violation[];
  /** Every capacity option, each re-planned and priced (test: more than one means capacityFallbacks); [] when not evaluated. */
  capacityOptions: CapacityOptionRow[];
  /** A Capacity Block stack's block: upfront fee over its dates; null otherwise. */
  capacityBlock: CapacityBlockTerms | null;
  assumptions: string[];
}

/** The fields of a report on a stack that was not evaluated (invalid before or in the program run). */
const nothingEvaluated = (): Omit<StackReport, "stack" | "status" | "errors" | "assumptions"> => ({
  model: null,
  variant: null,
  gpu: null,
  instances: [],
  cost: null,
  plan: null,
  modelSet: null,
  performance: null,
  measured: null,
  violations: [],
  capacityOptions: [],
  capacityBlock: null,
});

/**
 * Program runs by their inputs: under mocks the program is a pure function of the stack's name, its
 * config and the secret keys, so a stack evaluated twice in one process — `cost --base` over a stack
 * a change left alone, the same stack in several formats — runs once.
 */
const programRuns = new Map<ProgramLoader | undefined, Map<string, ReturnType<typeof runProgram>>>();

function programRunOf(config: Record<string, string>, options: { stack: string; secretKeys: string[]; load?: ProgramLoader }) {
  let byInputs = programRuns.get(options.load);
  if (!byInputs) programRuns.set(options.load, (byInputs = new Map()));
  const key = JSON.stringify([options.stack, Object.entries(config).sort(), [...options.secretKeys].sort()]);
  let run = byInputs.get(key);
  if (!run) byInputs.set(key, (run = runProgram(config, options)));
  return run;
}

/** The project's keys of a config map, without the `llm-stack:` prefix. */
function projectValues(config: Readonly<Record<string, string>>): Record<string, string> {
  const prefix = `${PROJECT_NAME}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/** The stack's settings resolved as the program resolved them (the run succeeded, so they resolve): a set's models, every capacity option. */
function resolvedSettingsOf(withSecrets: Readonly<Record<string, string>>, region: Region, secretKeys: readonly string[]): StackSettings {
  const presence = Object.fromEntries(
    SECRET_SETTING_KEYS.map((key) => [key, secretKeys.includes(`${PROJECT_NAME}:${key}`) ? "secret" : "unset"]),
  ) as SecretPresence;
  return resolveStackSettings(projectValues(withSecrets), region, presence);
}

/** Each model of a resolved set as the report shows it. */
export function setReportFrom(set: ModelSet): SetReport {
  return {
    models: modelSetRows(set).map(({ model, hourlyUsd, monthlyUsd, economics, workloadDeclared }) => ({
      name: model.name,
      model: model.plan.model,
      variant: model.plan.variant,
      nodeGroup: model.nodeGroup,
      instanceType: model.plan.instanceType,
      gpus: model.plan.replicas * model.plan.gpusPerReplica,
      tensorParallelSize: model.plan.tensorParallelSize,
      pipelineParallelSize: model.plan.pipelineParallelSize,
      replicas: model.plan.replicas,
      autoscaling: model.autoscaling ? { minReplicas: model.autoscaling.minReplicas, maxReplicas: model.autoscaling.maxReplicas } : null,
      hourlyUsd,
      monthlyUsd,
      usdPerMillionOutputTokens: economics.usdPerMillionOutputTokens,
      workloadDeclared,
      vllmArgs: model.plan.vllmArgs,
    })),
    packing: set.packing,
  };
}

/** The plan at the stack's workload (its `workload` key, already validated by the program run, or the defaults). */
function performanceAtWorkload(
  plan: DeploymentPlan,
  text: string | undefined,
  maxReplicasText: string | undefined,
  hosted: HostedOffer | undefined,
): StackPerformance {
  const value = coerceSettingValue("workload", text);
  const declared = value !== null && typeof value === "object" && Object.keys(value).length > 0;
  // An autoscaled stack may run up to maxReplicas (validated by the program run); a fixed one its replicas.
  const maxReplicas = Math.max(plan.replicas, Number(maxReplicasText) || 0);
  const performance = withinReplicas(performanceFor(plan, resolveWorkload(declared ? value : {})), maxReplicas);
  const economics = economicsAt(plan, performance);
  return { ...performance, economics, hosted: hostedComparison(plan, performance, economics, hosted), declared };
}

export interface EvaluateOptions {
  load?: ProgramLoader;
  /** The project directory, where measurements/<stack>.txt is looked for; none: no measurement is read. */
  directory?: string;
  /** Run the program even when this process already ran it with the same inputs (`npm run bench` times every run). */
  freshRun?: boolean;
  /** A hosted price to compare with instead of the dated table's cheapest offer (`--hosted-*-usd-per-million`). */
  hosted?: HostedOffer;
  /** The policy pack config the team runs with (same shape as policies/config.example.json). */
  policyConfig?: PackConfig;
}

function instancesOf(resources: readonly PolicyResource[]): InstanceLine[] {
  return nodeGroupsOf(resources)
    .map((group) => ({
      instanceType: group.instanceType ?? "(unknown)",
      gpusPerNode: group.instanceType && isInstanceType(group.instanceType) ? INSTANCES[group.instanceType].gpuCount : 0,
      nodes: group.desiredSize,
      maxNodes: group.maxSize,
    }))
    .sort((a, b) => b.gpusPerNode - a.gpusPerNode || a.instanceType.localeCompare(b.instanceType));
}

/**
 * The config with the values each operator sets for themselves taken as set (placeholders), each
 * listed among the assumptions.
 */
function withOperatorValues(config: Record<string, string>, secretKeys: string[], assumptions: string[]): Record<string, string> {
  const values = { ...config };
  const key = (name: string) => `${PROJECT_NAME}:${name}`;
  const unprefixed = projectValues(config);
  for (const name of unsetOperatorValues(unprefixed, (secret) => secretKeys.includes(key(secret)))) {
    const placeholder = OPERATOR_PLACEHOLDERS[name];
    if (!placeholder.secret) {
      values[key(name)] = typeof placeholder.value === "string" ? placeholder.value : JSON.stringify(placeholder.value);
      assumptions.push(
        `${key(name)} is taken as set (${name === "clusterPublicAccessCidrs" ? "each operator lists the address pulumi runs from" : "each operator gives their own registry user"})`,
      );
    } else {
      values[key(name)] = OFFLINE_SECRET_PLACEHOLDER;
      secretKeys.push(key(name));
      assumptions.push(`${key(name)} is taken as set (secrets are not read offline)`);
    }
  }
  return values;
}

/** The row of a stack file that could not be read or parsed: the reasons, nothing evaluated. */
export function unreadableStack(stack: string, errors: string[]): StackReport {
  return { stack, status: "invalid", errors, ...nothingEvaluated(), assumptions: [] };
}

export async function evaluateStack(stack: string, yamlText: string, options: EvaluateOptions = {}): Promise<StackReport> {
  let parsed: ReturnType<typeof stackConfigFromYaml>;
  let file: StackFileConfig;
  try {
    file = parseStackFile(stack, yamlText);
    parsed = stackConfigFromYaml(yamlText, stack);
  } catch (error) {
    // A broken stack file is a failed row that names the file and the line, never a crash.
    if (!(error instanceof PlanInputError)) throw error;
    return unreadableStack(stack, error.issues.map(formatIssue));
  }
  if (file.problems.length > 0) return unreadableStack(stack, file.problems.map(formatIssue));
  const { config, secureKeys, errors: cliErrors } = parsed;
  const secretKeys = [...secureKeys];
  const assumptions = [`${HOURS_PER_MONTH} hours per month`, `AWS on-demand prices of ${PRICE_TABLE_DATE}`];
  if (file.regionFrom !== "aws:region") {
    // The AWS provider's fallback, used exactly as it would be (stack-file.ts).
    config["aws:region"] = String(file.region);
    assumptions.push(`aws:region is not set: ${String(file.region)} from ${file.regionFrom}, as the AWS provider would read it`);
  }
  if (file.environments.length > 0)
    assumptions.push(
      `imports Pulumi ESC environment${file.environments.length > 1 ? "s" : ""} ${file.environments.join(", ")}: the values ${file.environments.length > 1 ? "they supply" : "it supplies"} are unknown offline and priced as absent`,
    );
  const withSecrets = withOperatorValues(config, secretKeys, assumptions);
  const region: Region = regionSchema.safeParse(config["aws:region"]).data ?? DEFAULTS.region;
  assumptions.splice(1, 0, `region ${region}`);

  const empty = nothingEvaluated();
  // What the Pulumi CLI refuses never reaches the program.
  if (cliErrors.length > 0) return { stack, status: "invalid", errors: cliErrors, ...empty, assumptions };
  const run = options.freshRun
    ? await runProgram(withSecrets, { stack, secretKeys, load: options.load })
    : await programRunOf(withSecrets, { stack, secretKeys, load: options.load });
  if (run.error !== undefined) {
    const message = run.error instanceof Error ? run.error.message : String(run.error);
    return { stack, status: "invalid", errors: message.split("\n").filter((line) => line.trim().length > 0), ...empty, assumptions };
  }

  const values = projectValues(config);
  const policyResources = policyResourcesOf(run.resources);
  const instances = instancesOf(policyResources);
  const cost = stackCostOf(pricingResourcesOf(policyResources), region);
  // A price assumed from another region, or a stale one, is said wherever the cost is.
  assumptions.push(...cost.caveats);
  const settings = resolvedSettingsOf(withSecrets, region, secretKeys);
  const capacity = { capacityOptions: capacityOptionRows(settings), capacityBlock: blockTermsOf(settings) };
  // A set (its program run succeeded, so `models` holds its entries).
  if (modelEntriesOf(values).length > 0) {
    if (!settings.modelSet) throw new Error("a stack with models resolved to one model");
    const set = setReportFrom(settings.modelSet);
    return {
      stack,
      status: "ok",
      errors: [],
      model: `${set.models.length} models`,
      variant: set.models.map((m) => m.name).join(", "),
      gpu: { name: GPUS[set.packing.nodeGroups[0]!.gpu].displayName, count: set.models.reduce((total, m) => total + m.gpus, 0) },
      instances,
      cost,
      plan: null,
      modelSet: set,
      performance: null,
      measured: null,
      violations: await runPolicies(withDefaultAwsProvider(run.resources, region), options.policyConfig ?? {}),
      ...capacity,
      assumptions,
    };
  }
  // The deployed option's plan (capacityOption may name a fallback): what `pulumi up` runs.
  if (settings.modelSet) throw new Error("a stack without models resolved to a set");
  const plan = settings.plan;
  let measured: PlannedVsMeasured | null = null;
  try {
    measured = options.directory === undefined ? null : plannedVsMeasured(options.directory, stack, plan);
  } catch (error) {
    // A measurement file that is not a `vllm bench serve` output makes the row invalid, naming the file.
    return { stack, status: "invalid", errors: [`${measurementPath(stack)}: ${(error as Error).message}`], ...empty, assumptions };
  }
  return {
    stack,
    status: "ok",
    errors: [],
    model: plan.model,
    variant: plan.variant,
    gpu: { name: GPUS[plan.gpu].displayName, count: plan.replicas * plan.gpusPerReplica },
    instances,
    cost,
    plan,
    modelSet: null,
    performance: performanceAtWorkload(plan, config[`${PROJECT_NAME}:workload`], config[`${PROJECT_NAME}:maxReplicas`], options.hosted),
    measured,
    violations: await runPolicies(withDefaultAwsProvider(run.resources, region), options.policyConfig ?? {}),
    ...capacity,
    assumptions,
  };
}
