/**
 * The objects a vLLM server that scales to zero adds (autoscaling minReplicas 0): the Envoy wake
 * front (wake-front-manifests.ts) with its PodDisruptionBudget and NetworkPolicy, and the headless
 * Service the front resolves to the server's ready pods. The server's own Service keeps its name
 * and port and selects the front instead (vllm-manifests.ts), so clients call the same endpoint.
 * Plain data, validated in tests.
 */
import { VLLM_PORT, timeToReady } from "../../plan";
import { ENVOY_RELEASE, METRICS_PATH, WAKE_CLUSTER_NAME, WAKE_FRONT_METRICS_PORT_NAME, wakeFrontManifests, wakeQuery } from "./wake-front-manifests";
import { clientSources, prometheusSource, servingPodSelector, wakeFrontLabels, type VllmManifestInput } from "./vllm-manifests";

type Json = Record<string, unknown>;

export interface WakeFrontObjects {
  configMap: Json;
  deployment: Json;
  /** Headless: zero ready replicas is zero DNS records, so Envoy answers 503 and counts it. */
  upstreamService: Json;
  podDisruptionBudget: Json;
  networkPolicy: Json;
}

/** The front's name: the server's, suffixed. */
export const wakeFrontName = (serverName: string): string => `${serverName}-wake-front`;

/**
 * The window KEDA's wake query looks back over: two of Prometheus' scrapes of the front (the
 * PodMonitor's 15 s) and KEDA's polling (15 s) with room, so one turned-away request is seen.
 */
export const WAKE_WINDOW_SECONDS = 120;

/** KEDA's wake trigger for the server `name` in `namespace`: requests its front turned away lately. */
export function serverWakeQuery(namespace: string): string {
  return wakeQuery(namespace, WAKE_CLUSTER_NAME, WAKE_WINDOW_SECONDS);
}

/**
 * Retry-After: a new GPU node's whole time to ready (at zero there is none), plus the wake
 * window in which the request that woke it is first seen.
 */
export const retryAfterSeconds = (input: Pick<VllmManifestInput, "plan">): number => timeToReady(input.plan).totalSeconds + WAKE_WINDOW_SECONDS;

export function wakeFrontObjects(input: Omit<VllmManifestInput, "weights">, systemNodeSelector: Record<string, string>): WakeFrontObjects {
  const name = wakeFrontName(input.name);
  const labels = wakeFrontLabels(input.name);
  const upstreamName = `${input.name}-upstream`;
  const front = wakeFrontManifests({
    name, namespace: input.namespace, upstreamHeadlessService: upstreamName, upstreamPort: VLLM_PORT, listenPort: VLLM_PORT,
    retryAfterSeconds: retryAfterSeconds(input), image: ENVOY_RELEASE.image, nodePlacement: { nodeSelector: systemNodeSelector, tolerations: [] }, labels,
  });
  const meta = (objectName: string) => ({ name: objectName, namespace: input.namespace, labels });
  const ingress: Json[] = [{ from: clientSources(input), ports: [{ protocol: "TCP", port: VLLM_PORT }] }];
  if (input.monitoringNamespace) ingress.push({ from: [prometheusSource(input.monitoringNamespace)], ports: [{ protocol: "TCP", port: WAKE_FRONT_METRICS_PORT_NAME }] });
  return {
    configMap: front.configMap,
    deployment: front.deployment,
    upstreamService: {
      apiVersion: "v1", kind: "Service", metadata: meta(upstreamName),
      spec: { ...front.upstream.requiredSpec, selector: servingPodSelector(input), ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }] },
    },
    // One front always answers through a node drain (two replicas, spread over nodes).
    podDisruptionBudget: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(name), spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    networkPolicy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta(name), spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress"], ingress } },
  };
}

/** Prometheus scrapes the front's turned-away counter (KEDA's wake query reads it) on its metrics listener. */
export function wakeFrontPodMonitor(input: Pick<VllmManifestInput, "name" | "namespace">, selectedBy: Record<string, string>): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: wakeFrontName(input.name), namespace: input.namespace, labels: selectedBy },
    spec: {
      selector: { matchLabels: wakeFrontLabels(input.name) },
      podMetricsEndpoints: [{ port: WAKE_FRONT_METRICS_PORT_NAME, path: METRICS_PATH, interval: "15s" }],
    },
  };
}
