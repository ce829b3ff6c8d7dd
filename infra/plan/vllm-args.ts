/**
 * The one function that renders vLLM's command-line flags from a plan. Every flag is derived;
 * the output is sorted by flag name so it is stable across runs and easy to diff.
 * Flags: https://docs.vllm.ai/en/latest/configuration/engine_args.html
 */
import { type ModelSpec, type Variant } from "../catalog";
import { type KvCacheDtype } from "./kv-cache";

/** The port vLLM's OpenAI-compatible server listens on inside the pod. */
export const VLLM_PORT = 8000;

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
  const flags: Record<string, string> = {
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
  return Object.keys(flags)
    .sort()
    .map((name) => `--${name}=${flags[name]}`);
}

/** Reads `--flag=value` or `--flag value` pairs back (for the policy pack and tests). */
export function parseVllmArgs(args: readonly string[]): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    if (eq > 0) parsed[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      const next = args[i + 1];
      const hasValue = next !== undefined && !next.startsWith("--");
      parsed[arg.slice(2)] = hasValue ? next : "true";
      if (hasValue) i++;
    }
  }
  return parsed;
}
