/**
 * llm-stack-cost-budget (mandatory): the stack's hourly and monthly on-demand cost — node groups at
 * desired and at maximum size, EKS control planes, NAT gateways — priced from the one price table,
 * stays within the configured budget. An instance type without a price fails: the budget cannot be
 * proven.
 */
import * as aws from "@pulumi/aws";
import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { PRICE_TABLE_DATE, REGIONS, type Region } from "../infra/catalog";
import { DEFAULTS, describeCost, eksSupportTypeOf, priceItems, type PricedItem } from "../infra/plan";
import { nodeGroupsOf } from "./lib/stack-view";

export interface CostBudgetConfig {
  maxHourlyUsd: number;
  maxMonthlyUsd: number;
  region: Region;
}

const usd = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The priced resources of a stack, as the shared pricing function reads them. */
export function pricedItemsOf(resources: readonly PolicyResource[]): PricedItem[] {
  const items: PricedItem[] = nodeGroupsOf(resources).map((g) => ({
    kind: "node-group", name: g.name, instanceType: g.instanceType ?? "(none)", desiredSize: g.desiredSize, maxSize: g.maxSize,
  }));
  for (const r of resources) {
    if (r.isType(aws.eks.Cluster)) items.push({ kind: "eks-cluster", name: r.name, supportType: eksSupportTypeOf(r.props.upgradePolicy?.supportType) });
    if (r.isType(aws.ec2.NatGateway)) items.push({ kind: "nat-gateway", name: r.name });
  }
  return items;
}

export const costBudget: StackValidationPolicy = {
  name: "llm-stack-cost-budget",
  description: "The stack's on-demand cost (node groups at desired and maximum size, EKS, NAT) stays within maxHourlyUsd and maxMonthlyUsd.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxHourlyUsd: { type: "number", default: 100, minimum: 0, description: "Budget in USD per hour, checked at maximum node-group size." },
      maxMonthlyUsd: { type: "number", default: 73000, minimum: 0, description: "Budget in USD per month (730 h), at maximum node-group size." },
      region: { type: "string", enum: [...REGIONS], default: DEFAULTS.region, description: "Region whose prices apply." },
    },
  },
  validateStack: (args, reportViolation) => {
    const { maxHourlyUsd, maxMonthlyUsd, region } = args.getConfig<CostBudgetConfig>();
    const cost = priceItems(pricedItemsOf(args.resources), region);
    if (cost.unpriced.length > 0) {
      reportViolation(`The budget cannot be proven: the price table (${PRICE_TABLE_DATE}) has no on-demand price for ${cost.unpriced.join("; ")}. Fix: use a priced instance type or add its row to infra/catalog/prices.ts with its source.`);
    }
    const summary = `${usd(cost.maxHourlyUsd)}/h at maximum node-group size (${usd(cost.hourlyUsd)}/h at desired size): ${describeCost(cost)}`;
    if (cost.maxHourlyUsd > maxHourlyUsd) {
      reportViolation(`The stack costs ${summary}, above maxHourlyUsd ${usd(maxHourlyUsd)}. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.`);
    }
    if (cost.maxMonthlyUsd > maxMonthlyUsd) {
      reportViolation(`The stack costs ${usd(cost.maxMonthlyUsd)}/month at maximum node-group size (730 h at ${summary}), above maxMonthlyUsd ${usd(maxMonthlyUsd)}. Fix: shrink the plan or raise the budget in the policy pack config.`);
    }
  },
};
