/**
 * How long one vLLM engine step takes on one GPU of a replica — the unit every throughput and
 * latency figure is built from. A step runs the whole batch through the model once: every running
 * sequence decodes one token, and chunked prefill fills the rest of the step's token budget
 * (`--max-num-batched-tokens`) with prompt tokens (vLLM V1 scheduler, vllm/v1/core/sched/scheduler.py
 * at the pinned release: running requests first, then waiting ones, within the token budget).
 *
 *   step = fixed overhead + max(bytes read / (HBM bandwidth × MBU), FLOPs / (peak × MFU)) + TP all-reduces
 *
 * - bytes: the GPU's weights (for MoE, the share of routed experts the step's tokens touch, uniform
 *   routing) and the KV cache every decoding sequence attends over (chunked-local layers read at
 *   most their chunk);
 * - FLOPs: 2 × the transformer layers' active parameters per token on this GPU, the logits (2 ×
 *   vocab × hidden) per sampled position, plus attention (4 × query width × context per token and
 *   layer: QKᵀ and AV, 2 FLOPs per multiply-add); the embedding is a lookup;
 * - all-reduce: two per layer with tensor parallelism (after attention and after the MLP), each a
 *   fixed latency plus the activations over NVLink at ring all-reduce's 2(t−1)/t traffic.
 * - fixed costs per step and per routed expert touched; routed experts' FLOPs at a lower efficiency than dense GEMMs.
 * The efficiencies (MBU, MFU, overheads) are fitted per GPU to published measurements
 * (calibration.ts); the roofline's inputs are the GPU's datasheet figures (catalog/gpus.ts).
 */
import { GPUS } from "../../catalog";
import { type ServingShape } from "./serving-shape";

/** Fitted per GPU (calibration.ts): how close each GPU's kernels come to its datasheet. */
export interface StepEfficiency {
  /** Fraction of datasheet HBM bandwidth a memory-bound step achieves. */
  memoryBandwidthUtilization: number;
  /** Fraction of dense tensor-core peak a compute-bound step achieves. */
  computeUtilization: number;
}

/**
 * NVLink 4 on H100/H200 SXM: 900 GB/s per GPU both directions together, 450 GB/s each way
 * (https://www.nvidia.com/en-us/data-center/nvlink/, read 2026-12-06); a ring all-reduce moves
 * 2(t−1)/t of the message through each GPU's outbound link.
 */
export const NVLINK_GBPS_PER_DIRECTION = 450;
/** Bytes per activation element in the all-reduce (bf16 activations, also for fp8 weights). */
const ACTIVATION_BYTES = 2;

export interface StepLoad {
  /** Sequences decoding one token in this step. */
  decodeSequences: number;
  /** Mean tokens each decoding sequence attends over (its prompt and output so far). */
  decodeContextTokens: number;
  /** Prompt tokens prefilled in this step. */
  prefillTokens: number;
  /** Mean tokens each prefilled token attends over (half the prompt, on average, with causal attention). */
  prefillContextTokens: number;
}

export interface StepTime {
  seconds: number;
  memorySeconds: number;
  computeSeconds: number;
  allReduceSeconds: number;
  /** Which roofline bound the step. */
  bound: "memory" | "compute";
}

/** The global constants of the step model that are fitted across GPUs (calibration.ts). */
export interface StepGlobals {
  /** Time every step costs regardless of its size — scheduling, sampling, kernel launches (CPU-side, so the same on every GPU), ms. */
  stepOverheadMs: number;
  /** One all-reduce's fixed cost on NVLink (latency of a small message), µs. */
  allReduceLatencyUs: number;
  /** Fixed cost of a request before its first token beyond its steps: the API server's tokenization, scheduling and first detokenization, ms. */
  requestOverheadMs: number;
  /**
   * How much slower routed experts' GEMMs run than dense ones: each expert sees only its share of
   * the step's tokens, in grouped GEMMs with token permutation around them (a factor ≤ 1 on MFU).
   */
  moeComputeEfficiency: number;
  /**
   * Fixed cost of each routed expert a step touches, per MoE layer, beyond its bytes and FLOPs — a
   * grouped-GEMM problem's setup and its partly filled tiles — µs. One token touches top-k experts;
   * a large batch touches them all, so the cost grows with the batch, as measured throughput shows.
   */
  moeExpertOverheadUs: number;
}

