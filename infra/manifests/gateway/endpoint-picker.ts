/**
 * One model's side of the inference gateway: its Gateway API Inference Extension InferencePool and
 * the endpoint picker (EPP) from llm-d-router v0.10.0 that chooses the pool's pod for each request —
 * its config (scorers, and flow control for a model at zero), RBAC, Service, NetworkPolicy,
 * Deployment and monitoring — and the PromQL that wakes a model at zero from the picker's queue.
 * Plain data (manifests/gateway/inference-gateway.ts puts it behind the Gateway); validated in tests.
 */
import { VLLM_PORT, type DeploymentPlan } from "../../plan";
import { SCRAPE_INTERVAL_SECONDS } from "../observability/vllm-monitoring";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import { prometheusSource } from "../serving/vllm";

type Json = Record<string, unknown>;

/** Where a model's picker runs and who reaches it: the gateway's proxy pods, and Prometheus when there is one. */
export interface EndpointPickerInput {
  namespace: string;
  systemNodeSelector: Record<string, string>;
  monitoringNamespace: string | null;
  /** The labels of the gateway's proxy pods, admitted to the picker's ext-proc port. */
  proxyPodSelector: Record<string, string>;
}

export interface GatewayModel {
  /** Kubernetes name of the model's InferencePool (a DNS label): its EPP objects are `<name>-epp`. */
  name: string;
  /** The model id clients send in the body's `model` (vLLM's --served-model-name) and /v1/models lists; default `name`. */
  servedName?: string;
  /** The labels of this model's serving pods (and no other model's). */
  podSelector: Record<string, string>;
  /** The model's server may have no pods: its EPP then holds requests in flow control until one is Ready. */
  scalesToZero: boolean;
  /**
   * How long a held request waits for a pod (flowControl.defaultRequestTTL): above the server's cold
   * start, as llm-d's release note asks of scale-to-zero (release-notes.d/unreleased/2123.md); the
   * program passes the plan's time to ready at its slow end + 60 s.
   */
  queueTtlSeconds: number;
}

/** llm-d-router v0.10.0 (commit 71f4f0999f95b96c49a9d0c4afbd18dfdb943c26). */
export const LLM_D_ROUTER_VERSION = "v0.10.0";

/**
 * The EPP image as llm-d-router's release workflow pushes it (its ci-release workflow l.25–41,
 * Makefile l.21–30: `ghcr.io/llm-d/llm-d-router-endpoint-picker:<tag>`), pinned by tag (no digest
 * was available offline).
 */
export const ENDPOINT_PICKER_IMAGE = `ghcr.io/llm-d/llm-d-router-endpoint-picker:${LLM_D_ROUTER_VERSION}`;

/** EPP ports: ext-proc, gRPC health, metrics (routerlib templates/_deployment.yaml l.113–139; options.go defaults). */
export const EPP_GRPC_PORT = 9002;
export const EPP_HEALTH_PORT = 9003;
export const EPP_METRICS_PORT = 9090;
/** The UID the EPP image runs as (llm-d-router Dockerfile.epp l.50: USER 65532:65532). */
export const EPP_UID = 65532;
/** The EPP config file's key in its ConfigMap and where it is mounted (routerlib _config.yaml l.8, _deployment.yaml l.107–108, 203–205). */
const EPP_CONFIG_KEY = "default-plugins.yaml";
const EPP_CONFIG_DIR = "/config";

export const eppName = (model: Pick<GatewayModel, "name">): string => `${model.name}-epp`;

/** The EPP's pod labels: the chart's selector label (routerlib _helpers.tpl l.31–37) and name label (l.4–9). */
export function eppLabels(model: Pick<GatewayModel, "name">): Record<string, string> {
  return { "llm-d-router-gateway": eppName(model), "app.kubernetes.io/name": eppName(model) };
}

/**
 * The EndpointPickerConfig (llm-d-router apix/config/v1alpha1/endpointpickerconfig_types.go): the
 * reference chart's default plugins and profile (routerlib templates/_config.yaml l.19–81, vLLM with
 * HTTP: no explicit parsers, the openai parser is on by default). For a model that scales to zero,
 * flow control too: `featureGates: ["flowControl"]` (FeatureGates, types l.40; gate name
 * pkg/epp/flowcontrol/config.go l.27) and `flowControl.defaultRequestTTL` (types l.387, a
 * metav1.Duration; default 60s) — with no ready pod the saturation detector reports the pool full and
 * requests wait in the queue until a pod is Ready or the TTL passes (then 503,
 * `x-llm-d-request-dropped-reason: rejected-no-endpoints`: pkg/epp/requestcontrol/admission.go l.246–282).
 */
