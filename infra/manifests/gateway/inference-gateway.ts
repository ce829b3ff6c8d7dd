/**
 * Several models behind one OpenAI-compatible endpoint: one Gateway API Gateway served by agentgateway
 * v1.4.1 (manifests/gateway/agentgateway.ts installs its controller) and, per model, a Gateway API
 * Inference Extension InferencePool with its own endpoint picker (EPP) from llm-d-router v0.10.0.
 * Plain data objects, validated in tests against the vendored CRDs (charts/gateway-api,
 * charts/gateway-api-inference-extension, charts/agentgateway/crds) and kubernetes-models.
 *
 * A request's way: the Gateway's one HTTP listener (port VLLM_PORT, the port a single server used)
 * → the PreRouting AgentgatewayPolicy checks the API key and copies the body's `model` into
 * `X-Gateway-Model-Name` → the HTTPRoute rule whose header match is that served name → its
 * InferencePool → the pool's EPP picks a ready pod (ext-proc over TLS, verification off:
 * agentgateway controller/pkg/agentgateway/plugins/inference_plugin.go l.115–130, which matches the
 * EPP's default `--secure-serving=true`, llm-d-router pkg/epp/server/options.go) → vLLM on port 8000.
 * `GET /v1/models` is answered by the gateway itself (a directResponse policy on its own route rule).
 * A request naming no served model matches no rule: agentgateway answers 404, `content-type:
 * text/plain`, body `route not found` (crates/agentgateway/src/proxy/mod.rs l.144–145, 242, 403–405).
 */
import { VLLM_PORT, type DeploymentPlan } from "../../plan";
import { MAX_SET_MODELS } from "../../plan/packing";
import { SCRAPE_INTERVAL_SECONDS } from "../observability/vllm-monitoring";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import { clientSources, prometheusSource } from "../serving/vllm";
import { AGENTGATEWAY_GATEWAY_CLASS, AGENTGATEWAY_IMAGES } from "./agentgateway";

type Json = Record<string, unknown>;

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

export interface InferenceGatewayInput {
  namespace: string;
  models: GatewayModel[];
  exposure: "cluster" | "internal-lb";
  /** The VPC's CIDR, admitted to the gateway's proxy behind an internal load balancer. */
  vpcCidr: string | null;
  allowedClientNamespaces: string[];
  /** Prometheus' namespace, admitted to the EPPs' metrics port; null without monitoring. */
  monitoringNamespace: string | null;
  systemNodeSelector: Record<string, string>;
  /**
   * The Secret of API keys the gateway accepts. agentgateway takes *every* entry of it as a key
   * (apiKeyAuthentication.secretRef: controller/pkg/agentgateway/plugins/traffic_plugin.go l.923–990):
   * a raw key string, or JSON `{"key": "..."}` / `{"keyHash": "sha256:<hex>"}` with optional
   * `metadata`. So it must hold nothing else — not the Hugging Face token.
   */
  apiKeySecretName: string;
  /** The entry of that Secret holding the raw key vLLM's `--api-key` expects; the gateway sends it to the servers. */
  apiKeySecretKey: string;
  /**
   * The longest request body the gateway must read whole to find its `model` (requestBodyMiB):
   * agentgateway buffers 2 MiB by default and, past it, the body's `model` cannot be read, the header
   * is dropped and no route matches (crates/http/src/lib.rs l.6; http/mod.rs l.148–178, 767–778).
   */
  maxRequestBodyMiB: number;
}

/** Bytes a prompt token takes in a request body, with margin: ~4 bytes of text, doubled by JSON escaping, doubled again. */
const REQUEST_BYTES_PER_TOKEN = 16;

/** The body size to buffer for a context of `maxModelLen` tokens: never below agentgateway's 2 MiB default. */
export const requestBodyMiB = (maxModelLen: number): number => Math.max(2, Math.ceil((maxModelLen * REQUEST_BYTES_PER_TOKEN) / 2 ** 20));

export const GATEWAY_NAME = "llm-gateway";
/**
 * The Secret of API keys the gateway checks (apiKeyAuthentication.secretRef): it must hold only API
 * keys, one per entry, since agentgateway accepts every entry's value (see apiKeySecretName).
 */
export const GATEWAY_API_KEY_SECRET = "llm-gateway-api-keys";
/** The Gateway's one listener (Gateway API listener names are section names). */
export const GATEWAY_LISTENER = "http";
/** The header the PreRouting policy fills from the body's `model` and the route rules match. */
export const MODEL_HEADER = "X-Gateway-Model-Name";
/** The route rule that answers GET /v1/models (HTTPRoute rules[].name, targeted by sectionName). */
export const MODELS_RULE = "models";

