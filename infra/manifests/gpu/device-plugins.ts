/**
 * Device plugin DaemonSets built from vendored upstream manifests, scoped to one stack's GPU pool:
 * named `<upstream name>-<instance>`, their pods labelled with the instance and selecting the pool,
 * so on an existing cluster (cluster eks:<name>) they neither take over nor delete a copy the
 * cluster already runs under the upstream name, nor collide with another stack's. Pure, so tests
 * check their effective scheduling against the GPU node group with Kubernetes' matching rules.
 *
 * - NVIDIA device plugin v0.20.0 (charts/nvidia-device-plugin): the static manifest, which has no
 *   affinity and tolerates `nvidia.com/gpu`. Not the Helm chart: its default `affinity` requires
 *   Node Feature Discovery labels EKS nodes do not carry, and Helm merges user values into defaults,
 *   so `affinity: {}` keeps that default and the DaemonSet schedules on zero nodes while the release
 *   reports success (deployments/helm/nvidia-device-plugin/values.yaml and
 *   templates/daemonset-device-plugin.yml at v0.20.0; Helm docs, "Deleting a default key").
 * - AWS EFA device plugin, chart v0.5.30 / image v0.5.20 (charts/aws-efa-k8s-device-plugin): the
 *   chart's DaemonSet rendered with default values, which tolerates only CriticalAddonsOnly — the
 *   GPU pool's `nvidia.com/gpu` taint is tolerated here — and carries no namespace (kube-system).
 */
import { GPU_TOLERATION } from "../../plan";
import { readVendoredManifest, type KubernetesObject } from "../vendored";

type Json = Record<string, any>;

export interface VendoredDaemonSet {
  chart: string;
  file: string;
  /** Tolerations the upstream manifest lacks for the GPU pool's taints. */
  addTolerations: Json[];
  /** Other kinds the file holds beside its DaemonSet, not deployed (e.g. a Service a PodMonitor replaces). */
  ignoredKinds?: string[];
}

export const NVIDIA_DEVICE_PLUGIN: VendoredDaemonSet = {
  chart: "nvidia-device-plugin",
  file: "nvidia-device-plugin.yml",
  addTolerations: [],
};
export const EFA_DEVICE_PLUGIN: VendoredDaemonSet = {
  chart: "aws-efa-k8s-device-plugin",
  file: "aws-efa-k8s-device-plugin.yml",
  addTolerations: [{ ...GPU_TOLERATION }],
};
/** NVIDIA DCGM exporter 4.5.3-4.8.2 (charts/dcgm-exporter): GPU telemetry on port 9400; its Service is not used. */
export const DCGM_EXPORTER: VendoredDaemonSet = {
  chart: "dcgm-exporter",
  file: "dcgm-exporter.yaml",
  addTolerations: [{ ...GPU_TOLERATION }],
  ignoredKinds: ["Service"],
};

/** The label that tells this stack's device plugin pods from any other copy. */
export const DEVICE_PLUGIN_INSTANCE_LABEL = "app.kubernetes.io/instance";

export function stackDaemonSet(vendored: VendoredDaemonSet, nodeSelector: Record<string, string>, instance: string): KubernetesObject {
  const objects = readVendoredManifest(vendored.chart, vendored.file).filter(
    (object) => !(vendored.ignoredKinds ?? []).includes(object.kind),
  );
  const daemonSet = objects.find((object) => object.kind === "DaemonSet");
  if (!daemonSet || objects.length !== 1)
    throw new Error(`${vendored.file}: expected exactly one DaemonSet, found ${objects.map((o) => o.kind).join(", ")}`);
  const spec = daemonSet.spec as Json;
  const ownLabel = { [DEVICE_PLUGIN_INSTANCE_LABEL]: instance };
  const podSpec = spec.template.spec as Json;
  return {
    ...daemonSet,
    metadata: {
      ...daemonSet.metadata,
      name: `${daemonSet.metadata.name}-${instance}`,
      namespace: daemonSet.metadata.namespace ?? "kube-system",
    },
    spec: {
      ...spec,
      selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, ...ownLabel } },
      template: {
        ...spec.template,
        metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata.labels, ...ownLabel } },
        spec: {
          ...podSpec,
          nodeSelector: { ...podSpec.nodeSelector, ...nodeSelector },
          tolerations: [...(podSpec.tolerations ?? []), ...vendored.addTolerations],
        },
      },
    },
  };
}

/** The exporter's PodMonitor: its own pods only, every 30 s (DCGM samples fields at 30 s by default). */
export function dcgmPodMonitor(
  daemonSet: { metadata: { namespace?: string; name: string }; spec?: unknown },
  selectedBy: Record<string, string>,
): Record<string, unknown> {
  const podLabels = (daemonSet.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: daemonSet.metadata.name, namespace: daemonSet.metadata.namespace, labels: selectedBy },
    spec: { selector: { matchLabels: podLabels }, podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }] },
  };
}
