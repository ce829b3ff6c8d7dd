/**
 * Reads a stack's config from Pulumi.<stack>.yaml without the Pulumi CLI: the `llm-stack:*` keys
 * (prefix stripped) and `aws:region`, plus every key as written for configKeyIssues. Secure values
 * (`{ secure: … }`) stay opaque. A missing file or malformed YAML is an input error (exit 2) that
 * names the file and, for YAML, the line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { PlanInputError } from "../plan";
import { PROJECT_NAME } from "./coerce";
import { type ConfigEntry } from "./stack-keys";

export interface StackFileConfig {
  stack: string;
  values: Record<string, unknown>;
  region: unknown;
  entries: ConfigEntry[];
}

/** A `secure:` value: the Pulumi CLI's encrypted form of a secret in a stack file. */
export const isSecure = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;

/** Parses YAML text, or throws PlanInputError naming `file`, the line and column. */
export function parseYamlFile(file: string, text: string): unknown {
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    throw new PlanInputError(
      [
        {
          path: file,
          value: at ? `line ${at.line}, column ${at.col}` : "(unreadable)",
          expected: "valid YAML",
          hint: `${error.message.split("\n")[0]} Fix the file, or recreate the value with \`pulumi config set\`.`,
        },
      ],
      "invalid stack file",
    );
  }
  return document.toJS() as unknown;
}

export function parseStackFile(stack: string, text: string, file = `Pulumi.${stack}.yaml`): StackFileConfig {
  const document = (parseYamlFile(file, text) ?? {}) as { config?: Record<string, unknown> };
  const config = document.config ?? {};
  const values: Record<string, unknown> = {};
  const prefix = `${PROJECT_NAME}:`;
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) values[key.slice(prefix.length)] = value;
  const entries = Object.entries(config).map(([key, value]) => ({ key, secure: isSecure(value) }));
  return { stack, values, region: config["aws:region"], entries };
}

export function readStackFile(stack: string, directory = process.cwd()): StackFileConfig {
  const path = join(directory, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new PlanInputError(
      [
        {
          path: "--stack",
          value: stack,
          expected: `a stack file ${path}`,
          hint: "Stacks are the Pulumi.<name>.yaml files next to Pulumi.yaml: run from the project directory, or pass an existing stack name.",
        },
      ],
      "no such stack",
    );
  }
  return parseStackFile(stack, text, path);
}
