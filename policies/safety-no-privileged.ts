/**
 * llm-stack-safety-no-privileged (mandatory): no container of a pod that can land on a GPU node
 * (lib/workloads.ts runsOnGpuNodes) runs privileged. A
 * privileged container sees every GPU and device on the node, bypassing the device plugin's
 * allocation, and owns the node (Pod Security "baseline" forbids it). GPU access needs only the
 * nvidia.com/gpu request.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { allContainersOf, runsOnGpuNodes, validateWorkloads } from "./lib/workloads";

export const safetyNoPrivileged: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-privileged",
  description: "No container (init and ephemeral ones included) of a pod that can land on a GPU node runs privileged.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyNoPrivileged, args.getConfig);
    if (!runsOnGpuNodes(workload)) return;
    for (const container of allContainersOf(workload)) {
      if (container.raw.securityContext?.privileged === true) {
        reportViolation(
          `${workload.label}: container ${container.name} runs privileged: it sees every device on the node and can take the node over. Fix: remove securityContext.privileged; request GPUs with nvidia.com/gpu.`,
        );
      }
    }
  }),
};
