/**
 * The committed set (Pulumi.fleet.yaml: Mixtral bf16, Llama 3.1 8B, Phi-3.5 mini, Mistral 7B scaled
 * to zero) as the real program registers it under mocks: one Gateway and route, one InferencePool
 * and endpoint picker per model, one server per model, node groups as the packing says — every
 * object against its schema (test/program/variations.test.ts: exactly one model's resources change with its entry).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { crdValidator } from "../support/crd-schema";
import { eksTaint, schedulingProblems } from "../support/kube-scheduling";
import { imagePullProblems, pulledImages, registryOf } from "../support/image-pulls";
import { byName, KUBERNETES_MODELS, listOf } from "../support/program-fixtures";
import { committedRun } from "../support/committed-runs";
import { type RecordedResource } from "../program-runner";

type Json = Record<string, any>;
const MODELS = ["mixtral", "llama-8b", "phi-mini", "mistral-7b"];
const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Each custom kind the set registers, with the vendored CRD that defines it. */
const VALIDATORS: Record<string, (object: unknown) => string[]> = {
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": crdValidator("gateway-api", "crds/gateway.networking.k8s.io_gateways.yaml", "v1", {
    rejectUnknownFields: true,
  }),
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": crdValidator("gateway-api", "crds/gateway.networking.k8s.io_httproutes.yaml", "v1", {
    rejectUnknownFields: true,
  }),
  "kubernetes:inference.networking.k8s.io/v1:InferencePool": crdValidator(
    "gateway-api-inference-extension",
    "crds/inference.networking.k8s.io_inferencepools.yaml",
    "v1",
    { rejectUnknownFields: true },
  ),
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy": crdValidator(
    "agentgateway",
    "crds/agentgateway.dev_agentgatewaypolicies.yaml",
    "v1alpha1",
  ),
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayParameters": crdValidator(
    "agentgateway",
    "crds/agentgateway.dev_agentgatewayparameters.yaml",
    "v1alpha1",
  ),
  "kubernetes:keda.sh/v1alpha1:ScaledObject": crdValidator("keda", "crds/keda.sh_scaledobjects.yaml", "v1alpha1"),
  "kubernetes:monitoring.coreos.com/v1:PodMonitor": crdValidator(
    "prometheus-operator",
    "crds/monitoring.coreos.com_podmonitors.yaml",
    "v1",
    {
      rejectUnknownFields: true,
    },
  ),
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": crdValidator(
    "prometheus-operator",
    "crds/monitoring.coreos.com_prometheusrules.yaml",
    "v1",
    { rejectUnknownFields: true },
  ),
};

