/**
 * Grafana for the stack's Prometheus, as plain objects: file-provisioned datasource and
 * dashboards (Grafana's provisioning: /etc/grafana/provisioning/datasources and .../dashboards with
 * a `file` provider), vLLM's own dashboards vendored in charts/vllm-dashboards (Overview, Instances,
 * KV Cache, Speculative Decoding; one ConfigMap, well under Kubernetes' 1 MiB), and the kit's
 * dashboard of the stack's price per hour and per million output tokens, vLLM's queue and KV cache,
 * and the GPUs (DCGM).
 *
 * Access: a ClusterIP Service reached with `kubectl port-forward`, anonymous viewers and no login
 * form — whoever can port-forward already holds the cluster's credentials, and no password has to
 * be generated, stored or handed out. Dashboards and the datasource come from files, so nothing
 * needs saving: Grafana's database is an emptyDir.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import { CHARTS_DIRECTORY } from "../vendored";
import { MONITORING_NAMESPACE, PROMETHEUS_ADDRESS } from "./prometheus-stack";

type Json = Record<string, unknown>;

/**
 * grafana/grafana, pinned: 13.0.1, released 2026-04-17 (as reported at http://chenxutan.com/d/2507.html,
 * read 2026-11-27; Grafana's docs list 13.x lines to v13.3 by 2026-10, so check
 * https://github.com/grafana/grafana/releases for a newer patch before upgrading). grafana/grafana-oss
 * is no longer updated from 12.4.0 on; grafana/grafana is the image.
 */
export const GRAFANA_IMAGE = "grafana/grafana:13.0.1";
/** The grafana/grafana image's user (its Dockerfile: GF_UID 472). */
const GRAFANA_UID = 472;
const GRAFANA_PORT = 3000;
export const GRAFANA_NAME = "grafana";

const PROVISIONING = "/etc/grafana/provisioning";
const DASHBOARDS_DIR = "/var/lib/grafana/dashboards";

/**
 * vLLM's published Grafana dashboards, as vendored in charts/vllm-dashboards (its README: source, commit, license):
 * every dashboard its generator writes at the vendored commit. They link to each other by their `vllm` tag.
 */
export const VLLM_DASHBOARD_FILES = [
  "vllm_instances.json",
  "vllm_kv_cache.json",
  "vllm_overview.json",
  "vllm_speculative_decoding.json",
] as const;

/**
 * Kubernetes refuses a ConfigMap whose data (keys and values, in bytes) exceeds 1 MiB
 * (k8s.io/kubernetes pkg/apis/core/validation ValidateConfigMap, core.MaxSecretSize).
 */
export const CONFIGMAP_DATA_LIMIT_BYTES = 1024 * 1024;

/** Bytes a ConfigMap's data counts against that limit. */
export function configMapDataBytes(data: Record<string, string>): number {
  return Object.entries(data).reduce((total, [key, value]) => total + Buffer.byteLength(key, "utf8") + Buffer.byteLength(value, "utf8"), 0);
}

