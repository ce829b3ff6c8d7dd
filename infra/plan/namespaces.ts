/**
 * Namespaces a stack's server may not take: the cluster's own (kube-system holds its controllers
 * and their credentials; default and the other kube-* namespaces carry none of the kit's Pod
 * Security labels) and the ones the kit's add-ons run in (its monitoring, KEDA's and
 * LeaderWorkerSet's, whose names the vendored releases fix: test/manifests checks them). One rule
 * for the stack's config (refused before anything is created) and the policy pack.
 */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"] as const;

/** The namespaces the kit's add-ons run in. */
export const KIT_NAMESPACES = {
  /** The Prometheus operator, Prometheus and Grafana. */
  monitoring: "llm-monitoring",
  /** KEDA v2.20.2's core release (charts/keda: config/general/namespace). */
  keda: "keda",
  /** LeaderWorkerSet v0.10.0's controller (charts/lws/manifests.yaml). */
  lws: "lws-system",
} as const;

/** Why a namespace is reserved, or null when a server may use it. */
export function reservedNamespace(namespace: string): string | null {
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(namespace)) return `${namespace} is a system namespace`;
  const addOn = Object.entries(KIT_NAMESPACES).find(([, name]) => name === namespace);
  return addOn
    ? `${namespace} is where the kit runs ${addOn[0] === "monitoring" ? "Prometheus and Grafana" : addOn[0] === "keda" ? "KEDA" : "the LeaderWorkerSet controller"}`
    : null;
}
