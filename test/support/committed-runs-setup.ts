/**
 * vitest's globalSetup: the real program runs once per committed stack (Pulumi.<stack>.yaml, with
 * the operator values of test/support/operator.ts), before any test file, and each run's recorded
 * resources are written to a temporary folder that every test file reads (committed-runs.ts) — one
 * mock run per stack for the whole suite instead of one per file. The program is loaded from
 * source through tsx's CommonJS hook, fresh for each stack, as the cost tool loads it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { COMMITTED_STACKS, type CommittedRun } from "./committed-runs";
import { OPERATOR_SECRET_KEYS, withOperatorValues } from "./operator";

declare module "vitest" {
  export interface ProvidedContext {
    committedRunsDirectory: string;
  }
}

const ROOT = join(__dirname, "..", "..");

export default async function setup(project: TestProject): Promise<() => void> {
  const directory = mkdtempSync(join(tmpdir(), "llm-stack-committed-runs-"));
  const require = createRequire(__filename);
  const unregister = (require("tsx/cjs/api") as { register(): () => void }).register();
  try {
    const offline = require(join(ROOT, "cli", "offline", "program-run.ts")) as typeof import("../../cli/offline/program-run");
    for (const stack of COMMITTED_STACKS) {
      const { config } = offline.stackConfigFromYaml(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8"), stack);
      const run = await offline.runProgram(withOperatorValues(config), { stack, secretKeys: OPERATOR_SECRET_KEYS });
      const recorded: CommittedRun = {
        stack,
        resources: run.resources,
        outputs: run.outputs,
        secretOutputs: run.secretOutputs,
        error: run.error === undefined ? null : String(run.error),
      };
      writeFileSync(join(directory, `${stack}.json`), JSON.stringify(recorded));
    }
  } finally {
    unregister();
  }
  project.provide("committedRunsDirectory", directory);
  return () => rmSync(directory, { recursive: true, force: true });
}
