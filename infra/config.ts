/**
 * The only reader of stack configuration. Reads every declared `llm-stack:*` key and `aws:region`,
 * validates them through the catalog's and planner's schemas (infra/plan/stack-config.ts) and
 * throws one error naming every problem — before the program registers any resource.
 * Secret keys are read only as Pulumi secrets; the validator learns just whether they are set.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlanInputError, PROJECT_NAME, resolveStackSettings, type InputIssue, type StackSettings } from "./plan";

/** Every plain key declared in Pulumi.yaml (secret keys are read separately below). */
const PLAIN_KEYS = [
  "model", "quantization", "gpu", "maxModelLen", "concurrency", "replicas", "allowedInstanceTypes",
  "tensorParallelSize", "gpuMemoryUtilization", "kvCacheDtype", "capacityType", "capacityReservationId",
  "cluster", "nodeSubnetIds", "clusterEndpointAccess", "clusterPublicAccessCidrs", "vllmImage",
  "maxHourlyUsd", "namespace", "exposure", "allowedClientNamespaces",
] as const;
export const SECRET_KEYS = ["hfToken", "kubeconfig"] as const;

export interface StackConfig {
  settings: StackSettings;
  /** Pulumi secrets, or undefined when unset. */
  hfToken: pulumi.Output<string> | undefined;
  kubeconfig: pulumi.Output<string> | undefined;
}

/**
 * Every problem with the stack config, as a Pulumi RunError: the CLI prints the message alone,
 * without the stack trace an unhandled error would show, and exits non-zero with nothing created.
 */
export class StackConfigError extends pulumi.RunError {
  override readonly name = "StackConfigError";
  readonly exitCode = 2;
  constructor(readonly issues: readonly InputIssue[], message: string) {
    super(message);
  }
}

export function readConfig(): StackConfig {
  const config = new pulumi.Config(PROJECT_NAME);
  const values: Record<string, unknown> = {};
  for (const key of PLAIN_KEYS) {
    const value = config.get(key);
    if (value !== undefined) values[key] = value;
  }
  // Presence only: pulumi.runtime.getConfig does not unwrap the value into any output or log.
  const isSet = (key: string) => pulumi.runtime.getConfig(`${PROJECT_NAME}:${key}`) !== undefined;
  let settings: StackSettings;
  try {
    settings = resolveStackSettings(values, new pulumi.Config("aws").get("region"), { hfToken: isSet("hfToken"), kubeconfig: isSet("kubeconfig") });
  } catch (error) {
    if (error instanceof PlanInputError) throw new StackConfigError(error.issues, error.message);
    throw error;
  }
  return { settings, hfToken: config.getSecret("hfToken"), kubeconfig: config.getSecret("kubeconfig") };
}
