/**
 * Writes Pulumi.yaml's `config:` block from infra/settings/keys.ts (`npm run settings:pulumi-yaml`).
 * Everything above the block (name, runtime, main, the comment) is kept as written.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderProjectConfigYaml } from "./pulumi-cli";
import { PROJECT_ROOT } from "../project-root";

export const PULUMI_YAML = join(PROJECT_ROOT, "Pulumi.yaml");

/** `text` with its `config:` block (the rest of the file from that line on) replaced. */
export function withGeneratedConfig(text: string): string {
  const start = text.search(/^config:/m);
  const head = start === -1 ? `${text.trimEnd()}\n` : text.slice(0, start);
  return `${head}${renderProjectConfigYaml()}`;
}

if (require.main === module) {
  writeFileSync(PULUMI_YAML, withGeneratedConfig(readFileSync(PULUMI_YAML, "utf8")));
}
