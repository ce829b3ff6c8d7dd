/**
 * THE pricing table by Pulumi resource type: every type that buys compute maps to the items it
 * costs, at its maximum size, or is named as unpriced — never $0 by omission. The cost tool, the
 * `--from-preview` reader and the budget policy all price resources through `priceResources`.
 *
 * - EKS managed node groups: scalingConfig.maxSize × the dearest of their instance types (a group
 *   with none takes its launch template's type).
 * - EC2 instances: one each. Auto Scaling groups: maxSize × the dearest of the launch template's and
 *   the mixed-instances overrides' types.
 * - Karpenter NodePools: the `nvidia.com/gpu` limit in whole nodes of the dearest allowed type; a
 *   GPU NodePool without that limit can spend without bound, so it is unpriced.
 * - EKS control planes and NAT gateways: per hour each.
 * - Anything else that buys compute (spot requests, fleets, Fargate profiles, SageMaker, Batch, …):
 *   unpriced, with its name, so a budget can never pass it silently.
 * - Fail closed: an AWS type, or a Kubernetes type of Karpenter or EKS Auto Mode, that is in none of
 *   these lists and not among the types known to buy no compute (NO_COMPUTE_TYPES) is "cannot be
 *   priced", unless the operator vouches for it (the budget policy's `vouchedTypes`).
 */
import {
  INSTANCES,
  EKS_CAPACITY_TYPES,
  capacityTypeOfEks,
  findHourlyPriceUsd,
  isInstanceType,
  type CapacityType,
  type InstanceType,
  type Region,
} from "../catalog";
import { eksSupportTypeOf, missingPrice, parseQuantity, priceItems, type PricedItem, type StackCost, type UnpricedItem } from "../plan";

/** One resource as the pricing reads it: its type token, name and inputs (or outputs). */
export interface PricingResource {
  type: string;
  name: string;
  props: Record<string, any>;
}

export interface ResourcePricing {
  items: PricedItem[];
  /** Resources that buy compute the table cannot price (a budget fails on these). */
  unpriced: UnpricedItem[];
  /** Resources whose size or type is unknown until apply (a preview's unknowns). */
  unknowns: string[];
}

/** Types that buy compute and have no price rule here: always reported, never $0. */
export const UNPRICED_COMPUTE_TYPES: readonly string[] = [
  "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  "aws:ec2/fleet:Fleet",
  "aws:ec2/spotFleetRequest:SpotFleetRequest",
  "aws:eks/fargateProfile:FargateProfile",
  "aws:batch/computeEnvironment:ComputeEnvironment",
  "aws:sagemaker/endpoint:Endpoint",
  "aws:sagemaker/notebookInstance:NotebookInstance",
  "aws:emr/cluster:Cluster",
  "aws:lightsail/instance:Instance",
  "aws:ec2/capacityReservation:CapacityReservation",
  "aws:ecs/service:Service",
  // Karpenter's NodeClaim launches one node of its own requirements, whatever a NodePool allows.
  "kubernetes:karpenter.sh/v1:NodeClaim",
  "kubernetes:karpenter.sh/v1beta1:NodeClaim",
];

/**
 * AWS resource types that run nothing and buy no compute by the hour (networking, identity, keys,
 * storage, registries, logs, EKS's own attachments): the types a stack may hold without a price rule.
 */
export const NO_COMPUTE_TYPES: readonly string[] = [
  ...["vpc:Vpc", "subnet:Subnet", "routeTable:RouteTable", "routeTableAssociation:RouteTableAssociation", "route:Route"].map(
    (t) => `aws:ec2/${t}`,
  ),
  ...[
    "internetGateway:InternetGateway",
    "eip:Eip",
    "vpcEndpoint:VpcEndpoint",
    "securityGroup:SecurityGroup",
    "securityGroupRule:SecurityGroupRule",
  ].map((t) => `aws:ec2/${t}`),
  ...["launchTemplate:LaunchTemplate", "placementGroup:PlacementGroup", "keyPair:KeyPair"].map((t) => `aws:ec2/${t}`),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ...[
    "addon:Addon",
    "accessEntry:AccessEntry",
    "accessPolicyAssociation:AccessPolicyAssociation",
    "podIdentityAssociation:PodIdentityAssociation",
  ].map((t) => `aws:eks/${t}`),
];
/** Whole AWS services that never run compute: identity, keys, storage, registries, secrets, logs, DNS, certificates, queues. */
const NO_COMPUTE_SERVICES = ["iam", "kms", "s3", "ecr", "secretsmanager", "cloudwatch", "ssm", "route53", "acm", "sns", "sqs"];

