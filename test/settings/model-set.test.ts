/**
 * A stack that serves a set (`models`): each entry planned at its smallest shape, the set packed onto
 * the cheapest node groups, each model's share of the bill, and every problem of every entry at once.
 * Expected prices are the dated table's us-east-1 rows (infra/catalog/prices.ts, 2026-11-26):
 * p5.4xlarge $6.88/h (1 × H100), p5.48xlarge $55.04/h (8 × H100), m7i.xlarge $0.2016/h, the EKS
 * control plane $0.10/h, a NAT gateway $0.045/h.
 */
import { describe, expect, it } from "vitest";
import { PlanInputError, type InputIssue } from "../../infra/plan";
import { resolveStackSettings } from "../../infra/settings";
import { defaultServedName } from "../../infra/settings/model-set";
import { type ModelSetSettings } from "../../infra/settings/deployment";
import { DEV, SECRETS, issuesOf } from "../support/stack-settings";

const { model: _model, maxModelLen: _len, ...OPERATOR } = DEV;

const FLEET = {
  ...OPERATOR,
  models: [
    { model: "mixtral-8x7b-instruct-v0.1", name: "mixtral", quantization: "bf16" },
    { model: "llama-3.1-8b-instruct", name: "llama-8b" },
    { model: "phi-3.5-mini-instruct", name: "phi-mini" },
    { model: "mistral-7b-instruct-v0.3", name: "mistral-7b", minReplicas: 0, maxReplicas: 1 },
  ],
};

function setOf(values: Record<string, unknown>): ModelSetSettings {
  const settings = resolveStackSettings(values, "us-east-1", SECRETS);
  if (!settings.modelSet) throw new Error("expected a set");
  return settings;
}

const paths = (issues: readonly InputIssue[]) => issues.map((issue) => issue.path).sort();

describe("a set of models", () => {
  const settings = setOf(FLEET);
  const { models, packing } = settings.modelSet;
  const byName = Object.fromEntries(models.map((m) => [m.name, m]));

  it("plans each packed model at its smallest shape: Mixtral at bf16 on 2 H100s, not the 8 a node of its own would give it", () => {
    // 46.7 B parameters × 2 bytes = 87 GiB of weights: more than one H100's 71.3 GiB budget, half of it (43.5 GiB) fits.
    expect(byName.mixtral!.plan).toMatchObject({ tensorParallelSize: 2, gpusPerReplica: 2, instanceType: "p5.48xlarge" });
    // Alone, the planner raises TP onto the node's otherwise idle GPUs (8 on a p5.48xlarge).
    const alone = resolveStackSettings({ ...DEV, model: "mixtral-8x7b-instruct-v0.1", quantization: "bf16" }, "us-east-1", SECRETS);
    expect(alone.modelSet ? null : alone.plan.tensorParallelSize).toBe(8);
  });

  it("packs the three fixed models onto one p5.48xlarge and gives the autoscaled one a p5.4xlarge of its own", () => {
    expect(packing.nodeGroups.map((g) => [g.name, g.instanceType, g.nodes, g.models, g.usedGpus, g.idleGpus])).toEqual([
      ["shared-0", "p5.48xlarge", 1, ["mixtral", "llama-8b", "phi-mini"], 4, 4],
      ["mistral-7b", "p5.4xlarge", 1, ["mistral-7b"], 1, 0],
    ]);
    // The moved models are planned again on the node type they run on.
    expect(byName["llama-8b"]!.plan.instanceType).toBe("p5.48xlarge");
    expect(byName["mistral-7b"]!.plan.instanceType).toBe("p5.4xlarge");
    // $55.04 together against 2 × 6.88 + 6.88 + 6.88 + ... apart: the TP2 model alone needs the 8-GPU node ($55.04), the two 1-GPU ones $6.88 each.
    expect(packing.reasons[0]).toContain("$55.04/h together vs $68.80/h apart");
  });

  it("charges each model its GPUs' share of its node and leaves idle GPUs to the set", () => {
    // 55.04 × 2/8 = 13.76; 55.04 × 1/8 = 6.88; the p5.4xlarge whole: 6.88; idle 4 × 6.88 = 27.52.
    expect(Object.fromEntries(Object.entries(packing.perModel).map(([name, share]) => [name, Number(share.hourlyUsd.toFixed(4))]))).toEqual(
      {
        mixtral: 13.76,
        "llama-8b": 6.88,
        "phi-mini": 6.88,
        "mistral-7b": 6.88,
      },
    );
    expect(Number(packing.idleHourlyUsd.toFixed(4))).toBe(27.52);
    expect(Number(packing.hourlyUsd.toFixed(4))).toBe(61.92);
  });

  it("prices the stack with every model at its maximum: the GPU groups, 2–3 system nodes, the control plane and a NAT gateway", () => {
    // Expected: 55.04 + 6.88 + 2 × 0.2016 + 0.10 + 0.045 = 62.4682. Max: 3 system nodes, 62.6698. Min: Mistral at zero, 55.5882.
    expect([settings.cost.minHourlyUsd, settings.cost.hourlyUsd, settings.cost.maxHourlyUsd]).toEqual([55.5882, 62.4682, 62.6698]);
    expect(byName["mistral-7b"]!.autoscaling).toMatchObject({ minReplicas: 0, maxReplicas: 1, minNodes: 0, maxNodes: 1 });
  });

  it("serves each model under its entry's name (vLLM's --served-model-name), the name clients send", () => {
    for (const name of ["mixtral", "llama-8b", "phi-mini", "mistral-7b"]) {
      expect(byName[name]!.plan.vllmArgs).toContain(`--served-model-name=${name}`);
    }
    // Without a name, one from the model id: lowercase, dots and slashes to hyphens.
    expect(defaultServedName("meta-llama/Llama-3.1-8B-Instruct")).toBe("llama-3-1-8b-instruct");
    expect(defaultServedName("llama-3.1-8b-instruct")).toBe("llama-3-1-8b-instruct");
  });

  it("checks the budget against the whole set at its maximum", () => {
    const issues = issuesOf({ ...FLEET, maxHourlyUsd: "60" });
    expect(issues.map((i) => i.path)).toEqual(["llm-stack:maxHourlyUsd"]);
    expect(issues[0]!.expected).toContain("at least the stack's $62.67/h at maximum node-group size");
  });
});