describe("the fleet stack (a set of four models) under mocks", () => {
  let resources: RecordedResource[] = [];
  let outputs: Json = {};
  beforeAll(() => {
    const run = committedRun("fleet");
    resources = run.resources;
    outputs = run.outputs ?? {};
  });

  it("registers one Gateway, one route, and per model one InferencePool, endpoint picker and server", () => {
    const names = (type: string) => ofType(resources, type).map((r) => r.inputs.metadata.name as string);
    expect(names("kubernetes:gateway.networking.k8s.io/v1:Gateway")).toEqual(["llm-gateway"]);
    expect(names("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toEqual(["llm-gateway"]);
    expect(names("kubernetes:inference.networking.k8s.io/v1:InferencePool").sort()).toEqual([...MODELS].sort());
    const deployments = names("kubernetes:apps/v1:Deployment");
    for (const model of MODELS) {
      expect(deployments).toContain(model);
      expect(deployments).toContain(`${model}-epp`);
    }
    // The gateway replaces the wake front: no Envoy of our own in a set.
    expect(listOf(resources).filter((r) => /wake-front/.test(r))).toEqual([]);
    // The route: one rule per model on its name, and GET /v1/models.
    const route = byName(resources, "llm-gateway-route-0").inputs;
    expect(route.spec.rules.map((rule: Json) => rule.name)).toEqual([...MODELS, "models"]);
    for (const rule of route.spec.rules.slice(0, 4)) {
      expect(rule.matches[0].headers).toEqual([{ type: "Exact", name: "X-Gateway-Model-Name", value: rule.name }]);
      expect(rule.backendRefs).toEqual([{ group: "inference.networking.k8s.io", kind: "InferencePool", name: rule.name }]);
    }
  });

  it("applies every CRD the set's objects are instances of, as vendored: the Gateway API's, InferencePool's and agentgateway's", () => {
    const crds = parseAllDocuments(byName(resources, "llm-gateway-crds").inputs.yaml).map((d) => d.toJSON());
    expect(crds.map((c) => `${c.kind} ${c.metadata.name}`)).toEqual([
      // charts/gateway-api/crds (v1.6.1 standard channel) and charts/gateway-api-inference-extension/crds, in file-name order.
      "CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io",
      "CustomResourceDefinition gatewayclasses.gateway.networking.k8s.io",
      "CustomResourceDefinition gateways.gateway.networking.k8s.io",
      "CustomResourceDefinition grpcroutes.gateway.networking.k8s.io",
      "CustomResourceDefinition httproutes.gateway.networking.k8s.io",
      "CustomResourceDefinition listenersets.gateway.networking.k8s.io",
      "CustomResourceDefinition referencegrants.gateway.networking.k8s.io",
      "CustomResourceDefinition inferencepools.inference.networking.k8s.io",
      // charts/agentgateway/crds: what the controller watches (its README says why Backend is needed).
      "CustomResourceDefinition agentgatewaybackends.agentgateway.dev",
      "CustomResourceDefinition agentgatewayparameters.agentgateway.dev",
      "CustomResourceDefinition agentgatewaypolicies.agentgateway.dev",
    ]);
  });

  it("creates node groups as the packing says: one p5.48xlarge for three models, a p5.4xlarge from zero to one for Mistral", () => {
    const groups = ofType(resources, "aws:eks/nodeGroup:NodeGroup")
      .filter((r) => r.name.startsWith("llm-gpu-"))
      .map((r) => [r.name, r.inputs.instanceTypes, r.inputs.scalingConfig])
      .sort();
    expect(groups).toEqual([
      ["llm-gpu-mistral-7b-ng", ["p5.4xlarge"], { desiredSize: 1, minSize: 0, maxSize: 1 }],
      ["llm-gpu-shared-0-ng", ["p5.48xlarge"], { desiredSize: 1, minSize: 1, maxSize: 1 }],
    ]);
  });

  it("validates every object against its schema: custom kinds against their vendored CRDs, core kinds against Kubernetes'", () => {
    const custom = resources.filter((r) => r.type in VALIDATORS);
    // Gateway, HTTPRoute, 4 pools, 5 policies (model header, API keys, backend auth, /v1/models, body buffer), parameters, Mistral's
    // ScaledObject; per model a PodMonitor and rules for its server and its picker, the DCGM exporter's PodMonitor, and the set's cost rule.
    expect(custom.map((r) => r.type.split(":").at(-1)).sort()).toEqual(
      [
        "Gateway",
        "HTTPRoute",
        ...Array(4).fill("InferencePool"),
        ...Array(5).fill("AgentgatewayPolicy"),
        "AgentgatewayParameters",
        "ScaledObject",
        ...Array(9).fill("PodMonitor"),
        ...Array(9).fill("PrometheusRule"),
      ].sort(),
    );
    for (const r of custom) expect(VALIDATORS[r.type]!(r.inputs), r.name).toEqual([]);
    for (const r of resources.filter((r) => r.type in KUBERNETES_MODELS)) {
      const Model = KUBERNETES_MODELS[r.type]!;
      expect(() => new Model(r.inputs).validate(), r.name).not.toThrow();
    }
  });

  it("points each pool at its own model's serving pods and at no other model's", () => {
    for (const model of MODELS) {
      const pool = byName(resources, `llm-gateway-${model}-pool`).inputs;
      const selected = MODELS.filter((other) =>
        matches(pool.spec.selector.matchLabels, byName(resources, `${other}-deployment`).inputs.spec.template.metadata.labels),
      );
      expect(selected, model).toEqual([model]);
      expect(pool.spec.endpointPickerRef).toMatchObject({ name: `${model}-epp`, port: { number: 9002 } });
    }
  });

  it("schedules each server onto its own node group by Kubernetes' matching rules, and the shared node's GPUs suffice", () => {
    const nodeOf = (group: string, instanceType: string) => {
      const inputs = byName(resources, `llm-gpu-${group}-ng`).inputs;
      return { labels: { ...inputs.labels, "node.kubernetes.io/instance-type": instanceType }, taints: inputs.taints.map(eksTaint) };
    };
    const shared = nodeOf("shared-0", "p5.48xlarge");
    const own = nodeOf("mistral-7b", "p5.4xlarge");
    const pod = (model: string) => byName(resources, `${model}-deployment`).inputs.spec.template.spec;
    for (const model of ["mixtral", "llama-8b", "phi-mini"]) {
      expect(schedulingProblems(pod(model), shared), model).toEqual([]);
      expect(schedulingProblems(pod(model), own), model).not.toEqual([]);
    }
    expect(schedulingProblems(pod("mistral-7b"), own)).toEqual([]);
    expect(schedulingProblems(pod("mistral-7b"), shared)).not.toEqual([]);
    // 2 + 1 + 1 GPUs asked of a node with 8 (p5.48xlarge: 8 × H100).
    const gpus = ["mixtral", "llama-8b", "phi-mini"].reduce(
      (total, model) => total + Number(pod(model).containers[0].resources.limits["nvidia.com/gpu"]),
      0,
    );
    expect(gpus).toBe(4);
  });

  it("wakes Mistral from zero on the requests its endpoint picker holds, and holds them there", () => {
    const scaled = byName(resources, "mistral-7b-scaledobject").inputs;
    expect(scaled.spec.minReplicaCount).toBe(0);
    const wake = scaled.spec.triggers.find((t: Json) => t.name === "wake");
    expect(wake.metadata.query).toContain('llm_d_epp_flow_control_queue_size{namespace="llm",inference_pool="mistral-7b"}');
    const config = byName(resources, "llm-gateway-mistral-7b-epp-config").inputs.data["default-plugins.yaml"] as string;
    expect(config).toContain("flowControl");
    // The fixed models' pickers answer at once: no flow control.
    expect(byName(resources, "llm-gateway-mixtral-epp-config").inputs.data["default-plugins.yaml"]).not.toContain("flowControl");
  });

  it("pulls every image through the stack's ECR cache but NGC's and agentgateway's, which ECR cannot mirror", () => {
    expect(imagePullProblems(resources, { accountId: "123456789012", region: "us-east-1", stackPrefix: "llm-fleet" })).toEqual([]);
    const direct = pulledImages(resources).filter(({ image }) => ["nvcr.io", "cr.agentgateway.dev"].includes(registryOf(image)));
    expect(direct.map(({ image }) => image).sort()).toEqual([
      "cr.agentgateway.dev/controller:v1.4.1",
      "nvcr.io/nvidia/k8s-device-plugin:v0.20.0",
      expect.stringMatching(/^nvcr\.io\/nvidia\/k8s\/dcgm-exporter:/),
    ]);
    // The proxy the controller runs for the Gateway, pinned in its parameters: the same registry.
    expect(byName(resources, "llm-gateway-parameters").inputs.spec.image).toEqual({
      registry: "cr.agentgateway.dev",
      repository: "agentgateway",
      tag: "v1.4.1",
    });
  });

  it("splits the live cost by model: each model's share, Mistral's replicas up, and the set's uncharged rest", () => {
    const costRule = (model: string) =>
      byName(resources, `${model}-rules`).inputs.spec.groups[1].rules.find((r: Json) => r.record === "llm_stack:cost_usd_per_hour");
    // Mixtral's 2 of 8 GPUs: 55.04 × 2/8 = 13.76, labelled with its name.
    expect(costRule("mixtral")).toEqual({ record: "llm_stack:cost_usd_per_hour", expr: "vector(13.76)", labels: { model: "mixtral" } });
    // Mistral pays per replica up (one per p5.4xlarge, $6.88/h), none when scaled to zero.
    expect(costRule("mistral-7b").expr).toBe(
      '(count(count by (pod) (vllm:num_requests_running{namespace="llm", model_name="mistral-7b"})) or vector(0)) * 6.88',
    );
    // What no model is charged: 62.4682 (the stack, expected) − (13.76 + 6.88 + 6.88 + 6.88) = 28.0682 (4 idle GPUs, 2 system nodes, EKS, NAT).
    expect(byName(resources, "llm-set-cost-rules").inputs.spec.groups[0].rules).toEqual([
      { record: "llm_stack:stack_cost_usd_per_hour", expr: "(sum(llm_stack:cost_usd_per_hour) or vector(0)) + 28.0682" },
    ]);
    const dashboard = JSON.parse(byName(resources, "llm-grafana-configmap-grafana-dashboards").inputs.data["llm-stack-cost.json"]);
    expect(dashboard.panels.find((p: Json) => p.title.startsWith("Cost by model")).targets[0]).toMatchObject({
      expr: "sum by (model) (llm_stack:cost_usd_per_hour)",
      legendFormat: "{{model}}",
    });
  });

  it("exports the gateway's endpoint and each model's plan, node group and share of the bill", () => {
    expect(outputs.endpoint).toBe("http://llm-gateway.llm.svc.cluster.local:8000/v1");
    expect(outputs.models.map((m: Json) => [m.name, m.nodeGroup, m.plan.gpus, Number(m.hourlyUsd.toFixed(2))])).toEqual([
      ["mixtral", "shared-0", 2, 13.76],
      ["llama-8b", "shared-0", 1, 6.88],
      ["phi-mini", "shared-0", 1, 6.88],
      ["mistral-7b", "mistral-7b", 1, 6.88],
    ]);
  });
});
