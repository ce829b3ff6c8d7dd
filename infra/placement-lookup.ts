/**
 * Asks AWS where the plan's instance type can run — before any resource is registered — and
 * decides the AZs with the pure rules of infra/plan/placement.ts. Mocks answer these invokes in
 * tests; `llm-stack preflight` asks the same questions through the AWS SDK.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  InfeasiblePlanError,
  PlanInputError,
  placeGpuSubnets,
  placeZones,
  stackRepositoryPrefix,
  type AvailabilityZone,
  type ImageSource,
  type ZonePlacement,
} from "./plan";
import { type StackSettings } from "./settings";
import { gpuFleet } from "./settings/served-models";
import { StackConfigError } from "./config";

export type Placement = ({ mode: "create" } & ZonePlacement) | { mode: "eks"; gpuSubnetIds: string[] } | { mode: "kubeconfig" };

async function offeredZoneIds(instanceType: string): Promise<string[]> {
  const offerings = await aws.ec2.getInstanceTypeOfferings({
    locationType: "availability-zone-id",
    filters: [{ name: "instance-type", values: [instanceType] }],
  });
  return offerings.locations;
}

/** The region's AZs that need no opt-in (Local Zones and Wavelength Zones do). */
async function regionZones(): Promise<AvailabilityZone[]> {
  const zones = await aws.getAvailabilityZones({
    state: "available",
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  });
  return zones.names.map((name, i) => ({ name, zoneId: zones.zoneIds[i]! }));
}

/** The IAM role or user behind a caller ARN (an assumed-role session names its role; paths are not in session ARNs, so roles compare by account and name). */
export function principalKey(arn: string): string {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (session) return `${session[1]}:${session[2]}:role/${session[3]}`;
  const iam = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return iam ? `${iam[1]}:${iam[2]}:${iam[3]}/${iam[4]}` : arn;
}

/**
 * EKS already gives the identity that creates the cluster an admin access entry
 * (bootstrapClusterCreatorAdminPermissions); listing it again fails CreateAccessEntry with
 * ResourceInUseException after the cluster exists, so it is refused before anything is created.
 */
async function creatorIssues(settings: StackSettings): Promise<void> {
  if (settings.cluster.mode !== "create" || settings.cluster.adminPrincipalArns.length === 0) return;
  const caller = await aws.getCallerIdentity();
  const listed = settings.cluster.adminPrincipalArns.find((arn) => principalKey(arn) === principalKey(caller.arn));
  if (listed === undefined) return;
  const issue = {
    path: "llm-stack:clusterAdminPrincipalArns",
    value: settings.cluster.adminPrincipalArns,
    expected: `principals other than the one running pulumi (${caller.arn}), which EKS makes cluster admin itself`,
    hint: `Remove ${listed} from clusterAdminPrincipalArns.`,
  };
  throw new StackConfigError([issue], new PlanInputError([issue], "invalid stack configuration; nothing was created").message);
}

export async function lookUpPlacement(settings: StackSettings): Promise<Placement> {
  await creatorIssues(settings);
  const { cluster, capacity } = settings;
  if (cluster.mode === "kubeconfig") return { mode: "kubeconfig" };
  const requiredZoneId = capacity.type === "capacity-block" ? capacity.zoneId : null;
  // A set's node groups share the GPU subnets: the AZs that offer every instance type it uses.
  const { instanceTypes, singleZone, label: instanceType } = gpuFleet(settings);
  const offeredZones = async () => {
    const each = await Promise.all(instanceTypes.map((type) => offeredZoneIds(type)));
    return each.reduce((common, zones) => common.filter((zone) => zones.includes(zone)));
  };
  const base = { region: settings.region, instanceType, requiredZoneId, singleZone };
  try {
    if (cluster.mode === "create") {
      const [zones, offered] = await Promise.all([regionZones(), offeredZones()]);
      return { mode: "create", ...placeZones({ ...base, zones, offeredZoneIds: offered }) };
    }
    const [subnets, offered] = await Promise.all([
      Promise.all(
        cluster.nodeSubnetIds.map(async (id) => ({ subnetId: id, zoneId: (await aws.ec2.getSubnet({ id })).availabilityZoneId })),
      ),
      offeredZones(),
    ]);
    return { mode: "eks", gpuSubnetIds: placeGpuSubnets({ ...base, subnets, offeredZoneIds: offered }) };
  } catch (error) {
    if (!(error instanceof InfeasiblePlanError)) throw error;
    const path = requiredZoneId ? "llm-stack:capacityReservationZoneId" : cluster.mode === "eks" ? "llm-stack:nodeSubnetIds" : "aws:region";
    const issue = {
      path,
      value: requiredZoneId ?? (cluster.mode === "eks" ? cluster.nodeSubnetIds : settings.region),
      expected: `AZs where ${instanceType} ${instanceTypes.length > 1 ? "are" : "is"} offered`,
      hint: error.message,
    };
    throw new StackConfigError([issue], new PlanInputError([issue], "invalid stack configuration; nothing was created").message);
  }
}

/**
 * Where pods pull their images: the stack's ECR pull-through cache needs the account's registry
 * host, known before any image reference is rendered (every manifest then holds a plain string).
 */
export async function lookUpImageSource(settings: StackSettings): Promise<ImageSource> {
  if (settings.images.source === "upstream") return { kind: "upstream" };
  const caller = await aws.getCallerIdentity();
  return { kind: "ecr-cache", accountId: caller.accountId, region: settings.region, stackPrefix: stackRepositoryPrefix(pulumi.getStack()) };
}
