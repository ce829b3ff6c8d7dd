/**
 * The two ways a plan request fails, each with the exit code the CLI uses:
 *  - PlanInputError (2): the request itself is wrong. Every problem is collected and reported at
 *    once, each naming the key, the value given, what is allowed and how to fix it.
 *  - InfeasiblePlanError (3): the request is valid but nothing in the allowed hardware fits it.
 */

export interface InputIssue {
  /** Dotted path of the offending key in the caller's terms (`model`, `llm-stack:maxModelLen`). */
  path: string;
  value: unknown;
  /** What is allowed. */
  expected: string;
  /** How to fix it. */
  hint: string;
}

const show = (value: unknown): string => (value === undefined ? "(not set)" : JSON.stringify(value));

export function formatIssues(issues: readonly InputIssue[]): string {
  return issues.map((issue) => `  - ${issue.path}: got ${show(issue.value)}; expected ${issue.expected}. ${issue.hint}`).join("\n");
}

export class PlanInputError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly issues: readonly InputIssue[],
    heading = "invalid plan request",
  ) {
    super(`${heading} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${formatIssues(issues)}`);
    this.name = "PlanInputError";
  }
}

/** A feasible plan the user could ask for instead, with what it costs. */
export interface PlanAlternative {
  change: string;
  summary: string;
  hourlyUsd: number;
}

export class InfeasiblePlanError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly reason: string,
    readonly alternatives: readonly PlanAlternative[],
  ) {
    const lines = alternatives.map((alt) => `  - ${alt.change}: ${alt.summary} ($${alt.hourlyUsd.toFixed(2)}/h)`);
    super(
      alternatives.length > 0
        ? `${reason}\nNearest feasible alternatives:\n${lines.join("\n")}`
        : `${reason}\nNo feasible alternative was found within the catalog's hardware.`,
    );
    this.name = "InfeasiblePlanError";
  }
}
