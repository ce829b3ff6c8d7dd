/**
 * Bytes of weights one GPU holds, for one variant at a given tensor/pipeline-parallel shape.
 *
 * What is sharded and what is not, following vLLM's layers:
 * - q/o projections, dense MLPs and experts (sliced along the intermediate dimension) are split
 *   TP ways (ColumnParallelLinear / RowParallelLinear / FusedMoE).
 * - k/v projections are split TP ways until TP exceeds the KV heads; then each GPU holds one full
 *   KV head (QKVParallelLinear replicates heads).
 * - Embeddings and lm_head are vocab-parallel: split TP ways (VocabParallelEmbedding), the
 *   embedding on the first pipeline stage and lm_head on the last.
 * - MoE routers, norms and the vision encoder are replicated on every GPU that needs them.
 */
import { type Architecture, type Variant } from "../catalog";
import { allDecoderLayers, embeddingParams, lmHeadParams, type DecoderLayerParams } from "./parameters";
import { pipelineStageLayerRanges } from "./parallelism";

export const BYTES_PER_GIB = 1024 ** 3;
/** Decimal GB, as EC2 sizes instance store and AWS prices data. */
export const BYTES_PER_GB = 1e9;
const BF16_BYTES = 2;

function layerBytesPerGpu(arch: Architecture, variant: Variant, layer: DecoderLayerParams, tensorParallelSize: number): number {
  const quantizedBytes = variant.bitsPerQuantizedWeight / 8;
  const scope = variant.quantizedScope;
  const isEdgeLayer = layer.index === 0 || layer.index === arch.hiddenLayers - 1;
  const attentionBytes = scope === "decoder-linear" ? quantizedBytes : BF16_BYTES;
  const denseMlpBytes = scope === "decoder-linear" || (scope === "mlp-except-first-last" && !isEdgeLayer) ? quantizedBytes : BF16_BYTES;
  const expertBytes =
    scope === "decoder-linear" || scope === "experts" || (scope === "mlp-except-first-last" && !isEdgeLayer) ? quantizedBytes : BF16_BYTES;
  const keyValueShare = Math.max(1 / tensorParallelSize, 1 / arch.keyValueHeads);

  return (
    (layer.attentionQueryOutput / tensorParallelSize) * attentionBytes +
    layer.attentionKeyValue * keyValueShare * attentionBytes +
    (layer.denseMlp / tensorParallelSize) * denseMlpBytes +
    ((layer.routedExperts + layer.sharedExperts) / tensorParallelSize) * expertBytes +
    (layer.router + layer.norms) * BF16_BYTES
  );
}

/** Weight bytes per GPU for every pipeline stage (index = stage). */
export function weightBytesPerGpuByStage(
  arch: Architecture,
  variant: Variant,
  tensorParallelSize: number,
  pipelineParallelSize: number,
): number[] {
  const layers = allDecoderLayers(arch);
  const ranges = pipelineStageLayerRanges(arch.hiddenLayers, pipelineParallelSize);
  const embeddingBytes = (embeddingParams(arch) / tensorParallelSize) * BF16_BYTES;
  // With PP > 1 a tied lm_head lives on the last stage as its own copy of the embedding.
  const lmHead = arch.tieWordEmbeddings && pipelineParallelSize > 1 ? embeddingParams(arch) : lmHeadParams(arch);
  const lmHeadBytes = (lmHead / tensorParallelSize) * BF16_BYTES + arch.hiddenSize * BF16_BYTES;

  return ranges.map(([start, end], stage) => {
    let bytes = 0;
    for (const layer of layers.slice(start, end)) bytes += layerBytesPerGpu(arch, variant, layer, tensorParallelSize);
    if (stage === 0) bytes += embeddingBytes + arch.visionEncoderParams * BF16_BYTES;
    if (stage === ranges.length - 1) bytes += lmHeadBytes;
    return bytes;
  });
}

/** Total bytes of the checkpoint as loaded (TP 1, PP 1): what one replica holds across its GPUs, before sharding. */
export function totalWeightBytes(arch: Architecture, variant: Variant): number {
  return weightBytesPerGpuByStage(arch, variant, 1, 1)[0] ?? 0;
}

/**
 * The variant as its repository stores it: an online-quantized variant (`--quantization fp8` on a
 * bf16 checkpoint) is the bf16 checkpoint; every other variant is stored as it loads.
 */
export function storedCheckpointVariant(variant: Variant): Variant {
  return variant.vllmQuantizationFlag === null ? variant : { ...variant, quantizedScope: "none" };
}

/**
 * The most weight bytes one GPU holds at any moment of loading, per pipeline stage. Pre-quantized
 * checkpoints load at their stored size. Online FP8 (`--quantization fp8` on a bf16 checkpoint)
 * quantizes each layer as its bf16 weights arrive at the pinned release
 * (VLLM_RELEASE.onlineFp8QuantizesLayerByLayer), so the peak is the steady state plus one layer's
 * difference between bf16 and fp8; releases before vLLM PR #31914 allocated the whole bf16 model
 * first and quantized after loading (`layerByLayer` false), so the peak was the bf16 model.
 */
export function loadPeakBytesPerGpuByStage(
  arch: Architecture,
  variant: Variant,
  tensorParallelSize: number,
  pipelineParallelSize: number,
  layerByLayer: boolean,
): number[] {
  const steady = weightBytesPerGpuByStage(arch, variant, tensorParallelSize, pipelineParallelSize);
  if (variant.vllmQuantizationFlag === null) return steady;
  const bf16 = storedCheckpointVariant(variant);
  if (!layerByLayer) return weightBytesPerGpuByStage(arch, bf16, tensorParallelSize, pipelineParallelSize);
  const layers = allDecoderLayers(arch);
  return pipelineStageLayerRanges(arch.hiddenLayers, pipelineParallelSize).map(([start, end], stage) => {
    const extra = Math.max(
      0,
      ...layers
        .slice(start, end)
        .map(
          (layer) => layerBytesPerGpu(arch, bf16, layer, tensorParallelSize) - layerBytesPerGpu(arch, variant, layer, tensorParallelSize),
        ),
    );
    return (steady[stage] ?? 0) + extra;
  });
}
