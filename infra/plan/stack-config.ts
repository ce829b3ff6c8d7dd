/**
 * The stack configuration's planning keys (`llm-stack:*` in Pulumi.<stack>.yaml, declared in
 * Pulumi.yaml) and their translation into a plan request. Pure: both infra/config.ts (which reads
 * pulumi.Config) and the CLI's `--stack` (which reads the YAML file) go through it, so the two
 * can never disagree about what a stack means.
 */
import { PlanInputError, type InputIssue } from "./errors";
import { planDeployment, type DeploymentPlan, type PlanOptions } from "./planner";
import { type PlanRequest } from "./request";

/** Pulumi project name: the namespace of every config key. */
export const PROJECT_NAME = "llm-stack";

/** Stack config key → plan request field, for the keys whose values are numbers. */
const NUMBER_KEYS = ["maxModelLen", "concurrency", "replicas", "tensorParallelSize", "gpuMemoryUtilization"] as const;
const STRING_KEYS = ["model", "quantization", "gpu", "kvCacheDtype"] as const;

/**
 * `pulumi config set` stores every value as a string ("32768"); a hand-written stack file may hold
 * a YAML number. Both mean the same; anything else is reported as it was written.
 */
function coerceNumber(value: unknown): unknown {
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

function coerceList(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return trimmed.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
}

/**
 * @param values config keys without the project prefix (`model`, `maxModelLen`, …)
 * @param region the stack's `aws:region`
 */
export function planRequestFromStackConfig(values: Readonly<Record<string, unknown>>, region: unknown): PlanRequest {
  const request: Record<string, unknown> = {};
  for (const key of STRING_KEYS) if (values[key] !== undefined) request[key] = values[key];
  for (const key of NUMBER_KEYS) if (values[key] !== undefined) request[key] = coerceNumber(values[key]);
  if (values.allowedInstanceTypes !== undefined) request.allowedInstanceTypes = coerceList(values.allowedInstanceTypes);
  if (region !== undefined) request.region = region;
  return request as PlanRequest;
}

/**
 * Plans a stack from its config values, reporting problems with stack-config paths
 * (`llm-stack:maxModelLen`, `aws:region`) so the user knows which key to edit.
 */
export function planStack(values: Readonly<Record<string, unknown>>, region: unknown, options?: PlanOptions): DeploymentPlan {
  try {
    return planDeployment(planRequestFromStackConfig(values, region), options);
  } catch (error) {
    if (error instanceof PlanInputError) throw new PlanInputError(error.issues.map(toStackPath), "invalid stack configuration");
    throw error;
  }
}

export function toStackPath(issue: InputIssue): InputIssue {
  const path = issue.path === "region" ? "aws:region" : `${PROJECT_NAME}:${issue.path}`;
  return { ...issue, path };
}