/** llm-d-router v0.10.0 (commit 71f4f0999f95b96c49a9d0c4afbd18dfdb943c26). */
export const LLM_D_ROUTER_VERSION = "v0.10.0";

/**
 * Every image the gateway's objects reference, pinned by tag (no digest was available offline):
 * the EPP as llm-d-router's release workflow pushes it (llm-d-router's ci-release workflow, l.25–41,
 * Makefile l.21–30: `ghcr.io/llm-d/llm-d-router-endpoint-picker:<tag>`), and agentgateway's proxy
 * (pinned in AgentgatewayParameters; the controller would pick the same, agentgateway.ts).
 */
export const INFERENCE_GATEWAY_IMAGES = {
  endpointPicker: `ghcr.io/llm-d/llm-d-router-endpoint-picker:${LLM_D_ROUTER_VERSION}`,
  proxy: AGENTGATEWAY_IMAGES.proxy,
} as const;

/** EPP ports: ext-proc, gRPC health, metrics (routerlib templates/_deployment.yaml l.113–139; options.go defaults). */
export const EPP_GRPC_PORT = 9002;
export const EPP_HEALTH_PORT = 9003;
export const EPP_METRICS_PORT = 9090;
/** The UID the EPP image runs as (llm-d-router Dockerfile.epp l.50: USER 65532:65532). */
export const EPP_UID = 65532;
/** The EPP config file's key in its ConfigMap and where it is mounted (routerlib _config.yaml l.8, _deployment.yaml l.107–108, 203–205). */
const EPP_CONFIG_KEY = "default-plugins.yaml";
const EPP_CONFIG_DIR = "/config";
/** The HTTPRoute's rule limit, one kept for /v1/models (infra/plan/packing.ts MAX_SET_MODELS). */
export const MAX_GATEWAY_MODELS = MAX_SET_MODELS;
/** directResponse.body maxLength (agentgateway_policy_types.go DirectResponse.Body: MaxLength 4096). */
const DIRECT_RESPONSE_MAX_BODY = 4096;

export const eppName = (model: Pick<GatewayModel, "name">): string => `${model.name}-epp`;

/** The EPP's pod labels: the chart's selector label (routerlib _helpers.tpl l.31–37) and name label (l.4–9). */
export function eppLabels(model: Pick<GatewayModel, "name">): Record<string, string> {
  return { "llm-d-router-gateway": eppName(model), "app.kubernetes.io/name": eppName(model) };
}

/**
 * The labels agentgateway's controller puts on the proxy pods of GATEWAY_NAME: the Deployment's
 * selector/template labels `app.kubernetes.io/instance` and `app.kubernetes.io/name` = the Gateway's
 * name, `gateway.networking.k8s.io/gateway-name` (agentgateway v1.4.1
 * controller/test/deployer/testdata/agentgateway-aws-nlb-dummy-port-out.yaml, Deployment
 * spec.selector.matchLabels; the template adds gateway-class-name too).
 */
export function gatewayProxyPodSelector(): Record<string, string> {
  return {
    "app.kubernetes.io/instance": GATEWAY_NAME,
    "app.kubernetes.io/name": GATEWAY_NAME,
    "gateway.networking.k8s.io/gateway-name": GATEWAY_NAME,
  };
}

/** In-cluster base URL of the gateway: the controller names the proxy Service after the Gateway (same testdata, Service `gw`). */
/** The gateway's address inside the cluster, without the API path: what `vllm bench serve --base-url` takes. */
export const gatewayBaseUrl = (namespace: string): string => `http://${GATEWAY_NAME}.${namespace}.svc.cluster.local:${VLLM_PORT}`;

export function gatewayEndpoint(namespace: string): string {
  return `${gatewayBaseUrl(namespace)}/v1`;
}

/** Who may reach a model's servers when they sit behind the gateway: its proxy pods and that model's EPP (which scrapes /metrics). */
export function gatewayServerSources(model: Pick<GatewayModel, "name">): Json[] {
  return [{ podSelector: { matchLabels: gatewayProxyPodSelector() } }, { podSelector: { matchLabels: eppLabels(model) } }];
}

