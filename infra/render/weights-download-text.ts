/** One sentence on what a rollout downloads and what the NAT gateway charges for it, for `plan` and the cost preview. */
import { DATA_PRICES } from "../catalog";
import { type DeploymentPlan, weightsDownload } from "../plan";
import { usd } from "./format";

export function describeWeightsDownload(plan: DeploymentPlan): string {
  const download = weightsDownload(plan);
  const pods = download.podsPerRollout === 1 ? "1 pod" : `${download.podsPerRollout} pods`;
  // A created cluster's nodes reach Hugging Face through its NAT gateway; an existing cluster's network is its owner's.
  return `${download.checkpointGB.toFixed(2)} GB per pod start from Hugging Face; through a NAT gateway (a created cluster's path) `
    + `that is ${usd(download.natDataUsdPerPod)} of data processing per pod start and ${usd(download.natDataUsdPerRollout)} per full rollout `
    + `(${pods}; $${DATA_PRICES.natGatewayDataProcessedUsdPerGB.value}/GB)`;
}
