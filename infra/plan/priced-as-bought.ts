/**
 * The planner and the packing compare instance types at on-demand prices; a stack that buys spot or
 * a Capacity Block then has its plan and its packing priced at that rate (instanceHourlyUsd: spot's
 * snapshot or its on-demand ceiling, a block's rate), so its cost, $/M tokens, a set's per-model
 * shares and idle GPUs and the benchmark's price are the stack's. Where the snapshot has no rate the
 * on-demand figures stay, and the stack's cost names the group unpriced.
 */
import { instanceHourlyUsd, type CapacityType, type InstanceType, type Region } from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { type PackingPlan } from "./packing";
import { roundTo } from "./rounding";

export function pricedAsBought(plan: DeploymentPlan, capacityType: CapacityType): DeploymentPlan {
  if (capacityType === "on-demand") return plan;
  const rate = instanceHourlyUsd(plan.instanceType, plan.region, capacityType);
  if (rate === undefined) return plan;
  const hourlyUsd = roundTo(rate * plan.nodes, 4);
  return {
    ...plan,
    cost: { ...plan.cost, instanceHourlyUsd: rate, hourlyUsd, monthlyUsd: roundTo(hourlyUsd * plan.cost.hoursPerMonth, 2), capacityType },
  };
}

/** Each group's cost, its idle GPUs and each model's share at the group's purchase rate. */
export function packingPricedAsBought(packing: PackingPlan, region: Region, capacityType: CapacityType): PackingPlan {
  if (capacityType === "on-demand") return packing;
  const factorOf = (instanceType: InstanceType) => {
    const rate = instanceHourlyUsd(instanceType, region, capacityType);
    const onDemand = instanceHourlyUsd(instanceType, region, "on-demand");
    return rate === undefined || onDemand === undefined ? 1 : rate / onDemand;
  };
  const nodeGroups = packing.nodeGroups.map((group) => {
    const factor = factorOf(group.instanceType);
    return { ...group, hourlyUsd: group.hourlyUsd * factor, idleHourlyUsd: group.idleHourlyUsd * factor };
  });
  const perModel = Object.fromEntries(
    Object.entries(packing.perModel).map(([name, share]) => [
      name,
      { hourlyUsd: share.hourlyUsd * factorOf(packing.placements[name]!.instanceType) },
    ]),
  );
  const sum = (pick: (group: (typeof nodeGroups)[number]) => number) => nodeGroups.reduce((total, group) => total + pick(group), 0);
  return { ...packing, nodeGroups, perModel, hourlyUsd: sum((g) => g.hourlyUsd), idleHourlyUsd: sum((g) => g.idleHourlyUsd) };
}
