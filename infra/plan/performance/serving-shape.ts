/**
 * What the step-time model needs to know about one replica: the model's shape, the GPU, the
 * bytes each GPU holds, and vLLM's scheduler limits. Built from a plan, or from a published
 * measurement's setup through the same memory model the planner uses (so a measurement is
 * compared with what the kit would deploy, not with a second description of it).
 */
import {
  GPUS,
  MODELS,
  VLLM_RELEASE,
  findVariant,
  isModelId,
  type Architecture,
  type GpuId,
  type ModelId,
  type Quantization,
  type Variant,
} from "../../catalog";
import { CALIBRATION_MODELS, type CalibrationModelId } from "../../catalog/calibration-models";
import { type DeploymentPlan } from "../deployment-plan";
import { attentionLayerKinds, kvBytesPerTokenPerGpu, type KvCacheDtype } from "../kv-cache";
import { replicaMemory } from "../memory";
import { allDecoderLayers, countParameters, embeddingParams, lmHeadParams } from "../parameters";
import { BYTES_PER_GIB } from "../weights";

export interface ServingShape {
  model: ModelId | CalibrationModelId;
  architecture: Architecture;
  gpu: GpuId;
  /** The weights' precision: fp8 checkpoints run W8A8 GEMMs on Hopper's FP8 tensor cores, int4 and bf16 run bf16 GEMMs. */
  quantization: Quantization;
  kvCacheDtype: KvCacheDtype;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  /** Weight bytes on the binding GPU (memory.ts). */
  weightBytesPerGpu: number;
  /** Share of the weights in routed experts (0 for dense models). */
  routedWeightShare: number;
  /** Parameters one token passes through, all GPUs of the replica together (parameters.ts). */
  activeParams: number;
  /** Of those, the routed experts' (0 for dense models): their GEMMs are grouped and run less efficiently. */
  routedActiveParams: number;
  /**
   * Of those, the ones outside the transformer layers: the embedding (a lookup, no FLOPs) and an
   * untied lm_head. Logits cost vocab × hidden multiply-adds per sampled position only.
   */
  embeddingAndHeadParams: number;
  logitsParams: number;
  /** KV bytes one token holds in one layer on one GPU. */
  kvBytesPerTokenPerLayerPerGpu: number;
  /** Decoder layers on one pipeline stage, full-attention and chunked-local. */
  layersPerStage: { full: number; chunked: number };
  /** Tokens the replica's KV cache holds. */
  kvCacheTokens: number;
  /** vLLM's --max-num-seqs and --max-num-batched-tokens. */
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  /** vLLM's --max-model-len: a request's prompt and output together never exceed it. */
  maxModelLen: number;
}

export const architectureOf = (model: ModelId | CalibrationModelId): Architecture =>
  isModelId(model) ? MODELS[model].architecture : CALIBRATION_MODELS[model].architecture;

function variantOf(model: ModelId | CalibrationModelId, variant: string): Variant | undefined {
  if (isModelId(model)) return findVariant(model, variant);
  const only = CALIBRATION_MODELS[model].variant;
  return only.id === variant ? only : undefined;
}

function shapeFacts(
  model: ModelId | CalibrationModelId,
  tensorParallelSize: number,
  pipelineParallelSize: number,
  kvCacheDtype: KvCacheDtype,
) {
  const architecture = architectureOf(model);
  const params = countParameters(architecture);
  const layers = allDecoderLayers(architecture);
  const routed = layers.reduce((sum, layer) => sum + layer.routedExperts, 0);
  const layersOnStage = Math.ceil(architecture.hiddenLayers / pipelineParallelSize);
  return {
    architecture,
    activeParams: params.active,
    routedActiveParams: layers.reduce((sum, layer) => sum + layer.activeRoutedExperts, 0),
    embeddingAndHeadParams: embeddingParams(architecture) + lmHeadParams(architecture),
    logitsParams: architecture.vocabSize * architecture.hiddenSize,
    routedWeightShare: routed / (params.total - architecture.visionEncoderParams),
    kvBytesPerTokenPerLayerPerGpu: kvBytesPerTokenPerGpu(architecture, 1, tensorParallelSize, kvCacheDtype),
    layersPerStage: attentionLayerKinds(architecture, 0, layersOnStage),
  };
}

