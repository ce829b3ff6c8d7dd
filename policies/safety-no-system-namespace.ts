/**
 * llm-stack-safety-no-system-namespace (mandatory): a GPU server never runs in a system namespace,
 * nor in one of the kit's add-ons (infra/plan/namespaces.ts, the rule the stack's own namespace is refused by).
 * kube-system holds the cluster's own controllers and their credentials; default and the other
 * kube-* namespaces carry no Pod Security labels of the kit's, so the server would run without the
 * "restricted" profile and its NetworkPolicy next to unrelated pods.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { reservedNamespace, SYSTEM_NAMESPACES } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { isGpuServer, validateWorkloads } from "./lib/workloads";

export const safetyNoSystemNamespace: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-system-namespace",
  description:
    "GPU servers run in a namespace of their own, never kube-system, kube-public, kube-node-lease, default or an add-on's of the kit.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyNoSystemNamespace, args.getConfig);
    const reserved = reservedNamespace(workload.namespace);
    if (!isGpuServer(workload) || reserved === null) return;
    const unset = workload.props.metadata?.namespace === undefined ? " (no namespace set)" : "";
    const system = (SYSTEM_NAMESPACES as readonly string[]).includes(workload.namespace);
    reportViolation(
      system
        ? `${workload.label} runs in the system namespace ${workload.namespace}${unset}. Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").`
        : `${workload.label} runs in ${workload.namespace}: ${reserved}. Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").`,
    );
  }),
};
