/**
 * How close the planner's model comes to published measurements (infra/catalog/measurements.ts):
 * one row per measurement with the planner's figure and the ratio. Tests hold the ratios to their
 * targets; `npm run bench` prints the table.
 */
import { GPUS, KV_CACHE_MEASUREMENTS, LLAMA4_CONTEXT_MEASUREMENTS, MODELS, findVariant, isModelId, type Variant } from "../catalog";
import { kvBytesPerTokenPerGpu } from "./kv-cache";
import { replicaMemory } from "./memory";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./overhead";
import { BYTES_PER_GIB } from "./weights";

export interface AccuracyRow {
  id: string;
  quantity: string;
  published: number;
  planned: number;
  /** planned / published. */
  ratio: number;
  /** Why they differ, where they do by design. */
  note: string;
  source: string;
}

function variantOf(model: string, variant: string): { arch: (typeof MODELS)[keyof typeof MODELS]["architecture"]; variant: Variant } {
  if (!isModelId(model)) throw new Error(`measurement names unknown model ${model}`);
  const found = findVariant(model, variant);
  if (!found) throw new Error(`measurement names unknown variant ${model} ${variant}`);
  return { arch: MODELS[model].architecture, variant: found };
}

const ratio = (planned: number, published: number) => Math.round((planned / published) * 1000) / 1000;

export function accuracyRows(): AccuracyRow[] {
  const rows: AccuracyRow[] = [];
  for (const m of KV_CACHE_MEASUREMENTS) {
    const { arch, variant } = variantOf(m.model, m.variant);
    const memory = replicaMemory(arch, variant, GPUS.h100, {
      tensorParallelSize: m.tensorParallelSize,
      pipelineParallelSize: 1,
      gpuMemoryUtilization: m.gpuMemoryUtilization,
      kvCacheDtype: "auto",
      maxNumBatchedTokens: DEFAULT_MAX_NUM_BATCHED_TOKENS,
      maxModelLen: m.maxModelLen,
    });
    const planned = Math.round(memory.perGpuGiB.kvCache * 100) / 100;
    rows.push({
      id: m.id,
      quantity: "KV cache GiB per GPU",
      published: m.kvCacheGiBPerGpu,
      planned,
      ratio: ratio(planned, m.kvCacheGiBPerGpu),
      note: `measured on vLLM ${m.vllmVersion}, which captured CUDA graphs after sizing the cache; the pinned release reserves them first (1.03 GiB here)`,
      source: m.source.ref,
    });
  }
  for (const m of LLAMA4_CONTEXT_MEASUREMENTS) {
    const { arch, variant } = variantOf(m.model, m.variant);
    const memory = replicaMemory(arch, variant, GPUS[m.gpu], {
      tensorParallelSize: m.tensorParallelSize,
      pipelineParallelSize: 1,
      gpuMemoryUtilization: 0.9,
      kvCacheDtype: "auto",
      maxNumBatchedTokens: DEFAULT_MAX_NUM_BATCHED_TOKENS,
      maxModelLen: m.maxModelLen,
    });
    // vLLM 0.8.3 cached every layer for the whole context (no hybrid KV cache manager yet).
    const fullAttentionTokens = Math.floor(
      (memory.perGpuGiB.kvCache * BYTES_PER_GIB) / kvBytesPerTokenPerGpu(arch, arch.hiddenLayers, m.tensorParallelSize, "auto"),
    );
    rows.push({
      id: m.id,
      quantity: "longest context, one request, all layers full attention (tokens)",
      published: m.maxModelLen,
      planned: fullAttentionTokens,
      ratio: ratio(fullAttentionTokens, m.maxModelLen),
      note: `the blog gives the round --max-model-len it recommends on vLLM ${m.vllmVersion}, at or below what fits; at the pinned release chunked-local layers cache 16,384 tokens, so far longer contexts fit`,
      source: m.source.ref,
    });
  }
  return rows;
}
