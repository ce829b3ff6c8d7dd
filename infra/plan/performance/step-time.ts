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
 * - FLOPs: 2 × active parameters per token on this GPU, plus attention (4 × query width × context
 *   per token and layer: QKᵀ and AV, 2 FLOPs per multiply-add);
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

/** Layers' worth of KV bytes a sequence of `context` tokens reads in one step on one GPU. */
function kvReadBytes(shape: ServingShape, contextTokens: number): number {
  const chunk = shape.architecture.chunkedLocalAttention?.chunkSizeTokens ?? contextTokens;
  const tokenLayers = shape.layersPerStage.full * contextTokens + shape.layersPerStage.chunked * Math.min(contextTokens, chunk);
  return tokenLayers * shape.kvBytesPerTokenPerLayerPerGpu;
}

export function stepTime(shape: ServingShape, load: StepLoad, efficiency: StepEfficiency, globals: StepGlobals): StepTime {
  const gpu = GPUS[shape.gpu];
  const arch = shape.architecture;
  const gpusPerReplica = shape.tensorParallelSize * shape.pipelineParallelSize;
  const tokens = load.decodeSequences + load.prefillTokens;

  const moe = arch.moe;
  const touched = moe && tokens > 0 ? 1 - (1 - moe.expertsPerToken / moe.routedExperts) ** tokens : 1;
  const weightBytes = shape.weightBytesPerGpu * (1 - shape.routedWeightShare + shape.routedWeightShare * touched);
  const kvBytes = load.decodeSequences * kvReadBytes(shape, load.decodeContextTokens);
  const memorySeconds = (weightBytes + kvBytes) / (gpu.memoryBandwidthTBps * 1e12 * efficiency.memoryBandwidthUtilization);

  const layers = shape.layersPerStage.full + shape.layersPerStage.chunked;
  const queryWidthPerGpu = (arch.attentionHeads * arch.headDim) / shape.tensorParallelSize;
  const chunk = arch.chunkedLocalAttention?.chunkSizeTokens ?? Infinity;
  const span = (context: number) =>
    (shape.layersPerStage.full * context + shape.layersPerStage.chunked * Math.min(context, chunk)) / Math.max(1, layers);
  const attentionFlops =
    4 *
    queryWidthPerGpu *
    layers *
    (load.prefillTokens * span(load.prefillContextTokens) + load.decodeSequences * span(load.decodeContextTokens));
  const denseFlops = (2 * (shape.activeParams - shape.routedActiveParams) * tokens) / gpusPerReplica;
  const expertFlops = (2 * shape.routedActiveParams * tokens) / gpusPerReplica;
  const peakTflops = shape.quantization === "fp8" ? gpu.denseFp8Tflops : gpu.denseBf16Tflops;
  const computeSeconds =
    (denseFlops + attentionFlops + expertFlops / globals.moeComputeEfficiency) / (peakTflops * 1e12 * efficiency.computeUtilization);

  const tp = shape.tensorParallelSize;
  const allReduceSeconds =
    tp > 1
      ? 2 *
        layers *
        (globals.allReduceLatencyUs * 1e-6 +
          (tokens * arch.hiddenSize * ACTIVATION_BYTES * ((2 * (tp - 1)) / tp)) / (NVLINK_GBPS_PER_DIRECTION * 1e9))
      : 0;
  const moeLayers = moe ? Math.floor(layers / moe.layerInterval) : 0;
  const expertsTouched = moe ? moe.routedExperts * touched : 0;
  const fixedSeconds = globals.stepOverheadMs / 1000 + (moeLayers * expertsTouched * globals.moeExpertOverheadUs) / 1e6;
  const seconds = fixedSeconds + Math.max(memorySeconds, computeSeconds) + allReduceSeconds;
  return { seconds, memorySeconds, computeSeconds, allReduceSeconds, bound: memorySeconds >= computeSeconds ? "memory" : "compute" };
}
