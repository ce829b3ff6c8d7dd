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
import { VLLM_PORT } from "../../plan";
import { MAX_SET_MODELS } from "../../plan/packing";
import { clientSources } from "../serving/vllm";
import { AGENTGATEWAY_GATEWAY_CLASS, AGENTGATEWAY_IMAGES } from "./agentgateway";
import {
  ENDPOINT_PICKER_IMAGE,
  endpointPickerObjects,
  eppName,
  eppLabels,
  type GatewayModel,
  type ModelGatewayObjects,
} from "./endpoint-picker";

type Json = Record<string, unknown>;

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

/**
 * Every image the gateway's objects reference, pinned by tag: each model's endpoint picker
 * (endpoint-picker.ts), and agentgateway's proxy (pinned in AgentgatewayParameters; the controller
 * would pick the same, agentgateway.ts).
 */
export const INFERENCE_GATEWAY_IMAGES = {
  endpointPicker: ENDPOINT_PICKER_IMAGE,
  proxy: AGENTGATEWAY_IMAGES.proxy,
} as const;

/** The HTTPRoute's rule limit, one kept for /v1/models (infra/plan/packing.ts MAX_SET_MODELS). */
export const MAX_GATEWAY_MODELS = MAX_SET_MODELS;
/** directResponse.body maxLength (agentgateway_policy_types.go DirectResponse.Body: MaxLength 4096). */
const DIRECT_RESPONSE_MAX_BODY = 4096;

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
    models: Object.fromEntries(
      input.models.map((m) => [m.name, endpointPickerObjects({ ...input, proxyPodSelector: gatewayProxyPodSelector() }, m)]),
    ),
  };
}