/**
 * The step model for one shape with its constants worked out once: the simulation calls it for every
 * step, so it takes plain numbers and reuses one result object.
 */
export function stepTimer(shape: ServingShape, efficiency: StepEfficiency, globals: StepGlobals) {
  const gpu = GPUS[shape.gpu];
  const arch = shape.architecture;
  const moe = arch.moe;
  const { full, chunked } = shape.layersPerStage;
  const layers = full + chunked;
  const chunk = arch.chunkedLocalAttention?.chunkSizeTokens ?? Infinity;
  const gpusPerReplica = shape.tensorParallelSize * shape.pipelineParallelSize;
  const tp = shape.tensorParallelSize;
  const bytesPerSecond = gpu.memoryBandwidthTBps * 1e12 * efficiency.memoryBandwidthUtilization;
  const flopsPerSecond = (shape.quantization === "fp8" ? gpu.denseFp8Tflops : gpu.denseBf16Tflops) * 1e12 * efficiency.computeUtilization;
  // Transformer layers only: the embedding is a lookup; logits are computed for sampled positions (decodes) below.
  const denseFlopsPerToken = (2 * (shape.activeParams - shape.embeddingAndHeadParams - shape.routedActiveParams)) / gpusPerReplica;
  const logitsFlopsPerDecode = (2 * shape.logitsParams) / tp;
  const expertFlopsPerToken = (2 * shape.routedActiveParams) / gpusPerReplica / globals.moeComputeEfficiency;
  const attentionFlopsPerSpanToken = 4 * ((arch.attentionHeads * arch.headDim) / tp) * layers;
  const untouchedShare = 1 - shape.routedWeightShare;
  const missProbability = moe ? 1 - moe.expertsPerToken / moe.routedExperts : 0;
  const moeLayers = moe ? Math.floor(layers / moe.layerInterval) : 0;
  const allReducePerToken =
    tp > 1 ? (2 * layers * arch.hiddenSize * ACTIVATION_BYTES * ((2 * (tp - 1)) / tp)) / (NVLINK_GBPS_PER_DIRECTION * 1e9) : 0;
  const allReduceFixed = tp > 1 ? 2 * layers * globals.allReduceLatencyUs * 1e-6 : 0;
  /** Mean attention span per layer of a token at `context` (chunked-local layers see at most their chunk). */
  const span = (context: number) => (full * context + chunked * Math.min(context, chunk)) / Math.max(1, layers);
  const result: StepTime = { seconds: 0, memorySeconds: 0, computeSeconds: 0, allReduceSeconds: 0, bound: "memory" };

  function time(decodes: number, decodeContext: number, prefillTokens: number, prefillContext: number): StepTime {
    const tokens = decodes + prefillTokens;
    // Uniform routing: the share of a layer's experts the step's tokens touch.
    const touched = moe && tokens > 0 ? 1 - missProbability ** tokens : 1;
    const weightBytes = shape.weightBytesPerGpu * (untouchedShare + shape.routedWeightShare * touched);
    const kvBytes = decodes * layers * span(decodeContext) * shape.kvBytesPerTokenPerLayerPerGpu;
    result.memorySeconds = (weightBytes + kvBytes) / bytesPerSecond;
    const attentionFlops = attentionFlopsPerSpanToken * (prefillTokens * span(prefillContext) + decodes * span(decodeContext));
    result.computeSeconds =
      (tokens * (denseFlopsPerToken + expertFlopsPerToken) + decodes * logitsFlopsPerDecode + attentionFlops) / flopsPerSecond;
    result.allReduceSeconds = tp > 1 ? allReduceFixed + tokens * allReducePerToken : 0;
    const expertsTouched = moe ? moe.routedExperts * touched : 0;
    const fixedSeconds = globals.stepOverheadMs / 1000 + (moeLayers * expertsTouched * globals.moeExpertOverheadUs) / 1e6;
    result.seconds = fixedSeconds + Math.max(result.memorySeconds, result.computeSeconds) + result.allReduceSeconds;
    result.bound = result.memorySeconds >= result.computeSeconds ? "memory" : "compute";
    return result;
  }
  return time;
}

export function stepTime(shape: ServingShape, load: StepLoad, efficiency: StepEfficiency, globals: StepGlobals): StepTime {
  return {
    ...stepTimer(shape, efficiency, globals)(load.decodeSequences, load.decodeContextTokens, load.prefillTokens, load.prefillContextTokens),
  };
}
