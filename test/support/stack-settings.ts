/** A completed dev stack's values, and the problems resolveStackSettings finds in a variant of them. */
import { PlanInputError, type InputIssue } from "../../infra/plan";
import { resolveStackSettings } from "../../infra/settings";
import { type OneModelSettings, type StackSettings } from "../../infra/settings/deployment";

export const SECRETS = { hfToken: "secret", kubeconfig: "unset", dockerHubAccessToken: "secret", githubToken: "secret" } as const;

/** Pulumi.dev.yaml as an operator completes it: Llama 3.1 8B on one p5.4xlarge ($6.88/h). */
export const DEV = {
  model: "llama-3.1-8b-instruct",
  maxModelLen: "32768",
  clusterPublicAccessCidrs: '["198.51.100.7/32"]',
  dockerHubUsername: "operator",
  githubUsername: "operator",
};

export function issuesOf(values: Record<string, unknown>, region = "us-east-1"): InputIssue[] {
  try {
    resolveStackSettings(values, region, SECRETS);
  } catch (error) {
    if (error instanceof PlanInputError) return [...error.issues];
    throw error;
  }
  return [];
}

/** A one-model stack's settings (its plan and range), or a failure naming the set it resolved to instead. */
export function oneModel(settings: StackSettings): OneModelSettings {
  if (settings.modelSet) throw new Error(`expected a one-model stack, got a set of ${settings.modelSet.models.length}`);
  return settings;
}
