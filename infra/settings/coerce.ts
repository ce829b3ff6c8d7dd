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
import { SIZING_KEYS, coerceSettingValue, withoutUnsetMarkers, type SizingKey } from "./keys";

export { SIZING_KEYS, coerceList, coerceNumber, type SizingKey } from "./keys";

/** Pulumi project name: the namespace of every config key. */
export const PROJECT_NAME = "llm-stack";

/** One sizing value as a stack file or a command-line flag gives it (its row's coercion). */
export const coerceSizingValue = (key: SizingKey, value: unknown): unknown => coerceSettingValue(key, value);

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