/** Whether a type can buy compute the table does not price: an AWS type outside the lists, or a Karpenter / EKS Auto Mode kind. */
function unknownComputeType(type: string): boolean {
  if (type in PRICE_RULES || UNPRICED_COMPUTE_TYPES.includes(type) || NO_COMPUTE_TYPES.includes(type)) return false;
  if (type.startsWith("aws:")) return !NO_COMPUTE_SERVICES.includes(type.slice("aws:".length).split("/")[0]!);
  return /^kubernetes:(karpenter\.sh|karpenter\.k8s\.aws|eks\.amazonaws\.com)\//.test(type) && !/:(EC2NodeClass|NodeClass)$/.test(type);
}

/** Pulumi's marker for a value unknown during preview, as `pulumi preview --json` prints it. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const known = (value: unknown): boolean => value !== undefined && value !== null && value !== UNKNOWN && value !== "[secret]";

/** The dearest of `types` in `region` (a type outside the price table makes the whole set unpriced). */
function dearest(types: unknown[], region: Region): { type: InstanceType; price: number } | { missing: string } {
  let best: { type: InstanceType; price: number } | undefined;
  for (const type of types) {
    const price = typeof type === "string" && isInstanceType(type) ? findHourlyPriceUsd(type, region) : undefined;
    if (price === undefined || typeof type !== "string" || !isInstanceType(type)) return { missing: String(type) };
    if (!best || price > best.price) best = { type, price };
  }
  return best ?? { missing: "(none)" };
}

/** Instance types a launch template of the stack declares (used when a group names none itself). */
function launchTemplateTypes(resources: readonly PricingResource[]): unknown[] {
  return [
    ...new Set(
      resources
        .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")
        .map((r) => r.props.instanceType)
        .filter(known),
    ),
  ];
}

/** What a type's price rule may add: priced items, unpriced ones, and sizes unknown until apply. */
interface PricingContext {
  resources: readonly PricingResource[];
  region: Region;
  items: PricedItem[];
  unpriced: UnpricedItem[];
  unknowns: string[];
}

/** A group of `types` at `desired` and `max` nodes (and `min`, when known), priced at the dearest type. */
function sized(
  ctx: PricingContext,
  name: string,
  types: unknown[],
  desired: unknown,
  max: unknown,
  min?: unknown,
  capacityType: CapacityType = "on-demand",
): void {
  if (types.length === 0 || types.some((t) => !known(t)) || !known(max)) {
    ctx.unknowns.push(`${name}: instance type or size unknown until apply`);
    return;
  }
  const pick = dearest(types, ctx.region);
  if ("missing" in pick) {
    ctx.unpriced.push(missingPrice(name, pick.missing, ctx.region));
    return;
  }
  const maxSize = Number(max);
  const desiredSize = known(desired) ? Number(desired) : maxSize;
  ctx.items.push({
    kind: "node-group",
    name,
    instanceType: pick.type,
    desiredSize,
    maxSize,
    minSize: known(min) ? Number(min) : desiredSize,
    ...(capacityType !== "on-demand" ? { capacityType } : {}),
  });
}

type PriceRule = (r: PricingResource, ctx: PricingContext) => void;