export function eppConfig(model: Pick<GatewayModel, "scalesToZero" | "queueTtlSeconds">): Json {
  return {
    apiVersion: "llm-d.ai/v1alpha1",
    kind: "EndpointPickerConfig",
    ...(model.scalesToZero ? { featureGates: ["flowControl"] } : {}),
    plugins: [
      { type: "queue-scorer" },
      { type: "kv-cache-utilization-scorer" },
      { type: "prefix-cache-scorer" },
      { type: "metrics-data-source", parameters: { scheme: "http", path: "/metrics", insecureSkipVerify: true } },
      { type: "core-metrics-extractor" },
    ],
    schedulingProfiles: [
      {
        name: "default",
        plugins: [
          { pluginRef: "queue-scorer", weight: 2 },
          { pluginRef: "kv-cache-utilization-scorer", weight: 2 },
          { pluginRef: "prefix-cache-scorer", weight: 3 },
        ],
      },
    ],
    ...(model.scalesToZero ? { flowControl: { defaultRequestTTL: `${model.queueTtlSeconds}s` } } : {}),
  };
}

/** The shortest look-back of the demand query: four scrapes, so increase() always has two samples. */
export const EPP_DEMAND_WINDOW_SECONDS = 4 * SCRAPE_INTERVAL_SECONDS;

/** KEDA polls its triggers every 30 s by default (keda-docs scaledobject-spec.md, pollingInterval): a minute covers a poll and a scrape. */
const KEDA_FIRST_LOOK_SECONDS = 60;

/**
 * How long a model at zero keeps a request waiting (the picker's flowControl.defaultRequestTTL): until
 * a replica on a new node is ready with the node boot at its slow end, after the minute KEDA takes
 * to see the request — llm-d asks scale-to-zero pools for a TTL above the cold start
 * (release-notes.d/unreleased/2123.md, v0.10.0).
 */
export const queueTtlSecondsOf = (plan: Pick<DeploymentPlan, "timeToReady">): number =>
  Math.ceil(plan.timeToReady.slowTotalSeconds) + KEDA_FIRST_LOOK_SECONDS;

/**
 * How far back a queued request keeps the model awake. KEDA scales to zero once the last active poll
 * is `cooldownPeriod` old (the time to ready: manifests/autoscaling/scaled-object.ts), so a request
 * keeps the model for window + cooldown after it left the queue — served, timed out, or given up by its
 * client: the window makes that outlast the longest wait (the TTL) by a minute, so a replica a
 * client stopped waiting for is not removed while it still starts.
 */
export const demandWindowSecondsOf = (plan: Pick<DeploymentPlan, "timeToReady">): number =>
  Math.max(EPP_DEMAND_WINDOW_SECONDS, queueTtlSecondsOf(plan) + KEDA_FIRST_LOOK_SECONDS - plan.timeToReady.totalSeconds);

/**
 * KEDA's wake signal for a pool: requests held in its EPP's flow-control queue now
 * (`llm_d_epp_flow_control_queue_size`, gauge, labels fairness_id, priority, inference_pool,
 * model_name, target_model_name: pkg/epp/metrics/llm_d_router_metrics.go l.28, 356–363) plus every
 * request that left that queue within the window, whatever its outcome
 * (`llm_d_epp_flow_control_request_queue_duration_seconds`, histogram with `outcome` and
 * `inference_pool`, l.320–329) — a client that timed out still asked.
 * The EPP's own series carry no `namespace`; the PodMonitor's target labels add it (the pod's).
 * `or vector(0)`: a pool nobody asked for yet has no series, and an empty sum would leave KEDA no value.
 */
export function eppDemandQuery(namespace: string, poolName: string, windowSeconds: number = EPP_DEMAND_WINDOW_SECONDS): string {
  const where = `namespace="${namespace}",inference_pool="${poolName}"`;
  return (
    `(sum(llm_d_epp_flow_control_queue_size{${where}}) or vector(0)) + ` +
    `(sum(increase(llm_d_epp_flow_control_request_queue_duration_seconds_count{${where}}[${windowSeconds}s])) or vector(0))`
  );
}

