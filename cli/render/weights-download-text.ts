/** One sentence on where the weights come from and what moving and keeping them costs, for `plan` and the cost preview. */
import { DATA_PRICES } from "../../infra/catalog";
import { type DeploymentPlan, weightsDownload } from "../../infra/plan";
import { usd } from "./format";

export function describeWeightsDownload(plan: DeploymentPlan): string {
  const download = weightsDownload(plan);
  const pods = download.podsPerRollout === 1 ? "1 pod" : `${download.podsPerRollout} pods`;
  const gb = `${download.checkpointGB.toFixed(2)} GB`;
  const nat = `$${DATA_PRICES.natGatewayDataProcessedUsdPerGB.value}/GB`;
  if (download.weightsSource === "huggingface") {
    // A created cluster's nodes reach Hugging Face through its NAT gateway; an existing cluster's network is its owner's.
    return (
      `${gb} per pod start from Hugging Face; through a NAT gateway (a created cluster's path) ` +
      `that is ${usd(download.natDataUsdPerPod)} of data processing per pod start and ${usd(download.natDataUsdPerRollout)} per full rollout ` +
      `(${pods}; ${nat})`
    );
  }
  return (
    `${gb} streamed from the stack's S3 model cache at each pod start, through the S3 gateway endpoint (no NAT charge; ` +
    `S3 GETs ${usd(download.s3RequestsUsdPerRollout ?? 0)} per full rollout of ${pods}); the cache costs ${usd(download.s3StorageUsdPerMonth ?? 0)}/month ` +
    `($${DATA_PRICES.s3StandardStorageUsdPerGBMonth.value}/GB-month) and its one-time copy from Hugging Face ${usd(download.cacheFillNatUsd ?? 0)} of NAT data processing (${nat})`
  );
}
