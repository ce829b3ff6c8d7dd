/**
 * The per-GPU memory budget of one replica shape, following vLLM's startup accounting
 * (vllm/v1/worker/gpu_worker.py determine_available_memory, at the release in
 * infra/catalog/vllm-release.ts):
 *   budget   = GPU memory × gpu-memory-utilization
 *   KV cache = budget − weights on this GPU − activation peak − non-torch − CUDA graphs
 * computed for every pipeline stage; the replica's token capacity is the smallest stage's, because
 * vLLM gives every worker the same number of KV blocks. Loading must also fit: the load-time peak
 * of the weights (online FP8 quantizes as it loads) plus non-torch memory stays within the GPU.
 */
import { VLLM_RELEASE, type Architecture, type GpuSpec, type Variant } from "../catalog";
import { attentionLayerKinds, blocksFor, kvBytesPerSequencePerGpu, kvTokensFor, KV_BLOCK_SIZE_TOKENS, type KvCacheDtype } from "./kv-cache";
import { estimateOverhead } from "./overhead";
import { pipelineStageLayerRanges } from "./parallelism";
import { BYTES_PER_GIB, loadPeakBytesPerGpuByStage, weightBytesPerGpuByStage } from "./weights";

export interface ReplicaShape {
  tensorParallelSize: number;
  pipelineParallelSize: number;
  gpuMemoryUtilization: number;
  kvCacheDtype: KvCacheDtype;
  maxNumBatchedTokens: number;
  /** The context each request may reach: chunked-local layers cache less than this. */
  maxModelLen: number;
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
  /**
   * KV bytes per token on the binding GPU for requests of maxModelLen tokens: the per-layer size
   * averaged over global and chunked-local layers (exact for models without chunked layers).
   */
  kvBytesPerTokenPerGpu: number;
  /** Tokens of maxModelLen-long requests the replica's KV cache holds (whole blocks), 0 when nothing is left. */
  kvCacheTokens: number;
  /** The most any GPU holds while the weights load, plus non-torch memory, in GiB. */
  loadPeakGiB: number;
  /** Whether that peak fits the GPU. */
  loadFits: boolean;
}

export function replicaMemory(arch: Architecture, variant: Variant, gpu: GpuSpec, shape: ReplicaShape): ReplicaMemory {
  const { tensorParallelSize: tp, pipelineParallelSize: pp } = shape;
  const weightsByStage = weightBytesPerGpuByStage(arch, variant, tp, pp);
  const ranges = pipelineStageLayerRanges(arch.hiddenLayers, pp);
  const overhead = estimateOverhead(arch, tp * pp, shape.maxNumBatchedTokens);
  const budgetGiB = gpu.memoryGiB * shape.gpuMemoryUtilization;

  const stages = weightsByStage.map((weightBytes, stage) => {
    const [start, end] = ranges[stage] ?? [0, 0];
    const weightsGiB = weightBytes / BYTES_PER_GIB;
    const kvCacheGiB = budgetGiB - weightsGiB - overhead.totalGiB;
    const sequenceBytes = kvBytesPerSequencePerGpu(
      arch,
      attentionLayerKinds(arch, start, end),
      tp,
      shape.kvCacheDtype,
      shape.maxModelLen,
      shape.maxNumBatchedTokens,
    );
    // A sequence's bytes per block (hybrid layouts average their full and chunked layers over the context).
    const bytesPerToken = sequenceBytes / blocksFor(shape.maxModelLen) / KV_BLOCK_SIZE_TOKENS;
    const tokens = bytesPerToken === 0 ? 0 : kvTokensFor(kvCacheGiB * BYTES_PER_GIB, bytesPerToken);
    return { weightsGiB, kvCacheGiB, bytesPerToken, tokens };
  });
  // The binding stage: fewest tokens, and among equals the one with the least KV memory.
  const binding = stages.reduce((worst, stage) =>
    stage.tokens < worst.tokens || (stage.tokens === worst.tokens && stage.kvCacheGiB < worst.kvCacheGiB) ? stage : worst,
  );
  const loadPeakGiB =
    Math.max(...loadPeakBytesPerGpuByStage(arch, variant, tp, pp, VLLM_RELEASE.onlineFp8QuantizesLayerByLayer)) / BYTES_PER_GIB +
    overhead.nonTorchGiB;
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
    loadPeakGiB,
    loadFits: loadPeakGiB <= gpu.memoryGiB,
  };
}
