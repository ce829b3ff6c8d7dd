/**
 * A policy pack config file (policies/config.example.json and every team's own) resolved the way
 * the Pulumi engine resolves `--policy-pack-config`, followed file by file from pulumi/pulumi
 * pkg/resource/analyzer/config.go (commit 18817b6):
 * - parsePolicyPackConfig / extractEnforcementLevel: each entry is an enforcement level or an
 *   object; `enforcementLevel` must be advisory, mandatory, remediate or disabled;
 * - ReconcilePolicyPackConfig / createConfigWithDefaults / applyConfig: defaults from each
 *   policy's configSchema, then `all` (a level for every policy), then each policy's entry;
 * - validatePolicyPackConfig / validatePolicyConfig / convertSchema: each policy's properties
 *   checked with gojsonschema against `{ type: "object", properties, required }`, errors reported
 *   as `<policy>: <field>: <description>` (policy-config.ts renders gojsonschema's messages).
 * The engine stops at the first parse error; this collects every problem at once. On top of the
 * engine, the pack refuses what the engine lets through silently: a key a policy does not declare
 * (additionalProperties: false, which never reaches the engine) and a policy name the pack does
 * not have — both leave a guard on its default while the file says otherwise.
 */
import { type EnforcementLevel, type Policy } from "@pulumi/policy";
import { configErrors, PolicyConfigError } from "./policy-config";
import { editDistance } from "../../infra/plan";

/** A config file's JSON: policy name → enforcement level, or an object of properties (and `enforcementLevel`). */
export type PackConfig = Record<string, unknown>;

export interface ResolvedPolicyConfig {
  /** The level the engine runs the policy at (`remediate` validates as mandatory in @pulumi/policy's server.js). */
  level: Exclude<EnforcementLevel, "remediate">;
  /** Defaults from the schema, overridden by the file. */
  properties: Record<string, unknown>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const isLevel = (value: unknown): value is EnforcementLevel => LEVELS.includes(value as EnforcementLevel);
/** Go's %v of a decoded JSON value, for the engine's messages. */
const goValue = (value: unknown): string =>
  value === null
    ? "<nil>"
    : Array.isArray(value)
      ? `[${value.map(goValue).join(" ")}]`
      : value !== null && typeof value === "object"
        ? `map[${Object.entries(value)
            .map(([k, v]) => `${k}:${goValue(v)}`)
            .join(" ")}]`
        : String(value);

/** Every problem with a pack config for these policies: the engine's (exact messages), then the pack's own. */
export function packConfigProblems(policies: readonly Policy[], config: PackConfig): string[] {
  return resolve(policies, config).problems;
}

/** The config each policy runs with; throws PolicyConfigError naming every problem. */
export function resolvePackConfig(policies: readonly Policy[], config: PackConfig): Map<string, ResolvedPolicyConfig> {
  const { resolved, problems } = resolve(policies, config);
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return resolved;
}

function resolve(policies: readonly Policy[], config: PackConfig): { resolved: Map<string, ResolvedPolicyConfig>; problems: string[] } {
  const problems: string[] = [];
  const given = new Map<string, { level: EnforcementLevel | undefined; properties: Record<string, unknown> }>();
  // parsePolicyPackConfig
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === "string") {
      if (isLevel(value)) given.set(name, { level: value, properties: {} });
      else
        problems.push(`parsing enforcement level for ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a valid enforcement level`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(`parsing ${JSON.stringify(name)}: ${goValue(value)} is not a valid value; must be a string or object`);
      continue;
    }
    const { enforcementLevel, ...properties } = value as Record<string, unknown>;
    if (enforcementLevel !== undefined && typeof enforcementLevel !== "string") {
      problems.push(
        `parsing enforcement level for ${JSON.stringify(name)}: ${goValue(enforcementLevel)} is not a valid enforcement level; must be a string`,
      );
    } else if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
      problems.push(
        `parsing enforcement level for ${JSON.stringify(name)}: ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`,
      );
    }
    given.set(name, { level: isLevel(enforcementLevel) ? enforcementLevel : undefined, properties });
  }
  // ReconcilePolicyPackConfig: defaults, then "all", then each policy's entry.
  const all = given.get("all")?.level;
  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const defaults = Object.fromEntries(
      Object.entries(policy.configSchema?.properties ?? {}).flatMap(([key, schema]) =>
        schema.default === undefined ? [] : [[key, schema.default]],
      ),
    );
    const entry = given.get(policy.name);
    const level = entry?.level ?? all ?? policy.enforcementLevel ?? "advisory";
    const properties = { ...defaults, ...entry?.properties };
    resolved.set(policy.name, { level: level === "remediate" ? "mandatory" : level, properties });
    // validatePolicyPackConfig (the engine), then additionalProperties (the pack).
    const schema = policy.configSchema ?? { properties: {} };
    problems.push(...configErrors(schema, properties, false).map((problem) => `${policy.name}: ${problem}`));
    problems.push(
      ...configErrors(schema, properties)
        .filter((p) => p.startsWith("Additional property"))
        .map((problem) => `${policy.name}: ${problem}`),
    );
  }
  const names = policies.map((p) => p.name);
  const allProperties = Object.keys(given.get("all")?.properties ?? {});
  if (allProperties.length > 0)
    problems.push(`all: only an enforcement level applies to every policy; ${allProperties.join(", ")} configure nothing`);
  for (const name of given.keys()) {
    if (name === "all" || names.includes(name)) continue;
    const nearest = [...names].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
    // Policy names are long (llm-stack-safety-…): allow a quarter of the name, at least the 3 edits setting keys allow.
    const hint =
      nearest !== undefined && editDistance(name, nearest) <= Math.max(3, Math.floor(name.length / 4)) ? `; did you mean ${nearest}?` : "";
    problems.push(`${name}: the pack has no such policy, so this entry configures nothing${hint}`);
  }
  return { resolved, problems };
}
