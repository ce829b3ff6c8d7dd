/**
 * The S3 model cache, as data: where a model revision lives in the stack's bucket, which files the
 * copy Job leaves out, and how the Run:ai streamer reads it. Pure, so the Pulumi components, the
 * manifests, the cost preview and the time-to-ready estimate all read the same layout.
 *
 * How vLLM reads it (vLLM v0.33.0, vllm/model_executor/model_loader/runai_streamer_loader.py and
 * vllm/transformers_utils/runai_utils.py, 2026 revisions through the code index): the positional
 * model is an `s3://` URI; config, tokenizer and other small files are pulled with boto3 into
 * $VLLM_ASSETS_CACHE/model_streamer/…; every `*.safetensors` file at the prefix's top level is
 * streamed into GPU memory. Without `distributed`, every rank streams the whole checkpoint and keeps
 * its own shard (infra/plan/time-to-ready.ts counts those bytes).
 */
import { createHash } from "node:crypto";
import { INSTANCES, MODELS, RUNAI_STREAMER, STARTUP_RATES, type ModelId } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";

/**
 * The Hugging Face revision the cache copies. The prefix names it, and the copy Job resolves it to
 * a commit once, copies that commit, and records it in the marker object: the cache then keeps
 * serving the files it copied even when the repository's `main` moves.
 */
export const MODEL_CACHE_REVISION = "main";

/** Object the copy Job writes last: its presence means the prefix is complete. */
export const MODEL_CACHE_MARKER = ".llm-stack-complete.json";

export interface ModelCacheLayout {
  /** Key prefix of the revision in the bucket, ending in `/`; the copy Job writes MODEL_CACHE_MARKER under it last. */
  prefix: string;
  repo: string;
  revision: string;
  /** fnmatch patterns (huggingface_hub `ignore_patterns`) the copy leaves out. */
  ignorePatterns: string[];
}

/**
 * Files a vLLM server never reads, left out of the copy:
 * - `original/`: Meta's consolidated .pth checkpoint beside the safetensors in Llama repos
 *   (ai-on-eks s3-model-copy.yaml leaves it out too); `metal/`: Apple builds;
 * - pickled `*.pth`, `*.pt` and `*.bin` duplicates of the safetensors;
 * - in a Mistral-format repository, the Hugging Face shards (`model-*.safetensors` and their index):
 *   the streamer streams every top-level `*.safetensors`, and with both formats present it streams
 *   both (vllm-project/vllm#40765; the fix, PR #40774, picks `consolidated*` when params.json is
 *   present). `--config-format mistral` reads the consolidated tensor names. In any other repository
 *   a stray `consolidated*.safetensors` is left out instead.
 */
export function copyIgnorePatterns(modelId: ModelId, repo: string): string[] {
  const always = ["original/*", "metal/*", "*.pth", "*.pt", "*.bin"];
  const mistralFormat = MODELS[modelId].mistralFormat && repo.startsWith("mistralai/");
  return mistralFormat ? [...always, "model-*.safetensors", "model.safetensors.index.json"] : [...always, "consolidated*.safetensors"];
}

export function modelCacheLayout(modelId: ModelId, repo: string, revision: string = MODEL_CACHE_REVISION): ModelCacheLayout {
  const prefix = `models/${repo}/${revision}/`;
  return { prefix, repo, revision, ignorePatterns: copyIgnorePatterns(modelId, repo) };
}

/** The layout of the plan's model. */
export function modelCacheLayoutOf(plan: Pick<DeploymentPlan, "model" | "repo">): ModelCacheLayout {
  return modelCacheLayout(plan.model, plan.repo);
}

/**
 * The cache bucket's name: stack, account and region make it unique and known at preview (a
 * generated name would leave every server's model URI unknown to the preview, the policy pack and
 * the cost comment of a new stack). S3's rules: 3-63 characters of lowercase letters, digits and
 * hyphens (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html); a long or
 * unusual stack name is cut and suffixed with a hash of the whole.
 */
