/**
 * The objects a vLLM server that scales to zero adds (autoscaling minReplicas 0): the Envoy wake
 * front (manifests/serving/wake-front.ts) with its PodDisruptionBudget and NetworkPolicy, and the headless
 * Service the front resolves to the server's ready pods. The server's own Service keeps its name
 * and port and selects the front instead (manifests/serving/vllm.ts), so clients call the same endpoint.
 * Plain data, validated in tests.
 */
import { VLLM_PORT, type DeploymentPlan } from "../../plan";
import { KEDA_POLLING_SECONDS } from "../autoscaling/scaled-object";
import { SCRAPE_INTERVAL_SECONDS } from "../observability/vllm-monitoring";
import {
  ENVOY_RELEASE,
  METRICS_PATH,
  WAKE_CLUSTER_NAME,
  WAKE_FRONT_METRICS_PORT_NAME,
  WAKE_METRIC,
  WAKE_METRIC_CLUSTER_LABEL,
  wakeFrontManifests,
  wakeQuery,
} from "./wake-front";
import { clientSources, prometheusSource, servingPodSelector, wakeFrontLabels, type VllmManifestInput } from "./vllm";

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
 * Seconds from a request at the front to KEDA acting on it: a Prometheus scrape of the front and a
 * KEDA poll, twice each, for a scrape or poll that just missed it.
 */
export const WAKE_DELAY_SECONDS = 2 * (SCRAPE_INTERVAL_SECONDS + KEDA_POLLING_SECONDS);
/** How late after Retry-After a client's retry may come and still find the waking server: a choice. */
const RETRY_SLACK_SECONDS = 60;

/**
 * Retry-After: a new GPU node's whole time to ready (at zero there is none), with its boot at the
 * slow end of that assumption (no P5 boot time is published: startup-rates.ts), after KEDA has
 * seen the request that woke it — so a client that waits as told does not meet a second 503.
 */
export const retryAfterSeconds = (input: Pick<VllmManifestInput, "plan">): number =>
  input.plan.timeToReady.slowTotalSeconds + WAKE_DELAY_SECONDS;

/**
 * How far back a request at the front counts as activity. KEDA scales to zero only once the last
 * active poll is `cooldownPeriod` old (pkg/scaling/executor/scale_scaledobjects.go, v2.20.2), and
 * the cooldown is the time to ready (manifests/autoscaling/scaled-object.ts), so a request keeps the server for
 * window + time to ready: the window covers the rest of Retry-After and the retry slack — and no
 * more (each extra minute holds a GPU node).
 */
export const wakeWindowSeconds = (plan: DeploymentPlan): number =>
  retryAfterSeconds({ plan }) + RETRY_SLACK_SECONDS - plan.timeToReady.totalSeconds;

/** KEDA's wake trigger: every request the front saw in the activity window (manifests/serving/wake-front.ts wakeQuery). */
export const serverWakeQuery = (namespace: string, plan: DeploymentPlan): string =>
  wakeQuery(namespace, WAKE_CLUSTER_NAME, wakeWindowSeconds(plan));

export function wakeFrontObjects(input: Omit<VllmManifestInput, "weights">, systemNodeSelector: Record<string, string>): WakeFrontObjects {
  const name = wakeFrontName(input.name);
  const labels = wakeFrontLabels(input.name);
  const upstreamName = `${input.name}-upstream`;
  const front = wakeFrontManifests({
    name,
    namespace: input.namespace,
    upstreamHeadlessService: upstreamName,
    upstreamPort: VLLM_PORT,
    listenPort: VLLM_PORT,
    retryAfterSeconds: retryAfterSeconds(input),
    image: ENVOY_RELEASE.image,
    nodePlacement: { nodeSelector: systemNodeSelector, tolerations: [] },
    labels,
  });
  const meta = (objectName: string) => ({ name: objectName, namespace: input.namespace, labels });
  const ingress: Json[] = [{ from: clientSources(input), ports: [{ protocol: "TCP", port: VLLM_PORT }] }];
  if (input.monitoringNamespace)
    ingress.push({ from: [prometheusSource(input.monitoringNamespace)], ports: [{ protocol: "TCP", port: WAKE_FRONT_METRICS_PORT_NAME }] });
  return {
    configMap: front.configMap,
    deployment: front.deployment,
    upstreamService: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(upstreamName),
      spec: {
        ...front.upstream.requiredSpec,
        selector: servingPodSelector(input),
        ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }],
      },
    },
    // One front always answers through a node drain (two replicas, spread over nodes).
    podDisruptionBudget: {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(name),
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    networkPolicy: {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(name),
      spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress"], ingress },
    },
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
      podMetricsEndpoints: [{ port: WAKE_FRONT_METRICS_PORT_NAME, path: METRICS_PATH, interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
    },
  };
}

/**
 * The alert for a wake front Prometheus cannot see: then KEDA cannot see a request at zero either,
 * and the server never wakes (its ScaledObject reports the empty query as an error).
 */
export function wakeFrontPrometheusRule(input: Pick<VllmManifestInput, "name" | "namespace">, selectedBy: Record<string, string>): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: wakeFrontName(input.name), namespace: input.namespace, labels: selectedBy },
    spec: {
      groups: [
        {
          name: "llm-stack-wake-front",
          rules: [
            {
              alert: "VllmWakeFrontUnseen",
              expr: `absent(${WAKE_METRIC}{namespace="${input.namespace}",${WAKE_METRIC_CLUSTER_LABEL}="${WAKE_CLUSTER_NAME}"})`,
              for: "10m",
              labels: { severity: "critical" },
              annotations: {
                summary: "Prometheus sees no wake front: a request at zero replicas cannot wake the server",
                description: `Check the front's pods and PodMonitor: kubectl -n ${input.namespace} get pods -l app.kubernetes.io/name=vllm-wake-front; kubectl -n ${input.namespace} describe scaledobject ${input.name}.`,
              },
            },
          ],
        },
      ],
    },
  };
}
