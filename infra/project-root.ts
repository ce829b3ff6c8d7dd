/**
 * The project's own folder — where charts/, package.json and Pulumi.yaml are — found from this
 * file's place, so the same code reads them from source (tsx, tests, Pulumi's ts-node) and from
 * the compiled tree under dist/ that the published bin runs.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findProjectRoot(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, "Pulumi.yaml")) && existsSync(join(directory, "charts"))) return directory;
    if (dirname(directory) === directory) throw new Error(`no llm-stack project (Pulumi.yaml and charts/) above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
