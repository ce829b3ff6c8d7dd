/**
 * KV-cache bytes per token on one GPU, the way vLLM sizes its pages
 * (vllm/v1/kv_cache_interface.py AttentionSpec.page_size_bytes):
 *   2 (K and V) × layers on this pipeline stage × KV heads on this GPU × head_dim × dtype bytes,
 * with KV heads on this GPU = max(1, kv_heads / TP): past TP = kv_heads the heads are replicated
 * and the per-GPU cache stops shrinking.
 *
 * Llama 4's chunked-local layers (3 of every 4) hold at most chunk + max-num-batched-tokens tokens
 * per request when vLLM's hybrid KV cache manager is on (vllm/v1/kv_cache_interface.py,
 * ChunkedLocalAttentionSpec.max_memory_usage_bytes), which it is by default at the pinned release
 * (infra/catalog/vllm-release.ts, hybridKvCacheForChunkedLocalAttention); only the global layers
 * hold the whole context. {@link kvBytesPerSequencePerGpu} sizes a request that way.
 */
import { VLLM_RELEASE, type Architecture } from "../catalog";

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

export function kvBytesPerTokenPerGpu(arch: Architecture, layersOnStage: number, tensorParallelSize: number, dtype: KvCacheDtype): number {
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

/** Full-attention (global) and chunked-local layers among decoder layers [start, end). */
export function attentionLayerKinds(arch: Architecture, start: number, end: number): { full: number; chunked: number } {
  const chunked = arch.chunkedLocalAttention;
  if (chunked === null || !VLLM_RELEASE.hybridKvCacheForChunkedLocalAttention) return { full: end - start, chunked: 0 };
  // Llama 4: every globalLayerInterval-th layer (index i with (i + 1) % interval === 0) is a NoPE
  // layer with global attention; the others use chunked local attention (HF Llama4TextConfig
  // no_rope_layers default; vLLM Llama4Attention: use_chunked_local_attn = not nope).
  let full = 0;
  for (let i = start; i < end; i++) if ((i + 1) % chunked.globalLayerInterval === 0) full++;
  return { full, chunked: end - start - full };
}

/** Blocks that hold `tokens` (vLLM allocates KV in whole blocks). */
export const blocksFor = (tokens: number) => Math.ceil(tokens / KV_BLOCK_SIZE_TOKENS);

/**
 * KV bytes one request of `maxModelLen` tokens holds on one GPU of a pipeline stage, in whole
 * blocks: global layers the whole context, chunked-local layers min(chunk + batched tokens,
 * context).
 */
export function kvBytesPerSequencePerGpu(
  arch: Architecture,
  layers: { full: number; chunked: number },
  tensorParallelSize: number,
  dtype: KvCacheDtype,
  maxModelLen: number,
  maxNumBatchedTokens: number,
): number {
  const perLayerToken = kvBytesPerTokenPerGpu(arch, 1, tensorParallelSize, dtype);
  const window = arch.chunkedLocalAttention
    ? Math.min(arch.chunkedLocalAttention.chunkSizeTokens + maxNumBatchedTokens, maxModelLen)
    : maxModelLen;
  return perLayerToken * KV_BLOCK_SIZE_TOKENS * (layers.full * blocksFor(maxModelLen) + layers.chunked * blocksFor(window));
}
