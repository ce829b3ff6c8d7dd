/**
 * llm-stack-safety-no-system-namespace (advisory): a GPU server never runs in a system namespace.
 * kube-system holds the cluster's own controllers and their credentials; default and the other
 * kube-* namespaces carry no Pod Security labels of the kit's, so the server would run without the
 * "restricted" profile and its NetworkPolicy next to unrelated pods.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { isGpuServer, validateWorkloads } from "./lib/workloads";

const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"] as const;

export const safetyNoSystemNamespace: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-system-namespace",
  description: "GPU servers run in a namespace of their own, never kube-system, kube-public, kube-node-lease or default.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyNoSystemNamespace, args.getConfig);
    if (!isGpuServer(workload) || !(SYSTEM_NAMESPACES as readonly string[]).includes(workload.namespace)) return;
    const unset = workload.props.metadata?.namespace === undefined ? " (no namespace set)" : "";
    reportViolation(
      `${workload.label} runs in the system namespace ${workload.namespace}${unset}. Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").`,
    );
  }),
};
