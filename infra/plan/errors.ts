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

/** Values longer than this are shown cut, with their length: a 10 MB value is named, not echoed. */
export const MAX_SHOWN_VALUE_CHARS = 200;

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  // JSON has no NaN or Infinity (it would print null): a YAML .nan, .inf or 1e400 is shown as read.
  const text = typeof value === "number" && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  if (text.length <= MAX_SHOWN_VALUE_CHARS) return text;
  const length = typeof value === "string" ? value.length : text.length;
  return `${text.slice(0, MAX_SHOWN_VALUE_CHARS - 40)}… (${length.toLocaleString("en-US")} characters)`;
}

/** One problem in one line: the key, what it got, what is allowed and the fix. */
export const formatIssue = (issue: InputIssue): string =>
  `${issue.path}: got ${show(issue.value)}; expected ${issue.expected}. ${issue.hint}`;

export function formatIssues(issues: readonly InputIssue[]): string {
  return issues.map((issue) => `  - ${formatIssue(issue)}`).join("\n");
}

/** The fix for a number in another syntax: the one grammar is plain decimals (infra/settings coerceNumber). */
export const PLAIN_DECIMAL_HINT = "Write a plain decimal such as 8000 or 0.5 (no exponent, hex, digit separators or units).";

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
