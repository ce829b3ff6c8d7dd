/**
 * The committed stacks as the program registers them, run once for the whole suite by
 * committed-runs-setup.ts (vitest's globalSetup). Each call returns a fresh copy: a test may tamper
 * with it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { type RecordedResource } from "../program-runner";

export const COMMITTED_STACKS = ["dev", "mixtral", "scout", "llama405b", "fleet"] as const;
export type CommittedStack = (typeof COMMITTED_STACKS)[number];

export interface CommittedRun {
  stack: CommittedStack;
  resources: RecordedResource[];
  /** The stack outputs, resolved; the names of those that are Pulumi secrets. */
  outputs: Record<string, any> | undefined;
  secretOutputs: string[];
  /** The program's error, as text; null when the stack registered. */
  error: string | null;
}

const cache = new Map<CommittedStack, string>();

export function committedRun(stack: CommittedStack): CommittedRun {
  let text = cache.get(stack);
  if (text === undefined) {
    text = readFileSync(join(inject("committedRunsDirectory"), `${stack}.json`), "utf8");
    cache.set(stack, text);
  }
  const run = JSON.parse(text) as CommittedRun;
  if (run.error !== null) throw new Error(`the committed stack ${stack} did not register: ${run.error}`);
  return run;
}

/** The resources of a committed stack: a copy the caller may change. */
export const committedResources = (stack: CommittedStack): RecordedResource[] => committedRun(stack).resources;
