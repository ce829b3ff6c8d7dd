/**
 * The Prometheus operator (v0.93.0) and the one Prometheus the stack runs, as plain objects built
 * from the operator's vendored example manifests (charts/prometheus-operator/rbac, crds): tests
 * validate them, PrometheusStack registers them object by object.
 *
 * CRDs, deliberately: the stack applies the five the Prometheus controller watches (Prometheus,
 * PodMonitor, ServiceMonitor, Probe, PrometheusRule) itself, as the vendored files' text unchanged
 * (a yaml/v2 ConfigGroup, whose construct returns only once its objects exist: yaml/v2/configgroup.go),
 * so an upgrade of the vendored copy upgrades them (Helm would install CRDs on first install only).
 * The operator checks for each CRD once, at start, so its Deployment is created after them. The operator
 * skips the controllers whose CRDs are absent with a warning — Alertmanager, ThanosRuler,
 * PrometheusAgent, ScrapeConfig (cmd/operator/main.go checkPrerequisites, v0.93.0).
 *
 * Both run on the system nodes (created clusters) — never on GPU nodes, which their taint keeps
 * them off anyway — so they add no line to the price: Prometheus asks for 1 CPU and 2 GiB of the two
 * m7i.xlarge nodes (4 vCPU, 16 GiB each).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KIT_NAMESPACES, pulledImage, type ImageSource } from "../../plan";
import { RESTRICTED_NAMESPACE_LABELS, restrictedPodSecurity } from "../pod-spec";
import { CHARTS_DIRECTORY, readVendoredManifest, inInstallOrder, onNodes, type KubernetesObject } from "../vendored";

/** Where the operator and Prometheus run. */
export const MONITORING_NAMESPACE = KIT_NAMESPACES.monitoring;
/** The label Prometheus selects monitors and rules by, in every namespace. */
export const MONITORING_SELECTOR = { "llm-stack/monitoring": "true" } as const;
/** The Prometheus object's name; the operator serves it as the Service `prometheus-operated`. */
export const PROMETHEUS_NAME = "llm-stack";
/** Prometheus' HTTP address inside the cluster (the operator's governing Service, port 9090). */
export const PROMETHEUS_ADDRESS = `http://prometheus-operated.${MONITORING_NAMESPACE}.svc:9090`;
/**
 * The Prometheus server image, written out: the operator's own default at v0.93.0 —
 * quay.io/prometheus/prometheus at the last entry of PrometheusCompatibilityMatrix, v3.13.1
 * (pkg/operator/defaults.go, DefaultPrometheusBaseImage and DefaultPrometheusVersion) — so the
 * stack can pull it through its cache (a `spec.image` the operator uses as is: pkg/operator/image.go
 * BuildImagePath). `spec.version` says the same, for the operator's per-version flags.
 */
export const PROMETHEUS_IMAGE = { repository: "quay.io/prometheus/prometheus", version: "v3.13.1" } as const;
/** The operator's flag naming the config-reloader image it adds to every Prometheus pod (vendored Deployment args). */
const CONFIG_RELOADER_FLAG = "--prometheus-config-reloader=";
/** Days of metrics kept (on the pod's own disk: they do not survive a reschedule). */
const RETENTION = "15d";

const CRD_FILES = ["prometheuses", "podmonitors", "servicemonitors", "probes", "prometheusrules"].map(
  (plural) => `crds/monitoring.coreos.com_${plural}.yaml`,
);
const RBAC_FILES = [
  "prometheus-operator-service-account.yaml",
  "prometheus-operator-cluster-role.yaml",
  "prometheus-operator-cluster-role-binding.yaml",
  "prometheus-operator-deployment.yaml",
  "prometheus-service-account.yaml",
  "prometheus-cluster-role.yaml",
  "prometheus-cluster-role-binding.yaml",
].map((file) => `rbac/${file}`);

type Json = Record<string, any>;

/** Cluster-wide names get the stack's prefix: kube-prometheus and others use `prometheus` and `prometheus-operator` too. */
const clusterScopedName = (name: string): string => `llm-stack-${name}`;

/**
 * The example manifests name the `default` namespace; every namespaced object and binding subject
 * moves to ours, and cluster roles and bindings take prefixed names (the bindings' roleRef too).
 */