/** The shape of a planned replica. */
export function servingShapeOf(plan: Omit<DeploymentPlan, "timeToReady">): ServingShape {
  return {
    model: plan.model,
    gpu: plan.gpu,
    quantization: plan.quantization,
    kvCacheDtype: plan.kvCacheDtype,
    tensorParallelSize: plan.tensorParallelSize,
    pipelineParallelSize: plan.pipelineParallelSize,
    weightBytesPerGpu: plan.memory.perGpuGiB.weights * BYTES_PER_GIB,
    kvCacheTokens: plan.kvCacheTokens,
    maxNumSeqs: plan.maxNumSeqs,
    maxNumBatchedTokens: plan.maxNumBatchedTokens,
    maxModelLen: plan.maxModelLen,
    ...shapeFacts(plan.model, plan.tensorParallelSize, plan.pipelineParallelSize, plan.kvCacheDtype),
  };
}

export interface MeasuredSetup {
  model: ModelId | CalibrationModelId;
  variant: string;
  gpu: GpuId;
  tensorParallelSize: number;
  pipelineParallelSize?: number;
  kvCacheDtype: KvCacheDtype;
  /** The context the server was started with; the planner's memory model sizes the KV cache from it. */
  maxModelLen: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  gpuMemoryUtilization?: number;
}

/** The shape of a measured deployment, its memory sized as the planner sizes a plan's. */
export function servingShapeFor(setup: MeasuredSetup): ServingShape {
  const variant = variantOf(setup.model, setup.variant);
  if (!variant) throw new Error(`no variant ${setup.variant} of ${setup.model} in the catalog`);
  const pipelineParallelSize = setup.pipelineParallelSize ?? 1;
  const maxNumBatchedTokens = setup.maxNumBatchedTokens ?? VLLM_RELEASE.apiServerBatchDefaults.maxNumBatchedTokens;
  const memory = replicaMemory(architectureOf(setup.model), variant, GPUS[setup.gpu], {
    tensorParallelSize: setup.tensorParallelSize,
    pipelineParallelSize,
    gpuMemoryUtilization: setup.gpuMemoryUtilization ?? 0.9,
    kvCacheDtype: setup.kvCacheDtype,
    maxNumBatchedTokens,
    maxModelLen: setup.maxModelLen,
  });
  return {
    model: setup.model,
    gpu: setup.gpu,
    quantization: variant.quantization,
    kvCacheDtype: setup.kvCacheDtype,
    tensorParallelSize: setup.tensorParallelSize,
    pipelineParallelSize,
    weightBytesPerGpu: memory.perGpuGiB.weights * BYTES_PER_GIB,
    kvCacheTokens: memory.kvCacheTokens,
    maxNumSeqs: setup.maxNumSeqs ?? VLLM_RELEASE.apiServerBatchDefaults.maxNumSeqs,
    maxNumBatchedTokens,
    maxModelLen: setup.maxModelLen,
    ...shapeFacts(setup.model, setup.tensorParallelSize, pipelineParallelSize, setup.kvCacheDtype),
  };
}

/** The shape of a planner candidate (one replica of a variant at a TP and PP on an instance type), before it becomes a plan. */
export function servingShapeOfCandidate(
  model: ModelId,
  gpu: GpuId,
  kvCacheDtype: KvCacheDtype,
  maxModelLen: number,
  candidate: {
    variant: Variant;
    tensorParallelSize: number;
    pipelineParallelSize: number;
    memory: { perGpuGiB: { weights: number }; kvCacheTokens: number };
  },
): ServingShape {
  return {
    model,
    gpu,
    quantization: candidate.variant.quantization,
    kvCacheDtype,
    tensorParallelSize: candidate.tensorParallelSize,
    pipelineParallelSize: candidate.pipelineParallelSize,
    weightBytesPerGpu: candidate.memory.perGpuGiB.weights * BYTES_PER_GIB,
    kvCacheTokens: candidate.memory.kvCacheTokens,
    maxNumSeqs: VLLM_RELEASE.apiServerBatchDefaults.maxNumSeqs,
    maxNumBatchedTokens: VLLM_RELEASE.apiServerBatchDefaults.maxNumBatchedTokens,
    maxModelLen,
    ...shapeFacts(model, candidate.tensorParallelSize, candidate.pipelineParallelSize, kvCacheDtype),
  };
}
