/**
 * The packing planner: a stack's models placed whole on the cheapest GPU nodes. Expected values are
 * worked by hand from infra/catalog/prices.ts (us-east-1, read 2026-11-26):
 *   p5.4xlarge    1 × H100  $6.88/h
 *   p5.48xlarge   8 × H100  $55.04/h  (= 8 × 6.88: the same price per GPU)
 *   p5en.48xlarge 8 × H200  $63.296/h
 */
import { describe, expect, it } from "vitest";
import { type GpuId } from "../../infra/catalog";
import { PlanInputError, planDeployment } from "../../infra/plan";
import {
  type InstanceOffer,
  instanceOffers,
  MAX_NODE_GROUP_NAME_CHARS,
  MAX_PACKED_MODELS,
  type PackingItem,
  type PackingPlan,
  packingItemOf,
  packModels,
} from "../../infra/plan/packing";

/** The us-east-1 offers, written out from the price table (not read from it). */
const OFFERS: InstanceOffer[] = [
  { instanceType: "p5.4xlarge", gpu: "h100", gpuCount: 1, hourlyUsd: 6.88 },
  { instanceType: "p5.48xlarge", gpu: "h100", gpuCount: 8, hourlyUsd: 55.04 },
  { instanceType: "p5en.48xlarge", gpu: "h200", gpuCount: 8, hourlyUsd: 63.296 },
];

const model = (name: string, fields: Partial<PackingItem> = {}): PackingItem => ({
  name,
  gpu: "h100",
  gpusPerReplica: 1,
  nodesPerReplica: 1,
  replicas: 1,
  scalesToZeroOrAutoscaled: false,
  ...fields,
});

/** The accounting identity: every model's share plus the idle GPUs' part is the bill. */
function expectBalanced(plan: PackingPlan): void {
  const charged = Object.values(plan.perModel).reduce((t, m) => t + m.hourlyUsd, 0);
  expect(charged + plan.idleHourlyUsd).toBeCloseTo(plan.hourlyUsd, 9);
  expect(plan.nodeGroups.reduce((t, g) => t + g.hourlyUsd, 0)).toBeCloseTo(plan.hourlyUsd, 9);
}

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("instanceOffers", () => {
  it("lists the priced GPU instance types of a region, CPU instances left out", () => {
    expect(instanceOffers("us-east-1")).toEqual(OFFERS);
  });

  it("keeps only the GPUs asked for", () => {
    expect(instanceOffers("us-west-2", ["h200"])).toEqual([{ instanceType: "p5en.48xlarge", gpu: "h200", gpuCount: 8, hourlyUsd: 63.296 }]);
  });
});

