/**
 * The traffic a deployment is sized for: request shape (mean prompt and output tokens), one load
 * form, latency SLOs and the prefix-cache hit rate. One schema and one resolver for every entry
 * point (`plan` and `compare` flags); every default is named with its source so the output can
 * print it. Contradictions (two load forms, a p95 below its mean, a peak factor without a monthly
 * volume) are reported together, as every input problem is.
 */
import { z } from "zod";
import { HOURS_PER_MONTH } from "../catalog";
import { PlanInputError, type InputIssue } from "./errors";

const positiveInt = z.number().int().positive();

export const workloadSchema = z.strictObject({
  inputTokens: positiveInt.optional(),
  outputTokens: positiveInt.optional(),
  inputTokensP95: positiveInt.optional(),
  outputTokensP95: positiveInt.optional(),
  requestsPerSecond: z.number().positive().optional(),
  tokensPerMonth: z.number().positive().optional(),
  peakToMean: z.number().min(1).optional(),
  concurrentRequests: positiveInt.optional(),
  ttftP95Ms: z.number().positive().optional(),
  itlP95Ms: z.number().positive().optional(),
  prefixCacheHit: z.number().min(0).max(0.99).optional(),
});
export type WorkloadInput = z.input<typeof workloadSchema>;
export type WorkloadKey = keyof WorkloadInput;

export interface WorkloadDefault {
  key: WorkloadKey;
  value: number;
  source: string;
}

/**
 * - 1,024 prompt and 128 output tokens: `vllm bench serve`'s random dataset defaults
 *   (vllm/benchmarks/datasets.py, RandomDataset.DEFAULT_INPUT_LEN / DEFAULT_OUTPUT_LEN).
 * - peak-to-mean 2: an assumption (interactive traffic with a daytime peak about twice its
 *   monthly mean); give your own with --peak-to-mean.
 * - prefix-cache hit 0: nothing assumed reused; give your system prompt's share with --prefix-cache-hit.
 */
export const WORKLOAD_DEFAULTS = {
  inputTokens: {
    value: 1024,
    source: "vllm bench serve random dataset default (vllm/benchmarks/datasets.py RandomDataset.DEFAULT_INPUT_LEN)",
  },
  outputTokens: {
    value: 128,
    source: "vllm bench serve random dataset default (vllm/benchmarks/datasets.py RandomDataset.DEFAULT_OUTPUT_LEN)",
  },
  peakToMean: { value: 2, source: "assumption: interactive traffic peaks at about twice its monthly mean" },
  prefixCacheHit: { value: 0, source: "assumption: no prompt reused from vLLM's prefix cache" },
} as const;

export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Prompt and output tokens a request carries per output token: turns output volumes into the totals prices are quoted on. */
export const tokensPerOutputToken = (workload: Pick<Workload, "inputTokens" | "outputTokens">) =>
  (workload.inputTokens + workload.outputTokens) / workload.outputTokens;

export type WorkloadLoad =
  /** Open loop: Poisson arrivals at the peak rate (sizing) and the mean rate (the monthly bill's volume). */
  | { kind: "rate"; peakRequestsPerSecond: number; meanRequestsPerSecond: number }
  /** Closed loop: this many clients, each sending its next request when the last one completes. */
  | { kind: "concurrency"; concurrentRequests: number };

export interface Workload {
  inputTokens: number;
  outputTokens: number;
  inputTokensP95: number;
  outputTokensP95: number;
  /** null: no load given; the plan reports what one replica sustains. */
  load: WorkloadLoad | null;
  /** Total tokens (prompt + output) a month at the mean rate; null without an open-loop load. */
  tokensPerMonth: number | null;
  ttftP95Ms: number | null;
  itlP95Ms: number | null;
  prefixCacheHit: number;
  /** The defaults this workload took, each with its source. */
  defaults: WorkloadDefault[];
}

/** The flag each key is given as (`inputTokens` → `--input-tokens`). */
export const workloadFlag = (key: WorkloadKey) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const WORKLOAD_HINTS: Record<WorkloadKey, string> = {
  inputTokens: "Give the mean prompt length in tokens, e.g. 1024.",
  outputTokens: "Give the mean output length in tokens, e.g. 256.",
  inputTokensP95: "Give the 95th-percentile prompt length, at least the mean.",
  outputTokensP95: "Give the 95th-percentile output length, at least the mean.",
  requestsPerSecond:
    "Give a steady request rate, e.g. 5: the plan is sized for it and the month is billed at it (for a daily peak above the mean, use --tokens-per-month with --peak-to-mean).",
  tokensPerMonth: "Give prompt + output tokens a month, e.g. 2e9 written as 2000000000.",
  peakToMean: "Give the peak rate over the monthly mean, at least 1, e.g. 2; it only applies with --tokens-per-month.",
  concurrentRequests: "Give how many requests are in flight at once, e.g. 32.",
  ttftP95Ms: "Give the 95th-percentile time to first token in ms, e.g. 2000.",
  itlP95Ms: "Give the 95th-percentile time between output tokens in ms, e.g. 50.",
  prefixCacheHit: "Give the share of each prompt found in the prefix cache, from 0 to 0.99, e.g. 0.3.",
};

export const isWorkloadKey = (key: string): key is WorkloadKey => key in workloadSchema.shape;

/** True when the caller gave any workload key (without one, plans keep their workload-blind defaults). */
export const hasWorkload = (input: WorkloadInput) => Object.values(input).some((v) => v !== undefined);

