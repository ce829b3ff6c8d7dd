/**
 * llm-stack-safety-no-host-namespaces (mandatory): no pod that can land on a GPU node (lib/workloads.ts
 * runsOnGpuNodes: the server, and any pod taking GPUs or tolerating their taint) shares none of the node's network,
 * process or IPC namespaces. hostNetwork bypasses NetworkPolicy and puts vLLM's port on the node's
 * address; hostPID and hostIPC expose every process on the node (Pod Security "baseline" forbids
 * all three).
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { runsOnGpuNodes, validateWorkloads } from "./lib/workloads";

const NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const safetyNoHostNamespaces: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-host-namespaces",
  description: "Pods that can land on a GPU node set none of hostNetwork, hostPID and hostIPC.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyNoHostNamespaces, args.getConfig);
    if (!runsOnGpuNodes(workload)) return;
    const shared = [...new Set(workload.templates.flatMap((t) => NAMESPACES.filter((ns) => t.spec[ns] === true)))];
    if (shared.length > 0) {
      reportViolation(
        `${workload.label} shares the node's namespaces (${shared.join(", ")}): it bypasses NetworkPolicy and sees the node's processes. Fix: remove ${shared.join(", ")}.`,
      );
    }
  }),
};
