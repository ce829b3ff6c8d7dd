/**
 * THE reader of Pulumi.<stack>.yaml for every tool (plan --stack, cost, preflight, the offline
 * runner): the file read as the Pulumi CLI reads it, without the CLI. The CLI decodes stack files
 * with go-yaml v3 (pulumi/pulumi sdk/go/common/workspace/loaders.go → gopkg.in/yaml.v3), a port of
 * libyaml, so:
 * - encoding (yaml.v3 readerc.go yaml_parser_determine_encoding): a UTF-8 BOM is skipped, a UTF-16
 *   LE/BE BOM selects UTF-16 (what Windows PowerShell's `>` writes); anything else is UTF-8, and an
 *   invalid byte anywhere is an error ("invalid leading UTF-8 octet", readerc.go);
 * - merge keys `<<` are expanded (yaml.v3 decode.go, d.merge);
 * - a key twice in one mapping is an error naming it (yaml.v3 decode.go: `mapping key "x" already
 *   defined at line N`);
 * - alias expansion is bounded (yaml.v3 decode.go "document contains excessive aliasing"; here the
 *   `yaml` package's maxAliasCount, 100): an alias bomb is refused, never expanded.
 * Pulumi's own rules on top: `config:` must be a mapping; a fully qualified stack name
 * (`org/project/dev`) keeps its config in Pulumi.dev.yaml (pkg/cmd/pulumi … DetectProjectStackPath
 * uses the stack name's last part); `environment:` imports Pulumi ESC environments whose values
 * are unknown offline (reported, never silently taken as absent); `aws:region` is what the AWS
 * provider reads, falling back as the provider does (aws-region.ts: AWS_REGION, AWS_DEFAULT_REGION,
 * the profile's region) — without any, a problem.
 * Every problem is an input error (exit 2) naming the file, the line and the fix.
 */
import { type InputFileError, readBoundedFile } from "./input-file";
import { join } from "node:path";
import { parseAllDocuments, visit } from "yaml";
import { PlanInputError, editDistance, type InputIssue } from "../plan";
import { MISSING_REGION_ISSUE, providerRegion } from "./aws-region";
import { PROJECT_NAME } from "./coerce";
import { type ConfigEntry } from "./stack-keys";

export interface StackFileConfig {
  stack: string;
  values: Record<string, unknown>;
  region: unknown;
  entries: ConfigEntry[];
  /** The `config:` mapping as written (namespaced keys), for the Pulumi CLI's own checks (pulumi-cli.ts). */
  config: Record<string, unknown>;
  /** Where the region came from: "aws:region", or where the AWS provider would find it (aws-region.ts). */
  regionFrom: string;
  /** Pulumi ESC environments the file imports (`environment:`); their values are unknown here. */
  environments: string[];
  /** What is wrong with the file's region or environment (named by key), reported beside its values' problems. */
  problems: InputIssue[];
}

/** A `secure:` value: the Pulumi CLI's encrypted form of a secret in a stack file. */
export const isSecure = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;

const invalid = (file: string, value: unknown, expected: string, hint: string) =>
  new PlanInputError([{ path: file, value, expected, hint }], "invalid stack file");

/** The 1-based line of a character offset. */
const lineOf = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

/**
 * Characters go-yaml v3 refuses anywhere in a document (readerc.go: "control characters are not
 * allowed"): C0 controls but TAB, LF and CR; DEL; C1 controls but NEL; U+FFFE and U+FFFF.
 */
const DISALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/;

/** The text of a stack file's bytes, as go-yaml v3 decodes them (see the file comment). */
export function decodeStackBytes(file: string, bytes: Uint8Array): string {
  const text = decodeBytes(file, bytes);
  const at = DISALLOWED.exec(text)?.index;
  if (at !== undefined)
    throw invalid(
      file,
      `line ${lineOf(text, at)}`,
      "printable text (the Pulumi CLI's YAML reader refuses control characters)",
      `The file holds U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0")}, a control character (or a UTF-16 file without its byte-order mark); remove it or save the file as UTF-8.`,
    );
  return text;
}

function decodeBytes(file: string, bytes: Uint8Array): string {
  const [a, b, c] = bytes;
  try {
    if (a === 0xef && b === 0xbb && c === 0xbf) return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(3));
    if (a === 0xff && b === 0xfe) return new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2));
    if (a === 0xfe && b === 0xff) return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const at = lossy.indexOf("\uFFFD");
    throw invalid(
      file,
      at >= 0 ? `line ${lineOf(lossy, at)}` : "(unreadable)",
      "UTF-8 text (or UTF-16 with a byte-order mark), as the Pulumi CLI reads stack files",
      "The file holds bytes that are not valid UTF-8, which `pulumi up` refuses too; save it as UTF-8.",
    );
  }
}