/** What each key accepts, in the user's words (every message names it). */
export const WORKLOAD_ACCEPTS: Record<WorkloadKey, string> = {
  inputTokens: "a whole number of tokens above 0",
  outputTokens: "a whole number of tokens above 0",
  inputTokensP95: "a whole number of tokens above 0",
  outputTokensP95: "a whole number of tokens above 0",
  requestsPerSecond: "a number of requests per second above 0",
  tokensPerMonth: "a number of tokens above 0",
  peakToMean: "a number of at least 1",
  concurrentRequests: "a whole number of requests above 0",
  ttftP95Ms: "a number of milliseconds above 0",
  itlP95Ms: "a number of milliseconds above 0",
  prefixCacheHit: "a fraction from 0 to 0.99",
};

/** Contradictions between keys, read from the raw input so they are reported beside shape problems. */
function contradictions(raw: Record<string, unknown>, flag: (key: WorkloadKey) => string): InputIssue[] {
  const issues: InputIssue[] = [];
  const given = (key: WorkloadKey) => raw[key] !== undefined;
  const loadForms = (["requestsPerSecond", "tokensPerMonth", "concurrentRequests"] as const).filter(given);
  if (loadForms.length > 1) {
    for (const key of loadForms)
      issues.push({
        path: flag(key),
        value: raw[key],
        expected: `one load form, not ${loadForms.map(flag).join(" and ")}`,
        hint: "Describe the load once: a peak request rate, a monthly volume or a number of concurrent requests.",
      });
  }
  if (given("peakToMean") && !given("tokensPerMonth"))
    issues.push({
      path: flag("peakToMean"),
      value: raw.peakToMean,
      expected: `${flag("tokensPerMonth")} beside it (the peak factor turns a monthly volume into a peak rate)`,
      hint: WORKLOAD_HINTS.peakToMean,
    });
  for (const [p95Key, meanKey] of [
    ["inputTokensP95", "inputTokens"],
    ["outputTokensP95", "outputTokens"],
  ] as const) {
    const p95 = raw[p95Key];
    const mean = raw[meanKey] ?? WORKLOAD_DEFAULTS[meanKey].value;
    if (typeof p95 === "number" && typeof mean === "number" && p95 < mean)
      issues.push({ path: flag(p95Key), value: p95, expected: `at least the mean ${flag(meanKey)} ${mean}`, hint: WORKLOAD_HINTS[p95Key] });
  }
  return issues;
}

export function resolveWorkload(input: unknown, flag: (key: WorkloadKey) => string = workloadFlag): Workload {
  const raw = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const parsed = workloadSchema.safeParse(input);
  const issues: InputIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys)
          issues.push({
            path: flag(key as WorkloadKey),
            value: raw[key],
            expected: `a workload key (${Object.keys(workloadSchema.shape).join(", ")})`,
            hint: "Check the spelling; every workload key is listed in `llm-stack plan --help`.",
          });
        continue;
      }
      const key = String(issue.path[0] ?? "");
      if (!isWorkloadKey(key)) continue;
      issues.push({ path: flag(key), value: raw[key], expected: WORKLOAD_ACCEPTS[key], hint: WORKLOAD_HINTS[key] });
    }
  }
  issues.push(...contradictions(raw, flag));
  if (issues.length > 0 || !parsed.success) throw new PlanInputError(issues);
  const w = parsed.data;
  const defaults: WorkloadDefault[] = [];
  const take = <K extends keyof typeof WORKLOAD_DEFAULTS>(key: K, given: number | undefined): number => {
    if (given !== undefined) return given;
    defaults.push({ key, value: WORKLOAD_DEFAULTS[key].value, source: WORKLOAD_DEFAULTS[key].source });
    return WORKLOAD_DEFAULTS[key].value;
  };
  const inputTokens = take("inputTokens", w.inputTokens);
  const outputTokens = take("outputTokens", w.outputTokens);
  const prefixCacheHit = take("prefixCacheHit", w.prefixCacheHit);

  let load: WorkloadLoad | null = null;
  let tokensPerMonth: number | null = null;
  const tokensPerRequest = inputTokens + outputTokens;
  if (w.requestsPerSecond !== undefined) {
    load = { kind: "rate", peakRequestsPerSecond: w.requestsPerSecond, meanRequestsPerSecond: w.requestsPerSecond };
    tokensPerMonth = w.requestsPerSecond * tokensPerRequest * SECONDS_PER_MONTH;
  } else if (w.tokensPerMonth !== undefined) {
    const peakToMean = take("peakToMean", w.peakToMean);
    const mean = w.tokensPerMonth / tokensPerRequest / SECONDS_PER_MONTH;
    load = { kind: "rate", peakRequestsPerSecond: mean * peakToMean, meanRequestsPerSecond: mean };
    tokensPerMonth = w.tokensPerMonth;
  } else if (w.concurrentRequests !== undefined) {
    load = { kind: "concurrency", concurrentRequests: w.concurrentRequests };
  }
  return {
    inputTokens,
    outputTokens,
    inputTokensP95: w.inputTokensP95 ?? inputTokens,
    outputTokensP95: w.outputTokensP95 ?? outputTokens,
    load,
    tokensPerMonth,
    ttftP95Ms: w.ttftP95Ms ?? null,
    itlP95Ms: w.itlP95Ms ?? null,
    prefixCacheHit,
    defaults,
  };
}
