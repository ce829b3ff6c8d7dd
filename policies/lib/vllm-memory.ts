/**
 * Recomputes a GPU server's per-GPU memory from its own args with the planner's memory model
 * (infra/plan/memory.ts), the same functions the planner sized it with — never a copy. Flags the
 * args leave out take vLLM's defaults at the pinned release (infra/vllm/flags.ts).
 */
import { GPUS, findVariantByRepo, type ModelId, type ModelSpec, type Variant } from "../../infra/catalog";
import {
  BYTES_PER_GIB,
  repoOfModelArgument,
  replicaMemory,
  validTensorParallelSizes,
  type KvCacheDtype,
  type ReplicaMemory,
} from "../../infra/plan";
import { numericFlag, stringFlag } from "../../infra/vllm";
import { type PolicyResource } from "@pulumi/policy";
import { type Placement } from "./stack-view";
import { serverContainersOf, workloadsOf, type ContainerView, type PodTemplateView, type WorkloadView } from "./workloads";

export interface ServedModel {
  modelId: ModelId;
  model: ModelSpec;
  variant: Variant;
}

/** The catalog variant a server loads, from its model (a repository id, or an `s3://` URI of the kit's model cache) and --quantization. */
export function servedModelOf(container: ContainerView): ServedModel | undefined {
  const repo = container.vllm.model === undefined ? undefined : repoOfModelArgument(container.vllm.model);
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
    tensorParallelSize: numericFlag(args, "tensor-parallel-size"),
    pipelineParallelSize: numericFlag(args, "pipeline-parallel-size"),
    gpuMemoryUtilization: numericFlag(args, "gpu-memory-utilization"),
    // fp8, fp8_e4m3 and fp8_e5m2 all store one byte per element.
    kvCacheDtype: stringFlag(args, "kv-cache-dtype")?.startsWith("fp8") ? "fp8" : "auto",
    // Without --max-model-len vLLM serves the model's full context.
    maxModelLen: numericFlag(args, "max-model-len", served.model.architecture.maxContextTokens),
    maxNumBatchedTokens: numericFlag(args, "max-num-batched-tokens"),
  };
}

/** The flags of a shape whose values vLLM would refuse (NaN): the server would not start, so nothing can be proven. */
/**
 * vLLM options that change how GPU memory is spent in ways the fit model does not read (vLLM
 * v0.33.0's EngineArgs: the KV cache sized in bytes or blocks instead of from the utilization, a
 * dtype that changes the weights' bytes, config overrides that can change any shape, CPU offload,
 * a draft model, LoRA adapters). A server with one of them cannot be proven to fit: fail closed.
 */
export const MEMORY_OPTIONS_NOT_MODELLED = [
  "kv-cache-memory-bytes",
  "num-gpu-blocks-override",
  "dtype",
  "hf-overrides",
  "cpu-offload-gb",
  "speculative-config",
  "enable-lora",
  "max-loras",
  "max-lora-rank",
] as const;
/** The environment variable that moves layers between pipeline stages (vLLM's envs.py), which the fit model's even split does not read. */
export const PP_LAYER_PARTITION_ENV = "VLLM_PP_LAYER_PARTITION";
/** dtype values that keep the checkpoint's own bytes (the fit model's assumption). */
const NEUTRAL_DTYPES = new Set(["auto", "bfloat16", "bf16"]);

/**
 * The memory-relevant settings of a server the fit model does not read, as written: options of the
 * list above (also as argparse prefix abbreviations, which vLLM's parser accepts for options outside
 * the kit's flag table: `--kv-cache-mem=…`) and the pipeline layer-partition variable, unless vouched.
 */
export function memorySettingsNotModelled(container: ContainerView, vouched: readonly string[]): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(container.args)) {
    const option = MEMORY_OPTIONS_NOT_MODELLED.find((o) => o === name || (name.length >= 4 && o.startsWith(name)));
    if (option === undefined || vouched.includes(option)) continue;
    if (option === "dtype" && NEUTRAL_DTYPES.has(value.toLowerCase())) continue;
    found.push(`--${name}${name === option ? "" : ` (--${option})`} ${JSON.stringify(value)}`);
  }
  const partition = (container.raw.env ?? []).find((e) => e.name === PP_LAYER_PARTITION_ENV);
  if (partition && !vouched.includes(PP_LAYER_PARTITION_ENV))
    found.push(`${PP_LAYER_PARTITION_ENV}=${JSON.stringify(partition.value ?? "(from a Secret or ConfigMap)")}`);
  return found;
}

export function unreadableFlags(container: ContainerView, shape: WorkloadShape): string[] {
  const flags: Array<[string, number]> = [
    ["tensor-parallel-size", shape.tensorParallelSize],
    ["pipeline-parallel-size", shape.pipelineParallelSize],
    ["gpu-memory-utilization", shape.gpuMemoryUtilization],
    ["max-model-len", shape.maxModelLen],
    ["max-num-batched-tokens", shape.maxNumBatchedTokens],
  ];
  return flags.filter(([, value]) => !Number.isFinite(value)).map(([flag]) => `--${flag} ${JSON.stringify(container.args[flag])}`);
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
  return validTensorParallelSizes(served.model.architecture, placement.gpusPerNode).find(
    (tp) => memoryOf(served, placement, { ...shape, tensorParallelSize: tp }).kvCacheTokens >= shape.maxModelLen,
  );
}

export interface ServedWorkload {
  workload: WorkloadView;
  template: PodTemplateView;
  container: ContainerView;
  served: ServedModel;
  shape: WorkloadShape;
}

/**
 * Every server container, in workloads of any kind, that serves a catalog model, with its shape
 * read from its args. Models outside the catalog are left to llm-stack-gpu-unknown-model.
 */
export function servedWorkloadsOf(resources: readonly PolicyResource[]): ServedWorkload[] {
  const result: ServedWorkload[] = [];
  for (const workload of workloadsOf(resources)) {
    for (const server of serverContainersOf(workload)) {
      const served = servedModelOf(server.container);
      if (served) result.push({ workload, ...server, served, shape: shapeOf(server.container, served) });
    }
  }
  return result;
}
