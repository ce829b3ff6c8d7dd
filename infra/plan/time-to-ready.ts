/**
 * How long a replica takes from "a GPU node is asked for" to "vLLM answers /health", step by step,
 * each from a published rate (infra/catalog/startup-rates.ts) — and, for the S3 path, the one-time
 * copy that fills the cache. All nodes of a multi-node replica do the same steps at the same time,
 * so the figures are per node.
 *
 * Weights:
 * - s3: every rank streams the whole checkpoint (the streamer without `distributed`,
 *   model-cache.ts), each at the streamer's measured rate, together at most at the node's S3 cap;
 *   the streamer writes straight into GPU memory, so there is no separate load step.
 * - huggingface: the pod downloads the checkpoint through the NAT gateway, then vLLM loads it from
 *   the instance-store NVMe it was just written to (page cache).
 * Engine start interpolates two published cold starts by decoder layers and adds the multi-GPU P2P check.
 */
import { ENGINE_START_POINTS, MODELS, STARTUP_RATES } from "../catalog";
import { type DeploymentPlan, type StartupStep, type TimeToReady } from "./deployment-plan";
import { nodeS3BytesPerSecond, ranksPerPod } from "./model-cache";
import { type WeightsSource } from "./request";
import { BYTES_PER_GIB } from "./weights";
import { checkpointBytes } from "./weights-download";

export type { StartupStep, StartupStepName, TimeToReady } from "./deployment-plan";

const MB = 1e6;

/** Seconds from cold (empty compile caches) to healthy once the weights are in GPU memory. */
export function engineStartSeconds(layers: number, gpusPerPod: number): number {
  const { singleGpu, tensorParallel, p2pCheckSeconds } = ENGINE_START_POINTS;
  const secondsPerLayer = (tensorParallel.seconds - singleGpu.seconds) / (tensorParallel.layers - singleGpu.layers);
  const base = singleGpu.seconds - secondsPerLayer * singleGpu.layers;
  return base + secondsPerLayer * layers + (gpusPerPod > 1 ? p2pCheckSeconds.value : 0);
}

/** Seconds one node's ranks take to stream the checkpoint from S3. */
export function s3StreamSeconds(bytes: number, ranks: number, instanceType: DeploymentPlan["instanceType"]): number {
  const perRank = bytes / (STARTUP_RATES.s3StreamGiBPerSecondPerProcess.value * BYTES_PER_GIB);
  const nodeBound = (bytes * ranks) / nodeS3BytesPerSecond(instanceType);
  return Math.max(perRank, nodeBound);
}

/** The plan's own path is computed once, by the planner, as `plan.timeToReady`; this also answers for the other path. */
export function timeToReady(plan: Omit<DeploymentPlan, "timeToReady">, weightsSource: WeightsSource = plan.weightsSource): TimeToReady {
  const rates = STARTUP_RATES;
  const bytes = checkpointBytes(plan);
  const gb = bytes / 1e9;
  const ranks = ranksPerPod(plan);
  const layers = MODELS[plan.model].architecture.hiddenLayers;
  const boot = rates.nodeLaunchToReadySeconds.value + rates.gpuAllocatableAfterReadySeconds.value;
  const slowBoot = rates.gpuNodeBootSlowEndSeconds.value;
  const pull = (rates.vllmImageCompressedGB.value * 1e9) / (rates.imagePullMBPerSecond.value * MB);
  const hfDownload = bytes / (rates.huggingFaceDownloadMBPerSecond.value * MB);
  const steps: StartupStep[] = [
    {
      step: "node boot",
      seconds: boot,
      slowSeconds: slowBoot,
      basis: `launch to Ready ${rates.nodeLaunchToReadySeconds.value} s + GPUs allocatable ${rates.gpuAllocatableAfterReadySeconds.value} s (CPU-node figures; assumed up to ${slowBoot} s for a GPU node)`,
    },
    {
      step: "image pull",
      seconds: pull,
      basis: `${rates.vllmImageCompressedGB.value} GB at ${rates.imagePullMBPerSecond.value} MB/s from ECR in the region (a first pull through the cache, or one from the upstream registry, may be slower)`,
    },
  ];
  if (weightsSource === "s3") {
    const nodeGbps = (nodeS3BytesPerSecond(plan.instanceType) * 8) / 1e9;
    steps.push({
      step: "weights from S3",
      seconds: s3StreamSeconds(bytes, ranks, plan.instanceType),
      basis: `${gb.toFixed(1)} GB × ${ranks} rank(s), ${rates.s3StreamGiBPerSecondPerProcess.value} GiB/s per rank, at most ${nodeGbps} Gb/s per node`,
    });
  } else {
    steps.push(
      {
        step: "weights from Hugging Face",
        seconds: hfDownload,
        basis: `${gb.toFixed(1)} GB at ${rates.huggingFaceDownloadMBPerSecond.value} MB/s through the NAT gateway`,
      },
      {
        step: "weights load",
        seconds: bytes / (rates.localLoadGBPerSecond.value * 1e9),
        basis: `${gb.toFixed(1)} GB at ${rates.localLoadGBPerSecond.value} GB/s from local NVMe`,
      },
    );
  }
  steps.push({
    step: "engine start",
    seconds: engineStartSeconds(layers, ranks),
    basis: `${layers} layers, torch.compile and CUDA graphs, cold${ranks > 1 ? ", P2P check" : ""}`,
  });
  const rounded = steps.map((s) => ({ ...s, seconds: Math.ceil(s.seconds) }));
  const podStartSeconds = rounded.filter((s) => s.step !== "node boot" && s.step !== "image pull").reduce((t, s) => t + s.seconds, 0);
  const totalSeconds = rounded.reduce((t, s) => t + s.seconds, 0);
  const slowTotalSeconds = rounded.reduce((t, s) => t + (s.slowSeconds ?? s.seconds), 0);
  const cacheFillSeconds =
    weightsSource === "s3"
      ? Math.ceil(hfDownload + bytes / (rates.s3UploadConcurrency.value * rates.s3ConnectionMBPerSecond.value * MB))
      : null;
  return {
    weightsSource,
    steps: rounded,
    podStartSeconds,
    imagePullSeconds: Math.ceil(pull),
    totalSeconds,
    slowTotalSeconds,
    cacheFillSeconds,
  };
}
