/**
 * What a stack's weights cost to move and keep, by the path the plan takes (DATA_PRICES, dated):
 *
 * - huggingface: every pod start downloads the whole checkpoint as the repository stores it through
 *   the NAT gateway, which bills per GB processed. An online-FP8 variant (`--quantization fp8`)
 *   downloads the bf16 weights; each pod of a multi-node replica downloads all of it (vLLM's
 *   Hugging Face loader fetches every weight file on every node).
 * - s3: the copy Job downloads the checkpoint through the NAT gateway once per model revision; the
 *   S3 cache keeps it (priced at S3 Standard, the Intelligent-Tiering Frequent Access rate); every
 *   pod start then streams it through the S3 gateway endpoint, free of NAT and transfer charges,
 *   paying only S3's GET requests: each rank reads the whole checkpoint in 8 MiB ranged GETs
 *   (model-cache.ts, time-to-ready.ts).
 */
import { DATA_PRICES, MODELS, RUNAI_STREAMER, findVariant } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { ranksPerPod } from "./model-cache";
import { type WeightsSource } from "./request";
import { BYTES_PER_GB, storedCheckpointVariant, totalWeightBytes } from "./weights";
import { roundTo } from "./rounding";

export interface WeightsDownload {
  weightsSource: WeightsSource;
  /**
   * The checkpoint's weight files as stored in the repository, GB (10^9 bytes). AWS's pricing page
   * does not say whether its GB is 2^30 bytes; counting 10^9 errs high, by 7.4% if it is.
   */
  checkpointGB: number;
  /** Pods that each load it on a full rollout: replicas × nodes per replica. */
  podsPerRollout: number;
  /** NAT gateway data processing for one pod start, USD (0 on the S3 path). */
  natDataUsdPerPod: number;
  /** The same for a full rollout (every pod restarted: a model switch, an image bump, a node replacement of all nodes). */
  natDataUsdPerRollout: number;
  /** The S3 path's one-time NAT charge of the copy Job, per model revision; null on the Hugging Face path. */
  cacheFillNatUsd: number | null;
  /** The S3 cache's storage, USD per month; null on the Hugging Face path. */
  s3StorageUsdPerMonth: number | null;
  /** S3 GET requests of a full rollout's streamed loads, USD; null on the Hugging Face path. */
  s3RequestsUsdPerRollout: number | null;
}

/** The checkpoint's weight bytes as the repository stores them (an online-FP8 variant downloads its bf16 weights). */
export function checkpointBytes(plan: Pick<DeploymentPlan, "model" | "variant">): number {
  const variant = findVariant(plan.model, plan.variant);
  if (!variant) throw new Error(`${plan.model} has no variant ${plan.variant}`);
  return totalWeightBytes(MODELS[plan.model].architecture, storedCheckpointVariant(variant));
}

export function weightsDownload(plan: DeploymentPlan, weightsSource: WeightsSource = plan.weightsSource): WeightsDownload {
  const bytes = checkpointBytes(plan);
  const checkpointGB = bytes / BYTES_PER_GB;
  const podsPerRollout = plan.replicas * plan.nodesPerReplica;
  const natUsd = checkpointGB * DATA_PRICES.natGatewayDataProcessedUsdPerGB.value;
  if (weightsSource === "huggingface") {
    return {
      weightsSource,
      checkpointGB: roundTo(checkpointGB, 2),
      podsPerRollout,
      natDataUsdPerPod: roundTo(natUsd, 2),
      natDataUsdPerRollout: roundTo(natUsd * podsPerRollout, 2),
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    };
  }
  const getsPerPod = ranksPerPod(plan) * Math.ceil(bytes / RUNAI_STREAMER.s3ChunkBytes.value);
  return {
    weightsSource,
    checkpointGB: roundTo(checkpointGB, 2),
    podsPerRollout,
    natDataUsdPerPod: 0,
    natDataUsdPerRollout: 0,
    cacheFillNatUsd: roundTo(natUsd, 2),
    s3StorageUsdPerMonth: roundTo(checkpointGB * DATA_PRICES.s3StandardStorageUsdPerGBMonth.value, 2),
    s3RequestsUsdPerRollout: roundTo((getsPerPod * podsPerRollout * DATA_PRICES.s3GetRequestsUsdPer1000.value) / 1000, 2),
  };
}
