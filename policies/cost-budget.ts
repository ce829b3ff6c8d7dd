/**
 * llm-stack-cost-budget (mandatory): the stack's hourly and monthly cost — every resource
 * that buys compute, at its maximum (infra/pricing/resource-prices.ts: node groups, EC2 instances,
 * Auto Scaling groups, Karpenter NodePools, EKS, NAT) — stays within the configured budget, priced
 * in the region the stack's AWS provider names. Anything that buys compute without a price, or
 * whose size is unknown, fails: the budget cannot be proven.
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { HOURS_PER_MONTH, PRICE_TABLE_DATE, REGIONS, type Region } from "../infra/catalog";
import { DEFAULTS, describeCost } from "../infra/plan";
import { optionCostsOf } from "../infra/pricing/capacity-options-record";
import { pricingResourcesOf, regionOf, stackCostOf } from "../infra/pricing/resource-prices";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

/**
 * Default hourly budget: above the kit's dearest example at its maximum — the scout stack's H200
 * fallback (Pulumi.scout.yaml), 2 × p5en.48xlarge at $63.296 + the system nodes, EKS and NAT:
 * $127.34/h. Every team sets its own in the pack config.
 */
const DEFAULT_MAX_HOURLY_USD = 130;

export interface CostBudgetConfig {
  maxHourlyUsd: number;
  maxMonthlyUsd: number;
  region: Region;
  vouchedTypes: string[];
}

const usd = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const costBudget: StackValidationPolicy = {
  name: "llm-stack-cost-budget",
  description:
    "The stack's cost, each node group priced as it is bought (node groups at desired and maximum size, EKS, NAT), and every capacity option it can switch to, stays within maxHourlyUsd and maxMonthlyUsd.",
  enforcementLevel: "mandatory",
  // Numbers, never strings: "abc" compared with a cost is false both ways and would pass every stack.
  configSchema: strictConfigSchema({
    // Defaults that admit the kit's dearest example (see DEFAULT_MAX_HOURLY_USD).
    maxHourlyUsd: {
      type: "number",
      default: DEFAULT_MAX_HOURLY_USD,
      minimum: 0,
      description: "Budget in USD per hour, checked at maximum node-group size.",
    },
    maxMonthlyUsd: {
      type: "number",
      default: DEFAULT_MAX_HOURLY_USD * HOURS_PER_MONTH,
      minimum: 0,
      description: `Budget in USD per month (${HOURS_PER_MONTH} h), at maximum node-group size.`,
    },
    region: { type: "string", enum: [...REGIONS], default: DEFAULTS.region, description: "Region whose prices apply." },
    vouchedTypes: {
      type: "array",
      items: { type: "string", pattern: "^[a-z0-9-]+:[^:]+:[A-Za-z0-9]+$" },
      default: [],
      description:
        "Resource types the team vouches buy no compute, priced as nothing instead of refused as unpriceable (a type the table does not know fails the budget otherwise).",
    },
  }),
  validateStack: (args, reportViolation) => {
    const {
      maxHourlyUsd,
      maxMonthlyUsd,
      region: configured,
      vouchedTypes,
    } = readPolicyConfig<CostBudgetConfig>(costBudget, args.getConfig);
    const resources = pricingResourcesOf(args.resources);
    // The stack's own AWS provider says where it runs; the config's region is the fallback.
    const region = regionOf(resources, configured, (value): value is Region => REGIONS.includes(value as Region));
    const cost = stackCostOf(resources, region, vouchedTypes);
    if (cost.unpriced.length > 0) {
      const fixes = [...new Set(cost.unpriced.map((u) => u.fix))];
      reportViolation(
        `The budget cannot be proven with the price table of ${PRICE_TABLE_DATE}: ${cost.unpriced.map((u) => u.what).join("; ")}. Fix: ${fixes.join("; ")}.`,
      );
    }
    if (cost.unknowns.length > 0) {
      reportViolation(
        `The budget cannot be proven yet: ${cost.unknowns.join("; ")}. Fix: give the size and instance type as known values, or check again once they are.`,
      );
    }
    const summary = `${usd(cost.maxHourlyUsd)}/h at maximum node-group size (${usd(cost.hourlyUsd)}/h at desired size): ${describeCost(cost)}`;
    if (cost.maxHourlyUsd > maxHourlyUsd) {
      reportViolation(
        `The stack costs ${summary}, above maxHourlyUsd ${usd(maxHourlyUsd)}. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.`,
      );
    }
    // The options the stack could switch to (capacityOption): each priced in place of the deployed GPU nodes; the dearest must fit.
    for (const option of optionCostsOf(resources, region, vouchedTypes)) {
      if ("unreadable" in option) {
        reportViolation(
          `The budget cannot be proven for the stack's capacity options: ${option.unreadable}. Fix: let the program write it (do not edit it).`,
        );
        continue;
      }
      if (option.deployed) continue;
      if (option.cost.unpriced.length > 0) {
        reportViolation(
          `The budget cannot be proven for capacity ${option.label} with the price table of ${PRICE_TABLE_DATE}: ${option.cost.unpriced.map((u) => u.what).join("; ")}. Fix: ${[...new Set(option.cost.unpriced.map((u) => u.fix))].join("; ")}, or remove the option from capacityFallbacks.`,
        );
      } else if (option.cost.maxHourlyUsd > maxHourlyUsd || option.cost.maxMonthlyUsd > maxMonthlyUsd) {
        reportViolation(
          `Capacity ${option.label}, which capacityOption can switch the stack to, costs ${usd(option.cost.maxHourlyUsd)}/h (${usd(option.cost.maxMonthlyUsd)}/month) at maximum node-group size: ${describeCost(option.cost)}; above maxHourlyUsd ${usd(maxHourlyUsd)} or maxMonthlyUsd ${usd(maxMonthlyUsd)}. The budget holds every option, each priced as it is bought. Fix: remove or change that fallback (capacityFallbacks), or raise the budget in the policy pack config.`,
        );
      }
    }
    if (cost.maxMonthlyUsd > maxMonthlyUsd) {
      reportViolation(
        `The stack costs ${usd(cost.maxMonthlyUsd)}/month at maximum node-group size (${HOURS_PER_MONTH} h at ${summary}), above maxMonthlyUsd ${usd(maxMonthlyUsd)}. Fix: shrink the plan or raise the budget in the policy pack config.`,
      );
    }
  },
};
