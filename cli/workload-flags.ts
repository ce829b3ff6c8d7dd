/**
 * What `plan` and `compare` share: flag names from keys, the workload flags read with the one number
 * grammar, and validation that reports every problem of several checks at once.
 */
import { Option } from "commander";
import { PlanInputError, type InputIssue } from "../infra/plan";
import { WORKLOAD_HINTS, workloadSchema, type WorkloadKey } from "../infra/plan/workload";
import { coerceNumber } from "../infra/settings";

/** `maxModelLen` → `--max-model-len`: every flag is its key, kebab-cased. */
export const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The workload flags of `plan` and `compare` (`--input-tokens`, …), read with the one number grammar. */
export const WORKLOAD_KEYS = Object.keys(workloadSchema.shape) as WorkloadKey[];

export function workloadFromFlags(
  options: Partial<Record<WorkloadKey, unknown>>,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...base };
  for (const key of WORKLOAD_KEYS) if (typeof options[key] === "string") values[key] = coerceNumber(options[key]);
  return values;
}

export function workloadOptions(): Option[] {
  return WORKLOAD_KEYS.map((key) => new Option(`--${flagOf(key)} <value>`, WORKLOAD_HINTS[key]).argParser((raw: string) => raw));
}

/** Runs each validation and throws one PlanInputError with every problem of all of them. */
export function collectInputIssues<T extends unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const issues: InputIssue[] = [];
  const results = checks.map((check) => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof PlanInputError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  });
  if (issues.length > 0) throw new PlanInputError(issues);
  return results as T;
}
