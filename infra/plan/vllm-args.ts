/**
 * The planner's vLLM args: which flags a plan sets and to what, rendered by the one vLLM flags
 * module (infra/vllm). Every flag is derived from the plan.
 * Flags: https://docs.vllm.ai/en/latest/configuration/engine_args.html
 */
import { type ModelSpec, type Variant } from "../catalog";
import { renderVllmFlags, VLLM_PORT, type VllmFlagValues } from "../vllm";
import { type KvCacheDtype } from "./kv-cache";

export { parseVllmArgs, VLLM_PORT } from "../vllm";

export interface VllmArgsInput {
  modelId: string;
  model: ModelSpec;
  variant: Variant;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  nodesPerReplica: number;
  maxModelLen: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  gpuMemoryUtilization: number;
  kvCacheDtype: KvCacheDtype;
}

export function renderVllmArgs(input: VllmArgsInput): string[] {
  const flags: VllmFlagValues = {
    model: input.variant.repo,
    "served-model-name": input.modelId,
    "tensor-parallel-size": String(input.tensorParallelSize),
    "pipeline-parallel-size": String(input.pipelineParallelSize),
    "max-model-len": String(input.maxModelLen),
    "max-num-batched-tokens": String(input.maxNumBatchedTokens),
    "max-num-seqs": String(input.maxNumSeqs),
    "gpu-memory-utilization": input.gpuMemoryUtilization.toFixed(2),
    "kv-cache-dtype": input.kvCacheDtype,
    port: String(VLLM_PORT),
  };
  if (input.variant.vllmQuantizationFlag !== null) flags.quantization = input.variant.vllmQuantizationFlag;
  // mistralai repos ship Mistral's own params.json/consolidated weights; vLLM's Mistral model cards
  // ask for all three modes (https://huggingface.co/mistralai/Mistral-Small-3.2-24B-Instruct-2506#vllm).
  if (input.model.mistralFormat && input.variant.repo.startsWith("mistralai/")) {
    flags["tokenizer-mode"] = "mistral";
    flags["config-format"] = "mistral";
    flags["load-format"] = "mistral";
  }
  // A replica across nodes runs on Ray (https://docs.vllm.ai/en/latest/serving/parallelism_scaling.html).
  if (input.nodesPerReplica > 1) flags["distributed-executor-backend"] = "ray";
  return renderVllmFlags(flags);
}