export function modelCacheBucketName(stack: string, accountId: string, region: string): string {
  const tail = `-${accountId}-${region}`;
  const cleaned = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const head = `llm-stack-${cleaned}`;
  if (cleaned === stack && head.length + tail.length <= 63) return `${head}${tail}`;
  const suffix = `-${createHash("sha256").update(stack).digest("hex").slice(0, 8)}`;
  return `${head.slice(0, 63 - tail.length - suffix.length).replace(/-+$/, "")}${suffix}${tail}`;
}

/** The `s3://` URI vLLM loads a cached revision from. */
export const modelCacheUri = (bucket: string, layout: ModelCacheLayout): string => `s3://${bucket}/${layout.prefix}`;

/**
 * The Hugging Face repository behind a model argument: the argument itself when it is a repository
 * id, the cache layout's `models/<org>/<name>/<revision>/` when it is an `s3://` URI of one;
 * undefined for any other object-store URI (nothing tells which model it holds).
 */
export function repoOfModelArgument(model: string): string | undefined {
  const uri = /^s3:\/\/[^/]+\/models\/([^/]+\/[^/]+)\/[^/]+\/?$/.exec(model);
  if (uri) return uri[1]!;
  if (/^(s3|gs|az):\/\//.test(model)) return undefined;
  return model;
}

/** What one pod of a replica runs on: its node's type and its GPUs (one vLLM rank each). */
export interface PodShape {
  instanceType: DeploymentPlan["instanceType"];
  gpusPerReplica: number;
  nodesPerReplica: number;
}

export const ranksPerPod = (shape: PodShape): number => shape.gpusPerReplica / shape.nodesPerReplica;

/** Bytes per second a node reads from S3 at most: its network, at most the 100 Gb/s AWS's S3 guidance sizes for. */
export function nodeS3BytesPerSecond(instanceType: DeploymentPlan["instanceType"]): number {
  const gbps = Math.min(INSTANCES[instanceType].networkGbps, STARTUP_RATES.s3InstanceGbps.value);
  return (gbps * 1e9) / 8;
}

export interface StreamerConfig {
  /** Readers per rank (RUNAI_STREAMER_CONCURRENCY). */
  concurrency: number;
  /** CPU buffer per rank, bytes (RUNAI_STREAMER_MEMORY_LIMIT). */
  memoryLimitBytes: number;
}

/** Share of a pod's memory all its ranks' streamer buffers may take together (a deliberate quarter, not a measurement): vLLM's own host memory needs the rest. */
const STREAMER_MEMORY_SHARE = 0.25;

/**
 * The streamer's settings for a pod, from its node:
 * - concurrency: the benchmark's knee (32), fewer when the pod's ranks would open more S3
 *   connections than the node's bandwidth feeds at 85 MB/s each (AWS's sizing rule);
 * - memory limit: the streamer's 40 GB default, less when a quarter of the pod's memory shared by
 *   its ranks is smaller. `podMemoryGiB` is the pod's memory request (podResources).
 */
export function streamerConfig(shape: PodShape, podMemoryGiB: number): StreamerConfig {
  const ranks = ranksPerPod(shape);
  const connectionsTheNodeFeeds = Math.floor(
    nodeS3BytesPerSecond(shape.instanceType) / (STARTUP_RATES.s3ConnectionMBPerSecond.value * 1e6) / ranks,
  );
  const concurrency = Math.max(1, Math.min(RUNAI_STREAMER.concurrencyKnee.value, connectionsTheNodeFeeds));
  const shareBytes = Math.floor((podMemoryGiB * 1024 ** 3 * STREAMER_MEMORY_SHARE) / ranks);
  return { concurrency, memoryLimitBytes: Math.min(RUNAI_STREAMER.defaultMemoryLimitBytes.value, shareBytes) };
}
