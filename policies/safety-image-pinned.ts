/**
 * llm-stack-safety-image-pinned (advisory): vLLM images are pinned — a digest, or a version tag at
 * or above the configured minimum; never `latest` or no tag.
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { VLLM_RELEASE } from "../infra/catalog";
import { isVllmContainer, workloadView } from "./lib/stack-view";

export interface ImagePinnedConfig {
  minimumVllmVersion: string;
}

const versionParts = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);
function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [versionParts(version), versionParts(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

export const safetyImagePinned: ResourceValidationPolicy = {
  name: "llm-stack-safety-image-pinned",
  description: "vLLM images are pinned by digest or by a version tag at or above a minimum; never latest.",
  enforcementLevel: "advisory",
  // The planner's memory rules hold for the release it pins (infra/catalog/vllm-release.ts); an older
  // image may budget memory differently, so that release is the default minimum.
  configSchema: { properties: { minimumVllmVersion: { type: "string", default: VLLM_RELEASE.version, description: "Oldest vLLM release allowed (tags like v0.33.0); default: the release the planner's sizing is derived from." } } },
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const { minimumVllmVersion } = args.getConfig<ImagePinnedConfig>();
    const workload = workloadView(deployment, args.urn);
    for (const container of workload.containers.filter(isVllmContainer)) {
      const image = container.image;
      if (/@sha256:[a-f0-9]{64}$/.test(image)) continue;
      const tag = /:([^:/]+)$/.exec(image)?.[1];
      if (tag === undefined || tag === "latest") {
        reportViolation(`${workload.label}: container ${container.name} runs ${image}, which is not pinned (${tag === undefined ? "no tag" : "latest"}): every node may pull a different vLLM. Fix: pin a release tag such as vllm/vllm-openai:v${minimumVllmVersion} or a digest.`);
        continue;
      }
      const version = /^v?(\d+(\.\d+){1,2})/.exec(tag)?.[1];
      if (version !== undefined && !atLeast(version, minimumVllmVersion)) {
        reportViolation(`${workload.label}: container ${container.name} runs vLLM ${version}, older than the minimum ${minimumVllmVersion}. Fix: upgrade the image to v${minimumVllmVersion} or later.`);
      }
    }
  }),
};
