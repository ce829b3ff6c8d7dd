/**
 * Hourly cost of a stack's priced resources — node groups, EKS control planes, NAT gateways — from
 * the one price table. The program prices its plan with it before creating anything, the policy
 * pack prices the resources a preview registers with it, and the cost tool reuses both; the
 * constants below also size what the program creates, so price and infrastructure cannot drift.
 */
import {
  HOURS_PER_MONTH,
  INSTANCES,
  SERVICE_PRICES,
  PRICE_SNAPSHOT,
  instanceHourlyUsd,
  isInstanceType,
  priceCaveats,
  type CapacityType,
  type PriceSnapshot,
  type EksSupportType,
  type InstanceType,
  type Region,
} from "../catalog";
import { fixedRange, type ReplicaRange } from "./autoscaling";
import { type DeploymentPlan } from "./deployment-plan";
import { roundTo as round } from "./rounding";

/** The CPU node group that runs CoreDNS, the device plugin and other system pods (2 nodes: CoreDNS keeps 2 replicas on separate nodes). */
export const SYSTEM_NODE_GROUP = { instanceType: "m7i.xlarge" as InstanceType, desiredSize: 2, minSize: 2, maxSize: 3, diskSizeGiB: 50 };

/** One NAT gateway for the private subnets: a second one buys AZ-failure tolerance for $0.045/h more. */
export const NAT_GATEWAYS = 1;

export type ClusterMode = "create" | "eks" | "kubeconfig";

/** A resource that costs money by the hour. */
export type PricedItem =
  /** `minSize` defaults to `desiredSize`: a group that never shrinks below what it starts with. */
  | {
      kind: "node-group";
      name: string;
      instanceType: string;
      desiredSize: number;
      maxSize: number;
      minSize?: number;
      /** How its instances are bought (default on-demand); a Capacity Block bills every instance of the group at its maximum, used or not. */
      capacityType?: CapacityType;
    }
  /** `supportType` extended: the control plane is billed at the extended-support rate. */
  | { kind: "eks-cluster"; name: string; supportType: EksSupportType }
  | { kind: "nat-gateway"; name: string };

export interface CostLineItem {
  item: string;
  quantity: number;
  unitHourlyUsd: number;
  hourlyUsd: number;
  /** At the node group's maximum size (equal to hourlyUsd for everything else). */
  maxHourlyUsd: number;
  /** At the node group's minimum size: what an autoscaled stack costs when idle. */
  minHourlyUsd: number;
  /** Nodes at the group's maximum (1 for everything else). */
  maxQuantity: number;
  /**
   * The most one unit can cost per hour: unitHourlyUsd, except spot — its snapshot price moves, up
   * to its maximum price, which defaults to the on-demand price — so maxHourlyUsd, and the budget
   * that compares it, holds spot at that ceiling.
   */
  maxUnitHourlyUsd: number;
}

export interface StackCost {
  lineItems: CostLineItem[];
  /** At desired size: the expected cost (an autoscaled stack's planned replicas). */
  hourlyUsd: number;
  monthlyUsd: number;
  /** Every node group at its minimum size (an autoscaled stack at minReplicas). */
  minHourlyUsd: number;
  minMonthlyUsd: number;
  /** Every node group at its maximum size. */
  maxHourlyUsd: number;
  maxMonthlyUsd: number;
  /** Items the price table cannot price: a budget cannot be proven while any remain. */
  unpriced: UnpricedItem[];
  region: Region;
  /** What the prices used rest on beyond a fresh row read for the region (a row assumed from another region, a stale one): every breakdown says it. */
  caveats: string[];
}

/** Something that buys compute without a price: what it is and how to make it priceable. */
export interface UnpricedItem {
  what: string;
  fix: string;
}

/** An instance type the dated price snapshot has no row for, bought as `capacityType`. */
export const missingPrice = (
  name: string,
  instanceType: string,
  region: string,
  capacityType: CapacityType = "on-demand",
): UnpricedItem => ({
  what: `${name}: ${instanceType} in ${region} has no ${capacityType} price in the snapshot`,
  fix:
    capacityType === "on-demand"
      ? "use a priced instance type or add its row to infra/catalog/ec2-prices.json with its source (npm run prices:generate)"
      : `add its ${capacityType} row to infra/catalog/ec2-prices.json (npm run prices:generate reads it from AWS), or buy it another way (capacityType)`,
});

/** What a line item says after the instance type: nothing for on-demand, so on-demand breakdowns read as before. */
const PURCHASE_LABEL: Record<CapacityType, string> = { "on-demand": "", spot: " (spot)", "capacity-block": " (Capacity Block)" };

