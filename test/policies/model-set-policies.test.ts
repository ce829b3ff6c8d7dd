/**
 * The pack on a set (the committed fleet stack, as the real program registers it under mocks):
 * nothing to report as committed, and each guard — routing, GPU memory fit, GPU consistency, the
 * budget, exposure — refusing a tampered copy, per pool and for the set as a whole.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../cli/offline/policy-run";
import { committedResources } from "../support/committed-runs";
import { type RecordedResource } from "../program-runner";

type Json = Record<string, any>;
const POOL = "kubernetes:inference.networking.k8s.io/v1:InferencePool";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const POLICY = "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy";
const PARAMETERS = "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayParameters";

const find = (resources: RecordedResource[], type: string, name: string): Json => {
  const found = resources.find((r) => r.type === type && r.inputs.metadata?.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found.inputs;
};
const server = (r: RecordedResource[], model: string) => find(r, "kubernetes:apps/v1:Deployment", model).spec.template.spec.containers[0];

async function violationsOf(tamper: (resources: RecordedResource[]) => void, config = {}) {
  const resources = committedResources("fleet");
  tamper(resources);
  return (await runPolicies(resources, config)).map((v) => [v.level, v.policy, v.message]);
}

describe("the pack on a set of models", () => {
  it("finds nothing to refuse in the committed set", async () => {
    expect(await violationsOf(() => undefined)).toEqual([]);
  });

  it("refuses a route to a model the stack does not serve", async () => {
    const violations = await violationsOf((r) => {
      const rule = find(r, ROUTE, "llm-gateway").spec.rules[0];
      rule.matches[0].headers[0].value = "gpt-4";
      rule.backendRefs[0].name = "gpt-4";
    });
    expect(violations).toContainEqual([
      "mandatory",
      "llm-stack-safety-model-routes",
      "HTTPRoute llm/llm-gateway routes model gpt-4 to InferencePool llm/gpt-4, which the stack does not declare: a model it does not serve. Fix: route only to the stack's pools, or add the model to models.",
    ]);
  });

  it("refuses a pool that selects another model's pods, and one that selects several models'", async () => {
    const other = await violationsOf((r) => {
      find(r, POOL, "mixtral").spec.selector.matchLabels = { ...find(r, POOL, "llama-8b").spec.selector.matchLabels };
    });
    expect(other).toEqual([
      [
        "mandatory",
        "llm-stack-safety-model-routes",
        "HTTPRoute llm/llm-gateway sends requests for model mixtral to InferencePool llm/mixtral, whose pods serve llama-8b. Fix: route mixtral to its own pool.",
      ],
    ]);
    const several = await violationsOf((r) => {
      find(r, POOL, "phi-mini").spec.selector.matchLabels = { "app.kubernetes.io/name": "vllm" };
    });
    expect(several.map(([level, policy, message]) => [level, policy, String(message).split(":")[0]])).toEqual([
      [
        "mandatory",
        "llm-stack-safety-model-routes",
        "InferencePool llm/phi-mini selects pods of several models (llama-8b, mistral-7b, mixtral, phi-mini)",
      ],
    ]);
  });

  it("refuses a /v1/models answer that lists a model no route serves", async () => {
    const violations = await violationsOf((r) => {
      const policy = find(r, POLICY, "llm-gateway-models");
      const body = JSON.parse(policy.spec.traffic.directResponse.body);
      body.data.push({ id: "gpt-4", object: "model", owned_by: "llm-stack" });
      policy.spec.traffic.directResponse.body = JSON.stringify(body);
    });
    expect(violations).toEqual([
      [
        "mandatory",
        "llm-stack-safety-model-routes",
        "AgentgatewayPolicy llm/llm-gateway-models lists models [gpt-4, llama-8b, mistral-7b, mixtral, phi-mini] but the routes serve [llama-8b, mistral-7b, mixtral, phi-mini]: clients would ask for a model no route serves, or miss one. Fix: list exactly the routed models.",
      ],
    ]);
  });

  it("checks GPU memory and GPU consistency per pool: Mixtral bf16 forced onto one GPU, or given one GPU for TP 2", async () => {
    // 87 GiB of bf16 weights on one 80 GB H100: does not fit (infra/settings' reason: 71.3 GiB budget per GPU).
    const tp1 = await violationsOf((r) => {
      const container = server(r, "mixtral");
      container.args = [...container.args.filter((a: string) => !a.startsWith("--tensor-parallel-size=")), "--tensor-parallel-size=1"];
      container.resources.limits["nvidia.com/gpu"] = "1";
      container.resources.requests["nvidia.com/gpu"] = "1";
    });
    expect(tp1.map(([level, policy]) => [level, policy])).toEqual([["mandatory", "llm-stack-gpu-memory-fit"]]);
    expect(tp1[0]![2]).toContain("Deployment llm/mixtral");
    // TP 2 on one GPU: the limit must be TP × PP = 2.
    const short = await violationsOf((r) => {
      const container = server(r, "mixtral");
      container.resources.limits["nvidia.com/gpu"] = "1";
      container.resources.requests["nvidia.com/gpu"] = "1";
    });
    expect(short.map(([level, policy]) => [level, policy])).toContainEqual(["mandatory", "llm-stack-gpu-consistency"]);
  });

  it("prices the whole set at every model's maximum against the budget", async () => {
    // GPU groups at their maximum: 55.04 + 6.88; 3 × 0.2016 system nodes; EKS 0.10; NAT 0.045 = $62.67/h.
    const violations = await violationsOf(() => undefined, { "llm-stack-cost-budget": { maxHourlyUsd: 60 } });
    expect(violations.map(([level, policy]) => [level, policy])).toEqual([["mandatory", "llm-stack-cost-budget"]]);
    expect(violations[0]![2]).toContain("$62.67");
  });

  it("refuses the gateway once its proxy Service would face the internet", async () => {
    const violations = await violationsOf((r) => {
      find(r, PARAMETERS, "llm-gateway").spec.service = { spec: { type: "LoadBalancer" } };
    });
    expect(violations.map(([level, policy]) => [level, policy])).toEqual([["mandatory", "llm-stack-safety-no-public-ingress"]]);
    expect(violations[0]![2]).toContain(
      "Gateway llm/llm-gateway's proxy Service is LoadBalancer without an internal-scheme annotation (AgentgatewayParameters llm-gateway)",
    );
  });
});
