/**
 * Groundwork for issue #14: the monitoring and autoscaling objects of one vLLM server, checked
 * against the vendored CRD schemas (charts/prometheus-operator at operator v0.93.0, charts/keda at
 * v2.20.2) with unknown fields refused (the API server would prune them without a word), and their
 * queries against the metrics the pinned vLLM emits.
 */
import { describe, expect, it } from "vitest";
import { unknownVllmSeries, VLLM_METRICS } from "../../infra/catalog";
import { vllmScaledObject } from "../../infra/manifests/autoscaling/scaled-object";
import {
  CONFIGMAP_DATA_LIMIT_BYTES,
  configMapDataBytes,
  grafanaObjects,
  VLLM_DASHBOARD_FILES,
  vllmDashboards,
} from "../../infra/manifests/observability/grafana";
import { vllmPodMonitor, vllmPrometheusRule } from "../../infra/manifests/observability/vllm-monitoring";
import { selectorLabels } from "../../infra/manifests/serving/vllm";
import { planDeployment } from "../../infra/plan";
import { crdValidator } from "../support/crd-schema";
import { gpuNodePool } from "../support/node-pool";

const plan = planDeployment({ model: "llama-3.1-8b-instruct" });
const monitoring = {
  name: "vllm",
  namespace: "llm",
  plan,
  podSelector: selectorLabels("vllm"),
  selectedBy: { "llm-stack/monitoring": "true" },
  hourlyUsd: 7.4282,
  gpuNodes: null,
};
const scaler = vllmScaledObject({
  name: "vllm",
  namespace: "llm",
  plan,
  range: { minReplicas: 1, maxReplicas: 3 },
  requestsPerReplica: 1024,
  wakeQuery: null,
  prometheusAddress: "http://prometheus-operated.monitoring.svc:9090",
}) as any;

describe("monitoring and autoscaling objects", () => {
  it.each([
    ["PodMonitor", "prometheus-operator", "crds/monitoring.coreos.com_podmonitors.yaml", "v1", vllmPodMonitor(monitoring)],
    ["PrometheusRule", "prometheus-operator", "crds/monitoring.coreos.com_prometheusrules.yaml", "v1", vllmPrometheusRule(monitoring)],
    ["ScaledObject", "keda", "crds/keda.sh_scaledobjects.yaml", "v1alpha1", scaler],
    // The NodePool the budget tests price (test/policies/tamper.test.ts), with its GPU limit.
    ["NodePool", "karpenter", "crds/karpenter.sh_nodepools.yaml", "v1", gpuNodePool({ "nvidia.com/gpu": "16" })],
  ] as const)("builds a %s that validates against its vendored CRD, unknown fields refused", (_, chart, file, version, object) => {
    const validate = crdValidator(chart, file, version, { rejectUnknownFields: true });
    expect(validate(object)).toEqual([]);
    // The validator bites: a misspelt field is reported.
    expect(validate({ ...(object as object), spec: { ...(object as any).spec, selectr: {} } })).not.toEqual([]);
  });

  it("queries only series vLLM v0.33.0 emits", () => {
    const rule = vllmPrometheusRule(monitoring) as any;
    const exprs: string[] = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
    for (const promql of [...exprs, scaler.spec.triggers[0].metadata.query]) expect(unknownVllmSeries(promql)).toEqual([]);
    expect(unknownVllmSeries("vllm:gpu_cache_usage_perc + vllm:kv_cache_usage_perc + vllm:e2e_request_latency_seconds_bucket")).toEqual([
      "vllm:gpu_cache_usage_perc",
    ]);
    expect(Object.keys(VLLM_METRICS)).toContain("vllm:num_requests_waiting");
  });

  it("scales on requests in flight over what one replica serves, and scales down no faster than a replica comes up", () => {
    // One replica holds 1,024 requests within its SLOs (the input's requestsPerReplica); the HPA acts only past its
    // 10 % tolerance, so the threshold is 1,024 / 1.1 = 930.9090… → 930.909 (acting above 1,024).
    expect(scaler.spec.triggers[0].metadata.threshold).toBe("930.909");
    expect(scaler.spec.triggers[0].metadata.query).toBe(
      'sum(vllm:num_requests_running{namespace="llm", model_name="llama-3.1-8b-instruct"}) + sum(vllm:num_requests_waiting{namespace="llm", model_name="llama-3.1-8b-instruct"})',
    );
    // Time to ready of the dev plan from a new node: 100 + 288 + 5 + 82 = 475 s (test/plan/time-to-ready.test.ts).
    expect(scaler.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 475,
      policies: [{ type: "Pods", value: 1, periodSeconds: 475 }],
    });
    expect([scaler.spec.minReplicaCount, scaler.spec.maxReplicaCount, scaler.spec.cooldownPeriod]).toEqual([1, 3, 475]);
  });

  it("scrapes /metrics on the server's http port without credentials (vLLM guards only /v1, /v2, /inference, /cohere)", () => {
    const monitor = vllmPodMonitor(monitoring) as any;
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: "http", path: "/metrics", interval: "15s" }]);
    expect(JSON.stringify(monitor)).not.toMatch(/authorization|basicAuth|bearer/i);
  });
});

describe("vLLM's vendored Grafana dashboards", () => {
  const dashboards = vllmDashboards();
  /** Every PromQL string of a dashboard: panel targets (rows' nested panels too) and query variables. */
  const promql = (node: unknown): string[] =>
    Array.isArray(node)
      ? node.flatMap(promql)
      : node && typeof node === "object"
        ? Object.entries(node).flatMap(([key, value]) =>
            ["expr", "query", "definition"].includes(key) && typeof value === "string" ? [value] : promql(value),
          )
        : [];

  it("provisions all four of vLLM's published dashboards, each with its own uid and the tag their links follow", () => {
    expect(Object.keys(dashboards)).toEqual([...VLLM_DASHBOARD_FILES]);
    const parsed = Object.values(dashboards).map((text) => JSON.parse(text));
    expect(parsed.map((d) => d.uid)).toEqual(["vllm-instances", "vllm-kv-cache", "vllm-overview", "vllm-spec-decode"]);
    for (const d of parsed) expect(d.tags).toContain("vllm");
  });

  it.each([...VLLM_DASHBOARD_FILES])("%s queries only series vLLM v0.33.0 emits", (file) => {
    const queries = promql(JSON.parse(dashboards[file]!));
    expect(queries.filter((q) => q.includes("vllm:")).length).toBeGreaterThan(5);
    for (const query of queries) expect(unknownVllmSeries(query), query).toEqual([]);
  });

  it("fits the dashboards ConfigMap under Kubernetes' 1 MiB", () => {
    const configMap = grafanaObjects({ nodeSelector: {}, serverNamespace: "llm" }).find(
      (o: any) => o.metadata.name === "grafana-dashboards",
    ) as any;
    expect(Object.keys(configMap.data).sort()).toEqual(["llm-stack-cost.json", ...VLLM_DASHBOARD_FILES]);
    const bytes = configMapDataBytes(configMap.data);
    // 306,664 bytes of vLLM's dashboards plus the kit's own: about 30% of the limit.
    expect(bytes).toBeGreaterThan(306_664);
    expect(bytes).toBeLessThan(CONFIGMAP_DATA_LIMIT_BYTES / 2);
    expect(configMapDataBytes({ "a.json": "é" })).toBe(8);
  });
});
