/**
 * How Prometheus watches one vLLM server, as plain data for the Prometheus operator's CRDs
 * (monitoring.coreos.com/v1 at operator v0.93.0, vendored in charts/prometheus-operator/): a
 * PodMonitor on vLLM's /metrics and a PrometheusRule with the alerts and the cost recording rules.
 * Every `vllm:` series named here is one the pinned vLLM emits (infra/catalog/vllm-metrics.ts);
 * a test holds them to that list.
 *
 * /metrics needs no API key: vLLM's authentication middleware guards only the /v1, /v2,
 * /inference and /cohere prefixes (vllm/entrypoints/serve/middleware/authenticate.py,
 * GUARDED_PREFIX), so the monitor sends no credentials and the key never leaves its Secret.
 */
import { servedModelNameOf, type DeploymentPlan } from "../../plan";

type Json = Record<string, unknown>;

export interface VllmMonitoringInput {
  /** The server's name (its pods carry selectorLabels(name)). */
  name: string;
  namespace: string;
  plan: DeploymentPlan;
  /** The pods that serve HTTP: the selector labels, and the leader role when a replica spans nodes (headless workers serve none). */
  podSelector: Record<string, string>;
  /** Labels the Prometheus instance selects monitors and rules by. */
  selectedBy: Record<string, string>;
  /** The stack's $/hour, from the plan's prices (the cost recording rule). */
  hourlyUsd: number;
  /**
   * An autoscaled stack's cost moves with its GPU nodes: the price of one and of everything else,
   * so the rule counts the nodes up now. Null: fixed, `hourlyUsd` always.
   */
  gpuNodes: { nodeHourlyUsd: number; otherHourlyUsd: number } | null;
  /**
   * A set's model: its cost series carry `model="<served name>"`, so the set's models add up and
   * the dashboard splits by model. Its `hourlyUsd` is its GPUs' share of its nodes; autoscaled, its
   * replicas up now at `replicaHourlyUsd` each. Absent: a one-model stack, whose series are the stack's.
   */
  ofSet?: { replicaHourlyUsd: number | null };
}

/**
 * The stack's $/hour as Prometheus sees it. Fixed stacks: the plan's price. Autoscaled: everything
 * else plus one node's price per GPU node the DCGM exporter reports from (a DaemonSet on every node
 * of the pool; each series carries its node as `Hostname`, as the kit's dashboard reads it); none
 * up is 0 nodes, not no data.
 */
export function costPerHourExpression(input: Pick<VllmMonitoringInput, "hourlyUsd" | "gpuNodes" | "ofSet" | "namespace" | "plan">): string {
  if (input.ofSet) {
    if (input.ofSet.replicaHourlyUsd === null) return `vector(${input.hourlyUsd})`;
    // Its own replicas up now (a pod with vLLM's series), not the stack's GPU nodes: the set's other models share them.
    const where = `namespace="${input.namespace}", model_name="${servedModelNameOf(input.plan)}"`;
    return `(count(count by (pod) (vllm:num_requests_running{${where}})) or vector(0)) * ${input.ofSet.replicaHourlyUsd}`;
  }
  if (!input.gpuNodes) return `vector(${input.hourlyUsd})`;
  return `vector(${input.gpuNodes.otherHourlyUsd}) + (count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL)) or vector(0)) * ${input.gpuNodes.nodeHourlyUsd}`;
}

/** How often Prometheus scrapes the server (and its endpoint picker): every 15 s, a choice; KEDA reads what it scraped. */
export const SCRAPE_INTERVAL_SECONDS = 15;

/** KV cache use above which new requests start to wait or preempt others (0 to 1). */
export const KV_CACHE_ALERT_USAGE = 0.95;
/** How long requests may wait before someone is told: beyond a burst, the server is saturated. */
export const WAITING_ALERT_FOR = "5m";

export function vllmPodMonitor(input: VllmMonitoringInput): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: input.name, namespace: input.namespace, labels: input.selectedBy },
    spec: {
      selector: { matchLabels: input.podSelector },
      // The port vLLM serves its API and /metrics on (manifests/serving/vllm.ts names it http).
      podMetricsEndpoints: [{ port: "http", path: "/metrics", interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
    },
  };
}

