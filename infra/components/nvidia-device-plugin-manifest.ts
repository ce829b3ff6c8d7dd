/**
 * The NVIDIA device plugin DaemonSet: NVIDIA's published static manifest
 * (charts/nvidia-device-plugin/nvidia-device-plugin.yml, v0.20.0) with one change — a node
 * selector for the stack's GPU pool. Pure, so tests check its effective scheduling against the
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

/** The vendored DaemonSet with `nodeSelector` added to its pod template. */
export function devicePluginDaemonSet(nodeSelector: Record<string, string>): KubernetesObject {
  const objects = readVendoredManifest(DEVICE_PLUGIN_MANIFEST.chart, DEVICE_PLUGIN_MANIFEST.file);
  const daemonSet = objects.find((object) => object.kind === "DaemonSet");
  if (!daemonSet || objects.length !== 1) throw new Error(`${DEVICE_PLUGIN_MANIFEST.file}: expected exactly one DaemonSet, found ${objects.map((o) => o.kind).join(", ")}`);
  const spec = daemonSet.spec as Json;
  return {
    ...daemonSet,
    spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, nodeSelector: { ...spec.template.spec.nodeSelector, ...nodeSelector } } } },
  };
}
