/** The workload contract: defaults with their sources, load forms, and every contradiction at once. */
import { describe, expect, it } from "vitest";
import { PlanInputError } from "../../../infra/plan";
import { resolveWorkload } from "../../../infra/plan/workload";

describe("workload", () => {
  it("takes vllm bench serve's random-dataset lengths when none are given, and names the source", () => {
    const w = resolveWorkload({});
    expect([w.inputTokens, w.outputTokens, w.load]).toEqual([1024, 128, null]);
    expect(w.defaults.map((d) => d.key)).toEqual(["inputTokens", "outputTokens", "prefixCacheHit"]);
    expect(w.defaults[0]?.source).toContain("vllm/benchmarks/datasets.py");
  });

  it("turns a monthly volume into mean and peak rates: 23 B tokens of 1,152 per request over 730 h", () => {
    const w = resolveWorkload({ tokensPerMonth: 23e9 });
    // 23e9 / 1,152 / (730 × 3,600) = 7.5971 requests/s; peak × 2 (the stated default).
    expect(w.load).toEqual({
      kind: "rate",
      meanRequestsPerSecond: expect.closeTo(7.5971, 3),
      peakRequestsPerSecond: expect.closeTo(15.1943, 3),
    });
    expect(w.defaults.map((d) => d.key)).toContain("peakToMean");
  });

  it("reports every problem at once: bad shapes, two load forms, a p95 below its mean, a peak factor without a volume", () => {
    let error: unknown;
    try {
      resolveWorkload({
        inputTokens: 0,
        requestsPerSecond: 2,
        concurrentRequests: 3,
        outputTokensP95: 50,
        peakToMean: 3,
        prefixCacheHit: 1.5,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).exitCode).toBe(2);
    expect((error as PlanInputError).issues.map((i) => i.path)).toEqual([
      "--input-tokens",
      "--prefix-cache-hit",
      "--requests-per-second",
      "--concurrent-requests",
      "--peak-to-mean",
      "--output-tokens-p95",
    ]);
  });
});
