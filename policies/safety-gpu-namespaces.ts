/**
 * llm-stack-safety-gpu-namespaces (mandatory): a namespace where pods can land on a GPU node stays
 * as closed as the kit leaves it.
 * - Pod Security: a Namespace the stack declares for such pods enforces "restricted"
 *   (`pod-security.kubernetes.io/enforce`; https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 *   Lowering it lets any later pod in the namespace — not only the ones this pack reads — run as root
 *   beside the server's GPUs.
 * - NetworkPolicy: policies are additive, so one that admits everyone to those pods undoes the
 *   kit's (https://kubernetes.io/docs/concepts/services-networking/network-policies/). "Everyone" is an
 *   ingress rule without `from` (every source), an `ipBlock` whose CIDR covers every public address
 *   (an `except` list still leaves most of it in), or a `namespaceSelector: {}` with no or an empty
 *   podSelector (every pod of every namespace).
 *   A podSelector with matchExpressions is read as selecting the pods when its matchLabels do: the
 *   pack cannot prove it does not, so it fails closed.
 * A Namespace the stack does not declare (an existing cluster's) is the cluster's to label: the
 * kit always declares its server's namespace.
 */
import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { coversInternet } from "../infra/plan";
import { objectLabel } from "./lib/exposure";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { landsOnGpuNodes, runsOnGpuNodes, workloadsOf, type PodTemplateView, type WorkloadView } from "./lib/workloads";

const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}
interface NetworkPolicyShape {
  metadata?: { name?: string; namespace?: string };
  spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: Array<{ from?: NetworkPolicyPeer[] }> };
}

const isEmpty = (selector: LabelSelector | undefined) =>
  selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;

/** A NetworkPolicy's podSelector may select pods of the template: every matchLabels entry holds (an empty selector selects all). */
const maySelect = (selector: LabelSelector | undefined, template: PodTemplateView) =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => template.labels[key] === value);

/** Why an ingress rule admits everyone, or undefined when it names its sources. */
function admitsEveryone(rule: { from?: NetworkPolicyPeer[] }): string | undefined {
  if (rule.from === undefined || rule.from.length === 0) return "an ingress rule without from admits every source";
  for (const peer of rule.from) {
    const { ipBlock } = peer;
    // An `except` list narrows the block but leaves the rest of the internet in: still everyone, fail closed.
    if (ipBlock?.cidr !== undefined && coversInternet([ipBlock.cidr]))
      return `ipBlock ${ipBlock.cidr}${(ipBlock.except ?? []).length > 0 ? ` (except ${ipBlock.except!.join(", ")})` : ""} admits every public address`;
    if (isEmpty(peer.namespaceSelector) && (peer.podSelector === undefined || isEmpty(peer.podSelector)))
      return "namespaceSelector {} admits every pod of every namespace";
  }
  return undefined;
}

/** The workloads in the pod rules' scope (lib/workloads.ts runsOnGpuNodes), by namespace. */
function gpuWorkloadsByNamespace(resources: readonly PolicyResource[]): Map<string, WorkloadView[]> {
  const byNamespace = new Map<string, WorkloadView[]>();
  for (const workload of workloadsOf(resources)) {
    if (!runsOnGpuNodes(workload)) continue;
    byNamespace.set(workload.namespace, [...(byNamespace.get(workload.namespace) ?? []), workload]);
  }
  return byNamespace;
}

export const safetyGpuNamespaces: StackValidationPolicy = {
  name: "llm-stack-safety-gpu-namespaces",
  description:
    'A namespace running pods that can land on a GPU node enforces Pod Security "restricted", and no NetworkPolicy there admits everyone to them.',
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateStack: (args, reportViolation) => {
    readPolicyConfig(safetyGpuNamespaces, args.getConfig);
    const gpuWorkloads = gpuWorkloadsByNamespace(args.resources);
    for (const resource of args.resources) {
      if (resource.type === NAMESPACE_TYPE) {
        const metadata = (resource.props as { metadata?: { name?: string; labels?: Record<string, string> } }).metadata;
        const name = metadata?.name ?? resource.name;
        const workloads = gpuWorkloads.get(name);
        const level = metadata?.labels?.[ENFORCE_LABEL];
        const version = metadata?.labels?.[ENFORCE_VERSION_LABEL];
        if (workloads === undefined) continue;
        // A pinned version enforces that release's "restricted" (v1.21's lacks the capabilities rule).
        if (level === "restricted" && version !== undefined && version !== "latest")
          reportViolation(
            `Namespace ${name} runs pods that can land on a GPU node (${workloads.map((w) => w.label).join(", ")}) but pins ${ENFORCE_VERSION_LABEL}: ${version}, an older release's "restricted". Fix: remove the label or set it to latest.`,
            resource.urn,
          );
        if (level === "restricted") continue;
        reportViolation(
          `Namespace ${name} runs pods that can land on a GPU node (${workloads.map((w) => w.label).join(", ")}) but its ${ENFORCE_LABEL} label is ${level === undefined ? "unset" : `"${level}"`}: any pod created there later may run as root or privileged beside the GPUs. Fix: label it ${ENFORCE_LABEL}: restricted.`,
          resource.urn,
        );
      }
      if (resource.type === NETWORK_POLICY_TYPE) {
        const policy = resource.props as NetworkPolicyShape;
        const namespace = policy.metadata?.namespace ?? "default";
        const spec = policy.spec ?? {};
        const limitsIngress = spec.policyTypes === undefined || spec.policyTypes.includes("Ingress");
        const selected = (gpuWorkloads.get(namespace) ?? []).filter((w) =>
          w.templates.some((t) => landsOnGpuNodes(t) && maySelect(spec.podSelector, t)),
        );
        if (!limitsIngress || selected.length === 0) continue;
        const reasons = (spec.ingress ?? []).map(admitsEveryone).filter((r): r is string => r !== undefined);
        if (reasons.length === 0) continue;
        reportViolation(
          `${objectLabel("NetworkPolicy", policy.metadata, resource.name)} opens pods that can land on a GPU node (${selected.map((w) => w.label).join(", ")}) to everyone: ${reasons.join("; ")}. NetworkPolicies add up, so this undoes the kit's. Fix: name the sources (a podSelector, a namespaceSelector with labels, or the clients' CIDRs), or delete it.`,
          resource.urn,
        );
      }
    }
  },
};
