/**
 * A stack file resolved the way `pulumi up` would resolve it, for the tools that read stack files
 * (`plan --stack`, `preflight`): the same keys check and the same resolution as the program, with
 * the values each operator adds before `pulumi up` (their token, their allowlist) taken as set when
 * the file lacks them — and listed, so the tool can say so.
 */
import { OPERATOR_PLACEHOLDERS, unsetOperatorValues, type OperatorKey } from "./operator-values";
import { type SecretPresence, type SecretState, type StackSettings } from "./deployment";
import { resolveStackSettings } from "./resolve";
import { isSecure, type StackFileConfig } from "./stack-file";
import { configKeyIssues } from "./stack-keys";
import { SECRET_SETTING_KEYS } from "./keys";
import { PlanInputError, type InputIssue } from "../plan";
import { PROJECT_NAME } from "./coerce";
import { applyProjectConfig, projectConfigFromSettings } from "./pulumi-cli";

/**
 * Secret values are not needed offline, so a secret counts as set unless the file holds it in plain
 * text (refused, as the program refuses it); a missing one is reported among `missing`.
 */
function secretPresence(values: Readonly<Record<string, unknown>>): SecretPresence {
  // Anything written in the file that is not the CLI's encrypted form — text, a number, a list — is in plain text.
  const state = (value: unknown): SecretState =>
    value === undefined || value === null || value === "" || isSecure(value) ? "secret" : "plaintext";
  return Object.fromEntries(SECRET_SETTING_KEYS.map((key) => [key, state(values[key])])) as SecretPresence;
}

export interface ResolvedStackFile {
  settings: StackSettings;
  /** Operator values the file lacks that `pulumi up` would need (a token only for a gated model). */
  missing: OperatorKey[];
}

/**
 * What the Pulumi CLI itself refuses before the program starts (pulumi-cli.ts: required keys,
 * secrets in plain text, values not of the declared type — a scalar on an array key, a padded
 * integer), with the operator's own values taken as set, as everywhere offline.
 */
function pulumiCliIssues(file: StackFileConfig, missing: readonly OperatorKey[]): InputIssue[] {
  const config = { ...file.config };
  for (const key of missing) {
    const placeholder = OPERATOR_PLACEHOLDERS[key];
    config[`${PROJECT_NAME}:${key}`] = placeholder.secret ? { secure: "offline-placeholder" } : placeholder.value;
  }
  const { errors } = applyProjectConfig({ name: PROJECT_NAME, config: projectConfigFromSettings() }, file.stack, config);
  return errors.map((error) => {
    const key = /configuration key '([^']+)'/.exec(error)?.[1];
    return {
      path: key ? `${PROJECT_NAME}:${key}` : `Pulumi.${file.stack}.yaml`,
      value: key ? file.values[key] : undefined,
      expected: "what `pulumi up` accepts (Pulumi.yaml declares each key's type)",
      hint: `The Pulumi CLI would stop with: ${error}.`,
    };
  });
}

/** Throws PlanInputError (exit 2) with every problem, as the Pulumi CLI and then the program would report them. */
export function resolveStackFile(file: StackFileConfig): ResolvedStackFile {
  const missing = unsetOperatorValues(file.values, (key) => isSecure(file.values[key]));
  const values = { ...file.values };
  for (const key of missing) {
    const placeholder = OPERATOR_PLACEHOLDERS[key];
    if (!placeholder.secret) values[key] = placeholder.value;
  }
  const cliIssues = [...file.problems, ...pulumiCliIssues(file, missing)];
  let settings: StackSettings;
  try {
    settings = resolveStackSettings(values, file.region, secretPresence(file.values), configKeyIssues(file.entries));
  } catch (error) {
    if (!(error instanceof PlanInputError) || cliIssues.length === 0) throw error;
    throw new PlanInputError([...cliIssues, ...error.issues], "invalid stack configuration; nothing was created");
  }
  if (cliIssues.length > 0) throw new PlanInputError(cliIssues, "invalid stack configuration; nothing was created");
  return { settings, missing };
}