/**
 * A set's whole cost as Prometheus sees it: every model's series added up, plus what no model is
 * charged — the packing's idle GPUs and the cluster (system nodes, control plane, NAT) — at the
 * plan's prices. The set's dashboard shows it beside each model's.
 */
export function setCostRule(namespace: string, selectedBy: Record<string, string>, unchargedHourlyUsd: number): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "llm-stack-set-cost", namespace, labels: selectedBy },
    spec: {
      groups: [
        {
          name: "llm-stack-set-cost",
          rules: [
            {
              record: "llm_stack:stack_cost_usd_per_hour",
              expr: `(sum(llm_stack:cost_usd_per_hour) or vector(0)) + ${unchargedHourlyUsd}`,
            },
          ],
        },
      ],
    },
  };
}

export function vllmPrometheusRule(input: VllmMonitoringInput): Json {
  // vLLM labels its series with the served name (--served-model-name): a set's model is served under its entry's name.
  const where = `namespace="${input.namespace}", model_name="${servedModelNameOf(input.plan)}"`;
  // A set's cost series carry the model; one stack's are the stack's.
  const modelLabels = input.ofSet ? { labels: { model: servedModelNameOf(input.plan) } } : {};
  // Each set model's rule reads only its own series: every model's rules see every model's.
  const own = input.ofSet ? `{model="${servedModelNameOf(input.plan)}"}` : "";
  const perModel = input.ofSet ? "on(model)" : "on()";
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: input.name, namespace: input.namespace, labels: input.selectedBy },
    spec: {
      groups: [
        {
          name: "llm-stack-vllm-alerts",
          rules: [
            {
              alert: "VllmKvCacheNearlyFull",
              expr: `max by (namespace, pod) (vllm:kv_cache_usage_perc{${where}}) > ${KV_CACHE_ALERT_USAGE}`,
              for: "10m",
              labels: { severity: "warning" },
              annotations: {
                summary: "vLLM's KV cache has been over 95% full for 10 minutes",
                description:
                  "New requests wait and running ones are preempted. Add replicas, shorten maxModelLen, or use kvCacheDtype fp8.",
              },
            },
            {
              alert: "VllmRequestsWaiting",
              expr: `sum by (namespace) (vllm:num_requests_waiting{${where}}) > 0`,
              for: WAITING_ALERT_FOR,
              labels: { severity: "warning" },
              annotations: {
                summary: "Requests have been waiting for vLLM for 5 minutes",
                description: "The server is saturated: every batch slot or the KV cache is taken. Add replicas or enable autoscaling.",
              },
            },
            {
              alert: "VllmPodRestarting",
              // A restarted vLLM process starts its counters from zero: Prometheus sees a reset on the
              // same pod's series (no kube-state-metrics needed); a restart before any prompt is not seen.
              expr: `max by (namespace, pod) (resets(vllm:prompt_tokens_total{${where}}[30m])) > 0`,
              labels: { severity: "critical" },
              annotations: {
                summary: "A vLLM container restarted in the last 30 minutes",
                description:
                  "Each restart reloads the model (see the plan's time to ready). Check the previous container's log: kubectl logs --previous.",
              },
            },
          ],
        },
        {
          name: "llm-stack-vllm-cost",
          rules: [
            // The stack's price per hour, from the plan's dated price table (and, autoscaled, its GPU nodes up now).
            { record: "llm_stack:cost_usd_per_hour", expr: costPerHourExpression(input), ...modelLabels },
            { record: "llm_stack:output_tokens_per_second", expr: `sum(rate(vllm:generation_tokens_total{${where}}[5m]))`, ...modelLabels },
            {
              // Only while tokens flow: an idle server has no price per token (not +Inf).
              record: "llm_stack:usd_per_million_output_tokens",
              expr: `llm_stack:cost_usd_per_hour${own} / ${perModel} (llm_stack:output_tokens_per_second${own} > 0) / 3600 * 1e6`,
              ...modelLabels,
            },
          ],
        },
      ],
    },
  };
}