/** The price rule of every resource type that costs money by the hour; the one list of priced types. */
const PRICE_RULES: Record<string, PriceRule> = {
  "aws:eks/nodeGroup:NodeGroup": (r, ctx) => {
    const p = r.props;
    const own = Array.isArray(p.instanceTypes) ? p.instanceTypes : [];
    if (p.capacityType === UNKNOWN || p.capacityType === "[secret]") {
      ctx.unknowns.push(`${r.name}: capacity type unknown until apply`);
      return;
    }
    const capacityType = capacityTypeOfEks(p.capacityType);
    if (capacityType === null) {
      ctx.unpriced.push({
        what: `${r.name}: capacityType ${JSON.stringify(p.capacityType)} is not one EKS accepts (${Object.values(EKS_CAPACITY_TYPES).join(", ")})`,
        fix: `set capacityType on node group ${r.name} to one of ${Object.values(EKS_CAPACITY_TYPES).join(", ")}`,
      });
      return;
    }
    sized(
      ctx,
      r.name,
      own.length > 0 ? own : launchTemplateTypes(ctx.resources),
      p.scalingConfig?.desiredSize,
      p.scalingConfig?.maxSize ?? p.scalingConfig?.desiredSize,
      p.scalingConfig?.minSize,
      capacityType,
    );
  },
  "aws:ec2/instance:Instance": (r, ctx) => sized(ctx, r.name, [r.props.instanceType], 1, 1),
  "aws:autoscaling/group:Group": (r, ctx) => {
    const p = r.props;
    const overrides = (p.mixedInstancesPolicy?.launchTemplate?.overrides ?? [])
      .map((o: { instanceType?: unknown }) => o.instanceType)
      .filter((t: unknown) => t !== undefined);
    // A warm pool kept Running bills its instances too: up to maxGroupPreparedCapacity (default: maxSize) beside the group.
    const warm = p.warmPool;
    const warmRunning = warm !== undefined && warm !== null && String(warm.poolState ?? "Stopped") === "Running";
    const max =
      warmRunning && known(p.maxSize)
        ? Number(p.maxSize) +
          Number(
            known(warm.maxGroupPreparedCapacity) && Number(warm.maxGroupPreparedCapacity) >= 0 ? warm.maxGroupPreparedCapacity : p.maxSize,
          )
        : p.maxSize;
    sized(
      ctx,
      r.name,
      overrides.length > 0 ? overrides : launchTemplateTypes(ctx.resources),
      p.desiredCapacity ?? p.minSize,
      max,
      p.minSize,
    );
  },
  "kubernetes:karpenter.sh/v1:NodePool": (r, ctx) => nodePool(r, ctx),
  // The older API Karpenter still serves (v1beta1): the same spec, priced the same way.
  "kubernetes:karpenter.sh/v1beta1:NodePool": (r, ctx) => nodePool(r, ctx),
  "aws:eks/cluster:Cluster": (r, ctx) => {
    ctx.items.push({ kind: "eks-cluster", name: r.name, supportType: eksSupportTypeOf(r.props.upgradePolicy?.supportType) });
    // EKS Auto Mode: the cluster's built-in node pools launch instances of their own choosing, without bound.
    const compute = r.props.computeConfig;
    if (compute?.enabled === true || compute?.enabled === "true") {
      ctx.unpriced.push({
        what: `${r.name}: EKS Auto Mode (computeConfig) launches instances for its built-in node pools${Array.isArray(compute.nodePools) && compute.nodePools.length > 0 ? ` (${compute.nodePools.join(", ")})` : ""} without a bound the table can price`,
        fix: `turn computeConfig off on ${r.name} and buy nodes through node groups, or bound them with GPU-limited NodePools`,
      });
    }
  },
  "aws:ec2/natGateway:NatGateway": (r, ctx) => {
    ctx.items.push({ kind: "nat-gateway", name: r.name });
  },
};

