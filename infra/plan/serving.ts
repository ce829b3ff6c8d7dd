/**
 * Serving-time numbers derived from a plan: how long a replica may take to start, how big a GPU
 * node's root volume must be, and the CPU and memory a vLLM pod gets. Pure, so components only
 * render them and tests can check them directly.
 */
import { INSTANCES, type GpuId, type InstanceType } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { ranksPerPod, type PodShape } from "./model-cache";
import { timeToReady } from "./time-to-ready";
import { BYTES_PER_GB, BYTES_PER_GIB } from "./weights";

/** A GPU root volume that holds the weights (no instance store) is provisioned at gp3's maximum throughput (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type). */
export const ROOT_VOLUME_THROUGHPUT_MIB_PER_SECOND = 1000;
export const ROOT_VOLUME_IOPS = 16000;
/** Headroom of the startup probe over the estimated container start (time-to-ready.ts): the rates are published figures, not P5 measurements. */
export const STARTUP_MARGIN = 1.5;
export const STARTUP_PROBE_PERIOD_SECONDS = 10;
/**
 * Floor of every startup budget: a cold first start also compiles kernels (empty torch.compile and
 * Triton caches), which does not shrink with the model. The policy pack's default minimum is the same.
 */
export const MIN_STARTUP_SECONDS = 600;

/** vllm/vllm-openai images are about 10 GiB compressed, ~25 GiB unpacked; containerd keeps both while pulling. */
export const VLLM_IMAGE_DISK_GIB = 40;
/**
 * AL2023 OS, journald and the driver stack: the EKS AL2023 AMIs are built on a 20 GiB root
 * (awslabs/amazon-eks-ami `templates/al2023/variables-default.json`, launch_block_device_mappings_volume_size),
 * plus room for logs.
 */
export const NODE_SYSTEM_DISK_GIB = 30;
/**
 * Headroom of a volume a checkpoint is downloaded into over the checkpoint: huggingface_hub keeps
 * partial files and metadata beside it (a deliberate 10%, not a measurement). The server's cache
 * volume and the copy Job's scratch volume both use it.
 */
export const DOWNLOAD_HEADROOM = 1.1;
/** vLLM's torch.compile and Triton/FlashInfer caches beside the weights. */
const COMPILE_CACHE_GIB = 10;

export interface StartupBudget {
  /** The estimate the budget is derived from: weights, load and engine start (time-to-ready.ts). */
  estimatedSeconds: number;
  totalSeconds: number;
  probeFailureThreshold: number;
}

/** Seconds a replica may take from container start to a healthy /health: the estimate with margin, at least MIN_STARTUP_SECONDS. */
export function startupBudget(plan: DeploymentPlan): StartupBudget {
  const estimatedSeconds = plan.timeToReady.podStartSeconds;
  const raw = Math.max(MIN_STARTUP_SECONDS, estimatedSeconds * STARTUP_MARGIN);
  const probeFailureThreshold = Math.ceil(raw / STARTUP_PROBE_PERIOD_SECONDS);
  return { estimatedSeconds, totalSeconds: probeFailureThreshold * STARTUP_PROBE_PERIOD_SECONDS, probeFailureThreshold };
}

/**
 * Seconds Pulumi waits for a rollout (a Deployment's, or a LeaderWorkerSet's `Available`): a new
 * node boots — at the slow end of that assumption, a bound already — then pulls the image with the
 * budget's margin before the container starts, then the startup budget.
 */
export function rolloutSeconds(plan: DeploymentPlan): number {
  const ready = plan.timeToReady;
  const boot = ready.steps.filter((s) => s.step === "node boot").reduce((t, s) => t + (s.slowSeconds ?? s.seconds), 0);
  return boot + Math.ceil(ready.imagePullSeconds * STARTUP_MARGIN) + startupBudget(plan).totalSeconds;
}

/**
 * Seconds Pulumi (and the Job's activeDeadlineSeconds) allow the copy Job that fills the S3 cache:
 * the image pull on a fresh node, then the Hugging Face download and the S3 upload, with the
 * startup margin; at least the pulumi-kubernetes Job await default of 10 minutes.
 */
