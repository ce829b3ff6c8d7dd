/** The workload planner: the pruned search equals brute force, and break-even volumes by hand. */
import { describe, expect, it } from "vitest";
import { planDeployment } from "../../../infra/plan";
import { breakEvenTokensPerMonth, economicsAt, performanceFor, planForWorkload, workloadOptions } from "../../../infra/plan/performance";
import { contextFor } from "../../../infra/plan/performance/workload-plan";
import { resolveWorkload } from "../../../infra/plan/workload";

describe("cheapest deployment for a workload", () => {
  const workload = resolveWorkload({ inputTokens: 1000, outputTokens: 200, requestsPerSecond: 12, ttftP95Ms: 2000, itlP95Ms: 60 });
  const request = { model: "llama-3.1-8b-instruct", gpu: "h100" } as const;

  it("weighs bf16 and fp8 under auto, never int4 unless asked, and says the workload chose", () => {
    // README "Choice": auto picks between bf16 and fp8; int4 only when asked.
    const search = workloadOptions(request, workload, { exhaustive: true });
    expect(new Set(search.options.map((o) => o.quantization))).toEqual(new Set(["bf16", "fp8"]));
    const { plan } = planForWorkload(request, workload);
    expect(plan.reasons.find((r) => r.startsWith("quantization"))).toMatch(/^quantization (bf16|fp8) chosen for the workload/);
    const asked = planForWorkload({ ...request, quantization: "int4" }, workload);
    expect([asked.plan.quantization, asked.plan.reasons.some((r) => r.startsWith("quantization int4 as asked"))]).toEqual(["int4", true]);
  });

  it("finds the brute-force minimum over every quantization, KV dtype, TP and instance type, simulating fewer candidates", () => {
    const pruned = workloadOptions(request, workload);
    const brute = workloadOptions(request, workload, { exhaustive: true });
    expect(brute.effort.simulated).toBe(brute.effort.candidates);
    expect(pruned.effort.simulated).toBeLessThan(brute.effort.simulated);
    const cheapest = Math.min(...brute.options.map((o) => o.hourlyUsd));
    expect(pruned.options[0]?.hourlyUsd).toBe(cheapest);
    expect(pruned.options[0]?.performance.sloMet).toBe(true);
  });

  it("makes the chosen option a full plan with those replicas, and prices the packed nodes", () => {
    const result = planForWorkload(request, workload);
    const best = workloadOptions(request, workload).options[0];
    expect(result.chosenBy).toBe("workload");
    expect([result.plan.instanceType, result.plan.tensorParallelSize, result.plan.replicas]).toEqual([
      best?.instanceType,
      best?.tensorParallelSize,
      best?.replicas,
    ]);
    // $/M output = the nodes' month over the mean load's output: 12 requests/s × 200 tokens × 730 h × 3,600 s.
    const outputPerMonth = 12 * 200 * 730 * 3600;
    expect(result.economics.usdPerMillionOutputTokens).toBeCloseTo((result.plan.cost.hourlyUsd * 730 * 1e6) / outputPerMonth, 2);
  });
});

describe("break-even against a hosted API", () => {
  const workload = resolveWorkload({ inputTokens: 1000, outputTokens: 200 });
  const bedrock8b = {
    provider: "Amazon Bedrock",
    providerModelId: "meta.llama3-1-8b-instruct-v1:0",
    inputUsdPerMillion: 0.22,
    outputUsdPerMillion: 0.22,
    readOn: "2026-12-06",
    source: "",
  };

  it("is about 23 B tokens a month for Llama 3.1 8B on one p5.4xlarge against Bedrock's $0.22 (not the 2 M public guides claim)", () => {
    // One p5.4xlarge: $6.88/h × 730 h = $5,022.40 a month; at $0.22 per million tokens it pays off at 5,022.40 / 0.22e-6.
    const volume = breakEvenTokensPerMonth({ monthlyUsd: 5022.4, replicas: 1 }, 5000, bedrock8b, workload);
    expect(volume).toBe(Math.round(5022.4 / 0.22e-6));
    expect(volume).toBeGreaterThan(22.8e9);
  });

  it("is never when a full node's capacity is worth less at the hosted price than the node costs", () => {
    // 300 output tokens/s × 6 tokens per output token × 2,628,000 s = 4.73e9 tokens × $0.22/M = $1,040.6 < $5,022.40.
    expect(breakEvenTokensPerMonth({ monthlyUsd: 5022.4, replicas: 1 }, 300, bedrock8b, workload)).toBe("never");
  });
});

describe("a packed node's $/M", () => {
  it("prices the idle GPUs of a pinned TP 2 on an 8-GPU node, and what packing four replicas onto it would cost", () => {
    const plan = planDeployment({ model: "llama-3.3-70b-instruct", quantization: "fp8", tensorParallelSize: 2 });
    const economics = economicsAt(plan, performanceFor(plan, resolveWorkload({})));
    // One TP 2 replica on a p5.48xlarge ($55.04/h, 8 GPUs): 6 GPUs idle = 6 / 8 × $55.04 = $41.28/h.
    expect([plan.replicas, economics.idleGpus, economics.idleHourlyUsd]).toEqual([1, 6, 41.28]);
    // Packed, the same node runs 8 / 2 = 4 replicas: the same month over four times the output.
    expect(economics.usdPerMillionOutputTokensPacked).toBeCloseTo(economics.usdPerMillionOutputTokens / 4, 2);
  });
});

describe("the context a workload needs", () => {
  it("sizes --max-model-len for the longest requests the workload draws: 40,000 + 500 tokens spread ±50 % → 61,440", () => {
    // Longest prompt 40,000 × 1.5 = 60,000, longest output 500 × 1.5 = 750: 60,750 tokens, rounded up to 1,024s = 61,440.
    const sized = contextFor({ model: "llama-3.1-8b-instruct" }, resolveWorkload({ inputTokens: 40000, outputTokens: 500 }));
    expect(sized.maxModelLen).toBe(61440);
    // An explicit context is the user's to keep.
    expect(contextFor({ model: "llama-3.1-8b-instruct", maxModelLen: 8192 }, resolveWorkload({ inputTokens: 40000 })).maxModelLen).toBe(
      8192,
    );
  });

  it("misses, naming --max-model-len, when the requests are longer than the plan's context", () => {
    const plan = planDeployment({ model: "llama-3.1-8b-instruct", maxModelLen: 8192 });
    const performance = performanceFor(plan, resolveWorkload({ inputTokens: 9000, outputTokens: 100 }));
    expect(performance.sloMet).toBe(false);
    expect(performance.sloMisses[0]).toContain("exceed --max-model-len 8192");
  });
});
