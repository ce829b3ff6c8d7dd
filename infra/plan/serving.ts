/**
 * Serving-time numbers derived from a plan: how long a replica may take to start, how big a GPU
 * node's root volume must be, and the CPU and memory a vLLM pod gets. Pure, so components only
 * render them and tests can check them directly.
 */
import { INSTANCES } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { BYTES_PER_GIB } from "./weights";

const BYTES_PER_MIB = 1024 ** 2;

/**
 * Assumed Hugging Face download rate into an EC2 node, MiB/s. An assumption, not a measurement:
 * hub downloads to EC2 commonly run 100–500 MB/s; the budget takes the low end so a slow day does
 * not kill a healthy pod.
 */
export const ASSUMED_DOWNLOAD_MIB_PER_SECOND = 100;
/** The GPU root volume is provisioned at gp3's maximum throughput (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type). */
export const ROOT_VOLUME_THROUGHPUT_MIB_PER_SECOND = 1000;
export const ROOT_VOLUME_IOPS = 16000;
/** Engine start after the weights are in memory: torch.compile, CUDA graph capture, KV allocation (vLLM V1 logs 1–3 minutes on H100). */
export const ENGINE_START_SECONDS = 180;
/** Headroom on the sum above. */
export const STARTUP_MARGIN = 1.5;
export const STARTUP_PROBE_PERIOD_SECONDS = 10;
/**
 * Floor of every startup budget: a cold first start also compiles kernels (empty torch.compile and
 * Triton caches), which does not shrink with the model. The policy pack's default minimum is the same.
 */
export const MIN_STARTUP_SECONDS = 600;

/** vllm/vllm-openai images are about 10 GiB compressed, ~25 GiB unpacked; containerd keeps both while pulling. */
export const VLLM_IMAGE_DISK_GIB = 40;
/** AL2023 OS, logs and kubelet state. */
export const NODE_SYSTEM_DISK_GIB = 30;
/** Headroom of a replica's cache volume over its weights: the Hugging Face cache keeps partial downloads and metadata. */
const DOWNLOAD_HEADROOM = 1.1;
/** vLLM's torch.compile and Triton/FlashInfer caches beside the weights. */
const COMPILE_CACHE_GIB = 10;

export interface StartupBudget {
  downloadSeconds: number;
  loadSeconds: number;
  engineStartSeconds: number;
  totalSeconds: number;
  probeFailureThreshold: number;
}

/** Seconds a replica may take from container start to a healthy /health: download + load + engine start, with margin. */
export function startupBudget(plan: DeploymentPlan): StartupBudget {
  const weightsMiB = (plan.memory.weightsPerReplicaGiB * BYTES_PER_GIB) / BYTES_PER_MIB;
  const downloadSeconds = Math.ceil(weightsMiB / ASSUMED_DOWNLOAD_MIB_PER_SECOND);
  const loadSeconds = Math.ceil(weightsMiB / ROOT_VOLUME_THROUGHPUT_MIB_PER_SECOND);
  const raw = Math.max(MIN_STARTUP_SECONDS, (downloadSeconds + loadSeconds + ENGINE_START_SECONDS) * STARTUP_MARGIN);
  const probeFailureThreshold = Math.ceil(raw / STARTUP_PROBE_PERIOD_SECONDS);
  return { downloadSeconds, loadSeconds, engineStartSeconds: ENGINE_START_SECONDS, totalSeconds: probeFailureThreshold * STARTUP_PROBE_PERIOD_SECONDS, probeFailureThreshold };
}

/** Replicas that share one node (single-node replicas are packed whole). */
export function replicasPerNode(plan: DeploymentPlan): number {
  return plan.nodesPerReplica > 1 ? 1 : Math.min(plan.replicas, Math.floor(INSTANCES[plan.instanceType].gpuCount / plan.gpusPerReplica));
}

/** One replica's cache volume (an emptyDir on the node's root volume): its weights with headroom, plus compile caches. */
export function modelCacheGiB(plan: DeploymentPlan): number {
  return Math.ceil(plan.memory.weightsPerReplicaGiB * DOWNLOAD_HEADROOM + COMPILE_CACHE_GIB);
}

/** Root volume: the image, the OS, and the cache volume of every replica on the node. */
export function gpuNodeRootVolumeGiB(plan: DeploymentPlan): number {
  return VLLM_IMAGE_DISK_GIB + NODE_SYSTEM_DISK_GIB + modelCacheGiB(plan) * replicasPerNode(plan);
}

/**
 * CPU and memory requests of one vLLM pod: its GPUs' share of the node, after ~2 vCPU and 10% + 4 GiB
 * of memory left for kubelet reservations and DaemonSets (EKS AL2023 reserves by node size).
 */
export function podResources(plan: DeploymentPlan): { cpu: number; memoryGiB: number; shmGiB: number } {
  const instance = INSTANCES[plan.instanceType];
  const share = Math.min(1, plan.gpusPerReplica / plan.nodesPerReplica / instance.gpuCount);
  const cpu = Math.floor((instance.vcpu - 2) * share);
  const memoryGiB = Math.floor((instance.memoryGiB * 0.9 - 4) * share);
  // NCCL moves tensor-parallel traffic through /dev/shm; vLLM's docs ask for a large one with TP > 1.
  const shmGiB = plan.gpusPerReplica > 1 ? Math.min(64, Math.floor(memoryGiB / 8)) : 2;
  return { cpu, memoryGiB, shmGiB };
}
