/** One engine step by hand: bytes over bandwidth, FLOPs over peak, all-reduces over NVLink, with round efficiencies. */
import { describe, expect, it } from "vitest";
import { servingShapeFor, stepTime } from "../../../infra/plan/performance";

const efficiency = { memoryBandwidthUtilization: 0.5, computeUtilization: 0.5 };
const globals = { stepOverheadMs: 1, allReduceLatencyUs: 10, moeComputeEfficiency: 0.5, moeExpertOverheadUs: 10, requestOverheadMs: 20 };
const llama8b = servingShapeFor({
  model: "llama-3.1-8b-instruct",
  variant: "bf16",
  gpu: "h100",
  tensorParallelSize: 1,
  kvCacheDtype: "auto",
  maxModelLen: 4096,
});

describe("step time", () => {
  it("decodes one Llama 3.1 8B sequence at the speed of reading its weights and KV cache", () => {
    // 8,030,261,248 parameters × 2 B = 16,060,522,496 B of weights; KV 1,024 tokens × 32 layers × (2 × 8 heads × 128 × 2 B)
    // = 134,217,728 B; (16,060,522,496 + 134,217,728) / (3.35 TB/s × 0.5) = 9.6685 ms, + 1 ms overhead.
    const step = stepTime(
      llama8b,
      { decodeSequences: 1, decodeContextTokens: 1024, prefillTokens: 0, prefillContextTokens: 0 },
      efficiency,
      globals,
    );
    expect(step.bound).toBe("memory");
    expect(step.memorySeconds * 1000).toBeCloseTo(9.6685, 3);
    expect(step.seconds * 1000).toBeCloseTo(10.6685, 3);
  });

  it("prefills 8,192 prompt tokens at the speed of its FLOPs", () => {
    // Matmuls of the 32 layers: (8,030,261,248 − 2 × 128,256 × 4,096 embedding and lm_head) = 6,979,588,096 parameters,
    // 2 × 6,979,588,096 × 8,192 = 114,353,571,364,864 (no logits: no position is sampled); attention 4 × 4,096 query
    // width × 32 layers × 8,192 tokens × 4,096 mean span = 17,592,186,044,416; together / (989.5 TFLOPS × 0.5) = 266.692 ms.
    const step = stepTime(
      llama8b,
      { decodeSequences: 0, decodeContextTokens: 0, prefillTokens: 8192, prefillContextTokens: 4096 },
      efficiency,
      globals,
    );
    expect(step.bound).toBe("compute");
    expect(step.computeSeconds * 1000).toBeCloseTo(266.692, 2);
  });

  it("adds two all-reduces per layer with tensor parallelism: Llama 3.3 70B at TP 4", () => {
    // 2 × 80 layers × (10 µs + 1 token × 8,192 hidden × 2 B × 2(4 − 1)/4 / 450 GB/s) = 1.60874 ms.
    const tp4 = servingShapeFor({
      model: "llama-3.3-70b-instruct",
      variant: "fp8-dynamic",
      gpu: "h100",
      tensorParallelSize: 4,
      kvCacheDtype: "auto",
      maxModelLen: 4096,
    });
    const step = stepTime(
      tp4,
      { decodeSequences: 1, decodeContextTokens: 1024, prefillTokens: 0, prefillContextTokens: 0 },
      efficiency,
      globals,
    );
    expect(step.allReduceSeconds * 1000).toBeCloseTo(1.60874, 4);
  });

  it("reads only the experts a step's tokens touch: one Mixtral token reads 2 of 8 experts per layer", () => {
    const mixtral = servingShapeFor({
      model: "mixtral-8x7b-instruct-v0.1",
      variant: "bf16",
      gpu: "h100",
      tensorParallelSize: 2,
      kvCacheDtype: "auto",
      maxModelLen: 4096,
    });
    const one = stepTime(
      mixtral,
      { decodeSequences: 1, decodeContextTokens: 0, prefillTokens: 0, prefillContextTokens: 0 },
      efficiency,
      globals,
    );
    const many = stepTime(
      mixtral,
      { decodeSequences: 256, decodeContextTokens: 0, prefillTokens: 0, prefillContextTokens: 0 },
      efficiency,
      globals,
    );
    const share = mixtral.routedWeightShare;
    // Routed experts are 96.6 % of Mixtral's weights; 1 − (1 − 2/8)^1 = 0.25 of them read by one token, all by 256.
    expect(share).toBeCloseTo(0.9656, 3);
    expect(one.memorySeconds / many.memorySeconds).toBeCloseTo(1 - share + share * 0.25, 4);
  });
});