export function cacheFillTimeoutSeconds(plan: DeploymentPlan): number {
  const ready = timeToReady(plan, "s3");
  return Math.max(MIN_STARTUP_SECONDS, Math.ceil(((ready.cacheFillSeconds ?? 0) + ready.imagePullSeconds) * STARTUP_MARGIN));
}

/** Replicas one node holds when full (single-node replicas are packed whole; a multi-node replica is one). */
export function replicasFittingNode(plan: Pick<DeploymentPlan, "nodesPerReplica" | "instanceType" | "gpusPerReplica">): number {
  return plan.nodesPerReplica > 1 ? 1 : Math.floor(INSTANCES[plan.instanceType].gpuCount / plan.gpusPerReplica);
}

/** Replicas that share one node (single-node replicas are packed whole). */
export function replicasPerNode(plan: DeploymentPlan): number {
  return Math.min(plan.replicas, replicasFittingNode(plan));
}

/** The share of an hourly node bill that idle GPUs stand for. */
export function idleHourlyUsd(instanceType: DeploymentPlan["instanceType"], idleGpus: number, instanceHourlyUsd: number): number {
  return (idleGpus / INSTANCES[instanceType].gpuCount) * instanceHourlyUsd;
}

/** Config, tokenizer and other small files vLLM pulls from the S3 cache beside the streamed weights (VLLM_ASSETS_CACHE). */
const STREAMED_MODEL_FILES_GIB = 1;

/**
 * One replica's cache volume (an emptyDir on kubelet's disk: instance-store NVMe where the node has
 * it): compile caches, plus the downloaded weights with headroom on the Hugging Face path. Streamed
 * weights go straight to GPU memory and never touch the disk.
 */
export function modelCacheGiB(plan: DeploymentPlan): number {
  const files = plan.weightsSource === "s3" ? STREAMED_MODEL_FILES_GIB : plan.memory.weightsPerReplicaGiB * DOWNLOAD_HEADROOM;
  return Math.ceil(files + COMPILE_CACHE_GIB);
}

/** Space kubelet and containerd need on a GPU node: the vLLM image and the cache volume of every replica on it. */
export function gpuNodeDataDiskGiB(plan: DeploymentPlan): number {
  return VLLM_IMAGE_DISK_GIB + modelCacheGiB(plan) * replicasPerNode(plan);
}

/**
 * Share of an instance store's raw size counted as usable: a deliberate 5% margin for the RAID0
 * array's and the file system's metadata and log (an assumption, not a measurement; P5's 30.7 TB
 * exceeds any plan's data many times over, so the margin never decides a layout).
 */
const INSTANCE_STORE_USABLE_FRACTION = 0.95;

/**
 * Where a GPU node keeps kubelet's volumes (the model cache emptyDirs), containerd's images and pod logs.
 *
 * On an instance with local NVMe, nodeadm's `localStorage: {strategy: RAID0}` builds one array of
 * all the instance-store drives and bind-mounts /var/lib/kubelet, /var/lib/containerd and
 * /var/log/pods onto it (awslabs/amazon-eks-ami `templates/al2023/runtime/bin/setup-local-disks`,
 * `nodeadm/doc/api.md` LocalStorageOptions, read 2026-11-27 at 81fec2e). The EBS root volume then
 * holds only the OS and journald, at gp3's baseline. Without instance store (or one too small for
 * the data) everything stays on the root volume, provisioned at gp3's maximum throughput.
 */
export interface GpuNodeStorage {
  /** nodeadm's LocalStorageStrategy, or undefined to leave instance store alone. */
  localStorageStrategy?: "RAID0";
  rootVolume: { sizeGiB: number; iops?: number; throughputMiBps?: number };
}