/** Parses YAML text as the Pulumi CLI would, or throws PlanInputError naming `file`, the line and what to fix. */
export function parseYamlFile(file: string, text: string): unknown {
  // go-yaml's Unmarshal reads the first document of a stream (yaml.go unmarshal); so does this.
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const document = Array.isArray(documents) ? documents[0] : undefined;
  if (document === undefined) return null;
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : "(unreadable)";
    if (error.code === "DUPLICATE_KEY") {
      // The key as written, up to its `:` (the error's position marks where the repeated key starts).
      const key = /^("[^"\n]*"|'[^'\n]*'|[^\n]*?)(?=:(\s|$))/.exec(text.slice(error.pos[0]))?.[1] ?? text.slice(error.pos[0], error.pos[1]);
      throw invalid(file, where, "each key once per mapping", `The key ${key} is given twice (the Pulumi CLI refuses it too); keep one.`);
    }
    throw invalid(
      file,
      where,
      "valid YAML",
      `${error.message.split("\n")[0]} Fix the file, or recreate the value with \`pulumi config set\`.`,
    );
  }
  // go-yaml resolves a plain integer with strconv.ParseInt(…, 0, 64) (yaml.v3 resolve.go): `017` is
  // octal 15 and `1_000` is 1000 to the Pulumi CLI, while YAML 1.2 reads 17 and text. Rather than
  // plan a value other than the one `pulumi up` would pass, such a value is refused until quoted.
  let ambiguous: { source: string; line: number } | undefined;
  visit(document, {
    Scalar(_, node) {
      if (ambiguous || node.type !== "PLAIN" || !node.range) return;
      const source = text.slice(node.range[0], node.range[1]);
      if (/^[-+]?(0[0-9_]+|0[oObB][0-9_]+|[0-9][0-9]*_[0-9_]*)$/.test(source)) ambiguous = { source, line: lineOf(text, node.range[0]) };
    },
  });
  if (ambiguous)
    throw invalid(
      file,
      `line ${ambiguous.line}: ${ambiguous.source}`,
      "a plain decimal, or a quoted value",
      `The Pulumi CLI reads ${ambiguous.source} as a Go integer literal (leading 0 = octal, _ between digits), not as written; write the decimal you mean, or quote it.`,
    );
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (cause) {
    throw invalid(
      file,
      "(aliases)",
      "YAML whose aliases expand to a bounded size",
      `${(cause as Error).message}: the file's aliases (*name) expand past what a YAML reader allows (go-yaml v3, which the Pulumi CLI uses, refuses "excessive aliasing" too). Write the values out.`,
    );
  }
}

/**
 * What a stack's `environment:` imports from Pulumi ESC (pulumi/pulumi sdk/go/common/workspace/project.go,
 * Environment.UnmarshalYAML): a list of environment names, or an inline ESC definition whose
 * `imports` are names or `{ name: { merge: … } }` and whose `values` are defined in place.
 */
function escImports(environment: unknown, file: string, issues: InputIssue[]): string[] {
  if (environment === undefined || environment === null) return [];
  if (Array.isArray(environment) && environment.every((item) => typeof item === "string")) return environment as string[];
  if (typeof environment === "object" && !Array.isArray(environment)) {
    const definition = environment as { imports?: unknown; values?: unknown };
    const imports = Array.isArray(definition.imports) ? definition.imports : [];
    const names = imports.flatMap((item) =>
      typeof item === "string" ? [item] : item !== null && typeof item === "object" ? Object.keys(item) : [],
    );
    return definition.values !== undefined ? [...names, "(inline values)"] : names;
  }
  issues.push({
    path: "environment",
    value: environment,
    expected: "a list of Pulumi ESC environment names, or an inline ESC definition (imports:, values:)",
    hint: "Write `environment:` as a list, e.g. `- my-org/llm-prod`.",
  });
  return [];
}

