/**
 * Recomputes a vLLM workload's per-GPU memory from its own args with the planner's memory model
 * (infra/plan/memory.ts), the same functions the planner sized it with — never a copy.
 */
import { GPUS, findVariantByRepo, type ModelId, type ModelSpec, type Variant } from "../../infra/catalog";
import {
  BYTES_PER_GIB, DEFAULT_MAX_NUM_BATCHED_TOKENS, replicaMemory, validTensorParallelSizes,
  type KvCacheDtype, type ReplicaMemory,
} from "../../infra/plan";
import { type PolicyResource } from "@pulumi/policy";
import { deploymentsOf, intArg, vllmContainerOf, type ContainerView, type Placement, type WorkloadView } from "./stack-view";

/** vLLM's own defaults for flags a workload leaves out (v0.11, the kit's pinned image; H100-class GPUs). */
export const VLLM_DEFAULTS = { tensorParallelSize: 1, pipelineParallelSize: 1, gpuMemoryUtilization: 0.9, kvCacheDtype: "auto" as KvCacheDtype };

export interface ServedModel {
  modelId: ModelId;
  model: ModelSpec;
  variant: Variant;
}

export function servedModelOf(container: ContainerView): ServedModel | undefined {
  const repo = container.args.model;
  return repo === undefined ? undefined : findVariantByRepo(repo, container.args.quantization);
}

export interface WorkloadShape {
  tensorParallelSize: number;
  pipelineParallelSize: number;
  gpuMemoryUtilization: number;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  maxNumBatchedTokens: number;
}

export function shapeOf(container: ContainerView, served: ServedModel): WorkloadShape {
  const { args } = container;
  return {
    tensorParallelSize: intArg(args, "tensor-parallel-size", VLLM_DEFAULTS.tensorParallelSize),
    pipelineParallelSize: intArg(args, "pipeline-parallel-size", VLLM_DEFAULTS.pipelineParallelSize),
    gpuMemoryUtilization: args["gpu-memory-utilization"] === undefined ? VLLM_DEFAULTS.gpuMemoryUtilization : Number(args["gpu-memory-utilization"]),
    kvCacheDtype: args["kv-cache-dtype"]?.startsWith("fp8") ? "fp8" : "auto",
    // Without --max-model-len vLLM serves the model's full context.
    maxModelLen: intArg(args, "max-model-len", served.model.architecture.maxContextTokens),
    maxNumBatchedTokens: intArg(args, "max-num-batched-tokens", DEFAULT_MAX_NUM_BATCHED_TOKENS),
  };
}

export function memoryOf(served: ServedModel, placement: Placement, shape: WorkloadShape): ReplicaMemory {
  return replicaMemory(served.model.architecture, served.variant, GPUS[placement.gpu], shape);
}

/** GiB of KV cache one full-context sequence needs on the binding GPU. */
export function oneSequenceGiB(memory: ReplicaMemory, shape: WorkloadShape): number {
  return (shape.maxModelLen * memory.kvBytesPerTokenPerGpu) / BYTES_PER_GIB;
}

/** The smallest TP on one node (at the same PP) whose memory holds one full-context sequence. */
export function smallestFittingTensorParallelSize(served: ServedModel, placement: Placement, shape: WorkloadShape): number | undefined {
  return validTensorParallelSizes(served.model.architecture, placement.gpusPerNode)
    .find((tp) => memoryOf(served, placement, { ...shape, tensorParallelSize: tp }).kvCacheTokens >= shape.maxModelLen);
}

export interface ServedWorkload {
  workload: WorkloadView;
  container: ContainerView;
  served: ServedModel;
  shape: WorkloadShape;
}

/**
 * Every Deployment running vLLM with a catalog model, with its shape read from its args. Workloads
 * whose model is outside the catalog are left to llm-stack-gpu-unknown-model.
 */
export function servedWorkloadsOf(resources: readonly PolicyResource[]): ServedWorkload[] {
  const result: ServedWorkload[] = [];
  for (const workload of deploymentsOf(resources)) {
    const container = vllmContainerOf(workload);
    const served = container && servedModelOf(container);
    if (container && served) result.push({ workload, container, served, shape: shapeOf(container, served) });
  }
  return result;
}
