/**
 * llm-stack-safety-no-host-path (mandatory): no pod that can land on a GPU node (lib/workloads.ts
 * runsOnGpuNodes) mounts a hostPath volume. A hostPath
 * reaches the node's filesystem (kubelet credentials, the container runtime's socket) and outlives
 * the pod; model weights belong in an emptyDir or a persistent volume (Pod Security "baseline"
 * forbids hostPath).
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { runsOnGpuNodes, validateWorkloads } from "./lib/workloads";

export const safetyNoHostPath: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-host-path",
  description: "Pods that can land on a GPU node mount no hostPath volumes.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyNoHostPath, args.getConfig);
    if (!runsOnGpuNodes(workload)) return;
    for (const volume of workload.templates.flatMap((t) => t.spec.volumes ?? [])) {
      if (volume.hostPath !== undefined) {
        reportViolation(
          `${workload.label}: volume ${volume.name} mounts the node's ${volume.hostPath.path ?? "(no path)"} (hostPath). Fix: use an emptyDir or a PersistentVolumeClaim for weights and caches.`,
        );
      }
    }
  }),
};
