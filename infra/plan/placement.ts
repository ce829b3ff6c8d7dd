/**
 * Which Availability Zones a stack uses. P5 instance types are offered only in some AZs, and AZ
 * names (us-east-1a) map to different physical zones in each account, so every choice here is by
 * AZ id (use1-az4). Pure: the program and `llm-stack preflight` pass in what AWS reported
 * (DescribeAvailabilityZones, DescribeInstanceTypeOfferings with location type
 * availability-zone-id) and get the same answer or the same error.
 */
import { InfeasiblePlanError } from "./errors";

export interface AvailabilityZone {
  /** The account's name for the zone, e.g. us-east-1a. */
  name: string;
  /** The zone's id, the same physical zone in every account, e.g. use1-az4. */
  zoneId: string;
}

/**
 * AZ ids in which EKS cannot place a cluster's control-plane network interfaces ("Subnet
 * requirements for clusters", https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html,
 * read 2026-11-27: use1-az3, usw1-az2, cac1-az3).
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

/** An EKS cluster needs subnets in at least two AZs (same source as above). */
export const MIN_CLUSTER_ZONES = 2;

export interface ZonePlacementInput {
  region: string;
  instanceType: string;
  /** The region's AZs that are available to the account. */
  zones: readonly AvailabilityZone[];
  /** AZ ids where `instanceType` is offered. */
  offeredZoneIds: readonly string[];
  /** A Capacity Block's AZ id: GPU nodes may run only there. */
  requiredZoneId: string | null;
  /**
   * The GPU nodes must share one AZ: a replica over several nodes sits in a cluster placement group,
   * which lives in one AZ (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-cluster).
   */
  singleZone: boolean;
}

export interface ZonePlacement {
  /**
   * Every available AZ of the region, by id: a created VPC has a subnet pair in each, so the
   * network never depends on the plan. Choosing a VPC's AZs from where today's instance type is
   * offered would move subnets when the model (or AWS's offering) changes — and EKS refuses
   * cluster subnets outside the AZs it was created with.
   */
  vpcZones: AvailabilityZone[];
  /** The VPC's AZs where EKS may place the control plane's network interfaces. */
  clusterZones: AvailabilityZone[];
  /** The AZs the GPU node group may launch in: those offering the instance type (or the Capacity Block's); the first of them for a single-zone plan. */
  gpuZones: AvailabilityZone[];
}

const byZoneId = (a: AvailabilityZone, b: AvailabilityZone) => a.zoneId.localeCompare(b.zoneId);

/**
 * The AZs of a created VPC, its cluster and its GPU node group. Throws InfeasiblePlanError when no
 * AZ offers the instance type, or the region has fewer than two AZs EKS accepts.
 */
export function placeZones(input: ZonePlacementInput): ZonePlacement {
  const vpcZones = [...input.zones].sort(byZoneId);
  const clusterZones = vpcZones.filter((zone) => !EKS_UNSUPPORTED_ZONE_IDS.includes(zone.zoneId));
  if (clusterZones.length < MIN_CLUSTER_ZONES) {
    throw new InfeasiblePlanError(
      `${input.region} has ${clusterZones.length} available AZ(s) where EKS accepts a cluster; it needs ${MIN_CLUSTER_ZONES}: choose another region (aws:region)`,
      [],
    );
  }
  const offered = vpcZones.filter((zone) => input.offeredZoneIds.includes(zone.zoneId));
  const gpuZones = input.requiredZoneId === null ? offered : offered.filter((zone) => zone.zoneId === input.requiredZoneId);
  if (gpuZones.length === 0) throw new InfeasiblePlanError(noOfferingReason(input, vpcZones), []);
  return { vpcZones, clusterZones, gpuZones: input.singleZone ? gpuZones.slice(0, 1) : gpuZones };
}

export interface SubnetZone {
  subnetId: string;
  zoneId: string;
}

/**
 * The subnets of an existing VPC (cluster eks:<name>) that the GPU node group may use: those in
 * an AZ offering the instance type (and the Capacity Block's AZ, when there is one); only the first
 * of them for a single-zone plan.
 */
export function placeGpuSubnets(input: Omit<ZonePlacementInput, "zones"> & { subnets: readonly SubnetZone[] }): string[] {
  const allowed = input.subnets.filter(
    (subnet) => input.offeredZoneIds.includes(subnet.zoneId) && (input.requiredZoneId === null || subnet.zoneId === input.requiredZoneId),
  );
  if (allowed.length === 0) {
    const where = input.subnets.map((subnet) => `${subnet.subnetId} (${subnet.zoneId})`).join(", ");
    const wanted = input.requiredZoneId ?? (input.offeredZoneIds.length > 0 ? [...input.offeredZoneIds].sort().join(", ") : "none");
    throw new InfeasiblePlanError(
      `none of nodeSubnetIds [${where}] is in an AZ where ${input.instanceType} can run in ${input.region} (${input.requiredZoneId ? "the Capacity Block's AZ" : "AZ ids offering it"}: ${wanted}); add a private subnet of the cluster's VPC in one of them to nodeSubnetIds`,
      [],
    );
  }
  return (input.singleZone ? allowed.slice(0, 1) : allowed).map((subnet) => subnet.subnetId);
}

function noOfferingReason(input: ZonePlacementInput, zones: readonly AvailabilityZone[]): string {
  const zoneList = zones.map((zone) => `${zone.name} (${zone.zoneId})`).join(", ");
  if (input.requiredZoneId !== null) {
    return `the Capacity Block's AZ ${input.requiredZoneId} is not one of ${input.region}'s available AZs offering ${input.instanceType} [${zoneList}]; set capacityReservationZoneId to the reservation's AZ id (aws ec2 describe-capacity-reservations --capacity-reservation-ids <id> --query 'CapacityReservations[0].AvailabilityZoneId')`;
  }
  return `${input.instanceType} is not offered in any available AZ of ${input.region} [${zoneList || "none"}] (DescribeInstanceTypeOfferings by availability-zone-id); choose another region (aws:region) or instance type (allowedInstanceTypes), or buy a Capacity Block`;
}
