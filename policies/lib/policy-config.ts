/**
 * Policy config that cannot switch a guard off by accident: every policy declares a strict
 * configSchema (types, minimums, additionalProperties: false) and reads its config through
 * {@link readPolicyConfig}, which checks it against that schema before the policy runs.
 *
 * Why the pack checks too: the engine (pulumi/pulumi pkg/resource/analyzer/config.go,
 * validatePolicyConfig) validates each policy's config with gojsonschema against
 * `{ type: "object", properties, required }` only — @pulumi/policy's protoutil.js sends nothing
 * else of configSchema — so it rejects a wrong type or a value below a minimum, but a misspelt key
 * passes silently and the policy runs on its default. Here an unknown key fails the policy with an
 * error (the engine reports a policy that throws as an error of the preview), and a wrong type
 * fails even where the engine was skipped (the offline runner, a policy called directly).
 *
 * Messages follow gojsonschema's English locale (locales.go) and the engine's formatting
 * (`<policy>: <field>: <description>`), so a problem reads the same from the CLI and from here.
 */
import { type PolicyConfigSchema } from "@pulumi/policy";
import { type PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** A configSchema that refuses keys it does not declare. */
export type StrictConfigSchema = PolicyConfigSchema & { additionalProperties: false };

export function strictConfigSchema(properties: Record<string, PolicyConfigJSONSchema> = {}): StrictConfigSchema {
  return { properties, additionalProperties: false };
}

/** gojsonschema's names for JSON types: a whole number is an "integer". */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const given = jsonType(value);
  return given === expected || (expected === "number" && given === "integer");
}

/** The errors gojsonschema reports for one value, `field: description` each. */
function valueErrors(schema: PolicyConfigJSONSchema, value: unknown, field: string): string[] {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    return [`${field}: Invalid type. Expected: ${types.join("/")}, given: ${jsonType(value)}`];
  }
  const errors: string[] = [];
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
    errors.push(`${field}: ${field} does not match: ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    errors.push(`${field}: ${field} must be one of the following: ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${field}: Must be greater than or equal to ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${field}: Must be less than or equal to ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      errors.push(`${field}: String length must be greater than or equal to ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      errors.push(`${field}: String length must be less than or equal to ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
      errors.push(`${field}: Does not match pattern '${schema.pattern}'`);
  }
  if (Array.isArray(value) && schema.items !== undefined && !Array.isArray(schema.items)) {
    value.forEach((item, i) => errors.push(...valueErrors(schema.items as PolicyConfigJSONSchema, item, `${field}.${i}`)));
  }
  return errors;
}

/**
 * A policy's config properties checked against its schema, as gojsonschema reports them with the
 * engine's "(root): " prefix trimmed; `strict` adds the additionalProperties check the engine
 * never receives.
 */
export function configErrors(schema: PolicyConfigSchema, config: Record<string, unknown>, strict = true): string[] {
  const errors: string[] = [];
  for (const required of schema.required ?? []) if (!(required in config)) errors.push(`${required} is required`);
  for (const [key, value] of Object.entries(config)) {
    const property = schema.properties[key];
    if (property) errors.push(...valueErrors(property, value, key));
    else if (strict && (schema as Partial<StrictConfigSchema>).additionalProperties === false)
      errors.push(`Additional property ${key} is not allowed`);
  }
  return errors;
}

export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `invalid policy pack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "PolicyConfigError";
  }
}

/**
 * A policy's config, checked against its own schema first: any problem throws, so the policy
 * fails instead of running on a value nobody meant (a misspelt key, "abc" for a number).
 */
export function readPolicyConfig<T extends object>(
  policy: { name: string; configSchema?: PolicyConfigSchema },
  getConfig: () => object,
): T {
  const config = getConfig() as Record<string, unknown>;
  const problems = configErrors(policy.configSchema ?? strictConfigSchema(), config).map((problem) => `${policy.name}: ${problem}`);
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return config as T;
}
