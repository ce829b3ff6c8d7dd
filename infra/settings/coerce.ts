/**
 * Stack config values as the planner reads them: text (what `pulumi config set` stores and CLI
 * flags carry) or YAML values, coerced one way for every entry point, and the issue paths in the
 * stack's own terms (`llm-stack:maxModelLen`, `aws:region`).
 */
import {
  InfeasiblePlanError,
  PlanInputError,
  planDeployment,
  type DeploymentPlan,
  type InputIssue,
  type PlanOptions,
  type PlanRequest,
} from "../plan";
import { withoutUnsetMarkers } from "./keys";

/** Pulumi project name: the namespace of every config key. */
export const PROJECT_NAME = "llm-stack";

const NUMBER_KEYS = ["maxModelLen", "concurrency", "replicas", "maxNodes", "tensorParallelSize", "gpuMemoryUtilization"] as const;
const STRING_KEYS = ["model", "quantization", "gpu", "kvCacheDtype", "multiNode", "weightsSource"] as const;
const LIST_KEYS = ["allowedInstanceTypes"] as const;

/** The settings keys the planner reads (sizing), in the order `llm-stack plan --help` lists them as flags. */
export const SIZING_KEYS = [
  "model",
  "quantization",
  "gpu",
  "maxModelLen",
  "concurrency",
  "replicas",
  "maxNodes",
  "allowedInstanceTypes",
  "tensorParallelSize",
  "gpuMemoryUtilization",
  "kvCacheDtype",
  "multiNode",
  "weightsSource",
] as const satisfies ReadonlyArray<(typeof NUMBER_KEYS)[number] | (typeof STRING_KEYS)[number] | (typeof LIST_KEYS)[number]>;
export type SizingKey = (typeof SIZING_KEYS)[number];

/**
 * `pulumi config set` stores every value as a string ("32768"); a hand-written stack file may hold
 * a YAML number; a CLI flag is text too. All mean the same, in one number syntax (`0.9`, `.9`, `+2`,
 * `-3` — a negative is then reported like any other bad value); anything else is passed on as
 * written and reported.
 */
export function coerceNumber(value: unknown): unknown {
  if (typeof value === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) return Number(value);
  return value;
}

/** Arrays arrive as JSON (`pulumi config set --path` or a YAML list read back as JSON) or as a comma-separated string. */
export function coerceList(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return trimmed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** One sizing value as a stack file or a command-line flag gives it: numbers and lists coerced, the rest as written. */
export function coerceSizingValue(key: SizingKey, value: unknown): unknown {
  if ((NUMBER_KEYS as readonly string[]).includes(key)) return coerceNumber(value);
  if ((LIST_KEYS as readonly string[]).includes(key)) return coerceList(value);
  return value;
}

/**
 * @param values config keys without the project prefix (`model`, `maxModelLen`, …)
 * @param region the stack's `aws:region`
 */
export function planRequestFromStackConfig(given: Readonly<Record<string, unknown>>, region: unknown): PlanRequest {
  const values = withoutUnsetMarkers(given);
  const request: Record<string, unknown> = {};
  for (const key of SIZING_KEYS) if (values[key] !== undefined) request[key] = coerceSizingValue(key, values[key]);
  if (region !== undefined) request.region = region;
  // A kubeconfig cluster's AWS side (Pod Identity, the VPC's routes) is not the stack's: its
  // servers download from Hugging Face unless the stack says otherwise (and planIssues refuses s3 there).
  if (request.weightsSource === undefined && values.cluster === "kubeconfig") request.weightsSource = "huggingface";
  return request as PlanRequest;
}

export function toStackPath(issue: InputIssue): InputIssue {
  if (issue.path.includes(":")) return issue;
  const path = issue.path === "region" ? "aws:region" : `${PROJECT_NAME}:${issue.path}`;
  return { ...issue, path };
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