/** `snapshot`: the dated EC2 prices (the committed one unless a test or the generator gives another). */
export function priceItems(items: readonly PricedItem[], region: Region, snapshot: PriceSnapshot = PRICE_SNAPSHOT): StackCost {
  const lineItems: CostLineItem[] = [];
  const unpriced: UnpricedItem[] = [];
  for (const item of items) {
    if (item.kind === "node-group") {
      const capacityType = item.capacityType ?? "on-demand";
      const price = isInstanceType(item.instanceType) ? instanceHourlyUsd(item.instanceType, region, capacityType, snapshot) : undefined;
      if (price === undefined) {
        unpriced.push(missingPrice(item.name, item.instanceType, region, capacityType));
        continue;
      }
      const role = isInstanceType(item.instanceType) && INSTANCES[item.instanceType].gpu ? "GPU nodes" : "CPU nodes";
      // A Capacity Block is paid for every instance of the block whatever runs: the group's maximum, at every size.
      const block = capacityType === "capacity-block";
      const minSize = block ? item.maxSize : (item.minSize ?? item.desiredSize);
      const desiredSize = block ? item.maxSize : item.desiredSize;
      const ceiling =
        capacityType === "spot" && isInstanceType(item.instanceType)
          ? Math.max(price, instanceHourlyUsd(item.instanceType, region, "on-demand", snapshot) ?? price)
          : price;
      lineItems.push({
        item: `${role} ${item.instanceType}${PURCHASE_LABEL[capacityType]}`,
        quantity: desiredSize,
        unitHourlyUsd: price,
        hourlyUsd: round(desiredSize * price, 4),
        maxHourlyUsd: round(item.maxSize * ceiling, 4),
        minHourlyUsd: round(minSize * price, 4),
        maxQuantity: item.maxSize,
        maxUnitHourlyUsd: ceiling,
      });
    } else if (item.kind === "eks-cluster") {
      const extended = item.supportType === "extended";
      const { value } = extended ? SERVICE_PRICES.eksExtendedSupportHourlyUsd : SERVICE_PRICES.eksControlPlaneHourlyUsd;
      lineItems.push({
        item: extended ? "EKS control plane (extended support)" : "EKS control plane",
        quantity: 1,
        unitHourlyUsd: value,
        hourlyUsd: value,
        maxHourlyUsd: value,
        minHourlyUsd: value,
        maxQuantity: 1,
        maxUnitHourlyUsd: value,
      });
    } else {
      const { value } = SERVICE_PRICES.natGatewayHourlyUsd;
      lineItems.push({
        item: "NAT gateway",
        quantity: 1,
        unitHourlyUsd: value,
        hourlyUsd: value,
        maxHourlyUsd: value,
        minHourlyUsd: value,
        maxQuantity: 1,
        maxUnitHourlyUsd: value,
      });
    }
  }
  // Dearest first, so a budget message leads with what matters.
  lineItems.sort((a, b) => b.maxHourlyUsd - a.maxHourlyUsd || a.item.localeCompare(b.item));
  const sum = (pick: (l: CostLineItem) => number) =>
    round(
      lineItems.reduce((total, l) => total + pick(l), 0),
      4,
    );
  const hourlyUsd = sum((l) => l.hourlyUsd);
  const maxHourlyUsd = sum((l) => l.maxHourlyUsd);
  const minHourlyUsd = sum((l) => l.minHourlyUsd);
  return {
    lineItems,
    hourlyUsd,
    monthlyUsd: round(hourlyUsd * HOURS_PER_MONTH, 2),
    minHourlyUsd,
    minMonthlyUsd: round(minHourlyUsd * HOURS_PER_MONTH, 2),
    maxHourlyUsd,
    maxMonthlyUsd: round(maxHourlyUsd * HOURS_PER_MONTH, 2),
    unpriced,
    region,
    caveats: priceCaveats(
      items.flatMap((item) =>
        item.kind === "node-group" && isInstanceType(item.instanceType)
          ? [{ instanceType: item.instanceType, capacityType: item.capacityType ?? "on-demand" }]
          : [],
      ),
      region,
      snapshot,
    ),
  };
}

/**
 * What the program creates in `mode` (an existing cluster's own costs are not the stack's). The GPU
 * group spans `range`: the planned replicas' nodes expected, the range's ends at least and at most.
 */
export function plannedItems(
  plan: DeploymentPlan,
  mode: ClusterMode,
  supportType: EksSupportType = "standard",
  range: ReplicaRange = fixedRange(plan),
  capacityType: CapacityType = "on-demand",
): PricedItem[] {
  const gpu: GpuNodeGroupSize = {
    name: "gpu",
    instanceType: plan.instanceType,
    nodes: plan.nodes,
    minNodes: range.minNodes,
    maxNodes: range.maxNodes,
    capacityType,
  };
  return clusterItems([gpu], mode, supportType);
}

/** One GPU node group as planned: its nodes expected, and the ends of its autoscaled range. */
export interface GpuNodeGroupSize {
  name: string;
  instanceType: InstanceType;
  nodes: number;
  minNodes: number;
  maxNodes: number;
  /** How the group's instances are bought (default on-demand). */
  capacityType?: CapacityType;
}

