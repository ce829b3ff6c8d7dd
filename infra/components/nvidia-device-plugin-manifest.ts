/**
 * The NVIDIA device plugin DaemonSet: NVIDIA's published static manifest
 * (charts/nvidia-device-plugin/nvidia-device-plugin.yml, v0.20.0) with two changes — a node
 * selector for this stack's GPU pool, and a name and pod label of this stack's own, so that on an
 * existing cluster (cluster eks:<name>) it neither takes over nor deletes a device plugin the
 * cluster already runs under NVIDIA's name, nor collides with another stack's. Pure, so tests check its effective scheduling against the
 * GPU node group's labels and taints with Kubernetes' own matching rules.
 *
 * Why not the Helm chart: its default `affinity` requires Node Feature Discovery labels
 * (feature.node.kubernetes.io/pci-10de.present, …) that EKS nodes do not carry, and Helm merges
 * user values into defaults, so `affinity: {}` keeps that default: the DaemonSet would schedule on
 * zero nodes while the release reports success (deployments/helm/nvidia-device-plugin/values.yaml
 * and templates/daemonset-device-plugin.yml at v0.20.0; Helm docs, "Deleting a default key").
 * The static manifest has no affinity and already tolerates the `nvidia.com/gpu` taint.
 */
import { readVendoredManifest, type KubernetesObject } from "./vendored-manifests";

export const DEVICE_PLUGIN_MANIFEST = { chart: "nvidia-device-plugin", file: "nvidia-device-plugin.yml" } as const;

type Json = Record<string, any>;

/** The label that tells this stack's device plugin pods from any other copy. */
export const DEVICE_PLUGIN_INSTANCE_LABEL = "app.kubernetes.io/instance";

/** The vendored DaemonSet, named `<upstream name>-<instance>`, its pods labelled with `instance` and selecting `nodeSelector`. */
export function devicePluginDaemonSet(nodeSelector: Record<string, string>, instance: string): KubernetesObject {
  const objects = readVendoredManifest(DEVICE_PLUGIN_MANIFEST.chart, DEVICE_PLUGIN_MANIFEST.file);
  const daemonSet = objects.find((object) => object.kind === "DaemonSet");
  if (!daemonSet || objects.length !== 1) throw new Error(`${DEVICE_PLUGIN_MANIFEST.file}: expected exactly one DaemonSet, found ${objects.map((o) => o.kind).join(", ")}`);
  const spec = daemonSet.spec as Json;
  const ownLabel = { [DEVICE_PLUGIN_INSTANCE_LABEL]: instance };
  return {
    ...daemonSet,
    metadata: { ...daemonSet.metadata, name: `${daemonSet.metadata.name}-${instance}` },
    spec: {
      ...spec,
      selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, ...ownLabel } },
      template: {
        ...spec.template,
        metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata.labels, ...ownLabel } },
        spec: { ...spec.template.spec, nodeSelector: { ...spec.template.spec.nodeSelector, ...nodeSelector } },
      },
    },
  };
}