/** A Karpenter NodePool: its nvidia.com/gpu limit in whole nodes of the dearest type it allows with `In`. */
function nodePool(r: PricingResource, ctx: PricingContext): void {
  const p = r.props;
  const gpuLimit = p.spec?.limits?.["nvidia.com/gpu"];
  const requirement = (p.spec?.template?.spec?.requirements ?? []).find(
    (req: { key?: string }) => req.key === "node.kubernetes.io/instance-type",
  ) as { operator?: string; values?: unknown[] } | undefined;
  // Only `In` names what the pool may launch: NotIn, Exists or no requirement at all leave every type open.
  if (requirement !== undefined && requirement.operator !== "In") {
    ctx.unpriced.push({
      what: `${r.name}: its node.kubernetes.io/instance-type requirement uses ${String(requirement.operator)}, which leaves every instance type open`,
      fix: `name the allowed types on NodePool ${r.name} with operator In`,
    });
    return;
  }
  const allowed = requirement?.values ?? [];
  if (!known(gpuLimit)) {
    ctx.unpriced.push({
      what: `${r.name}: a NodePool without a nvidia.com/gpu limit can launch GPUs without bound`,
      fix: `set spec.limits["nvidia.com/gpu"] on NodePool ${r.name} to the GPUs the budget allows`,
    });
    return;
  }
  const pick = dearest(allowed, ctx.region);
  if ("missing" in pick) {
    ctx.unpriced.push(missingPrice(r.name, pick.missing, ctx.region));
    return;
  }
  // A Kubernetes quantity, as the API server reads it: "1k" is a thousand GPUs, not NaN.
  const gpus = parseQuantity(gpuLimit);
  if (gpus === undefined || gpus < 0) {
    ctx.unpriced.push({
      what: `${r.name}: its nvidia.com/gpu limit ${JSON.stringify(gpuLimit)} is not a Kubernetes quantity`,
      fix: `write spec.limits["nvidia.com/gpu"] on NodePool ${r.name} as a whole number of GPUs, e.g. "16"`,
    });
    return;
  }
  const gpusPerNode = Math.max(1, INSTANCES[pick.type].gpuCount);
  ctx.items.push({
    kind: "node-group",
    name: r.name,
    instanceType: pick.type,
    desiredSize: 0,
    maxSize: Math.ceil(gpus / gpusPerNode),
    minSize: 0,
  });
}

/** Types the cost of a stack depends on: priced ones and compute the table refuses to price. */
export const isCostBearingType = (type: string): boolean =>
  type in PRICE_RULES || UNPRICED_COMPUTE_TYPES.includes(type) || unknownComputeType(type);

/**
 * @param vouchedTypes types the operator vouches buy no compute (the budget policy's config): priced
 * as nothing instead of refused as unpriceable.
 */
export function priceResources(
  resources: readonly PricingResource[],
  region: Region,
  vouchedTypes: readonly string[] = [],
): ResourcePricing {
  const ctx: PricingContext = { resources, region, items: [], unpriced: [], unknowns: [] };
  for (const r of resources) {
    const rule = PRICE_RULES[r.type];
    if (rule) rule(r, ctx);
    else if (UNPRICED_COMPUTE_TYPES.includes(r.type)) {
      ctx.unpriced.push({
        what: `${r.name}: ${r.type} buys compute the price table does not cover`,
        fix: "express it as a node group, instance, Auto Scaling group or GPU-limited NodePool the table prices",
      });
    } else if (unknownComputeType(r.type) && !vouchedTypes.includes(r.type)) {
      ctx.unpriced.push({
        what: `${r.name}: cannot be priced: ${r.type} is a type the price table does not know`,
        fix: `price it in infra/pricing/resource-prices.ts, or vouch that ${r.type} buys no compute in the budget policy's vouchedTypes`,
      });
    }
  }
  return { items: ctx.items, unpriced: ctx.unpriced, unknowns: ctx.unknowns };
}

/** The region a stack's resources run in: its AWS provider's, else `fallback`. */
export function regionOf(resources: readonly PricingResource[], fallback: Region, isRegion: (value: unknown) => value is Region): Region {
  const provider = resources.find((r) => r.type === "pulumi:providers:aws" && isRegion(r.props.region));
  return provider ? (provider.props.region as Region) : fallback;
}

/** A stack's cost from its resources: every priced item through the one price table, unpriced ones named. */
export function stackCostOf(
  resources: readonly PricingResource[],
  region: Region,
  vouchedTypes: readonly string[] = [],
): StackCost & { unknowns: string[] } {
  const pricing = priceResources(resources, region, vouchedTypes);
  const cost = priceItems(pricing.items, region);
  return { ...cost, unpriced: [...cost.unpriced, ...pricing.unpriced], unknowns: pricing.unknowns };
}

/** The stack's resources as the one pricing table reads them (infra/pricing/resource-prices.ts). */
export function pricingResourcesOf(resources: ReadonlyArray<{ type: string; name: string; props: unknown }>): PricingResource[] {
  return resources.map((r) => ({ type: r.type, name: r.name, props: r.props as Record<string, any> }));
}
