/**
 * The only reader of stack configuration. Reads every key declared in infra/settings/keys.ts and
 * `aws:region`, validates them through the catalog's and planner's schemas
 * (infra/settings/resolve.ts) and throws one error naming every problem — before the program
 * registers any resource. Secret keys are read only as Pulumi secrets; the validator learns just
 * whether each is unset, an encrypted secret, or (refused) plain text.
 */
import { MISSING_REGION_ISSUE, providerRegion } from "./settings/aws-region";
import * as pulumi from "@pulumi/pulumi";
import { PlanInputError, type InputIssue } from "./plan";
import { PROJECT_NAME, resolveStackSettings, type SecretPresence, type SecretState, type StackSettings } from "./settings";
import { PLAIN_SETTING_KEYS, SECRET_SETTING_KEYS, type SecretSettingKey } from "./settings/keys";
import { configKeyIssues } from "./settings/stack-keys";

// pulumi.runtime's isConfigSecret (sdk/nodejs/runtime/config.ts) is exported at run time but not
// in @pulumi/pulumi 3.248's type declarations: whether the CLI passed the key as an encrypted value.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

export interface StackConfig {
  settings: StackSettings;
  /** Pulumi secrets, or undefined when unset. */
  hfToken: pulumi.Output<string> | undefined;
  kubeconfig: pulumi.Output<string> | undefined;
  /** The tokens ECR's pull-through cache rules pull with (settings.images says which the stack needs). */
  registryTokens: { dockerHub: pulumi.Output<string> | undefined; github: pulumi.Output<string> | undefined };
}

/**
 * Every problem with the stack config, as a Pulumi RunError: the CLI prints the message alone,
 * without the stack trace an unhandled error would show, and exits non-zero with nothing created.
 */
export class StackConfigError extends pulumi.RunError {
  override readonly name = "StackConfigError";
  readonly exitCode = 2;
  constructor(
    readonly issues: readonly InputIssue[],
    message: string,
  ) {
    super(message);
  }
}

/** Unset, or the empty default the Pulumi CLI applies from Pulumi.yaml: both mean "no value". */
function secretState(key: string): SecretState {
  // Presence only: pulumi.runtime.getConfig does not unwrap the value into any output or log.
  const value = pulumi.runtime.getConfig(`${PROJECT_NAME}:${key}`);
  if (value === undefined || value === "") return "unset";
  return runtimeConfig.isConfigSecret(`${PROJECT_NAME}:${key}`) ? "secret" : "plaintext";
}

export function readConfig(): StackConfig {
  const config = new pulumi.Config(PROJECT_NAME);
  const values: Record<string, unknown> = {};
  for (const key of PLAIN_SETTING_KEYS) {
    const value = config.get(key);
    if (value !== undefined) values[key] = value;
  }
  const secrets = Object.fromEntries(SECRET_SETTING_KEYS.map((key) => [key, secretState(key)])) as SecretPresence;
  const entries = Object.keys(pulumi.runtime.allConfig()).map((key) => ({ key, secure: runtimeConfig.isConfigSecret(key) }));
  // The region the AWS provider deploys to: aws:region, else AWS_REGION, AWS_DEFAULT_REGION or the
  // profile's region (settings/aws-region.ts). Planning and pricing follow it; without any, the
  // program says so before creating anything.
  const region = new pulumi.Config("aws").get("region") ?? providerRegion(pulumi.runtime.allConfig())?.region;
  const regionIssues = region === undefined ? [MISSING_REGION_ISSUE] : [];
  let settings: StackSettings;
  try {
    settings = resolveStackSettings(values, region, secrets, [...regionIssues, ...configKeyIssues(entries)]);
  } catch (error) {
    if (error instanceof PlanInputError) throw new StackConfigError(error.issues, error.message);
    throw error;
  }
  const secret = (key: SecretSettingKey) => (secrets[key] === "secret" ? config.requireSecret(key) : undefined);
  return {
    settings,
    hfToken: secret("hfToken"),
    kubeconfig: secret("kubeconfig"),
    registryTokens: { dockerHub: secret("dockerHubAccessToken"), github: secret("githubToken") },
  };
}
