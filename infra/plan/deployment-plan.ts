/**
 * The plan's types, in a leaf module: the planner produces them, and reasons, economics, serving
 * and stack costs read them, without importing the planner (or each other) back.
 */
import { type CapacityType, type GpuId, type InstanceType, type ModelId, type Quantization, type Region } from "../catalog";
import { type KvCacheDtype } from "./kv-cache";
import { type PerGpuMemoryGiB } from "./memory";
import { type MultiNodePolicy, type WeightsSource } from "./request";

export interface DeploymentPlan {
  model: ModelId;
  /** Variant id within the model (`bf16`, `fp8-dynamic`, …). */
  variant: string;
  /** Hugging Face repository vLLM loads. */
  repo: string;
  quantization: Quantization;
  gpu: GpuId;
  instanceType: InstanceType;
  region: Region;
  nodesPerReplica: number;
  gpusPerReplica: number;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  replicas: number;
  nodes: number;
  /** GPUs paid for but used by no replica. */
  idleGpus: number;
  maxModelLen: number;
  maxNumBatchedTokens: number;
  /** Sequences vLLM schedules at once (--max-num-seqs): the pinned release's API-server default on these GPUs, rendered explicitly. */
  maxNumSeqs: number;
  /** When the replica was allowed to span nodes. */
  multiNode: MultiNodePolicy;
  /** Where vLLM reads the weights: the stack's S3 model cache (Run:ai streamer) or Hugging Face. */
  weightsSource: WeightsSource;
  concurrency: number;
  kvCacheDtype: KvCacheDtype;
  gpuMemoryUtilization: number;
  memory: { perGpuGiB: PerGpuMemoryGiB; weightsPerReplicaGiB: number; loadPeakPerGpuGiB: number };
  kvCacheBytesPerTokenPerGpu: number;
  /** Tokens one replica's KV cache holds. */
  kvCacheTokens: number;
  /** floor(kvCacheTokens / maxModelLen): sequences of full context one replica holds at once. */
  maxConcurrentFullContext: number;
  cost: {
    hourlyUsd: number;
    monthlyUsd: number;
    instanceHourlyUsd: number;
    hoursPerMonth: number;
    priceTableDate: string;
    /** How the instances are bought: absent (the planner's) is on-demand; a stack re-prices its plan at its capacityType (infra/settings/resolve.ts). */
    capacityType?: CapacityType;
  };
  /** vLLM's args: every node of a single-node replica, the leader (rank 0) of a multi-node one. */
  vllmArgs: string[];
  /** A multi-node replica's worker args (`--headless`, their rank); null on one node. */
  vllmWorkerArgs: string[] | null;
  reasons: string[];
  /** From "a GPU node is asked for" to "vLLM answers /health" on the plan's weights path, step by step (time-to-ready.ts). */
  timeToReady: TimeToReady;
}

export type StartupStepName =
  "node boot" | "image pull" | "weights from S3" | "weights from Hugging Face" | "weights load" | "engine start";

export interface StartupStep {
  step: StartupStepName;
  seconds: number;
  /** The slow end of a step whose figure is an assumption (a GPU node's boot); absent where the rate is published. */
  slowSeconds?: number;
  /** How the number was reached, with the rate it used. */
  basis: string;
}

export interface TimeToReady {
  weightsSource: WeightsSource;
  /** Node launch to healthy /health, in order. */
  steps: StartupStep[];
  /** The container's part (weights, load, engine start): what the startup probe must allow. */
  podStartSeconds: number;
  /** The image pull alone: what a Job on an already booted node waits for before it starts. */
  imagePullSeconds: number;
  /** The estimate: every step at its figure. */
  totalSeconds: number;
  /** Every assumed step at its slow end: what a client told to come back, or Pulumi waiting for a rollout, must allow. */
  slowTotalSeconds: number;
  /** The copy Job's one-time fill of the cache (Hugging Face download, then S3 upload); null on the Hugging Face path. */
  cacheFillSeconds: number | null;
}
