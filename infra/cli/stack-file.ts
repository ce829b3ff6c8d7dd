/**
 * Reads a stack's config from Pulumi.<stack>.yaml without the Pulumi CLI: the `llm-stack:*` keys
 * (prefix stripped) and `aws:region`. Secure values (`{ secure: … }`) stay opaque.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_NAME } from "../settings";

export interface StackFileConfig {
  stack: string;
  values: Record<string, unknown>;
  region: unknown;
}

export function parseStackFile(stack: string, text: string): StackFileConfig {
  const document = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  const config = document.config ?? {};
  const values: Record<string, unknown> = {};
  const prefix = `${PROJECT_NAME}:`;
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) values[key.slice(prefix.length)] = value;
  return { stack, values, region: config["aws:region"] };
}

export function readStackFile(stack: string, directory = process.cwd()): StackFileConfig {
  const path = join(directory, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`stack "${stack}": ${path} does not exist; stacks here are the Pulumi.<name>.yaml files next to Pulumi.yaml`);
  }
  return parseStackFile(stack, text);
}
