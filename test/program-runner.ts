/**
 * The cost tool's offline runner (cli/offline/program-run.ts), loading the program through vitest's
 * module graph so each run executes infra/index.ts afresh.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { runProgram as run, stackConfigFromYaml, type RunOptions } from "../cli/offline/program-run";

export type { ProgramRun, RecordedResource } from "../cli/offline/program-run";

export const loadProgramInVitest = async () => {
  vi.resetModules();
  return (await import("../infra/index")) as Record<string, unknown>;
};

export function stackFileConfig(stack: string): Record<string, string> {
  return stackConfigFromYaml(readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")).config;
}

export const runProgram = (config: Record<string, string>, options: Omit<RunOptions, "load"> = {}) =>
  run(config, { ...options, load: loadProgramInVitest });
