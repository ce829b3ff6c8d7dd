/**
 * Parameter counts from a model's architecture, layer by layer. The same per-layer breakdown feeds
 * the weight-memory model (weights.ts), so what the tests check against the published totals is
 * exactly what the planner loads onto GPUs.
 */
import { type Architecture } from "../catalog";

/** Parameters of one decoder layer, split by how tensor parallelism and quantization treat them. */
export interface DecoderLayerParams {
  /** 0-based layer index. */
  index: number;
  isMoe: boolean;
  /** q_proj + o_proj: sharded by TP. */
  attentionQueryOutput: number;
  /** k_proj + v_proj: sharded by TP until TP exceeds the KV heads, then replicated. */
  attentionKeyValue: number;
  /** gate/up/down of a dense layer (0 in MoE layers). */
  denseMlp: number;
  /** Every routed expert's gate/up/down. */
  routedExperts: number;
  /** The routed experts one token passes through (expertsPerToken of them). */
  activeRoutedExperts: number;
  sharedExperts: number;
  /** The MoE gate (hidden × experts): replicated and kept in bf16 by every checkpoint here. */
  router: number;
  /** Two RMSNorm weight vectors. */
  norms: number;
}

const swigluParams = (hiddenSize: number, intermediateSize: number): number => 3 * hiddenSize * intermediateSize;

/** Layers whose (index + 1) is a multiple of the MoE interval are MoE (HF `interleave_moe_layer_step`). */
export function isMoeLayer(arch: Architecture, index: number): boolean {
  return arch.moe !== null && (index + 1) % arch.moe.layerInterval === 0;
}

export function decoderLayerParams(arch: Architecture, index: number): DecoderLayerParams {
  const { hiddenSize, attentionHeads, keyValueHeads, headDim, moe } = arch;
  const isMoe = isMoeLayer(arch, index);
  if (!isMoe && arch.denseIntermediateSize === null) {
    throw new Error(`layer ${index} is dense but the architecture has no denseIntermediateSize`);
  }
  const expert = moe ? swigluParams(hiddenSize, moe.expertIntermediateSize) : 0;
  return {
    index,
    isMoe,
    attentionQueryOutput: 2 * hiddenSize * attentionHeads * headDim,
    attentionKeyValue: 2 * hiddenSize * keyValueHeads * headDim,
    denseMlp: isMoe ? 0 : swigluParams(hiddenSize, arch.denseIntermediateSize ?? 0),
    routedExperts: isMoe && moe ? moe.routedExperts * expert : 0,
    activeRoutedExperts: isMoe && moe ? moe.expertsPerToken * expert : 0,
    sharedExperts: isMoe && moe ? moe.sharedExperts * swigluParams(hiddenSize, moe.sharedExpertIntermediateSize) : 0,
    router: isMoe && moe ? hiddenSize * moe.routedExperts : 0,
    norms: 2 * hiddenSize,
  };
}

export function allDecoderLayers(arch: Architecture): DecoderLayerParams[] {
  return Array.from({ length: arch.hiddenLayers }, (_, index) => decoderLayerParams(arch, index));
}

export const embeddingParams = (arch: Architecture): number => arch.vocabSize * arch.hiddenSize;
/** A tied lm_head shares the embedding's tensor on one GPU: no extra parameters. */
export const lmHeadParams = (arch: Architecture): number => (arch.tieWordEmbeddings ? 0 : arch.vocabSize * arch.hiddenSize);

export interface ParameterCount {
  total: number;
  /** Parameters one token passes through: routed experts count expertsPerToken of routedExperts; the vision encoder is excluded. */
  active: number;
}

export function countParameters(arch: Architecture): ParameterCount {
  let total = embeddingParams(arch) + lmHeadParams(arch) + arch.hiddenSize; /* final norm */
  let active = total;
  for (const layer of allDecoderLayers(arch)) {
    const shared = layer.attentionQueryOutput + layer.attentionKeyValue + layer.denseMlp + layer.sharedExperts + layer.router + layer.norms;
    total += shared + layer.routedExperts;
    active += shared + layer.activeRoutedExperts;
  }
  return { total: total + arch.visionEncoderParams, active };
}