/** What the program creates in `mode` around these GPU node groups (one for a model, a packing's for a set). */
export function clusterItems(
  gpuGroups: readonly GpuNodeGroupSize[],
  mode: ClusterMode,
  supportType: EksSupportType = "standard",
): PricedItem[] {
  if (mode === "kubeconfig") return [];
  const items: PricedItem[] = gpuGroups.map((group) => ({
    kind: "node-group",
    name: group.name,
    instanceType: group.instanceType,
    desiredSize: group.nodes,
    maxSize: group.maxNodes,
    minSize: group.minNodes,
    ...(group.capacityType && group.capacityType !== "on-demand" ? { capacityType: group.capacityType } : {}),
  }));
  if (mode === "create") {
    items.push({
      kind: "node-group",
      name: "system",
      instanceType: SYSTEM_NODE_GROUP.instanceType,
      desiredSize: SYSTEM_NODE_GROUP.desiredSize,
      maxSize: SYSTEM_NODE_GROUP.maxSize,
      minSize: SYSTEM_NODE_GROUP.minSize,
    });
    items.push({ kind: "eks-cluster", name: "cluster", supportType });
    for (let i = 0; i < NAT_GATEWAYS; i++) items.push({ kind: "nat-gateway", name: `nat-${i}` });
  }
  return items;
}

/**
 * The support type an EKS cluster resource is billed under, from its `upgradePolicy.supportType`.
 * Priced conservatively: EXTENDED — and no policy at all, since EKS enables extended support by
 * default (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html) — is priced at
 * the extended rate, which the cluster pays as soon as its version leaves standard support.
 */
export function eksSupportTypeOf(upgradePolicySupportType: unknown): EksSupportType {
  return upgradePolicySupportType === "STANDARD" ? "standard" : "extended";
}

export function stackCost(
  plan: DeploymentPlan,
  mode: ClusterMode,
  region: Region,
  supportType: EksSupportType = "standard",
  range: ReplicaRange = fixedRange(plan),
  capacityType: CapacityType = "on-demand",
): StackCost {
  return priceItems(plannedItems(plan, mode, supportType, range, capacityType), region);
}

/** "1 × GPU nodes p5.48xlarge $55.040/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + …": the breakdown every budget message shows. */
export function describeCost(cost: StackCost): string {
  return cost.lineItems
    .map((l) => {
      const atDesired = `${l.quantity} × ${l.item} $${l.hourlyUsd.toFixed(3)}/h`;
      // A group that can grow says so: the budget compares its maximum.
      return l.maxHourlyUsd === l.hourlyUsd
        ? atDesired
        : `${atDesired} (${l.maxQuantity} at most${l.maxUnitHourlyUsd !== l.unitHourlyUsd ? ` at the on-demand ceiling of $${l.maxUnitHourlyUsd.toFixed(3)}/h each` : ""}: $${l.maxHourlyUsd.toFixed(3)}/h)`;
    })
    .join(" + ")
    .concat(cost.caveats.length > 0 ? `; ${cost.caveats.join("; ")}` : "");
}

/** What a Capacity Block costs: paid up front for every instance and every hour of the block. */
export interface CapacityBlockTerms {
  instanceType: InstanceType;
  instances: number;
  startDate: string;
  endDate: string;
  hours: number;
  /** The block's rate per instance-hour (the snapshot's). */
  perInstanceHourUsd: number;
  /** rate × instances × hours: what AWS charges when the block is bought. */
  upfrontUsd: number;
  /** The upfront fee spread over the block's hours: what it costs per hour whether or not anything runs. */
  hourlyEquivalentUsd: number;
  /** The same instances on demand, per hour: what the block saves, or costs, against them. */
  onDemandHourlyUsd: number | undefined;
}

/** A Capacity Block of `instances` × `instanceType` between two ISO times, or undefined where the snapshot has no block rate. */
export function capacityBlockTerms(
  instanceType: InstanceType,
  region: Region,
  instances: number,
  startDate: string,
  endDate: string,
): CapacityBlockTerms | undefined {
  const rate = instanceHourlyUsd(instanceType, region, "capacity-block");
  if (rate === undefined) return undefined;
  const hours = (Date.parse(endDate) - Date.parse(startDate)) / 3_600_000;
  const onDemand = instanceHourlyUsd(instanceType, region, "on-demand");
  return {
    instanceType,
    instances,
    startDate,
    endDate,
    hours,
    perInstanceHourUsd: rate,
    upfrontUsd: round(rate * instances * hours, 2),
    hourlyEquivalentUsd: round(rate * instances, 4),
    onDemandHourlyUsd: onDemand === undefined ? undefined : round(onDemand * instances, 4),
  };
}
