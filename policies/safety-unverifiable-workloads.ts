/**
 * llm-stack-safety-unverifiable-workloads (mandatory): everything that runs pods, or changes what
 * runs, is a kind the pack reads (policies/lib/workloads.ts) — so no GPU rule can be walked around
 * by choosing another kind. Refused as unverifiable, unless the team vouches for the type in
 * `vouchedTypes`:
 * - a server-side-apply patch (pulumi-kubernetes' `…Patch` types: a DeploymentPatch can rewrite the
 *   server's tensor-parallel size, GPUs or privileges after every other rule has passed);
 * - a Helm release, whose rendered objects the pack never sees;
 * - any other Kubernetes kind that carries containers (an Argo Rollout, a KEDA ScaledJob, an
 *   operator's own workload kind).
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { isWorkloadType } from "./lib/workloads";

export interface UnverifiableWorkloadsConfig {
  vouchedTypes: string[];
}

/** Whether `value` holds a pod's `containers` list anywhere (an object list with an image or a name). */
function carriesContainers(value: unknown, depth = 0): boolean {
  if (depth > 12 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => carriesContainers(item, depth + 1));
  return Object.entries(value as Record<string, unknown>).some(
    ([key, child]) =>
      (key === "containers" &&
        Array.isArray(child) &&
        child.some((c) => c !== null && typeof c === "object" && ("image" in c || "name" in c))) ||
      carriesContainers(child, depth + 1),
  );
}

/** Why the pack cannot verify a resource of this type, or null. */
function unverifiable(type: string, props: unknown): string | null {
  if (!type.startsWith("kubernetes:") || isWorkloadType(type)) return null;
  if (/Patch$/.test(type)) return "a server-side-apply patch changes a workload after the pack has read it";
  if (/^kubernetes:helm\.sh\/v\d+:Release$/.test(type)) return "a Helm release renders objects the pack never sees";
  if (carriesContainers(props)) return "it runs containers in a kind the pack does not read";
  return null;
}

export const safetyUnverifiableWorkloads: ResourceValidationPolicy = {
  name: "llm-stack-safety-unverifiable-workloads",
  description:
    "Every resource that runs or changes pods is a kind the pack reads; patches, Helm releases and unknown workload kinds are refused unless vouched for.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema({
    vouchedTypes: {
      type: "array",
      items: { type: "string", pattern: "^kubernetes:[^:]+:[A-Za-z0-9]+$" },
      default: [],
      description: "Kubernetes types the team vouches for (e.g. an operator's workload kind it has reviewed): not refused as unverifiable.",
    },
  }),
  validateResource: (args, reportViolation) => {
    const { vouchedTypes } = readPolicyConfig<UnverifiableWorkloadsConfig>(safetyUnverifiableWorkloads, args.getConfig);
    if (vouchedTypes.includes(args.type)) return;
    const reason = unverifiable(args.type, args.props);
    if (reason === null) return;
    reportViolation(
      `${args.type} ${args.name} cannot be verified: ${reason}, so no GPU, memory or security rule can check what it runs. Fix: express it as a Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod or LeaderWorkerSet, or vouch for ${args.type} in this policy's vouchedTypes.`,
    );
  },
};