describe("shared nodes", () => {
  it("puts three 1-GPU H100 models on three p5.4xlarge: same price per GPU, no idle GPU", () => {
    const plan = packModels([model("llama-8b"), model("mistral-7b"), model("phi-mini")], OFFERS);
    // Alone: 3 × 6.88 = 20.64. All on one p5.48xlarge: 55.04. Two together need a p5.48xlarge: 55.04 + 6.88 = 61.92.
    expect(plan.hourlyUsd).toBeCloseTo(20.64, 9);
    expect(plan.nodes).toBe(3);
    expect(plan.idleGpus).toBe(0);
    expect(plan.idleHourlyUsd).toBe(0);
    expect(plan.nodeGroups.map((g) => [g.name, g.instanceType, g.nodes, g.models, g.kind])).toEqual([
      ["shared-0", "p5.4xlarge", 1, ["llama-8b"], "shared"],
      ["shared-1", "p5.4xlarge", 1, ["mistral-7b"], "shared"],
      ["shared-2", "p5.4xlarge", 1, ["phi-mini"], "shared"],
    ]);
    expect(plan.placements["mistral-7b"]).toEqual({ nodeGroup: "shared-1", instanceType: "p5.4xlarge" });
    for (const name of ["llama-8b", "mistral-7b", "phi-mini"]) expect(plan.perModel[name]!.hourlyUsd).toBeCloseTo(6.88, 9);
    expectBalanced(plan);
  });

  it("puts a TP2 model and two 1-GPU models on one p5.48xlarge: $55.04 together vs $68.80 apart", () => {
    const plan = packModels([model("llama-70b", { gpusPerReplica: 2 }), model("llama-8b"), model("mistral-7b")], OFFERS);
    // Apart: the TP2 model needs 2 GPUs, so a p5.48xlarge (55.04), plus 2 × p5.4xlarge (2 × 6.88) = 68.80.
    // Together: 2 + 1 + 1 = 4 GPUs on one p5.48xlarge = 55.04; 8 − 4 = 4 idle GPUs = 55.04 × 4/8 = 27.52.
    expect(plan.nodeGroups).toHaveLength(1);
    const group = plan.nodeGroups[0]!;
    expect(group).toMatchObject({
      name: "shared-0",
      instanceType: "p5.48xlarge",
      gpu: "h100",
      nodes: 1,
      models: ["llama-70b", "llama-8b", "mistral-7b"],
      kind: "shared",
      usedGpus: 4,
      idleGpus: 4,
    });
    expect(group.hourlyUsd).toBeCloseTo(55.04, 9);
    expect(group.idleHourlyUsd).toBeCloseTo(27.52, 9);
    expect(plan.hourlyUsd).toBeCloseTo(55.04, 9);
    expect(plan.idleGpus).toBe(4);
    expect(plan.idleHourlyUsd).toBeCloseTo(27.52, 9);
    // Split by GPUs used, idle charged to no model: 55.04 × 2/8 = 13.76; 55.04 × 1/8 = 6.88 each.
    // 13.76 + 6.88 + 6.88 + 27.52 = 55.04.
    expect(plan.perModel["llama-70b"]!.hourlyUsd).toBeCloseTo(13.76, 9);
    expect(plan.perModel["llama-8b"]!.hourlyUsd).toBeCloseTo(6.88, 9);
    expect(plan.perModel["mistral-7b"]!.hourlyUsd).toBeCloseTo(6.88, 9);
    expectBalanced(plan);
    expect(plan.reasons).toContain(
      "llama-70b, llama-8b and mistral-7b share shared-0 (p5.48xlarge, 4 of 8 GPUs used): $55.04/h together vs $68.80/h apart.",
    );
  });

  it("on a tie in price takes fewer nodes: eight 1-GPU models on one p5.48xlarge", () => {
    // 8 × 6.88 = 55.04 = one p5.48xlarge: equal in price, 1 node instead of 8.
    const plan = packModels(
      Array.from({ length: 8 }, (_, i) => model(`m${i}`)),
      OFFERS,
    );
    expect(plan.nodeGroups.map((g) => [g.instanceType, g.models.length, g.idleGpus])).toEqual([["p5.48xlarge", 8, 0]]);
    expect(plan.hourlyUsd).toBeCloseTo(55.04, 9);
  });

  it("never puts an H200 model and an H100 model in one bin", () => {
    const plan = packModels([model("h200-a", { gpu: "h200" }), model("h100-a"), model("h200-b", { gpu: "h200" })], OFFERS);
    // H200s: one p5en.48xlarge 63.296 vs 2 × 63.296 = 126.592 apart. H100: p5.4xlarge 6.88. Total 63.296 + 6.88 = 70.176.
    expect(plan.nodeGroups.map((g) => [g.name, g.instanceType, g.gpu, g.models])).toEqual([
      ["shared-0", "p5en.48xlarge", "h200", ["h200-a", "h200-b"]],
      ["shared-1", "p5.4xlarge", "h100", ["h100-a"]],
    ]);
    expect(plan.hourlyUsd).toBeCloseTo(70.176, 9);
    // 6 idle H200s: 63.296 × 6/8 = 47.472.
    expect(plan.idleHourlyUsd).toBeCloseTo(47.472, 9);
    expectBalanced(plan);

    // 4 + 4 GPUs would fill one 8-GPU node, but the GPUs differ: p5.48xlarge 55.04 + p5en.48xlarge 63.296 = 118.336.
    const halves = packModels([model("h100-tp4", { gpusPerReplica: 4 }), model("h200-tp4", { gpu: "h200", gpusPerReplica: 4 })], OFFERS);
    expect(halves.nodeGroups.map((g) => [g.instanceType, g.models])).toEqual([
      ["p5.48xlarge", ["h100-tp4"]],
      ["p5en.48xlarge", ["h200-tp4"]],
    ]);
    expect(halves.hourlyUsd).toBeCloseTo(118.336, 9);
    // Every model's name starts with its GPU here: a group's models all carry the group's GPU.
    for (const g of [...plan.nodeGroups, ...halves.nodeGroups]) for (const name of g.models) expect(name.startsWith(g.gpu)).toBe(true);
  });
});

