/**
 * llm-stack-safety-gpu-taint (advisory): GPU node groups carry the nvidia.com/gpu NoSchedule taint,
 * so only pods that tolerate it (GPU workloads) land on $7–63/h nodes.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { INSTANCES, isInstanceType } from "../infra/catalog";

export const safetyGpuTaint: ResourceValidationPolicy = {
  name: "llm-stack-safety-gpu-taint",
  description: "Node groups of GPU instance types carry the nvidia.com/gpu NoSchedule taint.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateResourceOfType(aws.eks.NodeGroup, (group, args, reportViolation) => {
    readPolicyConfig(safetyGpuTaint, args.getConfig);
    const gpuTypes = (group.instanceTypes ?? []).filter((t) => (isInstanceType(t) ? INSTANCES[t].gpu !== null : /^(p\d|g\d)/.test(t)));
    if (gpuTypes.length === 0) return;
    const tainted = (group.taints ?? []).some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE");
    if (!tainted) {
      reportViolation(
        `Node group ${args.name} (${gpuTypes.join(", ")}) has no nvidia.com/gpu NoSchedule taint: any pod may land on its GPU nodes. Fix: add taints [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }].`,
      );
    }
  }),
};
