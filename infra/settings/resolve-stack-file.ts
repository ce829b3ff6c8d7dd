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

/**
 * Secret values are not needed offline, so a secret counts as set unless the file holds it in plain
 * text (refused, as the program refuses it); a missing one is reported among `missing`.
 */
function secretPresence(values: Readonly<Record<string, unknown>>): SecretPresence {
  const state = (value: unknown): SecretState => (typeof value === "string" && value !== "" ? "plaintext" : "secret");
  return Object.fromEntries(SECRET_SETTING_KEYS.map((key) => [key, state(values[key])])) as SecretPresence;
}

export interface ResolvedStackFile {
  settings: StackSettings;
  /** Operator values the file lacks that `pulumi up` would need (a token only for a gated model). */
  missing: OperatorKey[];
}

/** Throws PlanInputError (exit 2) with every problem, as the program would report them. */
export function resolveStackFile(file: StackFileConfig): ResolvedStackFile {
  const missing = unsetOperatorValues(file.values, (key) => isSecure(file.values[key]));
  const values = { ...file.values };
  for (const key of missing) {
    const placeholder = OPERATOR_PLACEHOLDERS[key];
    if (!placeholder.secret) values[key] = placeholder.value;
  }
  const settings = resolveStackSettings(values, file.region, secretPresence(file.values), configKeyIssues(file.entries));
  return { settings, missing };
}