/** vLLM's dashboards as vendored, file name → JSON text; every vendored JSON file must be one of VLLM_DASHBOARD_FILES. */
export function vllmDashboards(): Record<string, string> {
  const dir = join(CHARTS_DIRECTORY, "vllm-dashboards");
  const stray = readdirSync(dir).filter((f) => f.endsWith(".json") && !(VLLM_DASHBOARD_FILES as readonly string[]).includes(f));
  if (stray.length > 0)
    throw new Error(`charts/vllm-dashboards holds ${stray.join(", ")}, not among the provisioned dashboards (VLLM_DASHBOARD_FILES)`);
  return Object.fromEntries(VLLM_DASHBOARD_FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

const panel = (
  id: number,
  title: string,
  expr: string,
  unit: string,
  x: number,
  y: number,
  type = "timeseries",
  legendFormat?: string,
): Json => ({
  id,
  title,
  type,
  datasource: { type: "prometheus", uid: "prometheus" },
  gridPos: { h: 8, w: 12, x, y },
  fieldConfig: { defaults: { unit }, overrides: [] },
  targets: [{ refId: "A", expr, datasource: { type: "prometheus", uid: "prometheus" }, ...(legendFormat ? { legendFormat } : {}) }],
});

/**
 * A set's dashboard: the same panels split by model (the `model` label of each model's cost series,
 * vLLM's `model_name` on its own), and the set's whole cost, idle GPUs and cluster included.
 */
const REST_POSITIONS = [
  { x: 12, y: 16 },
  { x: 0, y: 24 },
  { x: 12, y: 24 },
  { x: 0, y: 32 },
];

export function modelSetCostDashboard(namespace: string): Json {
  const where = `namespace="${namespace}"`;
  const dashboard = costDashboard(namespace);
  return {
    ...dashboard,
    title: "llm-stack: cost, queue and GPUs by model",
    panels: [
      panel(1, "Stack cost ($/hour: every model, idle GPUs, cluster)", "llm_stack:stack_cost_usd_per_hour", "currencyUSD", 0, 0, "stat"),
      panel(
        2,
        "$ per million output tokens (live), by model",
        "llm_stack:usd_per_million_output_tokens",
        "currencyUSD",
        12,
        0,
        "timeseries",
        "{{model}}",
      ),
      panel(3, "Output tokens per second, by model", "llm_stack:output_tokens_per_second", "short", 0, 8, "timeseries", "{{model}}"),
      panel(
        4,
        "Requests running and waiting, by model",
        `sum by (model_name) (vllm:num_requests_running{${where}}) + sum by (model_name) (vllm:num_requests_waiting{${where}})`,
        "short",
        12,
        8,
        "timeseries",
        "{{model_name}}",
      ),
      panel(
        5,
        "Cost by model ($/hour, its GPUs' share)",
        "sum by (model) (llm_stack:cost_usd_per_hour)",
        "currencyUSD",
        0,
        16,
        "timeseries",
        "{{model}}",
      ),
      // KV cache, TTFT and the GPUs as for one model, after the cost-by-model panel.
      ...(dashboard.panels as Json[])
        .slice(4)
        .map((p, i) => ({ ...p, id: 6 + i, gridPos: { ...(p.gridPos as Json), ...REST_POSITIONS[i] } })),
    ],
  };
}

/**
 * The kit's dashboard: what the stack costs and does, from the cost recording rules, vLLM and DCGM.
 * It selects the server by namespace only, so a model switch leaves it unchanged.
 */
export function costDashboard(namespace: string): Json {
  const where = `namespace="${namespace}"`;
  return {
    uid: "llm-stack-cost",
    title: "llm-stack: cost, queue and GPUs",
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    panels: [
      panel(1, "Stack cost ($/hour, plan's price table)", "llm_stack:cost_usd_per_hour", "currencyUSD", 0, 0, "stat"),
      panel(2, "$ per million output tokens (live)", "llm_stack:usd_per_million_output_tokens", "currencyUSD", 12, 0, "stat"),
      panel(3, "Output tokens per second", "llm_stack:output_tokens_per_second", "short", 0, 8),
      panel(4, "Requests running and waiting", `sum(vllm:num_requests_running{${where}}) or vector(0)`, "short", 12, 8),
      panel(5, "KV cache usage", `max by (pod) (vllm:kv_cache_usage_perc{${where}})`, "percentunit", 0, 16),
      panel(
        6,
        "Time to first token, p95",
        `histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${where}}[5m])))`,
        "s",
        12,
        16,
      ),
      panel(7, "GPU utilisation (DCGM)", "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)", "percent", 0, 24),
      panel(8, "GPU memory used (DCGM, MiB)", "max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)", "decmbytes", 12, 24),
    ],
  };
}

export interface GrafanaInput {
  nodeSelector: Record<string, string>;
  /** The vLLM server's namespace (the kit's dashboard filters on it). */
  serverNamespace: string;
  /** A set of models: the kit's dashboard splits by model. */
  modelSet?: boolean;
}

const labels = { "app.kubernetes.io/name": GRAFANA_NAME, "app.kubernetes.io/instance": "llm-stack" };

export function grafanaObjects(input: GrafanaInput): Json[] {
  const meta = (name: string) => ({ name, namespace: MONITORING_NAMESPACE, labels });
  const datasources = {
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        uid: "prometheus",
        type: "prometheus",
        access: "proxy",
        url: PROMETHEUS_ADDRESS,
        isDefault: true,
        editable: false,
      },
    ],
  };
  const providers = {
    apiVersion: 1,
    providers: [{ name: "llm-stack", type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: DASHBOARDS_DIR } }],
  };
  const kit = input.modelSet ? modelSetCostDashboard(input.serverNamespace) : costDashboard(input.serverNamespace);
  const dashboards = { ...vllmDashboards(), "llm-stack-cost.json": JSON.stringify(kit, null, 2) };
  const bytes = configMapDataBytes(dashboards);
  if (bytes > CONFIGMAP_DATA_LIMIT_BYTES)
    throw new Error(`the grafana-dashboards ConfigMap would hold ${bytes} bytes, over Kubernetes' ${CONFIGMAP_DATA_LIMIT_BYTES}`);
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("grafana-provisioning"),
      data: { "datasources.yaml": JSON.stringify(datasources, null, 2), "dashboards.yaml": JSON.stringify(providers, null, 2) },
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("grafana-dashboards"), data: dashboards },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(GRAFANA_NAME),
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            nodeSelector: input.nodeSelector,
            securityContext: restrictedPodSecurity(GRAFANA_UID),
            containers: [
              {
                name: GRAFANA_NAME,
                image: GRAFANA_IMAGE,
                ports: [{ name: "http", containerPort: GRAFANA_PORT, protocol: "TCP" }],
                env: [
                  { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" },
                  { name: "GF_AUTH_ANONYMOUS_ORG_ROLE", value: "Viewer" },
                  { name: "GF_AUTH_DISABLE_LOGIN_FORM", value: "true" },
                  { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
                  { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
                  { name: "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", value: `${DASHBOARDS_DIR}/llm-stack-cost.json` },
                ],
                readinessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10 },
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                securityContext: restrictedContainerSecurity(),
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/grafana" },
                  {
                    name: "provisioning",
                    mountPath: `${PROVISIONING}/datasources/datasources.yaml`,
                    subPath: "datasources.yaml",
                    readOnly: true,
                  },
                  {
                    name: "provisioning",
                    mountPath: `${PROVISIONING}/dashboards/dashboards.yaml`,
                    subPath: "dashboards.yaml",
                    readOnly: true,
                  },
                  { name: "dashboards", mountPath: DASHBOARDS_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "data", emptyDir: { sizeLimit: "1Gi" } },
              { name: "provisioning", configMap: { name: "grafana-provisioning" } },
              { name: "dashboards", configMap: { name: "grafana-dashboards" } },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(GRAFANA_NAME),
      spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: GRAFANA_PORT, targetPort: "http", protocol: "TCP" }] },
    },
  ];
}
