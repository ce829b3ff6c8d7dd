/**
 * The inference gateway's objects: custom resources against their vendored CRDs' schemas (Gateway API
 * v1.6.1, InferencePool v1 at GIE v1.6.0, agentgateway v1.4.1 AgentgatewayPolicy/AgentgatewayParameters),
 * core objects with kubernetes-models; expected values are read from the vendored sources, not the builder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { demandWindowSecondsOf, eppDemandQuery, eppPodMonitor, queueTtlSecondsOf } from "../../../infra/manifests/gateway/endpoint-picker";
import {
  requestBodyMiB,
  gatewayEndpoint,
  gatewayProxyPodSelector,
  inferenceGatewayObjects,
  INFERENCE_GATEWAY_IMAGES,
  type InferenceGatewayInput,
} from "../../../infra/manifests/gateway/inference-gateway";
import { crdValidator } from "../../support/crd-schema";

const CHARTS = join(__dirname, "..", "..", "..", "charts");
const strict = { rejectUnknownFields: true };
const VALIDATORS: Record<string, (o: unknown) => string[]> = {
  Gateway: crdValidator("gateway-api", "crds/gateway.networking.k8s.io_gateways.yaml", "v1", strict),
  HTTPRoute: crdValidator("gateway-api", "crds/gateway.networking.k8s.io_httproutes.yaml", "v1", strict),
  InferencePool: crdValidator("gateway-api-inference-extension", "crds/inference.networking.k8s.io_inferencepools.yaml", "v1", strict),
  AgentgatewayPolicy: crdValidator("agentgateway", "crds/agentgateway.dev_agentgatewaypolicies.yaml", "v1alpha1", strict),
  AgentgatewayParameters: crdValidator("agentgateway", "crds/agentgateway.dev_agentgatewayparameters.yaml", "v1alpha1", strict),
  PodMonitor: crdValidator("prometheus-operator", "crds/monitoring.coreos.com_podmonitors.yaml", "v1", strict),
};
const CORE: Record<string, { new (data: any): { validate(): void } }> = {
  Deployment,
  NetworkPolicy,
  Role,
  RoleBinding,
  ConfigMap,
  Service,
  ServiceAccount,
};

const input = (over: Partial<InferenceGatewayInput> = {}): InferenceGatewayInput => ({
  namespace: "llm",
  models: [
    {
      name: "llama",
      servedName: "meta-llama/Llama-3.1-8B-Instruct",
      podSelector: { "llm-stack/server": "llama" },
      scalesToZero: false,
      queueTtlSeconds: 0,
    },
    { name: "qwen", servedName: "Qwen/Qwen3-32B", podSelector: { "llm-stack/server": "qwen" }, scalesToZero: true, queueTtlSeconds: 900 },
    { name: "mistral", servedName: "mistral", podSelector: { "llm-stack/server": "mistral" }, scalesToZero: false, queueTtlSeconds: 0 },
  ],
  exposure: "cluster",
  vpcCidr: null,
  allowedClientNamespaces: ["apps"],
  monitoringNamespace: "llm-monitoring",
  systemNodeSelector: { "llm-stack/pool": "system" },
  apiKeySecretName: "llm-gateway-api-keys",
  apiKeySecretKey: "api-key",
  maxRequestBodyMiB: 4,
  ...over,
});

function allObjects(objects: ReturnType<typeof inferenceGatewayObjects>): any[] {
  return [
    objects.gateway,
    objects.parameters,
    ...objects.routes,
    ...objects.policies,
    objects.gatewayNetworkPolicy,
    ...Object.values(objects.models).flatMap((m) => Object.values(m)),
  ];
}

describe("inference gateway objects", () => {
  const objects = inferenceGatewayObjects(input());

  it.each(["cluster", "internal-lb"] as const)("validate against their CRDs or kubernetes-models (exposure %s)", (exposure) => {
    const built = inferenceGatewayObjects(input({ exposure, vpcCidr: "10.0.0.0/16" }));
    for (const object of allObjects(built)) {
      const label = `${object.kind} ${object.metadata.name}`;
      if (VALIDATORS[object.kind]) expect(VALIDATORS[object.kind]!(object), label).toEqual([]);
      else {
        expect(CORE[object.kind], label).toBeDefined();
        expect(() => new CORE[object.kind]!(object).validate(), label).not.toThrow();
      }
    }
    const monitor = eppPodMonitor("llm", { name: "llama" }, { release: "prometheus" });
    expect(VALIDATORS.PodMonitor!(monitor)).toEqual([]);
  });

  it("the validators bite: a misspelt policy field and an unknown parameters field are refused", () => {
    const policy = structuredClone(objects.policies[0]) as any;
    policy.spec.traffic.phaze = policy.spec.traffic.phase;
    expect(VALIDATORS.AgentgatewayPolicy!(policy)).not.toEqual([]);
    const parameters = structuredClone(objects.parameters) as any;
    parameters.spec.services = parameters.spec.service;
    expect(VALIDATORS.AgentgatewayParameters!(parameters)).not.toEqual([]);
  });

  it("makes one pool per model, each selecting only its model's pods, on port 8000 with its own EPP", () => {
    const pools = Object.values(objects.models).map((m) => m.pool as any);
    expect(pools.map((p) => p.metadata.name)).toEqual(["llama", "qwen", "mistral"]);
    for (const [i, model] of input().models.entries()) {
      expect(pools[i].spec.selector.matchLabels).toEqual(model.podSelector);
      expect(pools[i].spec.targetPorts).toEqual([{ number: 8000 }]);
      expect(pools[i].spec.endpointPickerRef).toEqual({ name: `${model.name}-epp`, port: { number: 9002 }, failureMode: "FailClose" });
      const service = objects.models[model.name]!.eppService as any;
      expect(service.metadata.name).toBe(`${model.name}-epp`);
      expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: 9002, appProtocol: "kubernetes.io/h2c" }));
    }
  });

  it("routes each served name by header to its pool (3 rules) and lists the 3 names at GET /v1/models", () => {
    const rules = (objects.routes[0] as any).spec.rules;
    const poolRules = rules.filter((r: any) => r.backendRefs?.[0]?.kind === "InferencePool");
    expect(poolRules).toHaveLength(3);
    expect(poolRules.map((r: any) => [r.matches[0].headers[0], r.backendRefs[0].name])).toEqual([
      [{ type: "Exact", name: "X-Gateway-Model-Name", value: "meta-llama/Llama-3.1-8B-Instruct" }, "llama"],
      [{ type: "Exact", name: "X-Gateway-Model-Name", value: "Qwen/Qwen3-32B" }, "qwen"],
      [{ type: "Exact", name: "X-Gateway-Model-Name", value: "mistral" }, "mistral"],
    ]);
    const models = objects.policies.find((p: any) => p.spec.traffic?.directResponse) as any;
    expect(models.spec.targetRefs[0].sectionName).toBe(rules.at(-1).name);
    expect(rules.at(-1).matches).toEqual([{ path: { type: "Exact", value: "/v1/models" }, method: "GET" }]);
    expect(JSON.parse(models.spec.traffic.directResponse.body)).toEqual({
      object: "list",
      data: [
        { id: "meta-llama/Llama-3.1-8B-Instruct", object: "model", owned_by: "llm-stack" },
        { id: "Qwen/Qwen3-32B", object: "model", owned_by: "llm-stack" },
        { id: "mistral", object: "model", owned_by: "llm-stack" },
      ],
    });
  });

  it("sets the model header PreRouting from the body and requires an API key on the Gateway", () => {
    const pre = objects.policies.filter((p: any) => p.spec.traffic?.phase === "PreRouting") as any[];
    expect(pre.every((p) => p.spec.targetRefs.every((t: any) => t.kind === "Gateway" && t.name === "llm-gateway"))).toBe(true);
    expect(pre.map((p) => p.spec.traffic.transformation?.request.set).filter(Boolean)).toEqual([
      [{ name: "X-Gateway-Model-Name", value: "json(request.body).model" }],
    ]);
    expect(pre.map((p) => p.spec.traffic.apiKeyAuthentication).filter(Boolean)).toEqual([
      { mode: "Strict", secretRef: { name: "llm-gateway-api-keys" } },
    ]);
    const backend = objects.policies.find((p: any) => p.spec.backend) as any;
    expect(backend.spec.backend.auth.secretRef).toEqual({ name: "llm-gateway-api-keys", key: "api-key" });
  });

  it("enables flow control with the TTL only for the model that scales to zero", () => {
    const config = (name: string) => parse((objects.models[name]!.eppConfigMap as any).data["default-plugins.yaml"]);
    expect(config("qwen").featureGates).toEqual(["flowControl"]);
    expect(config("qwen").flowControl).toEqual({ defaultRequestTTL: "900s" });
    for (const name of ["llama", "mistral"]) {
      expect(config(name).featureGates).toBeUndefined();
      expect(config(name).flowControl).toBeUndefined();
    }
    // The plugins and profile of llm-d-router's chart (routerlib templates/_config.yaml l.19–30, 73–80).
    const chart = readFileSync(join(CHARTS, "llm-d-router/routerlib/templates/_config.yaml"), "utf8");
    for (const type of [
      "queue-scorer",
      "kv-cache-utilization-scorer",
      "prefix-cache-scorer",
      "metrics-data-source",
      "core-metrics-extractor",
    ]) {
      expect(chart).toContain(`- type: ${type}`);
      expect(config("llama").plugins.map((p: any) => p.type)).toContain(type);
    }
  });

  it("names the flow-control fields as llm-d-router v0.10.0's config types spell them", () => {
    // apix/config/v1alpha1/endpointpickerconfig_types.go l.40, 60, 387 (json tags), read upstream.
    const config = parse((objects.models.qwen!.eppConfigMap as any).data["default-plugins.yaml"]);
    expect(Object.keys(config)).toEqual(expect.arrayContaining(["featureGates", "flowControl", "plugins", "schedulingProfiles"]));
    expect(config.apiVersion).toBe("llm-d.ai/v1alpha1");
  });

  it("runs every pod under Pod Security restricted, on the system nodes, with the pinned EPP image", () => {
    for (const m of Object.values(objects.models)) {
      const pod = (m.eppDeployment as any).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.nodeSelector).toEqual({ "llm-stack/pool": "system" });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true });
        expect(c.image).toBe(INFERENCE_GATEWAY_IMAGES.endpointPicker);
        expect(c.args).toEqual(expect.arrayContaining(["--tracing=false", "--metrics-endpoint-auth=false", "--config-file"]));
        expect(c.resources.requests.cpu).toBe("500m");
      }
    }
    const proxyPod = (objects.parameters as any).spec.deployment.spec.template.spec;
    expect(proxyPod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(proxyPod.nodeSelector).toEqual({ "llm-stack/pool": "system" });
  });

  it("grants the EPP only namespaced pods and inferencepools reads", () => {
    for (const m of Object.values(objects.models)) {
      expect((m.eppRole as any).rules).toEqual([
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] },
        { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools"], verbs: ["get", "watch", "list"] },
      ]);
    }
  });

  it("admits the proxy to the EPP's ext-proc port and Prometheus to its metrics, nothing else", () => {
    const policy = objects.models.llama!.eppNetworkPolicy as any;
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: gatewayProxyPodSelector() } }], ports: [{ protocol: "TCP", port: 9002 }] },
      {
        from: [expect.objectContaining({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llm-monitoring" } } })],
        ports: [{ protocol: "TCP", port: 9090 }],
      },
    ]);
    const unmonitored = inferenceGatewayObjects(input({ monitoringNamespace: null })).models.llama!.eppNetworkPolicy as any;
    expect(unmonitored.spec.ingress).toHaveLength(1);
  });

  it("exposes the proxy as ClusterIP or an internal NLB through AgentgatewayParameters", () => {
    expect((objects.parameters as any).spec.service).toEqual({ spec: { type: "ClusterIP" } });
    const lb = inferenceGatewayObjects(input({ exposure: "internal-lb", vpcCidr: "10.0.0.0/16" }));
    expect((lb.parameters as any).spec.service.metadata.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
      "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    });
    expect((lb.gateway as any).spec.infrastructure.parametersRef).toEqual({
      group: "agentgateway.dev",
      kind: "AgentgatewayParameters",
      name: "llm-gateway",
    });
    expect((lb.gatewayNetworkPolicy as any).spec.ingress[0].from).toContainEqual({ ipBlock: { cidr: "10.0.0.0/16" } });
  });

  it("listens on port 8000 with the agentgateway class, at the Service the controller names after the Gateway", () => {
    expect((objects.gateway as any).spec.gatewayClassName).toBe("agentgateway");
    expect((objects.gateway as any).spec.listeners[0].port).toBe(8000);
    expect(gatewayEndpoint("llm")).toBe("http://llm-gateway.llm.svc.cluster.local:8000/v1");
    // The controller's proxy labels, from agentgateway's deployer testdata (Gateway `gw`).
    expect(gatewayProxyPodSelector()).toEqual({
      "app.kubernetes.io/instance": "llm-gateway",
      "app.kubernetes.io/name": "llm-gateway",
      "gateway.networking.k8s.io/gateway-name": "llm-gateway",
    });
  });

  it("buffers bodies as long as the longest context's prompt, never below agentgateway's 2 MiB default", () => {
    // 16 bytes a token: 131,072 × 16 = 2 MiB exactly; 262,144 × 16 = 4 MiB; 32,768 × 16 = 0.5 MiB → the 2 MiB default.
    expect([requestBodyMiB(131_072), requestBodyMiB(262_144), requestBodyMiB(32_768)]).toEqual([2, 4, 2]);
    const buffer = inferenceGatewayObjects(input()).policies.find((p: any) => p.metadata.name === "llm-gateway-body-buffer") as any;
    expect(buffer.spec).toEqual({
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "llm-gateway" }],
      frontend: { http: { maxBufferSize: "4Mi" } },
    });
  });

  it("wakes a pool on requests held now or queued within the window, whatever became of them", () => {
    expect(eppDemandQuery("llm", "qwen", 920)).toBe(
      '(sum(llm_d_epp_flow_control_queue_size{namespace="llm",inference_pool="qwen"}) or vector(0)) + ' +
        '(sum(increase(llm_d_epp_flow_control_request_queue_duration_seconds_count{namespace="llm",inference_pool="qwen"}[920s])) or vector(0))',
    );
  });

  it("holds a request for a cold start at its slow end and keeps the model awake a minute past the longest wait", () => {
    // Llama 4 Scout on S3 (test/plan/time-to-ready.test.ts): 691 s expected, 1,491 s with the node boot at its slow end (900 s).
    const plan = { timeToReady: { totalSeconds: 691, slowTotalSeconds: 1491 } } as Parameters<typeof queueTtlSecondsOf>[0];
    // TTL: 1,491 + 60 (a KEDA poll and a scrape) = 1,551 s; window: 1,551 + 60 − 691 (the cooldown) = 920 s.
    expect([queueTtlSecondsOf(plan), demandWindowSecondsOf(plan)]).toEqual([1551, 920]);
    // Never shorter than four scrapes (increase() needs two samples): a plan whose cooldown exceeds the TTL.
    expect(
      demandWindowSecondsOf({ timeToReady: { totalSeconds: 5000, slowTotalSeconds: 100 } } as Parameters<typeof queueTtlSecondsOf>[0]),
    ).toBe(60);
  });

  it("refuses duplicate names, non-DNS pool names and too many models", () => {
    const [a] = input().models;
    expect(() => inferenceGatewayObjects(input({ models: [a!, { ...a!, servedName: "other" }] }))).toThrow(/two models with name/);
    expect(() => inferenceGatewayObjects(input({ models: [{ ...a!, name: "Llama_3" }] }))).toThrow(/DNS label/);
    const many = Array.from({ length: 16 }, (_, i) => ({ ...a!, name: `m${i}`, servedName: `m${i}` }));
    expect(() => inferenceGatewayObjects(input({ models: many }))).toThrow(/at most 15/);
  });
});
