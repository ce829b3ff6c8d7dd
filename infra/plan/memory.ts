/**
 * The per-GPU memory budget of one replica shape, following vLLM's startup accounting
 * (vllm/v1/worker/gpu_worker.py determine_available_memory):
 *   budget   = GPU memory × gpu-memory-utilization
 *   KV cache = budget − weights on this GPU − activation peak − non-torch − CUDA graphs
 * computed for every pipeline stage; the replica's token capacity is the smallest stage's, because
 * vLLM gives every worker the same number of KV blocks.
 */
import { type Architecture, type GpuSpec, type Variant } from "../catalog";
import { kvBytesPerTokenPerGpu, kvTokensFor, type KvCacheDtype } from "./kv-cache";
import { estimateOverhead } from "./overhead";
import { pipelineStageLayerCounts } from "./parallelism";
import { BYTES_PER_GIB, weightBytesPerGpuByStage } from "./weights";

export interface ReplicaShape {
  tensorParallelSize: number;
  pipelineParallelSize: number;
  gpuMemoryUtilization: number;
  kvCacheDtype: KvCacheDtype;
  maxNumBatchedTokens: number;
}

/** GiB on the binding GPU (the pipeline stage with the fewest KV tokens). */
export interface PerGpuMemoryGiB {
  capacity: number;
  budget: number;
  weights: number;
  activationAndOverhead: number;
  /** Negative when weights and overhead alone exceed the budget. */
  kvCache: number;
}

export interface ReplicaMemory {
  perGpuGiB: PerGpuMemoryGiB;
  /** KV bytes per token on the binding GPU. */
  kvBytesPerTokenPerGpu: number;
  /** Tokens the replica's KV cache holds (whole blocks), 0 when nothing is left. */
  kvCacheTokens: number;
}

export function replicaMemory(arch: Architecture, variant: Variant, gpu: GpuSpec, shape: ReplicaShape): ReplicaMemory {
  const { tensorParallelSize: tp, pipelineParallelSize: pp } = shape;
  const weightsByStage = weightBytesPerGpuByStage(arch, variant, tp, pp);
  const layersByStage = pipelineStageLayerCounts(arch.hiddenLayers, pp);
  const overhead = estimateOverhead(arch, tp * pp, shape.maxNumBatchedTokens);
  const budgetGiB = gpu.memoryGiB * shape.gpuMemoryUtilization;

  const stages = weightsByStage.map((weightBytes, stage) => {
    const weightsGiB = weightBytes / BYTES_PER_GIB;
    const kvCacheGiB = budgetGiB - weightsGiB - overhead.totalGiB;
    const bytesPerToken = kvBytesPerTokenPerGpu(arch, layersByStage[stage] ?? 0, tp, shape.kvCacheDtype);
    return { weightsGiB, kvCacheGiB, bytesPerToken, tokens: kvTokensFor(kvCacheGiB * BYTES_PER_GIB, bytesPerToken) };
  });
  // The binding stage: fewest tokens, and among equals the one with the least KV memory.
  const binding = stages.reduce((worst, stage) =>
    stage.tokens < worst.tokens || (stage.tokens === worst.tokens && stage.kvCacheGiB < worst.kvCacheGiB) ? stage : worst,
  );
  return {
    perGpuGiB: {
      capacity: gpu.memoryGiB,
      budget: budgetGiB,
      weights: binding.weightsGiB,
      activationAndOverhead: overhead.totalGiB,
      kvCache: binding.kvCacheGiB,
    },
    kvBytesPerTokenPerGpu: binding.bytesPerToken,
    kvCacheTokens: binding.tokens,
  };
}
