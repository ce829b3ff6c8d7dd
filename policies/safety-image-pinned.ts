/**
 * llm-stack-safety-image-pinned (advisory): every container of a GPU server (init containers
 * included) runs an image pinned by digest or by an immutable version tag; moving tags (`latest`,
 * `nightly`, `main`, … in any case, also as one word of a tag: `v0.33.0-latest`) and tags that are no version are
 * refused; a vLLM image's version is at or above the configured minimum.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { VLLM_RELEASE } from "../infra/catalog";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { allContainersOf, isGpuServer, validateWorkloads } from "./lib/workloads";

export interface ImagePinnedConfig {
  minimumVllmVersion: string;
}

/** Tags registries move by convention: never a release. */
const MOVING_TAGS = [
  "latest",
  "nightly",
  "main",
  "master",
  "dev",
  "develop",
  "devel",
  "edge",
  "stable",
  "head",
  "canary",
  "beta",
  "alpha",
  "unstable",
  "next",
  "rolling",
  "snapshot",
  "trunk",
] as const;

const DIGEST = /@sha256:[a-f0-9]{64}$/;
/** A release tag: v1.2, 1.2.3, v0.33.0-cu130 (a version, optionally a build suffix). */
const VERSION_TAG = /^v?(\d+(?:\.\d+){1,2})(?:[-+_.][0-9A-Za-z.+_-]*)?$/;

const versionParts = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);
function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [versionParts(version), versionParts(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The tag of an image reference (`registry:5000/repo:tag`), if any. */
const tagOf = (image: string): string | undefined => /:([^:/@]+)$/.exec(image.split("@")[0]!)?.[1];

export const safetyImagePinned: ResourceValidationPolicy = {
  name: "llm-stack-safety-image-pinned",
  description:
    "GPU server images are pinned by digest or by an immutable version tag (vLLM at or above a minimum); never latest, nightly, main or another moving tag.",
  enforcementLevel: "advisory",
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
    if (!isGpuServer(workload)) return;
    for (const container of allContainersOf(workload)) {
      const image = container.image;
      if (DIGEST.test(image)) continue;
      const isVllm = /vllm/i.test(image.split("@")[0]!.replace(/:[^:/]+$/, ""));
      const what = isVllm ? "vLLM" : "image";
      const example = isVllm ? `a release tag such as vllm/vllm-openai:v${minimumVllmVersion}` : "a version tag";
      const tag = tagOf(image);
      const moving =
        tag !== undefined &&
        tag
          .toLowerCase()
          .split(/[-_.+]/)
          .some((word) => (MOVING_TAGS as readonly string[]).includes(word));
      if (tag === undefined || moving) {
        reportViolation(
          `${workload.label}: container ${container.name} runs ${image}, which is not pinned (${tag ?? "no tag"}): every node may pull a different ${what}. Fix: pin ${example} or a digest.`,
        );
        continue;
      }
      const version = VERSION_TAG.exec(tag)?.[1];
      if (version === undefined) {
        reportViolation(
          `${workload.label}: container ${container.name} runs ${image}, whose tag ${tag} is neither a version nor a digest: it can be moved to another build. Fix: pin ${example} or a digest.`,
        );
      } else if (isVllm && !atLeast(version, minimumVllmVersion)) {
        reportViolation(
          `${workload.label}: container ${container.name} runs vLLM ${version}, older than the minimum ${minimumVllmVersion}. Fix: upgrade the image to v${minimumVllmVersion} or later.`,
        );
      }
    }
  }),
};