/** The OpenAI list body GET /v1/models answers, models in input order. */
export function modelListBody(models: readonly Pick<GatewayModel, "name" | "servedName">[]): string {
  return JSON.stringify({ object: "list", data: models.map((m) => ({ id: servedName(m), object: "model", owned_by: "llm-stack" })) });
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

export interface InferenceGatewayObjects {
  gateway: Json;
  /** The Gateway's AgentgatewayParameters: proxy image, placement, Pod Security and Service type. */
  parameters: Json;
  routes: Json[];
  policies: Json[];
  /** The proxy pods' NetworkPolicy: clients to the listener port. */
  gatewayNetworkPolicy: Json;
  models: Record<string, ModelGatewayObjects>;
}

/** The name clients send for a model: its served name, else its Kubernetes name. */
export const servedName = (model: Pick<GatewayModel, "name" | "servedName">): string => model.servedName ?? model.name;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function check(input: InferenceGatewayInput): void {
  if (input.models.length === 0) throw new Error("inference gateway: no models");
  if (input.models.length > MAX_GATEWAY_MODELS)
    throw new Error(
      `inference gateway: ${input.models.length} models, at most ${MAX_GATEWAY_MODELS} (HTTPRoute rules maxItems 16, one for /v1/models)`,
    );
  for (const [field, of] of [
    ["name", (m: GatewayModel) => m.name],
    ["servedName", servedName],
  ] as const) {
    const seen = new Set<string>();
    for (const m of input.models) {
      if (seen.has(of(m))) throw new Error(`inference gateway: two models with ${field} ${of(m)}`);
      seen.add(of(m));
    }
  }
  for (const m of input.models) {
    // <name>-epp must stay a DNS label (Service names: 63 characters).
    if (!DNS_LABEL.test(m.name) || eppName(m).length > 63)
      throw new Error(`inference gateway: model name ${m.name} is not a DNS label of at most 59 characters`);
    if (Object.keys(m.podSelector).length === 0) throw new Error(`inference gateway: model ${m.name} has an empty pod selector`);
    if (m.scalesToZero && !(Number.isInteger(m.queueTtlSeconds) && m.queueTtlSeconds > 0))
      throw new Error(`inference gateway: model ${m.name} scales to zero but its queue TTL is ${m.queueTtlSeconds}`);
  }
  if (modelListBody(input.models).length > DIRECT_RESPONSE_MAX_BODY)
    throw new Error(`inference gateway: the /v1/models body exceeds directResponse's ${DIRECT_RESPONSE_MAX_BODY} characters`);
}

function modelObjects(input: InferenceGatewayInput, model: GatewayModel): ModelGatewayObjects {
  const name = eppName(model);
  const labels = eppLabels(model);
  const meta = (objectName: string): Json => ({ name: objectName, namespace: input.namespace, labels });
  const ingress: Json[] = [
    { from: [{ podSelector: { matchLabels: gatewayProxyPodSelector() } }], ports: [{ protocol: "TCP", port: EPP_GRPC_PORT }] },
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
function eppDeployment(input: InferenceGatewayInput, model: GatewayModel): Json {
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
              image: INFERENCE_GATEWAY_IMAGES.endpointPicker,
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

/**
 * The Gateway's AgentgatewayParameters (agentgateway.dev/v1alpha1, charts/agentgateway/crds), through
 * Gateway.spec.infrastructure.parametersRef:
 * - `image`: the proxy pinned to v1.4.1 (registry/repository/tag, agentgateway_parameters_types.go Image);
 * - `deployment` overlay (strategic merge onto the generated Deployment, overlay_types.go): the system
 *   nodes, and seccomp RuntimeDefault — the generated pod sets only a sysctl and its container no
 *   seccomp profile (testdata agentgateway-aws-nlb-dummy-port-out.yaml), which "restricted" refuses;
 *   `net.ipv4.ip_unprivileged_port_start` is a safe sysctl that the baseline (and so restricted) profile allows;
 * - `service` overlay: ClusterIP for exposure "cluster" (the controller's default is LoadBalancer,
 *   same testdata), or an internal NLB — the in-tree AWS annotations serving/vllm.ts uses — for "internal-lb".
 */
function gatewayParameters(input: InferenceGatewayInput): Json {
  const [registry, rest] = [INFERENCE_GATEWAY_IMAGES.proxy.split("/")[0]!, INFERENCE_GATEWAY_IMAGES.proxy.split("/").slice(1).join("/")];
  const [repository, tag] = rest.split(":") as [string, string];
  const service: Json =
    input.exposure === "internal-lb"
      ? {
          metadata: {
            annotations: {
              "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
              "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
            },
          },
          spec: { type: "LoadBalancer" },
        }
      : { spec: { type: "ClusterIP" } };
  return {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayParameters",
    metadata: { name: GATEWAY_NAME, namespace: input.namespace },
    spec: {
      image: { registry, repository, tag },
      // The proxy's requests as the deployer gives them by default (agentgateway v1.4.1
      // controller/test/deployer/testdata/agentgateway-aws-nlb-dummy-port-out.yaml: 100m, 128Mi),
      // stated here so what lands on the system nodes can be counted.
      resources: { requests: { cpu: "100m", memory: "128Mi" } },
      deployment: {
        spec: {
          template: {
            spec: {
              nodeSelector: { ...input.systemNodeSelector },
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            },
          },
        },
      },
      service,
    },
  };
}

export function inferenceGatewayObjects(input: InferenceGatewayInput): InferenceGatewayObjects {
  input = { ...input, models: input.models.map((m) => ({ ...m, servedName: servedName(m) })) };
  check(input);
  const ns = input.namespace;
  const gatewayRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY_NAME };
  const gateway: Json = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: GATEWAY_NAME, namespace: ns },
    spec: {
      gatewayClassName: AGENTGATEWAY_GATEWAY_CLASS,
      infrastructure: { parametersRef: { group: "agentgateway.dev", kind: "AgentgatewayParameters", name: GATEWAY_NAME } },
      listeners: [{ name: GATEWAY_LISTENER, protocol: "HTTP", port: VLLM_PORT, allowedRoutes: { namespaces: { from: "Same" } } }],
    },
  };
  const route: Json = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: GATEWAY_NAME, namespace: ns },
    spec: {
      parentRefs: [{ name: GATEWAY_NAME, sectionName: GATEWAY_LISTENER }],
      rules: [
        ...input.models.map((m) => ({
          name: m.name,
          matches: [{ path: { type: "PathPrefix", value: "/v1" }, headers: [{ type: "Exact", name: MODEL_HEADER, value: servedName(m) }] }],
          backendRefs: [{ group: "inference.networking.k8s.io", kind: "InferencePool", name: m.name }],
        })),
        // No backend: the directResponse policy below answers it.
        { name: MODELS_RULE, matches: [{ path: { type: "Exact", value: "/v1/models" }, method: "GET" }] },
      ],
    },
  };
  const policy = (name: string, spec: Json): Json => ({
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayPolicy",
    metadata: { name, namespace: ns },
    spec,
  });
  const policies: Json[] = [
    // PreRouting (agentgateway_policy_types.go Traffic.Phase, l.846–870): runs before the route is
    // chosen, so the header it sets can select it; PreRouting may only target a Gateway or ListenerSet.
    policy(`${GATEWAY_NAME}-model-header`, {
      targetRefs: [gatewayRef],
      traffic: { phase: "PreRouting", transformation: { request: { set: [{ name: MODEL_HEADER, value: "json(request.body).model" }] } } },
    }),
    // API keys at the gateway, PreRouting too so every route — /v1/models' direct answer included —
    // needs one. Read from `Authorization: Bearer <key>` (APIKeyAuthentication.location default), the
    // header OpenAI clients send. On success agentgateway removes that header
    // (crates/agentgateway/src/http/apikey.rs l.236–240), hence the backend auth below.
    policy(`${GATEWAY_NAME}-api-key`, {
      targetRefs: [gatewayRef],
      traffic: { phase: "PreRouting", apiKeyAuthentication: { mode: "Strict", secretRef: { name: input.apiKeySecretName } } },
    }),
    // Every pool's requests carry `Authorization: Bearer <the servers' key>` again (BackendAuth.secretRef
    // with `key`; location default Authorization/Bearer), for vLLM's own --api-key check.
    policy(`${GATEWAY_NAME}-backend-auth`, {
      targetRefs: input.models.map((m) => ({ group: "inference.networking.k8s.io", kind: "InferencePool", name: m.name })),
      backend: { auth: { secretRef: { name: input.apiKeySecretName, key: input.apiKeySecretKey } } },
    }),
    // GET /v1/models from the gateway: the OpenAI list, models in input order. Header values are CEL.
    policy(`${GATEWAY_NAME}-models`, {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: GATEWAY_NAME, sectionName: MODELS_RULE }],
      traffic: {
        directResponse: {
          status: 200,
          body: modelListBody(input.models),
          headers: [{ name: "content-type", value: '"application/json"' }],
        },
      },
    }),
    // The whole body must be read for its `model` (frontend-only: `frontend` may target only a Gateway).
    policy(`${GATEWAY_NAME}-body-buffer`, {
      targetRefs: [gatewayRef],
      frontend: { http: { maxBufferSize: `${input.maxRequestBodyMiB}Mi` } },
    }),
  ];
  // The same clients a single server admits (serving/vllm.ts clientSources), now at the gateway.
  const clientFrom = clientSources(input);
  const gatewayNetworkPolicy: Json = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: GATEWAY_NAME, namespace: ns },
    spec: {
      podSelector: { matchLabels: gatewayProxyPodSelector() },
      policyTypes: ["Ingress"],
      ingress: [{ from: clientFrom, ports: [{ protocol: "TCP", port: VLLM_PORT }] }],
    },
  };
  return {
    gateway,
    parameters: gatewayParameters(input),
    routes: [route],
    policies,
    gatewayNetworkPolicy,
    models: Object.fromEntries(input.models.map((m) => [m.name, modelObjects(input, m)])),
  };
}
