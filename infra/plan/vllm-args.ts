/**
 * The planner's vLLM args: which flags a plan sets and to what, rendered by the one vLLM flags
 * module (infra/vllm). Every flag is derived from the plan.
 * Flags: https://docs.vllm.ai/en/latest/configuration/engine_args.html
 */
import { type ModelSpec, type Variant } from "../catalog";
import { parseVllmArgs, renderVllmFlags, VLLM_PORT, type VllmFlagValues } from "../vllm";
import { type KvCacheDtype } from "./kv-cache";
import { type StreamerConfig } from "./model-cache";

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
  /** The Run:ai streamer's settings when the weights stream from the S3 model cache; null to download from Hugging Face. */
  streamer: StreamerConfig | null;
}

/** Where every node of a multi-node replica meets the head: torch.distributed's rendezvous port. */
export const MASTER_PORT = 29500;

/**
 * A replica over several nodes runs vLLM's multiprocessing executor on every node — no Ray head,
 * no extra script in the image. The leader (rank 0) serves the API; workers join it `--headless`
 * with their rank. LeaderWorkerSet injects the leader's address and each pod's index as
 * LWS_LEADER_ADDRESS and LWS_WORKER_INDEX (lws v0.10.0 api/leaderworkerset/v1/leaderworkerset_types.go),
 * and Kubernetes expands `$(VAR)` in args from the container's env.
 */
export type NodeRole = "leader" | "worker";

export function renderVllmArgs(input: VllmArgsInput, role: NodeRole = "leader"): string[] {
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
  // The S3 model cache: the streamer reads the safetensors straight into GPU memory. For a Mistral
  // repository the cache holds only the consolidated files (model-cache.ts), which is what
  // `--load-format mistral` would have picked. The model's `s3://` URI is the positional argument,
  // known once the bucket exists (manifests/serving/vllm.ts).
  // https://docs.vllm.ai/en/latest/models/extensions/runai_model_streamer.html
  if (input.streamer) {
    flags["load-format"] = "runai_streamer";
    flags["model-loader-extra-config"] = JSON.stringify({
      concurrency: input.streamer.concurrency,
      memory_limit: input.streamer.memoryLimitBytes,
    });
  }
  if (input.nodesPerReplica > 1) {
    flags["distributed-executor-backend"] = "mp";
    flags.nnodes = String(input.nodesPerReplica);
    flags["node-rank"] = role === "leader" ? "0" : "$(LWS_WORKER_INDEX)";
    flags["master-addr"] = "$(LWS_LEADER_ADDRESS)";
    flags["master-port"] = String(MASTER_PORT);
    if (role === "worker") flags.headless = "true";
  }
  return renderVllmFlags(flags);
}

/** The name the plan's server answers to (its --served-model-name): what a client, or the benchmark, sends as `model`. */
export function servedModelNameOf(plan: { vllmArgs: readonly string[]; model: string }): string {
  return parseVllmArgs(plan.vllmArgs)["served-model-name"] ?? plan.model;
}
