/**
 * What the Pulumi CLI does with project config before the program runs — a model of
 * pulumi/pulumi `pkg/workspace/config.go` (mergeConfig, validateStackConfigValue) and
 * `sdk/go/common/workspace/project.go` (ValidateConfigValue), read at commit 1b59498 (2026-08-21):
 *
 * 1. A project-namespaced key declared in Pulumi.yaml with neither `default` nor `value` that the
 *    stack does not set is required: "Stack 'dev' is missing configuration value 'x'" (or
 *    "values 'a', 'b' and 'c'", sorted), and the program never starts.
 * 2. An unset key with a default gets it: a scalar as its text (fmt "%v"), a list or map as JSON.
 * 3. Then, for typed keys in sorted order, the first failure stops the run: a `secret: true` key
 *    whose value is not `secure:` ("must be encrypted as it's secret" — this includes a default
 *    the CLI just applied), or a value not of the declared type ("must be of type 'array<string>'").
 *    Integers accept text that parses as one; booleans accept "true"/"false".
 *
 * The offline runner applies rule 2 so mock runs see what `pulumi up` passes; tests apply all
 * three to every committed stack. Mocks (pulumi.runtime.setMocks) model none of this.
 */
import { stringify } from "yaml";
import { SETTINGS, type SettingDeclaration } from "./keys";
import { isSecure } from "./stack-file";

export interface ProjectConfigEntry {
  type?: string;
  items?: { type: string };
  default?: unknown;
  value?: unknown;
  secret?: boolean;
  description?: string;
}

export interface PulumiProject {
  name: string;
  config: Record<string, ProjectConfigEntry>;
}

export interface CliConfig {
  /** Namespaced key → the text the program reads with pulumi.Config. */
  config: Record<string, string>;
  /** Keys whose value was `secure:` (encrypted) in the stack file. */
  secureKeys: string[];
  /** What the CLI would print instead of running the program; empty when it runs. */
  errors: string[];
}

/** The value as the Pulumi config map holds it: scalars as text, lists and maps as JSON. */
function configText(value: unknown): string {
  return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

function quoteList(keys: string[]): string {
  const quoted = [...keys].sort().map((key) => `'${key}'`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** project.go ValidateConfigValue: does `content` (text, or parsed JSON for lists) fit the type? */
export function fitsConfigType(type: string, items: { type: string } | undefined, content: unknown): boolean {
  switch (type) {
    case "string":
      return typeof content === "string";
    case "integer":
      if (typeof content === "number") return Number.isInteger(content);
      // strconv.Atoi: an optional sign and decimal digits.
      return typeof content === "string" && /^[+-]?\d+$/.test(content);
    case "boolean":
      return content === true || content === false || content === "true" || content === "false";
    case "object":
      return content !== null && typeof content === "object" && !Array.isArray(content);
    default:
      return Array.isArray(content) && items !== undefined && content.every((item) => fitsConfigType(items.type, undefined, item));
  }
}

const namespaced = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`);

/**
 * The stack's config as the CLI hands it to the program, or the CLI's errors.
 * @param stackConfig the `config:` map of Pulumi.<stack>.yaml as parsed YAML
 */
export function applyProjectConfig(project: PulumiProject, stack: string, stackConfig: Readonly<Record<string, unknown>>): CliConfig {
  const config: Record<string, string> = {};
  const secureKeys: string[] = [];
  /** Parsed content of each value, as validateStackConfigValue sees it. */
  const content: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(stackConfig)) {
    if (isSecure(raw)) {
      secureKeys.push(key);
      content[key] = "[secure]";
      continue;
    }
    config[key] = configText(raw);
    content[key] = raw !== null && typeof raw === "object" ? raw : configText(raw);
  }

  const missing: string[] = [];
  for (const key of Object.keys(project.config).sort()) {
    const entry = project.config[key]!;
    const full = namespaced(project.name, key);
    const isSet = full in config || secureKeys.includes(full);
    const fallback = entry.default ?? entry.value;
    if (isSet) continue;
    if (fallback === undefined || fallback === null) {
      if (full.startsWith(`${project.name}:`)) missing.push(key);
      continue;
    }
    config[full] = configText(fallback);
    content[full] = fallback !== null && typeof fallback === "object" ? fallback : configText(fallback);
  }
  if (missing.length > 0) {
    return {
      config,
      secureKeys,
      errors: [`Stack '${stack}' is missing configuration ${missing.length === 1 ? "value" : "values"} ${quoteList(missing)}`],
    };
  }

  for (const key of Object.keys(project.config).sort()) {
    const entry = project.config[key]!;
    if (entry.type === undefined) continue;
    const full = namespaced(project.name, key);
    if (entry.secret && !secureKeys.includes(full)) {
      return { config, secureKeys, errors: [`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`] };
    }
    if (!secureKeys.includes(full) && !fitsConfigType(entry.type, entry.items, content[full])) {
      const typeName = entry.items ? `array<${entry.items.type}>` : entry.type;
      return { config, secureKeys, errors: [`Stack '${stack}' with configuration key '${key}' must be of type '${typeName}'`] };
    }
  }
  return { config, secureKeys, errors: [] };
}

/** Pulumi.yaml's `config:` block as declared by infra/settings/keys.ts. */
export function projectConfigFromSettings(): Record<string, ProjectConfigEntry> {
  const config: Record<string, ProjectConfigEntry> = {};
  for (const [key, declaration] of Object.entries(SETTINGS) as Array<[string, SettingDeclaration]>) {
    const entry: ProjectConfigEntry = {};
    if (declaration.type) entry.type = declaration.type;
    if (declaration.items) entry.items = { type: declaration.items };
    if (declaration.secret) entry.secret = true;
    if (declaration.default !== undefined) entry.default = declaration.default;
    entry.description = declaration.description;
    config[key] = entry;
  }
  return config;
}

/** The YAML text of that block, as written into Pulumi.yaml. */
export function renderProjectConfigYaml(): string {
  return stringify({ config: projectConfigFromSettings() }, { lineWidth: 0 });
}
