/**
 * A plan priced as its nodes are bought. By hand from infra/catalog/ec2-prices.json (us-east-1):
 * p5.48xlarge $55.04 on demand, $34.61 per instance-hour as a Capacity Block; no p5.4xlarge block.
 */
import { describe, expect, it } from "vitest";
import { planDeployment } from "../../infra/plan";
import { pricedAsBought } from "../../infra/plan/priced-as-bought";

describe("a plan priced as bought", () => {
  // Llama 3.1 405B bf16: 2 × p5.48xlarge (TP 8 × PP 2).
  const plan = planDeployment({ model: "llama-3.1-405b-instruct", quantization: "bf16", maxModelLen: 32768 });

  it("keeps the planner's on-demand prices for on-demand", () => {
    expect(pricedAsBought(plan, "on-demand")).toBe(plan);
    expect(plan.cost).toMatchObject({ instanceHourlyUsd: 55.04, hourlyUsd: 110.08 });
  });

  it("prices a Capacity Block at its rate: 2 × $34.61 = $69.22/h, × 730 h = $50,530.60", () => {
    expect(pricedAsBought(plan, "capacity-block").cost).toMatchObject({
      capacityType: "capacity-block",
      instanceHourlyUsd: 34.61,
      hourlyUsd: 69.22,
      monthlyUsd: 50530.6,
    });
  });

  it("leaves a type the snapshot has no rate for as planned (the stack's cost names it unpriced)", () => {
    const small = planDeployment({ model: "llama-3.1-8b-instruct", maxModelLen: 32768 });
    expect(small.instanceType).toBe("p5.4xlarge");
    expect(pricedAsBought(small, "capacity-block")).toBe(small);
  });
});