function intoNamespace(object: KubernetesObject, nodeSelector: Record<string, string>): KubernetesObject {
  const moved: Json = structuredClone(object);
  if (object.kind === "ClusterRole" || object.kind === "ClusterRoleBinding") moved.metadata.name = clusterScopedName(object.metadata.name);
  if (object.kind === "ClusterRoleBinding") moved.roleRef.name = clusterScopedName(moved.roleRef.name);
  if (!["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"].includes(object.kind))
    moved.metadata.namespace = MONITORING_NAMESPACE;
  for (const subject of moved.subjects ?? []) if (subject.kind === "ServiceAccount") subject.namespace = MONITORING_NAMESPACE;
  return onNodes(moved as KubernetesObject, nodeSelector);
}

/** The CRDs as the vendored files hold them, one YAML stream. */
export function prometheusOperatorCrdYaml(): string {
  return CRD_FILES.map((file) => readFileSync(join(CHARTS_DIRECTORY, "prometheus-operator", file), "utf8")).join("\n---\n");
}

/** The namespace, RBAC and operator Deployment, in install order (the CRDs go separately, prometheusOperatorCrdYaml). */
export function prometheusOperatorObjects(nodeSelector: Record<string, string>, images: ImageSource): KubernetesObject[] {
  const namespace: KubernetesObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: MONITORING_NAMESPACE,
      // "restricted": the operator's Deployment meets it, and so do the Prometheus pods it generates
      // (every container drops ALL capabilities, no privilege escalation, read-only root: v0.93.0
      // pkg/prometheus/server/statefulset.go, config_reloader.go; non-root and seccomp from prometheusObject).
      labels: { ...RESTRICTED_NAMESPACE_LABELS },
    } as KubernetesObject["metadata"],
  };
  const vendored = RBAC_FILES.flatMap((file) => readVendoredManifest("prometheus-operator", file));
  return inInstallOrder(
    [namespace, ...vendored.map((object) => withReloaderFrom(intoNamespace(object, nodeSelector), images))],
    "charts/prometheus-operator",
  );
}

/** The operator's Deployment with the config reloader it injects pulled as the stack pulls images (its own image: installInOrder). */
function withReloaderFrom(object: KubernetesObject, images: ImageSource): KubernetesObject {
  if (object.kind !== "Deployment") return object;
  const copy: Json = structuredClone(object);
  for (const container of copy.spec.template.spec.containers) {
    container.args = (container.args ?? []).map((arg: string) =>
      arg.startsWith(CONFIG_RELOADER_FLAG) ? `${CONFIG_RELOADER_FLAG}${pulledImage(arg.slice(CONFIG_RELOADER_FLAG.length), images)}` : arg,
    );
  }
  return copy as KubernetesObject;
}

/** The Prometheus: selects monitors and rules labelled MONITORING_SELECTOR in any namespace. */
export function prometheusObject(nodeSelector: Record<string, string>, images: ImageSource): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Prometheus",
    metadata: { name: PROMETHEUS_NAME, namespace: MONITORING_NAMESPACE },
    spec: {
      replicas: 1,
      image: pulledImage(`${PROMETHEUS_IMAGE.repository}:${PROMETHEUS_IMAGE.version}`, images),
      version: PROMETHEUS_IMAGE.version,
      serviceAccountName: "prometheus",
      retention: RETENTION,
      resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } },
      podMonitorSelector: { matchLabels: MONITORING_SELECTOR },
      podMonitorNamespaceSelector: {},
      serviceMonitorSelector: { matchLabels: MONITORING_SELECTOR },
      serviceMonitorNamespaceSelector: {},
      ruleSelector: { matchLabels: MONITORING_SELECTOR },
      ruleNamespaceSelector: {},
      nodeSelector,
      // Its time series live on the pod's emptyDir: Cluster Autoscaler (autoscaled stacks run it with
      // --skip-nodes-with-local-storage=false) must not evict it to remove a system node
      // (kubernetes/autoscaler cluster-autoscaler/FAQ.md, "What types of pods can prevent CA from removing a node?").
      podMetadata: { annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } },
      // nobody, as the operator's own example runs (its Deployment's runAsUser 65534).
      securityContext: restrictedPodSecurity(65534),
    },
  };
}