describe("a set's bad input", () => {
  it("names every problem of every entry at once, each under its path", () => {
    const issues = issuesOf({
      ...OPERATOR,
      model: "llama-3.1-8b-instruct",
      replicas: "2",
      models: [
        { model: "llama-3.1-8b-instruct", name: "Llama_8B", tensorParallelSize: 2 },
        { name: "nothing" },
        { model: "phi-3.5-mini-instruct", name: "phi", maxModelLen: 10_000_000 },
        { model: "mistral-7b-instruct-v0.3", name: "phi", minReplicas: 0 },
        "not a mapping",
      ],
    });
    expect(paths(issues)).toEqual(
      [
        "llm-stack:model",
        "llm-stack:replicas",
        "llm-stack:models[0].name",
        "llm-stack:models[0].tensorParallelSize",
        "llm-stack:models[1].model",
        "llm-stack:models[2].maxModelLen",
        "llm-stack:models[3].minReplicas",
        "llm-stack:models[4]",
      ].sort(),
    );
  });

  it("refuses a name twice (the same model may be served twice under two names)", () => {
    const twice = [
      { model: "llama-3.1-8b-instruct", name: "chat" },
      { model: "llama-3.1-8b-instruct", name: "chat" },
    ];
    expect(paths(issuesOf({ ...OPERATOR, models: twice }))).toEqual(["llm-stack:models[1].name"]);
    const renamed = setOf({ ...OPERATOR, models: [twice[0], { ...twice[1], name: "chat-long", maxModelLen: 65536 }] });
    expect(renamed.modelSet.models.map((m) => [m.name, m.plan.maxModelLen])).toEqual([
      ["chat", 32768],
      ["chat-long", 65536],
    ]);
  });

  it("refuses names the gateway's own objects take: llm-gateway, models, and any ending in -epp", () => {
    const named = (...names: string[]) => names.map((name) => ({ model: "phi-3.5-mini-instruct", name }));
    expect(paths(issuesOf({ ...OPERATOR, models: named("llm-gateway", "models", "chat-epp", "chat") }))).toEqual([
      "llm-stack:models[0].name",
      "llm-stack:models[1].name",
      "llm-stack:models[2].name",
    ]);
  });

  it("packs within the stack's allowedInstanceTypes: two 1-GPU models share one p5.48xlarge when p5.4xlarge is not allowed", () => {
    const settings = setOf({
      ...OPERATOR,
      allowedInstanceTypes: '["p5.48xlarge"]',
      models: [
        { model: "llama-3.1-8b-instruct", name: "llama-8b" },
        { model: "phi-3.5-mini-instruct", name: "phi-mini" },
      ],
    });
    // Apart they would take two p5.48xlarge ($110.08/h); together one ($55.04/h), 2 of 8 GPUs used.
    expect(settings.modelSet.packing.nodeGroups.map((g) => [g.instanceType, g.nodes, g.models, g.usedGpus])).toEqual([
      ["p5.48xlarge", 1, ["llama-8b", "phi-mini"], 2],
    ]);
  });

  it("holds a set's autoscaled entries to a one-model stack's rules: Prometheus for KEDA, no Capacity Block", () => {
    const toZero = [{ model: "phi-3.5-mini-instruct", name: "phi-mini", minReplicas: 0, maxReplicas: 1 }];
    expect(paths(issuesOf({ ...OPERATOR, observability: "none", models: toZero }))).toEqual(["llm-stack:observability"]);
    expect(
      paths(
        issuesOf({
          ...OPERATOR,
          capacityType: "capacity-block",
          capacityReservationId: "cr-0123456789abcdef0",
          capacityReservationZoneId: "use1-az4",
          capacityReservationStartDate: "2026-12-10T11:30:00Z",
          capacityReservationEndDate: "2026-12-17T11:30:00Z",
          models: toZero,
        }),
      ),
    ).toEqual(["llm-stack:models[0].maxReplicas"]);
  });

  it("refuses an entry's workload that is not a mapping, and names a stack key every entry plans with once", () => {
    for (const workload of [null, 5, "abc"]) {
      expect(paths(issuesOf({ ...OPERATOR, models: [{ model: "phi-3.5-mini-instruct", workload }] }))).toEqual([
        "llm-stack:models[0].workload",
      ]);
    }
    const twice = [
      { model: "phi-3.5-mini-instruct", name: "a" },
      { model: "llama-3.1-8b-instruct", name: "b" },
    ];
    expect(paths(issuesOf({ ...OPERATOR, kvCacheDtype: "fp4", models: twice }))).toEqual(["llm-stack:kvCacheDtype"]);
  });

  it("asks for a model when neither model nor models is set", () => {
    const issues = issuesOf({ ...OPERATOR });
    expect(issues.map((i) => [i.path, i.expected])).toEqual([["llm-stack:model", "a catalog model id (or a list of models in models)"]]);
  });

  it("keeps a set to a cluster the stack creates, and a Capacity Block to one instance type", () => {
    expect(paths(issuesOf({ ...FLEET, cluster: "eks:prod", nodeSubnetIds: '["subnet-0123456789abcdef0"]' }))).toContain("llm-stack:models");
    // Four Mixtral replicas of 2 GPUs fill a p5.48xlarge; Phi-3.5 mini is then cheapest on a p5.4xlarge: two types.
    const fixed = [
      { model: "mixtral-8x7b-instruct-v0.1", name: "mixtral", quantization: "bf16", replicas: 4 },
      { model: "phi-3.5-mini-instruct", name: "phi-mini" },
    ];
    const block = issuesOf({
      ...FLEET,
      models: fixed,
      capacityType: "capacity-block",
      capacityReservationId: "cr-0123456789abcdef0",
      capacityReservationZoneId: "use1-az4",
      capacityReservationStartDate: "2026-12-10T11:30:00Z",
      capacityReservationEndDate: "2026-12-17T11:30:00Z",
    });
    expect(block.find((i) => i.path === "llm-stack:capacityType")?.expected).toBe(
      "one instance type for the whole set (this packing uses p5.48xlarge and p5.4xlarge)",
    );
  });

  it("throws one PlanInputError carrying them, nothing resolved", () => {
    expect(() => resolveStackSettings({ ...OPERATOR, models: [] }, "us-east-1", SECRETS)).toThrow(PlanInputError);
  });
});