describe("dedicated node groups", () => {
  it("gives a 12-GPU model, an autoscaled model and a multi-node model their own groups; packs the rest", () => {
    const plan = packModels(
      [
        model("big", { gpusPerReplica: 4, replicas: 3, dedicatedInstanceType: "p5.48xlarge" }),
        model("auto", { replicas: 2, scalesToZeroOrAutoscaled: true, dedicatedInstanceType: "p5.4xlarge" }),
        model("multi", { gpusPerReplica: 16, nodesPerReplica: 2, dedicatedInstanceType: "p5.48xlarge" }),
        model("small", { dedicatedInstanceType: "p5.48xlarge" }),
      ],
      OFFERS,
    );
    // big: 3 × 4 = 12 GPUs > 8; floor(8 / 4) = 2 replicas per node, ceil(3 / 2) = 2 nodes: 2 × 55.04 = 110.08,
    //   16 − 12 = 4 idle = 55.04 × 4/8 = 27.52.
    // auto: floor(1 / 1) = 1 per node, ceil(2 / 1) = 2 p5.4xlarge: 2 × 6.88 = 13.76, none idle.
    // multi: 1 replica × 2 nodes = 2 p5.48xlarge: 110.08, 16 − 16 = 0 idle.
    // small: packed (its dedicatedInstanceType unused): one p5.4xlarge, 6.88.
    // Total: 110.08 + 13.76 + 110.08 + 6.88 = 240.80.
    expect(plan.nodeGroups.map((g) => [g.name, g.kind, g.instanceType, g.nodes, g.usedGpus, g.idleGpus])).toEqual([
      ["big", "dedicated", "p5.48xlarge", 2, 12, 4],
      ["auto", "dedicated", "p5.4xlarge", 2, 2, 0],
      ["multi", "dedicated", "p5.48xlarge", 2, 16, 0],
      ["shared-0", "shared", "p5.4xlarge", 1, 1, 0],
    ]);
    const [big, auto, multi] = plan.nodeGroups;
    expect(big!.hourlyUsd).toBeCloseTo(110.08, 9);
    expect(big!.idleHourlyUsd).toBeCloseTo(27.52, 9);
    expect(auto!.hourlyUsd).toBeCloseTo(13.76, 9);
    expect(multi!.hourlyUsd).toBeCloseTo(110.08, 9);
    expect(plan.hourlyUsd).toBeCloseTo(240.8, 9);
    expect(plan.nodes).toBe(7);
    expect(plan.idleGpus).toBe(4);
    expect(plan.idleHourlyUsd).toBeCloseTo(27.52, 9);
    // big: 55.04 × 12/8 = 82.56 (its 4 idle GPUs are the 27.52 of idle).
    expect(plan.perModel["big"]!.hourlyUsd).toBeCloseTo(82.56, 9);
    expect(plan.perModel["auto"]!.hourlyUsd).toBeCloseTo(13.76, 9);
    expectBalanced(plan);
    expect(plan.reasons.find((r) => r.startsWith("big "))).toContain("12 GPUs exceed the largest h100 offer (8 GPUs)");
    expect(plan.reasons.find((r) => r.startsWith("auto "))).toContain("autoscales");
    expect(plan.reasons.find((r) => r.startsWith("multi "))).toContain("spans 2 nodes");
  });

  it("names node groups with short DNS labels, never twice the same", () => {
    const plan = packModels(
      [
        model("Meta-Llama/Llama-3.1-405B-Instruct-FP8", { scalesToZeroOrAutoscaled: true, dedicatedInstanceType: "p5.4xlarge" }),
        model("shared-0", { scalesToZeroOrAutoscaled: true, dedicatedInstanceType: "p5.4xlarge" }),
        model("packed"),
      ],
      OFFERS,
    );
    // Lower-cased, "/" and "." cut to "-", the first 28 characters: "meta-llama-llama-3-1-405b-in".
    // The shared node takes "shared-0"; the model of that name gets "shared-0-2".
    expect(plan.nodeGroups.map((g) => g.name)).toEqual(["meta-llama-llama-3-1-405b-in", "shared-0-2", "shared-0"]);
    for (const g of plan.nodeGroups) {
      expect(g.name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
      expect(g.name.length).toBeLessThanOrEqual(MAX_NODE_GROUP_NAME_CHARS);
    }
  });

  it("builds an item from a model's own plan", () => {
    const plan = planDeployment({ model: "llama-3.1-8b-instruct" });
    expect(packingItemOf("llama-8b", plan, true)).toEqual({
      name: "llama-8b",
      gpu: plan.gpu,
      gpusPerReplica: plan.gpusPerReplica,
      nodesPerReplica: plan.nodesPerReplica,
      replicas: plan.replicas,
      scalesToZeroOrAutoscaled: true,
      dedicatedInstanceType: plan.instanceType,
    });
  });
});

/** mulberry32: a small seeded PRNG, so the random cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The naive answer: every set partition of the items, each part priced at the cheapest offer of its
 * GPU with enough GPUs (a part mixing GPUs, or too big for every offer, is not allowed). Prices are
 * compared in thousandths of a dollar (every test price has at most 3 decimals).
 */
function naiveBest(items: readonly PackingItem[], offers: readonly InstanceOffer[]): { milliUsd: number; nodes: number } {
  const partPrice = (part: readonly PackingItem[]): number | undefined => {
    const gpu = part[0]!.gpu;
    if (part.some((item) => item.gpu !== gpu)) return undefined;
    const gpus = part.reduce((t, item) => t + item.replicas * item.gpusPerReplica, 0);
    const prices = offers.filter((o) => o.gpu === gpu && o.gpuCount >= gpus).map((o) => Math.round(o.hourlyUsd * 1000));
    return prices.length > 0 ? Math.min(...prices) : undefined;
  };
  let best = { milliUsd: Infinity, nodes: Infinity };
  const parts: PackingItem[][] = [];
  const visit = (i: number): void => {
    if (i === items.length) {
      let milliUsd = 0;
      for (const part of parts) {
        const price = partPrice(part);
        if (price === undefined) return;
        milliUsd += price;
      }
      if (milliUsd < best.milliUsd || (milliUsd === best.milliUsd && parts.length < best.nodes)) best = { milliUsd, nodes: parts.length };
      return;
    }
    for (const part of parts) {
      part.push(items[i]!);
      visit(i + 1);
      part.pop();
    }
    parts.push([items[i]!]);
    visit(i + 1);
    parts.pop();
  };
  visit(0);
  return best;
}

describe("against a brute-force enumerator", () => {
  it("finds the least price, and the fewest nodes at that price, on 300 seeded random sets", () => {
    const random = mulberry32(20261126);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    for (let round = 0; round < 300; round++) {
      // Half the rounds at the real prices (equal per GPU: ties everywhere), half at random cents.
      const real = round % 2 === 0;
      const price = () => Math.round(100 + random() * 9900) / 100;
      const offers: InstanceOffer[] = real
        ? OFFERS
        : [
            { instanceType: "p5.4xlarge", gpu: "h100", gpuCount: pick([1, 2]), hourlyUsd: price() },
            { instanceType: "p5.48xlarge", gpu: "h100", gpuCount: pick([4, 8]), hourlyUsd: price() },
            { instanceType: "p5en.48xlarge", gpu: "h200", gpuCount: 8, hourlyUsd: price() },
          ];
      const largest = (gpu: GpuId) => Math.max(...offers.filter((o) => o.gpu === gpu).map((o) => o.gpuCount));
      const count = 1 + Math.floor(random() * 7);
      const items = Array.from({ length: count }, (_, i) => {
        const gpu: GpuId = random() < 0.75 ? "h100" : "h200";
        const gpusPerReplica = pick([1, 1, 2, 4]);
        let replicas = pick([1, 1, 2, 3]);
        while (replicas > 1 && replicas * gpusPerReplica > largest(gpu)) replicas--;
        return model(`m${i}`, { gpu, gpusPerReplica: Math.min(gpusPerReplica, largest(gpu)), replicas });
      });
      const plan = packModels(items, offers);
      const expected = naiveBest(items, offers);
      const context = JSON.stringify({ round, items, offers });
      expect(Math.round(plan.hourlyUsd * 1000), context).toBe(expected.milliUsd);
      expect(plan.nodes, context).toBe(expected.nodes);
      // Every model placed once, in a group of its GPU that holds it.
      expect(plan.nodeGroups.flatMap((g) => g.models).sort(), context).toEqual(items.map((item) => item.name).sort());
      for (const g of plan.nodeGroups) {
        const offer = offers.find((o) => o.instanceType === g.instanceType)!;
        expect(g.kind).toBe("shared");
        expect(g.usedGpus + g.idleGpus).toBe(offer.gpuCount);
        for (const name of g.models) expect(items.find((item) => item.name === name)!.gpu).toBe(g.gpu);
      }
      expectBalanced(plan);
      expect(packModels(items, offers), context).toEqual(plan);
    }
  });
});

describe("refusals", () => {
  it("packs 16 models, refuses 17 naming the count and the limit", () => {
    expect(MAX_PACKED_MODELS).toBe(16);
    // 16 × 6.88 = 110.08 = 2 × 55.04: equal price, 2 nodes instead of 16.
    const sixteen = packModels(
      Array.from({ length: 16 }, (_, i) => model(`m${i}`)),
      OFFERS,
    );
    expect(sixteen.nodeGroups.map((g) => [g.instanceType, g.models.length])).toEqual([
      ["p5.48xlarge", 8],
      ["p5.48xlarge", 8],
    ]);
    expect(sixteen.hourlyUsd).toBeCloseTo(110.08, 9);

    const error = captureError(() =>
      packModels(
        Array.from({ length: 17 }, (_, i) => model(`m${i}`)),
        OFFERS,
      ),
    );
    expect(error).toBeInstanceOf(PlanInputError);
    expect(error.message).toMatch(/got 17; expected at most 16 models packed/);
  });

  it("counts only packed models against the limit", () => {
    const items = [
      ...Array.from({ length: 16 }, (_, i) => model(`m${i}`)),
      model("auto", { scalesToZeroOrAutoscaled: true, dedicatedInstanceType: "p5.4xlarge" }),
    ];
    expect(packModels(items, OFFERS).nodeGroups.map((g) => g.name)).toEqual(["shared-0", "shared-1", "auto"]);
  });

  it("refuses a dedicated model without a fitting instance type of its GPU", () => {
    const missing = captureError(() => packModels([model("auto", { scalesToZeroOrAutoscaled: true })], OFFERS));
    expect(missing).toBeInstanceOf(PlanInputError);
    expect(missing.message).toContain("models[0].dedicatedInstanceType: got (not set)");
    expect(missing.message).toContain("because auto gets its own node group (it autoscales");

    const wrongGpu = captureError(() => packModels([model("big", { replicas: 9, dedicatedInstanceType: "p5en.48xlarge" })], OFFERS));
    expect(wrongGpu.message).toContain("a priced h100 instance type");

    const tooSmall = captureError(() =>
      packModels([model("tp2", { gpusPerReplica: 2, replicas: 9, dedicatedInstanceType: "p5.4xlarge" })], OFFERS),
    );
    expect(tooSmall.message).toContain("hold a replica's 2 GPUs (p5.4xlarge has 1)");
  });

  it("refuses repeated names, bad fields and a GPU no offer carries", () => {
    expect(() => packModels([model("a"), model("a")], OFFERS)).toThrow(/models\[1\]\.name: got "a"/);
    expect(() => packModels([model("a", { replicas: 0 })], OFFERS)).toThrow(/models\[0\]\.replicas/);
    const h100Only = OFFERS.filter((o) => o.gpu === "h100");
    expect(() => packModels([model("a", { gpu: "h200" })], h100Only)).toThrow(/models\[0\]\.gpu: got "h200"/);
    const twice: InstanceOffer[] = [...OFFERS, { instanceType: "p5.4xlarge", gpu: "h100", gpuCount: 1, hourlyUsd: 1 }];
    expect(() => packModels([model("a")], twice)).toThrow(/each instance type once/);
  });
});
