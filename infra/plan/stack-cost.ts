/**
 * What a stack pays per hour besides the GPUs the plan chose, and the total. The same constants
 * size the resources the program creates (components import them), so the price and the
 * infrastructure cannot drift apart.
 */
import { HOURS_PER_MONTH, SERVICE_PRICES, findHourlyPriceUsd, type InstanceType, type Region } from "../catalog";
import { type DeploymentPlan } from "./planner";

/** The CPU node group that runs CoreDNS, the device plugin and other system pods (2 nodes: CoreDNS keeps 2 replicas on separate nodes). */
export const SYSTEM_NODE_GROUP = { instanceType: "m7i.xlarge" as InstanceType, desiredSize: 2, minSize: 2, maxSize: 3, diskSizeGiB: 50 };

/** One NAT gateway for the private subnets: a second one buys AZ-failure tolerance for $0.045/h more. */
export const NAT_GATEWAYS = 1;

export type ClusterMode = "create" | "eks" | "kubeconfig";

export interface CostLineItem {
  item: string;
  quantity: number;
  unitHourlyUsd: number;
  hourlyUsd: number;
}

export interface StackCost {
  lineItems: CostLineItem[];
  hourlyUsd: number;
  monthlyUsd: number;
}

const line = (item: string, quantity: number, unitHourlyUsd: number): CostLineItem => ({
  item, quantity, unitHourlyUsd, hourlyUsd: Number((quantity * unitHourlyUsd).toFixed(4)),
});

/** Hourly on-demand cost of everything the program creates in `mode` (an existing cluster's own costs are not ours). */
export function stackCost(plan: DeploymentPlan, mode: ClusterMode, region: Region): StackCost {
  const lineItems: CostLineItem[] = [];
  if (mode !== "kubeconfig") lineItems.push(line(`GPU nodes ${plan.instanceType}`, plan.nodes, plan.cost.instanceHourlyUsd));
  if (mode === "create") {
    lineItems.push(line(`system nodes ${SYSTEM_NODE_GROUP.instanceType}`, SYSTEM_NODE_GROUP.desiredSize, findHourlyPriceUsd(SYSTEM_NODE_GROUP.instanceType, region) ?? Number.NaN));
    lineItems.push(line("EKS control plane", 1, SERVICE_PRICES.eksControlPlaneHourlyUsd.value));
    lineItems.push(line("NAT gateway", NAT_GATEWAYS, SERVICE_PRICES.natGatewayHourlyUsd.value));
  }
  const hourlyUsd = Number(lineItems.reduce((sum, l) => sum + l.hourlyUsd, 0).toFixed(4));
  return { lineItems, hourlyUsd, monthlyUsd: Number((hourlyUsd * HOURS_PER_MONTH).toFixed(2)) };
}