/**
 * Prometheus scrapes an EPP's /metrics on its `metrics` port (9090). The EPP runs with
 * `--metrics-endpoint-auth=false` (eppDeployment), so the monitor sends no bearer token.
 */
export function eppPodMonitor(namespace: string, model: Pick<GatewayModel, "name">, selectedBy: Record<string, string>): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: eppName(model), namespace, labels: selectedBy },
    spec: {
      selector: { matchLabels: eppLabels(model) },
      podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
    },
  };
}

/**
 * The alert that replaces "nothing can wake it" silence: KEDA reads a model's demand from its picker
 * (eppDemandQuery, `or vector(0)`), so a picker Prometheus cannot scrape reads as no demand, and a
 * model at zero would never wake. `up` is the scrape's own series; the operator names a PodMonitor's
 * job `<namespace>/<name>` (prometheus-operator v0.93.0 pkg/prometheus/promcfg.go, the job label of
 * a PodMonitor's scrape config).
 */
export function eppPrometheusRule(namespace: string, model: Pick<GatewayModel, "name">, selectedBy: Record<string, string>): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: eppName(model), namespace, labels: selectedBy },
    spec: {
      groups: [
        {
          name: "llm-stack-endpoint-picker",
          rules: [
            {
              alert: "EndpointPickerUnseen",
              expr: `absent(up{job="${namespace}/${eppName(model)}"} == 1)`,
              for: "10m",
              labels: { severity: "critical" },
              annotations: {
                summary: `Prometheus cannot scrape the endpoint picker of ${model.name}`,
                description:
                  "KEDA reads this model's demand from its picker's queue: unseen, a model at zero cannot wake and requests for it wait until they time out. Check the picker's pod and its NetworkPolicy.",
              },
            },
          ],
        },
      ],
    },
  };
}

export interface ModelGatewayObjects {
  pool: Json;
  eppServiceAccount: Json;
  eppRole: Json;
  eppRoleBinding: Json;
  eppConfigMap: Json;
  eppDeployment: Json;
  eppService: Json;
  eppNetworkPolicy: Json;
}

export function endpointPickerObjects(input: EndpointPickerInput, model: GatewayModel): ModelGatewayObjects {
  const name = eppName(model);
  const labels = eppLabels(model);
  const meta = (objectName: string): Json => ({ name: objectName, namespace: input.namespace, labels });
  const ingress: Json[] = [
    { from: [{ podSelector: { matchLabels: input.proxyPodSelector } }], ports: [{ protocol: "TCP", port: EPP_GRPC_PORT }] },
  ];
  if (input.monitoringNamespace)
    ingress.push({ from: [prometheusSource(input.monitoringNamespace)], ports: [{ protocol: "TCP", port: EPP_METRICS_PORT }] });
  return {
    // InferencePool v1 (charts/gateway-api-inference-extension). FailClose: with the EPP down a request
    // fails instead of going to an arbitrary pod, which for a pool at zero is none anyway (the chart's
    // default is FailOpen, routerlib values.yaml l.152–154).
    pool: {
      apiVersion: "inference.networking.k8s.io/v1",
      kind: "InferencePool",
      metadata: { name: model.name, namespace: input.namespace },
      spec: {
        selector: { matchLabels: { ...model.podSelector } },
        // The port vLLM serves on in every pod of a pool.
        targetPorts: [{ number: VLLM_PORT }],
        endpointPickerRef: { name, port: { number: EPP_GRPC_PORT }, failureMode: "FailClose" },
      },
    },
    eppServiceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name) },
    // The EPP watches its pool's pods and the pool itself (routerlib _rbac.yaml l.41–52, llm-d-router-gateway
    // rbac.yaml l.15–17), in this namespace only. InferenceObjective/InferenceModelRewrite are watched only
    // when their CRDs are installed (pkg/epp/server/controller_config.go l.70–100) — the kit installs none.
    // No ClusterRole: the token review rights serve only --metrics-endpoint-auth (_rbac.yaml l.2–40), off here;
    // no lease rights: one replica, no leader election (_deployment.yaml l.110–112).
    eppRole: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(name),
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] },
        { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools"], verbs: ["get", "watch", "list"] },
      ],
    },
    eppRoleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(name),
      subjects: [{ kind: "ServiceAccount", name, namespace: input.namespace }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    },
    eppConfigMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(name),
      // JSON is YAML: the EPP reads the file with a YAML decoder.
      data: { [EPP_CONFIG_KEY]: JSON.stringify(eppConfig(model), null, 2) + "\n" },
    },
    eppDeployment: eppDeployment(input, model),
    // routerlib _service.yaml l.45–66: ext-proc with appProtocol h2c, metrics.
    eppService: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(name),
      spec: {
        type: "ClusterIP",
        selector: labels,
        ports: [
          { name: "grpc-ext-proc", protocol: "TCP", port: EPP_GRPC_PORT, targetPort: EPP_GRPC_PORT, appProtocol: "kubernetes.io/h2c" },
          { name: "http-metrics", protocol: "TCP", port: EPP_METRICS_PORT, targetPort: EPP_METRICS_PORT },
        ],
      },
    },
    eppNetworkPolicy: {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(name),
      spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress"], ingress },
    },
  };
}

