/**
 * llm-stack-safety-image-pinned (mandatory): every container of a GPU server, and of any pod that
 * can land on a GPU node (lib/workloads.ts runsOnGpuNodes; init containers included), runs an image pinned by digest or by an immutable version tag; moving tags (`latest`,
 * `nightly`, `main`, … in any case, also as one word of a tag: `v0.33.0-latest`) and tags that are no version are
 * refused (infra/plan/image-pin.ts, the rule the stack's own vllmImage is refused by); a vLLM
 * image's version is at or above the configured minimum.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { VLLM_RELEASE } from "../infra/catalog";
import { imagePin, versionAtLeast } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { allContainersOf, isGpuServer, runsOnGpuNodes, validateWorkloads } from "./lib/workloads";

export interface ImagePinnedConfig {
  minimumVllmVersion: string;
}

export const safetyImagePinned: ResourceValidationPolicy = {
  name: "llm-stack-safety-image-pinned",
  description:
    "Images of GPU servers and of every pod that can land on a GPU node are pinned by digest or by an immutable version tag (vLLM at or above a minimum); never latest, nightly, main or another moving tag.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  // The planner's memory rules hold for the release it pins (infra/catalog/vllm-release.ts); an older
  // image may budget memory differently, so that release is the default minimum.
  configSchema: strictConfigSchema({
    minimumVllmVersion: {
      type: "string",
      pattern: "^\\d+\\.\\d+(\\.\\d+)?$",
      default: VLLM_RELEASE.version,
      description: "Oldest vLLM release allowed (tags like v0.33.0); default: the release the planner's sizing is derived from.",
    },
  }),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    const { minimumVllmVersion } = readPolicyConfig<ImagePinnedConfig>(safetyImagePinned, args.getConfig);
    if (!isGpuServer(workload) && !runsOnGpuNodes(workload)) return;
    for (const container of allContainersOf(workload)) {
      const image = container.image;
      const pin = imagePin(image);
      if (pin.pinned && pin.by === "digest") continue;
      const isVllm = /vllm/i.test(image.split("@")[0]!.replace(/:[^:/]+$/, ""));
      const what = isVllm ? "vLLM" : "image";
      const example = isVllm ? `a release tag such as vllm/vllm-openai:v${minimumVllmVersion}` : "a version tag";
      if (!pin.pinned && pin.reason !== "not a version") {
        reportViolation(
          `${workload.label}: container ${container.name} runs ${image}, which is not pinned (${pin.tag ?? "no tag"}): every node may pull a different ${what}. Fix: pin ${example} or a digest.`,
        );
      } else if (!pin.pinned) {
        reportViolation(
          `${workload.label}: container ${container.name} runs ${image}, whose tag ${pin.tag} is neither a version nor a digest: it can be moved to another build. Fix: pin ${example} or a digest.`,
        );
      } else if (pin.by === "version" && isVllm && !versionAtLeast(pin.version, minimumVllmVersion)) {
        reportViolation(
          `${workload.label}: container ${container.name} runs vLLM ${pin.version}, older than the minimum ${minimumVllmVersion}. Fix: upgrade the image to v${minimumVllmVersion} or later.`,
        );
      }
    }
  }),
};
