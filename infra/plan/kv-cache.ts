/**
 * KV-cache bytes per token on one GPU, the way vLLM sizes its pages
 * (vllm/v1/kv_cache_interface.py AttentionSpec.page_size_bytes):
 *   2 (K and V) × layers on this pipeline stage × KV heads on this GPU × head_dim × dtype bytes,
 * with KV heads on this GPU = max(1, kv_heads / TP): past TP = kv_heads the heads are replicated
 * and the per-GPU cache stops shrinking.
 *
 * Llama 4's chunked-local layers (3 of every 4) are sized as full attention here. vLLM can size
 * them to chunk + max-num-batched-tokens tokens only with the hybrid KV cache manager, which it
 * disables for chunked local attention by default ("There is a latency regression when using
 * chunked local attention with the hybrid KV cache manager. Disabling it, by default."; opt in with
 * VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1). The kit does not set that variable, so
 * every layer holds the whole context, an upper bound that is also what vLLM allocates.
 */
import { type Architecture } from "../catalog";

export const KV_CACHE_DTYPES = ["auto", "fp8"] as const;
export type KvCacheDtype = (typeof KV_CACHE_DTYPES)[number];

/** vLLM's default KV block size on CUDA: capacity is counted in whole blocks. */
export const KV_BLOCK_SIZE_TOKENS = 16;

/**
 * `auto` stores the KV cache in the model's activation dtype (bf16 for every model here, also for
 * FP8 weight checkpoints without KV scales); `fp8` (e4m3 on CUDA) stores one byte per element.
 */
export const kvCacheDtypeBytes = (dtype: KvCacheDtype): number => (dtype === "fp8" ? 1 : 2);

export function kvHeadsPerGpu(arch: Architecture, tensorParallelSize: number): number {
  return Math.max(1, arch.keyValueHeads / tensorParallelSize);
}

export function kvBytesPerTokenPerGpu(
  arch: Architecture,
  layersOnStage: number,
  tensorParallelSize: number,
  dtype: KvCacheDtype,
): number {
  return 2 * layersOnStage * kvHeadsPerGpu(arch, tensorParallelSize) * arch.headDim * kvCacheDtypeBytes(dtype);
}

/** Whole-model KV bytes per token at TP 1 (the figure model cards and calculators quote). */
export function kvBytesPerToken(arch: Architecture, dtype: KvCacheDtype): number {
  return kvBytesPerTokenPerGpu(arch, arch.hiddenLayers, 1, dtype);
}

/** Tokens a GPU's KV memory holds, in whole blocks. */
export function kvTokensFor(kvCacheBytes: number, bytesPerToken: number): number {
  if (kvCacheBytes <= 0) return 0;
  const blockBytes = bytesPerToken * KV_BLOCK_SIZE_TOKENS;
  return Math.floor(kvCacheBytes / blockBytes) * KV_BLOCK_SIZE_TOKENS;
}