/**
 * The EPP Deployment as routerlib templates/_deployment.yaml renders it for one replica in pool mode
 * (l.1–14, 74–208), with:
 * - `--pool-name/--pool-namespace/--pool-group` (l.96–103), `--zap-encoder json`, `--config-file` (l.105–108),
 *   `--grpc-health-port 9003` (l.113–115), `--tracing=false` (l.121–125: no OTLP collector in the kit);
 * - `--metrics-endpoint-auth=false` (l.126–128): by default /metrics demands a bearer token checked by
 *   TokenReview and SubjectAccessReview (pkg/epp/server/options.go), and the kit's Prometheus scrapes
 *   with none (as vLLM's, observability/vllm-monitoring.ts); the NetworkPolicy admits only Prometheus to the port;
 * - no `--secure-serving=false`: the chart adds it only for its agentgateway *sidecar* proxy (l.9–11);
 *   agentgateway's Kubernetes controller always speaks TLS to the EPP (inference_plugin.go l.115–130);
 * - resources far below the chart's 8 CPU / 8 GiB requests (routerlib values.yaml l.60–65, sized for
 *   large fleets): one EPP here serves one model's few pods — scraping each pod's /metrics every 50 ms
 *   (`--refresh-metrics-interval`, options.go) and scoring each request — a choice, to revisit under load;
 * - Pod Security "restricted" as the image's user (Dockerfile.epp l.50); placed on the system nodes.
 */
function eppDeployment(input: EndpointPickerInput, model: GatewayModel): Json {
  const name = eppName(model);
  const labels = eppLabels(model);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: input.namespace, labels },
    spec: {
      replicas: 1,
      // The chart's strategy: an old and a new EPP never pick for the same pool at once.
      strategy: { type: "Recreate" },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          // The chart's: at least the longest grace period of the pool's pods (routerlib _deployment.yaml l.13–14).
          terminationGracePeriodSeconds: 130,
          nodeSelector: { ...input.systemNodeSelector },
          securityContext: restrictedPodSecurity(EPP_UID),
          containers: [
            {
              name: "epp",
              image: ENDPOINT_PICKER_IMAGE,
              imagePullPolicy: "IfNotPresent",
              args: [
                "--pool-name",
                model.name,
                "--pool-namespace",
                input.namespace,
                "--pool-group",
                "inference.networking.k8s.io",
                "--zap-encoder",
                "json",
                "--config-file",
                `${EPP_CONFIG_DIR}/${EPP_CONFIG_KEY}`,
                "--grpc-health-port",
                String(EPP_HEALTH_PORT),
                "--tracing=false",
                "--metrics-endpoint-auth=false",
              ],
              ports: [
                { name: "grpc", containerPort: EPP_GRPC_PORT, protocol: "TCP" },
                { name: "grpc-health", containerPort: EPP_HEALTH_PORT, protocol: "TCP" },
                { name: "metrics", containerPort: EPP_METRICS_PORT, protocol: "TCP" },
              ],
              // One replica: the chart's probes on the gRPC health service `inference-extension` (l.143–165).
              livenessProbe: { grpc: { port: EPP_HEALTH_PORT, service: "inference-extension" }, initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { grpc: { port: EPP_HEALTH_PORT, service: "inference-extension" }, periodSeconds: 2 },
              env: [
                { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "2Gi" } },
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [{ name: "plugins-config-volume", mountPath: EPP_CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: "plugins-config-volume", configMap: { name } }],
        },
      },
    },
  };
}
