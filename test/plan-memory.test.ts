import { describe, expect, it } from "vitest";
import { GPUS, MODELS } from "../infra/catalog";
import {
  kvBytesPerTokenPerGpu, pipelineStageLayerCounts, replicaMemory, tensorParallelProblem, validTensorParallelSizes,
  weightBytesPerGpuByStage, BYTES_PER_GIB,
} from "../infra/plan";

const llama8b = MODELS["llama-3.1-8b-instruct"];
const llama70b = MODELS["llama-3.3-70b-instruct"];
const scout = MODELS["llama-4-scout-17b-16e-instruct"];

describe("memory model", () => {
  it("leaves Llama 3.1 8B bf16 at TP 1, utilization 0.9 on an H100 a KV cache within 10% of vLLM's measured 51.4 GiB", () => {
    const memory = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, {
      tensorParallelSize: 1, pipelineParallelSize: 1, gpuMemoryUtilization: 0.9, kvCacheDtype: "auto", maxNumBatchedTokens: 8192,
    });
    expect(memory.perGpuGiB.budget).toBeCloseTo(71.262, 3);
    expect(memory.perGpuGiB.weights).toBeCloseTo(14.96, 2); // vLLM logged 14.99
    expect(memory.perGpuGiB.activationAndOverhead).toBeCloseTo(6.8, 6);
    expect(Math.abs(memory.perGpuGiB.kvCache / 51.38 - 1)).toBeLessThan(0.1);
    expect(memory.perGpuGiB.kvCache).toBeCloseTo(49.5, 1);
    expect(memory.kvCacheTokens).toBe(405_536);
  });

  it("matches the measured Llama 3.3 70B FP8 weights per GPU at TP 2 (33.88 GiB)", () => {
    const variant = llama70b.variants.find((v) => v.id === "fp8-dynamic")!;
    const [stage] = weightBytesPerGpuByStage(llama70b.architecture, variant, 2, 1);
    expect(Math.abs(stage! / BYTES_PER_GIB / 33.88 - 1)).toBeLessThan(0.01);
  });

  it("grows the activation estimate with max-num-batched-tokens", () => {
    const shape = { tensorParallelSize: 1, pipelineParallelSize: 1, gpuMemoryUtilization: 0.9, kvCacheDtype: "auto" as const };
    const at8k = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, { ...shape, maxNumBatchedTokens: 8192 });
    const at16k = replicaMemory(llama8b.architecture, llama8b.variants[0]!, GPUS.h100, { ...shape, maxNumBatchedTokens: 16384 });
    expect(at16k.perGpuGiB.activationAndOverhead - at8k.perGpuGiB.activationAndOverhead).toBeCloseTo(5.64, 6);
  });

  it("shards KV heads by TP until TP exceeds them, then replicates", () => {
    const arch = llama70b.architecture; // 8 KV heads, head_dim 128, 80 layers
    expect(kvBytesPerTokenPerGpu(arch, 80, 1, "auto")).toBe(327_680);
    expect(kvBytesPerTokenPerGpu(arch, 80, 8, "auto")).toBe(40_960);
    expect(kvBytesPerTokenPerGpu(arch, 80, 16, "auto")).toBe(40_960);
    expect(kvBytesPerTokenPerGpu(arch, 40, 8, "fp8")).toBe(10_240);
  });

  it("sizes every Llama 4 layer, chunked-local ones included, as full attention", () => {
    expect(kvBytesPerTokenPerGpu(scout.architecture, 48, 1, "auto")).toBe(2 * 48 * 8 * 128 * 2);
  });
});

describe("parallelism rules", () => {
  it.each([
    ["llama-4-scout-17b-16e-instruct", [1, 2, 4, 8, 40]],
    ["llama-3.3-70b-instruct", [1, 2, 4, 8, 16, 32, 64]],
    ["llama-3.2-3b-instruct", [1, 2, 4, 8, 24]],
    ["mixtral-8x22b-instruct-v0.1", [1, 2, 4, 8, 16, 24, 48]],
    ["phi-3.5-mini-instruct", [1, 2, 4, 8, 16, 32]],
  ] as const)("%s accepts TP %j", (id, sizes) => {
    expect(validTensorParallelSizes(MODELS[id].architecture)).toEqual(sizes);
  });

  it("rejects TP 16 for Llama 4's 40 attention heads", () => {
    expect(tensorParallelProblem(scout.architecture, 16)).toBe("the 40 attention heads are not divisible by 16");
  });

  it("rejects a TP that is neither divisor nor multiple of the KV heads", () => {
    expect(tensorParallelProblem(MODELS["mixtral-8x22b-instruct-v0.1"].architecture, 12)).toBe("12 is neither a divisor nor a multiple of the 8 KV heads");
  });

  it("splits layers across pipeline stages as vLLM's get_pp_indices does", () => {
    expect(pipelineStageLayerCounts(126, 2)).toEqual([63, 63]);
    expect(pipelineStageLayerCounts(32, 3)).toEqual([11, 11, 10]);
    expect(pipelineStageLayerCounts(88, 3)).toEqual([29, 30, 29]);
    expect(pipelineStageLayerCounts(48, 4)).toEqual([12, 12, 12, 12]);
  });
});