export function parseStackFile(stack: string, text: string, file = `Pulumi.${stack}.yaml`): StackFileConfig {
  const parsed = parseYamlFile(file, text) ?? {};
  const issues: InputIssue[] = [];
  if (typeof parsed !== "object" || Array.isArray(parsed))
    throw invalid(file, parsed, "a mapping with a `config:` key", "A stack file is a YAML mapping; start from Pulumi.dev.yaml.");
  const document = parsed as { config?: unknown; environment?: unknown };
  const rawConfig = document.config ?? {};
  if (rawConfig === null || typeof rawConfig !== "object" || Array.isArray(rawConfig))
    throw invalid(
      `${file} config`,
      rawConfig,
      "a mapping of keys to values",
      "Write `config:` as `key: value` lines (e.g. `llm-stack:model: llama-3.1-8b-instruct`), not a list or a string.",
    );
  // A key without a namespace is the project's (pulumi/pulumi sdk/go/common/workspace/loaders.go, stackConfigNamespacedWithProject).
  const config = Object.fromEntries(
    Object.entries(rawConfig as Record<string, unknown>).map(([key, value]) => [key.includes(":") ? key : `${PROJECT_NAME}:${key}`, value]),
  );
  const values: Record<string, unknown> = {};
  const prefix = `${PROJECT_NAME}:`;
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) values[key.slice(prefix.length)] = value;
  const entries = Object.entries(config).map(([key, value]) => ({ key, secure: isSecure(value) }));

  // `aws:region`, or a near miss of it, or the environment the provider would fall back to.
  let region: unknown = config["aws:region"];
  let regionFrom = "aws:region";
  const nearMiss = Object.keys(config).find(
    (key) => key !== "aws:region" && key.startsWith("aws:") && editDistance(key, "aws:region") <= 2,
  );
  if (nearMiss)
    issues.push({
      path: nearMiss,
      value: config[nearMiss],
      expected: "aws:region (the AWS provider reads no other spelling)",
      hint: `Did you mean aws:region? Rename it: \`pulumi config rm ${nearMiss} && pulumi config set aws:region ${String(config[nearMiss])}\`.`,
    });
  else if (region === undefined) {
    const fallback = providerRegion(config);
    if (fallback) {
      region = fallback.region;
      regionFrom = fallback.from;
    } else issues.push(MISSING_REGION_ISSUE);
  }

  const environments = escImports(document.environment, file, issues);
  // Reported with the values' own problems, all at once (resolve-stack-file.ts), not instead of them.
  return { stack, values, region, entries, config, regionFrom, environments, problems: issues };
}

/**
 * The file of a stack name: `dev`, or fully qualified `org/project/dev` (also `org/dev`), whose
 * config lives in Pulumi.dev.yaml. A project part other than this project's is refused by the caller.
 */
export function stackFileName(stack: string): { name: string; project: string | undefined } {
  const parts = stack.split("/");
  return { name: parts[parts.length - 1]!, project: parts.length === 3 ? parts[1] : undefined };
}

/** The bytes of a stack file, or an input error saying what is there instead (nothing, a dangling link, a directory). */
export function readStackBytes(path: string, flag: string, stack: string): Uint8Array {
  try {
    return readBoundedFile(path);
  } catch (error) {
    throw new PlanInputError(
      [
        {
          path: flag,
          value: stack,
          expected: `a stack file ${path}`,
          hint: `${(error as InputFileError).message} Stacks are the Pulumi.<name>.yaml files next to Pulumi.yaml: run from the project directory, or pass an existing stack name.`,
        },
      ],
      "no such stack",
    );
  }
}

/** Pulumi's stack names: letters, digits, `-`, `_` and `.` (the CLI refuses others: "stack names may only contain alphanumeric, hyphens, underscores, or periods"). */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The project a directory holds: its Pulumi.yaml's `name`, or a problem saying there is none. */
function projectIn(directory: string): string {
  const path = join(directory, "Pulumi.yaml");
  let text: string;
  try {
    text = decodeStackBytes(path, readBoundedFile(path));
  } catch {
    throw new PlanInputError(
      [
        {
          path: "(working directory)",
          value: directory,
          expected: "an llm-stack project: a directory with Pulumi.yaml and its Pulumi.<stack>.yaml files",
          hint: "Run llm-stack from the project directory, where `pulumi up` runs.",
        },
      ],
      "no such project",
    );
  }
  const name = (parseYamlFile(path, text) as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : "";
}

export function readStackFile(stack: string, directory = process.cwd()): StackFileConfig {
  const { name, project } = stackFileName(stack);
  if (!STACK_NAME.test(name))
    throw new PlanInputError(
      [
        {
          path: "--stack",
          value: stack,
          expected: "a stack name of letters, digits, `-`, `_` and `.` (optionally <org>/<project>/<name>)",
          hint: "Pulumi refuses other names; pick one such as dev or prod-us-east-1.",
        },
      ],
      "no such stack",
    );
  const own = projectIn(directory);
  if (own !== PROJECT_NAME)
    throw new PlanInputError(
      [
        {
          path: "Pulumi.yaml name",
          value: own || undefined,
          expected: `${PROJECT_NAME} (this tool plans ${PROJECT_NAME} stacks)`,
          hint: "Run llm-stack from the llm-stack project directory.",
        },
      ],
      "no such project",
    );
  if (project !== undefined && project !== PROJECT_NAME)
    throw new PlanInputError(
      [
        {
          path: "--stack",
          value: stack,
          expected: `a stack of project ${PROJECT_NAME}`,
          hint: `Use ${PROJECT_NAME}'s stacks, e.g. dev or <org>/${PROJECT_NAME}/dev.`,
        },
      ],
      "no such stack",
    );
  const path = join(directory, `Pulumi.${name}.yaml`);
  return parseStackFile(name, decodeStackBytes(path, readStackBytes(path, "--stack", stack)), path);
}
