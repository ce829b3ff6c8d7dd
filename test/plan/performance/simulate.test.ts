/** The latency simulation obeys the laws any queue does, and is deterministic. */
import { describe, expect, it } from "vitest";
import { CALIBRATION, servingShapeFor, simulateLatency } from "../../../infra/plan/performance";

const shape = servingShapeFor({
  model: "llama-3.1-8b-instruct",
  variant: "fp8-static",
  gpu: "h100",
  tensorParallelSize: 1,
  kvCacheDtype: "auto",
  maxModelLen: 8192,
});
const request = { inputTokens: 1000, outputTokens: 200, prefixCacheHitRate: 0 };

describe("latency simulation", () => {
  it("gives the same percentiles for the same inputs (fixed-seed arrivals and lengths)", () => {
    const arrivals = { kind: "poisson", requestsPerSecond: 5 } as const;
    expect(simulateLatency(shape, request, CALIBRATION, arrivals)).toEqual(simulateLatency(shape, request, CALIBRATION, arrivals));
  });

  it("obeys Little's law: requests in the replica = arrival rate × mean time in it", () => {
    // Closed loop with C clients: every client always has one request in the replica, so L = C exactly.
    const closed = simulateLatency(shape, request, CALIBRATION, { kind: "closed-loop", concurrentRequests: 16 });
    expect(closed.meanConcurrentRequests).toBeGreaterThan(15);
    expect(closed.meanConcurrentRequests).toBeLessThanOrEqual(16);
    // Throughput in requests/s × time per request (TTFT + 199 further tokens at the median ITL) ≈ 16 clients.
    const requestsPerSecond = closed.outputTokensPerSecond / request.outputTokens;
    const secondsPerRequest = (closed.ttftMs.p50 + (request.outputTokens - 1) * closed.itlMs.p50) / 1000;
    expect(requestsPerSecond * secondsPerRequest).toBeGreaterThan(16 * 0.8);
    expect(requestsPerSecond * secondsPerRequest).toBeLessThan(16 * 1.2);
  });

  it("carries an open-loop load below saturation, and flags one far above it as overloaded", () => {
    const light = simulateLatency(shape, request, CALIBRATION, { kind: "poisson", requestsPerSecond: 2 });
    // 2 requests/s × 200 output tokens = 400 output tokens/s delivered.
    expect(light.overloaded).toBe(false);
    expect(light.outputTokensPerSecond).toBeGreaterThan(400 * 0.8);
    expect(light.outputTokensPerSecond).toBeLessThan(400 * 1.25);
    expect(simulateLatency(shape, request, CALIBRATION, { kind: "poisson", requestsPerSecond: 500 }).overloaded).toBe(true);
  });

  it("never holds more KV than the cache: long outputs at high concurrency preempt the newest requests, as vLLM V1 does", () => {
    const tp2 = servingShapeFor({
      model: "llama-3.3-70b-instruct",
      variant: "fp8-dynamic",
      gpu: "h100",
      tensorParallelSize: 2,
      kvCacheDtype: "auto",
      maxModelLen: 8192,
    });
    // 120 clients × (2,000 prompt + up to 4,000 output tokens) is far more than the cache holds.
    const r = simulateLatency(tp2, { inputTokens: 2000, outputTokens: 4000, prefixCacheHitRate: 0 }, CALIBRATION, {
      kind: "closed-loop",
      concurrentRequests: 120,
    });
    expect(r.preemptions).toBeGreaterThan(0);
    expect(r.peakKvTokens).toBeLessThanOrEqual(tp2.kvCacheTokens);
  });

  it("orders its percentiles: p50 ≤ p95", () => {
    const r = simulateLatency(shape, request, CALIBRATION, { kind: "poisson", requestsPerSecond: 10 });
    expect(r.ttftMs.p50).toBeLessThanOrEqual(r.ttftMs.p95);
    expect(r.itlMs.p50).toBeLessThanOrEqual(r.itlMs.p95);
  });
});
