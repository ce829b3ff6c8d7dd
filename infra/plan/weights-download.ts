/**
 * What a rollout downloads from Hugging Face and what the NAT gateway charges for it.
 *
 * Every vLLM pod keeps its own cache volume, so each pod start fetches the whole checkpoint as the
 * repository stores it: an online-FP8 variant (`--quantization fp8`) downloads the bf16 weights and
 * quantizes them while loading, a pre-quantized one downloads its stored size. Each pod of a
 * multi-node replica downloads all of it too: vLLM's Hugging Face loader fetches every weight file
 * of the repository on every node, not only its own shards. Traffic from private subnets to the
 * internet passes the NAT gateway, which bills per GB processed (DATA_PRICES, dated).
 */
import { DATA_PRICES, MODELS, findVariant } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { BYTES_PER_GB, storedCheckpointVariant, totalWeightBytes } from "./weights";
import { roundTo } from "./rounding";


export interface WeightsDownload {
  /**
   * The checkpoint's weight files as stored in the repository, GB (10^9 bytes). AWS's pricing page
   * does not say whether its GB is 2^30 bytes; counting 10^9 errs high, by 7.4% if it is.
   */
  checkpointGB: number;
  /** Pods that each download it on a full rollout: replicas × nodes per replica. */
  podsPerRollout: number;
  /** NAT gateway data processing for one pod start, USD. */
  natDataUsdPerPod: number;
  /** The same for a full rollout (every pod restarted: a model switch, an image bump, a node replacement of all nodes). */
  natDataUsdPerRollout: number;
}

/** The checkpoint's weight bytes as the repository stores them (an online-FP8 variant downloads its bf16 weights). */
export function checkpointBytes(plan: Pick<DeploymentPlan, "model" | "variant">): number {
  const variant = findVariant(plan.model, plan.variant);
  if (!variant) throw new Error(`${plan.model} has no variant ${plan.variant}`);
  return totalWeightBytes(MODELS[plan.model].architecture, storedCheckpointVariant(variant));
}

export function weightsDownload(plan: DeploymentPlan): WeightsDownload {
  const checkpointGB = checkpointBytes(plan) / BYTES_PER_GB;
  const podsPerRollout = plan.replicas * plan.nodesPerReplica;
  const natDataUsdPerPod = checkpointGB * DATA_PRICES.natGatewayDataProcessedUsdPerGB.value;
  return {
    checkpointGB: roundTo(checkpointGB, 2),
    podsPerRollout,
    natDataUsdPerPod: roundTo(natDataUsdPerPod, 2),
    natDataUsdPerRollout: roundTo(natDataUsdPerPod * podsPerRollout, 2),
  };
}
