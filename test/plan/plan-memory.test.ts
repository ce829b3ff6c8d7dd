import { describe, expect, it } from "vitest";
import { GPUS, MODELS } from "../../infra/catalog";
import {
  attentionLayerKinds,
  kvBytesPerSequencePerGpu,
  kvBytesPerTokenPerGpu,
  loadPeakBytesPerGpuByStage,
  replicaMemory,
  weightBytesPerGpuByStage,
  BYTES_PER_GIB,
} from "../../infra/plan";

const llama8b = MODELS["llama-3.1-8b-instruct"];
const llama70b = MODELS["llama-3.3-70b-instruct"];
const scout = MODELS["llama-4-scout-17b-16e-instruct"];
const mistralLarge = MODELS["mistral-large-instruct-2411"];
const shape = {
  tensorParallelSize: 1,
  pipelineParallelSize: 1,
  gpuMemoryUtilization: 0.9,
  kvCacheDtype: "auto" as const,
  maxNumBatchedTokens: 8192,
  maxModelLen: 16000,
};

describe("memory model", () => {
  it("budgets Llama 3.1 8B bf16 at TP 1, utilization 0.9 on an H100 the way vLLM does", () => {
    const memory = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, shape);
    // 79.18 GiB (torch.cuda.mem_get_info on an H100 SXM) × 0.9
    expect(memory.perGpuGiB.budget).toBeCloseTo(71.262, 3);
    expect(memory.perGpuGiB.weights).toBeCloseTo(14.96, 2); // vLLM logged 14.99
    // LlamaForCausalLM activation peak 4.84 (llm-d, Llama-3.3-70B-FP8 TP 2) + non-torch 0.13 + CUDA graphs 1.03
    expect(memory.perGpuGiB.activationAndOverhead).toBeCloseTo(6.0, 6);
    // 71.262 − 14.96 − 6.00 = 50.30 GiB; at 128 KiB per token (2 × 32 layers × 8 KV heads × 128 × 2 B)
    // 50.30 × 8192 = 412,0xx tokens, in whole blocks of 16.
    expect(memory.perGpuGiB.kvCache).toBeCloseTo(50.3, 1);
    expect(memory.kvCacheTokens).toBeGreaterThanOrEqual(412_000);
    expect(memory.kvCacheTokens).toBeLessThan(412_100);
    expect(memory.kvCacheTokens % 16).toBe(0);
  });

  it("matches the measured Llama 3.3 70B FP8 weights per GPU at TP 2 (33.88 GiB)", () => {
    const variant = llama70b.variants.find((v) => v.id === "fp8-dynamic")!;
    const [stage] = weightBytesPerGpuByStage(llama70b.architecture, variant, 2, 1);
    expect(Math.abs(stage! / BYTES_PER_GIB / 33.88 - 1)).toBeLessThan(0.01);
  });

  it("grows the activation estimate with max-num-batched-tokens", () => {
    const at8k = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, shape);
    const at16k = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, { ...shape, maxNumBatchedTokens: 16384 });
    // Twice the tokens of the profiling pass: twice the measured 4.84 GiB peak.
    expect(at16k.perGpuGiB.activationAndOverhead - at8k.perGpuGiB.activationAndOverhead).toBeCloseTo(4.84, 6);
  });

  it("shards KV heads by TP until TP exceeds them, then replicates", () => {
    const arch = llama70b.architecture; // 8 KV heads, head_dim 128, 80 layers
    expect(kvBytesPerTokenPerGpu(arch, 80, 1, "auto")).toBe(327_680);
    expect(kvBytesPerTokenPerGpu(arch, 80, 8, "auto")).toBe(40_960);
    expect(kvBytesPerTokenPerGpu(arch, 80, 16, "auto")).toBe(40_960);
    expect(kvBytesPerTokenPerGpu(arch, 40, 8, "fp8")).toBe(10_240);
  });
});

describe("Llama 4's chunked-local attention under vLLM's hybrid KV cache manager (on by default at v0.33.0)", () => {
  it("counts 12 global (NoPE) layers and 36 chunked-local layers among Scout's 48 — every 4th layer is global", () => {
    expect(attentionLayerKinds(scout.architecture, 0, 48)).toEqual({ full: 12, chunked: 36 });
    // Pipeline stage 2 of 2 holds layers 24..47: global ones are 27, 31, …, 47.
    expect(attentionLayerKinds(scout.architecture, 24, 48)).toEqual({ full: 6, chunked: 18 });
    expect(attentionLayerKinds(llama8b.architecture, 0, 32)).toEqual({ full: 32, chunked: 0 });
  });

  it("sizes a 131,072-token request: global layers hold it all, chunked layers 8,192 + 8,192 batched tokens", () => {
    // Per layer per token at TP 8: 2 × 1 KV head × 128 × 2 B = 512 B.
    // 12 × 131,072 + 36 × 16,384 = 1,572,864 + 589,824 = 2,162,688 layer-tokens × 512 B = 1,107,296,256 B.
    expect(kvBytesPerSequencePerGpu(scout.architecture, { full: 12, chunked: 36 }, 8, "auto", 131_072, 8192)).toBe(1_107_296_256);
    // At or below the window every layer holds the whole request: 48 × 16,384 × 512 B.
    expect(kvBytesPerSequencePerGpu(scout.architecture, { full: 12, chunked: 36 }, 8, "auto", 16_384, 8192)).toBe(48 * 16_384 * 512);
  });
});

describe("load-time peak", () => {
  const onTheFly = mistralLarge.variants.find((v) => v.vllmQuantizationFlag === "fp8")!;

  it("held the whole bf16 model before vLLM PR #31914: Mistral Large at TP 2 needs ~114 GiB per GPU, more than an H100", () => {
    // 122.6 B parameters × 2 B / 2 GPUs ≈ 114 GiB (the figure).
    const [peak] = loadPeakBytesPerGpuByStage(mistralLarge.architecture, onTheFly, 2, 1, false);
    expect(peak! / BYTES_PER_GIB).toBeGreaterThan(113);
    expect(peak! / BYTES_PER_GIB).toBeLessThan(115);
  });

  it("adds only one layer's bf16 weights at v0.33.0, which quantizes layer by layer as weights stream in", () => {
    const [steady] = weightBytesPerGpuByStage(mistralLarge.architecture, onTheFly, 2, 1);
    const [peak] = loadPeakBytesPerGpuByStage(mistralLarge.architecture, onTheFly, 2, 1, true);
    // One of 88 layers: (12288 hidden; 96/8 heads of 128; 28672 MLP) ≈ 1.29 B params; half of its bf16 bytes at TP 2,
    // less its fp8 bytes: 1.29e9 × (2 − 1) / 2 B ≈ 0.60 GiB.
    expect((peak! - steady!) / BYTES_PER_GIB).toBeGreaterThan(0.55);
    expect((peak! - steady!) / BYTES_PER_GIB).toBeLessThan(0.65);
  });

  it("loads a pre-quantized checkpoint at its stored size", () => {
    const variant = llama70b.variants.find((v) => v.id === "fp8-dynamic")!;
    // No bf16 copy at any point: the peak is the measured steady 33.88 GiB per GPU at TP 2.
    const [peak] = loadPeakBytesPerGpuByStage(llama70b.architecture, variant, 2, 1, false);
    expect(Math.abs(peak! / BYTES_PER_GIB / 33.88 - 1)).toBeLessThan(0.01);
  });
});