export function gpuNodeStorage(localNvmeGB: number, dataDiskGiB: number): GpuNodeStorage {
  const usableGiB = (localNvmeGB * BYTES_PER_GB * INSTANCE_STORE_USABLE_FRACTION) / BYTES_PER_GIB;
  if (localNvmeGB > 0 && usableGiB >= dataDiskGiB) return { localStorageStrategy: "RAID0", rootVolume: { sizeGiB: NODE_SYSTEM_DISK_GIB } };
  return {
    rootVolume: {
      sizeGiB: NODE_SYSTEM_DISK_GIB + dataDiskGiB,
      iops: ROOT_VOLUME_IOPS,
      throughputMiBps: ROOT_VOLUME_THROUGHPUT_MIB_PER_SECOND,
    },
  };
}

/** The storage layout of the plan's GPU nodes. */
export function gpuNodeStorageOf(plan: DeploymentPlan): GpuNodeStorage {
  return gpuNodeStorage(INSTANCES[plan.instanceType].localNvmeGB, gpuNodeDataDiskGiB(plan));
}

/**
 * CPU and memory requests of one vLLM pod: its GPUs' share of the node, after ~2 vCPU and 10% + 4 GiB
 * of memory left for kubelet reservations and DaemonSets (EKS AL2023 reserves by node size).
 */
export function podResources(plan: PodShape): { cpu: number; memoryGiB: number; shmGiB: number } {
  const instance = INSTANCES[plan.instanceType];
  const share = Math.min(1, ranksPerPod(plan) / instance.gpuCount);
  const cpu = Math.floor((instance.vcpu - 2) * share);
  const memoryGiB = Math.floor((instance.memoryGiB * 0.9 - 4) * share);
  // NCCL moves tensor-parallel traffic through /dev/shm; vLLM's docs ask for a large one with TP > 1.
  const shmGiB = plan.gpusPerReplica > 1 ? Math.min(64, Math.floor(memoryGiB / 8)) : 2;
  return { cpu, memoryGiB, shmGiB };
}

/** What a GPU node group is built from: one model's plan, or the models a packing put on shared nodes. */
export interface GpuPoolShape {
  instanceType: InstanceType;
  gpu: GpuId;
  nodes: number;
  /** A replica spans nodes: the group's nodes go into one cluster placement group. */
  spansNodes: boolean;
  storage: GpuNodeStorage;
  /** Node labels beyond the stack's pool selector: what runs there (a model, or a set's node group). */
  labels: Record<string, string>;
}

/** A one-model stack's GPU node group, straight from its plan. */
export function poolShapeOf(plan: DeploymentPlan): GpuPoolShape {
  return {
    instanceType: plan.instanceType,
    gpu: plan.gpu,
    nodes: plan.nodes,
    spansNodes: plan.nodesPerReplica > 1,
    storage: gpuNodeStorageOf(plan),
    labels: { "llm-stack/model": plan.model, "llm-stack/gpu": plan.gpu },
  };
}

/** The node label a set's model selects its node group by. */
export const NODE_GROUP_LABEL = "llm-stack/node-group";

/**
 * A set's node group: `nodes` of `instanceType` carrying `plans` (every replica of each). The data
 * disk holds the image once and every replica's cache volume, as for one model.
 */
export function setPoolShape(name: string, instanceType: InstanceType, nodes: number, plans: readonly DeploymentPlan[]): GpuPoolShape {
  const first = plans[0];
  if (!first) throw new Error(`node group ${name} carries no model`);
  const perNodeGiB =
    plans.length === 1 && nodes > 0
      ? gpuNodeDataDiskGiB(first)
      : VLLM_IMAGE_DISK_GIB + plans.reduce((total, plan) => total + modelCacheGiB(plan) * plan.replicas, 0);
  return {
    instanceType,
    gpu: first.gpu,
    nodes,
    spansNodes: plans.some((plan) => plan.nodesPerReplica > 1),
    storage: gpuNodeStorage(INSTANCES[instanceType].localNvmeGB, perNodeGiB),
    labels: { [NODE_GROUP_LABEL]: name, "llm-stack/gpu": first.gpu },
  };
}
