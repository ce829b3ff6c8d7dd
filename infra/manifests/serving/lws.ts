/**
 * The LeaderWorkerSet controller's objects (kubernetes-sigs/lws v0.10.0), from the vendored release
 * manifest (charts/lws/manifests.yaml), in install order. Pure; components/serving/lws-controller.ts registers them.
 */
import { inInstallOrder, readVendoredManifest, type KubernetesObject } from "../vendored";

export const LWS_MANIFEST = { chart: "lws", file: "manifests.yaml" } as const;

export function lwsObjects(): KubernetesObject[] {
  return inInstallOrder(readVendoredManifest(LWS_MANIFEST.chart, LWS_MANIFEST.file), "charts/lws/manifests.yaml");
}
