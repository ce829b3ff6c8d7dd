/**
 * Tensor- and pipeline-parallel rules exactly as vLLM enforces them.
 */
import { type Architecture } from "../catalog";

/**
 * vLLM rejects a TP that does not divide the attention heads ("Total number of attention heads
 * (H) must be divisible by tensor parallel size (T)", vllm/config/model.py verify_with_parallel_config)
 * and one that is neither a divisor nor a multiple of the KV heads (QKVParallelLinear's
 * divisibility assertion, vllm/model_executor/layers/linear.py).
 */
export function tensorParallelProblem(arch: Architecture, tensorParallelSize: number): string | null {
  const { attentionHeads, keyValueHeads } = arch;
  if (!Number.isInteger(tensorParallelSize) || tensorParallelSize < 1) return "must be a positive integer";
  if (attentionHeads % tensorParallelSize !== 0) {
    return `the ${attentionHeads} attention heads are not divisible by ${tensorParallelSize}`;
  }
  if (keyValueHeads % tensorParallelSize !== 0 && tensorParallelSize % keyValueHeads !== 0) {
    return `${tensorParallelSize} is neither a divisor nor a multiple of the ${keyValueHeads} KV heads`;
  }
  return null;
}

/** Every TP vLLM accepts for this architecture, ascending, up to `maxSize` (GPUs on one node). */
export function validTensorParallelSizes(arch: Architecture, maxSize: number = arch.attentionHeads): number[] {
  const sizes: number[] = [];
  for (let size = 1; size <= Math.min(maxSize, arch.attentionHeads); size++) {
    if (tensorParallelProblem(arch, size) === null) sizes.push(size);
  }
  return sizes;
}

/**
 * Decoder layers held by each pipeline stage, as vllm/distributed/utils.py get_pp_indices splits
 * them: an even share each, the remainder going one layer at a time to the stages just before the
 * last (the last stage also holds the lm_head).
 */
export function pipelineStageLayerCounts(hiddenLayers: number, pipelineParallelSize: number): number[] {
  if (pipelineParallelSize < 1 || pipelineParallelSize > hiddenLayers) {
    throw new Error(`pipeline parallel size ${pipelineParallelSize} must be between 1 and the ${hiddenLayers} layers`);
  }
  const partitions = Array.from({ length: pipelineParallelSize }, () => Math.floor(hiddenLayers / pipelineParallelSize));
  const remaining = hiddenLayers % pipelineParallelSize;
  for (let i = 2; i < remaining + 2; i++) {
    const stage = partitions.length - i;
    partitions[stage] = (partitions[stage] ?? 0) + 1;
  }
  return partitions;
}

/** [start, end) decoder-layer indices of every pipeline stage. */
export function pipelineStageLayerRanges(hiddenLayers: number, pipelineParallelSize: number): Array<[number, number]> {
  let start = 0;
  return pipelineStageLayerCounts(hiddenLayers, pipelineParallelSize).map((count) => {
    const range: [number, number] = [start, start + count];
    start += count;
    return range;
  });
}
