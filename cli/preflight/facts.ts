/**
 * What `llm-stack preflight` learns from AWS, as plain data: cli/preflight/aws-facts.ts fills it
 * in (the only module that talks to AWS), cli/preflight/checks.ts judges it. Field names follow
 * the AWS API fields they come from, so a reader can map each value to its call.
 */
import { type AvailabilityZone, type SubnetZone } from "../../infra/plan";
import { type ZoneSpotPrice } from "../../infra/catalog/spot-history";

/**
 * The answer to one AWS call: found, refused for lack of permission (the check is skipped with
 * the permission to grant), or another API error (reported, never thrown). "AWS unreachable" and
 * "no credentials" are not lookups: they stop preflight with exit code 4.
 */
export type Lookup<T> =
  | { kind: "found"; value: T }
  /** AccessDenied / AccessDeniedException / UnauthorizedOperation. `action` is the IAM action, e.g. ec2:DescribeSubnets. */
  | { kind: "denied"; action: string; message: string }
  /** Any other API error: `code` is the error's name (e.g. ThrottlingException). */
  | { kind: "failed"; action: string; code: string; message: string };

/** STS GetCallerIdentity. */
export interface CallerIdentity {
  /** Account (12 digits). */
  account: string;
  /** Arn of the calling user or assumed role. */
  arn: string;
}

/** EC2 DescribeAvailabilityZones (state available, opt-in-not-required) + DescribeInstanceTypeOfferings (location type availability-zone-id). */
export interface ZoneOfferings {
  /** The region's available AZs, name and id. */
  zones: AvailabilityZone[];
  /** AZ ids (InstanceTypeOfferings[].Location) where the instance type is offered. */
  offeredZoneIds: string[];
}

/** EC2 DescribeSubnets for the stack's nodeSubnetIds (cluster eks:<name>). */
export interface SubnetFacts {
  /** The subnets AWS returned, with their AvailabilityZoneId. */
  found: SubnetZone[];
  /** Requested ids that do not exist in the region (or in this account). */
  missing: string[];
}

/** Service Quotas GetServiceQuota (falling back to GetAWSDefaultServiceQuota when no applied value exists). */
export interface QuotaFacts {
  quotaCode: string;
  /** Quota.QuotaName, e.g. "Running On-Demand P instances". */
  quotaName: string;
  /** Quota.Value: vCPUs for EC2 instance quotas; null when AWS returned none (Quota.ErrorReason says why). */
  value: number | null;
  /** "applied": the account's value in the region; "default": AWS's default (no applied value exists). */
  source: "applied" | "default";
  /** Quota.ErrorReason.ErrorMessage when Value is absent. */
  errorReason: string | null;
}

/** EC2 DescribeCapacityReservations, one reservation. */
export interface CapacityReservationFacts {
  capacityReservationId: string;
  instanceType: string;
  /** The account's AZ name, e.g. us-east-1b. */
  availabilityZone: string;
  /** The AZ id, e.g. use1-az4. */
  availabilityZoneId: string;
  /** active | scheduled | expired | cancelled | payment-pending | payment-failed | … (CapacityReservationState). */
  state: string;
  startDate: Date | null;
  endDate: Date | null;
  totalInstanceCount: number;
  availableInstanceCount: number;
  /** capacity-block | default (an On-Demand Capacity Reservation). */
  reservationType: string;
}

/** EKS DescribeClusterVersions, one version. */
export interface EksVersionFacts {
  clusterVersion: string;
  /** STANDARD_SUPPORT | EXTENDED_SUPPORT | UNSUPPORTED (versionStatus). */
  versionStatus: string | null;
  endOfStandardSupportDate: Date | null;
  endOfExtendedSupportDate: Date | null;
}

/** EKS DescribeCluster (cluster eks:<name>). */
export interface ExistingClusterFacts {
  name: string;
  /** Kubernetes minor version, e.g. 1.34. */
  version: string;
  /** ACTIVE | CREATING | UPDATING | … */
  status: string;
  /** upgradePolicy.supportType: STANDARD | EXTENDED, when AWS reports it. */
  supportType: string | null;
  /** resourcesVpcConfig.vpcId. */
  vpcId: string | null;
}

/**
 * What the S3 model cache needs from an existing cluster (eks:<name>, weightsSource s3):
 * EKS DescribeAddon eks-pod-identity-agent and EC2 DescribeVpcEndpoints (S3, Gateway) in its VPC.
 */
export interface ModelCacheFacts {
  /** The add-on's status (ACTIVE, DEGRADED, …), or null when the cluster does not have it. */
  podIdentityAgentStatus: string | null;
  /** Available S3 gateway endpoints of the cluster's VPC, with their route tables. */
  s3GatewayEndpoints: Array<{ id: string; routeTableIds: string[] }>;
}

/** Everything preflight asked AWS. A field is null when the stack's mode does not need that call. */
export interface PreflightFacts {
  identity: CallerIdentity;
  zones: Lookup<ZoneOfferings> | null;
  subnets: Lookup<SubnetFacts> | null;
  quota: Lookup<QuotaFacts> | null;
  /** Found with null: the reservation does not exist in the region. */
  reservation: Lookup<CapacityReservationFacts | null> | null;
  /** Found with null: the cluster does not exist in the region. */
  cluster: Lookup<ExistingClusterFacts | null> | null;
  /** Support dates of the Kubernetes version in question; found with null when EKS does not list that version. */
  eksVersion: Lookup<EksVersionFacts | null> | null;
  /** Asked only for an existing cluster the S3 model cache is used with, once DescribeCluster found it. */
  modelCache: Lookup<ModelCacheFacts> | null;
  /** Spot placement scores and prices, per instance type (capacityType spot). */
  spot: Lookup<SpotFacts[]> | null;
  /** Capacity Blocks on offer, per instance type (capacityType on-demand). */
  capacityBlockOfferings: Lookup<CapacityBlockOfferingFacts[]> | null;
}

/** EC2 GetSpotPlacementScores (one AZ, units) and DescribeSpotPriceHistory (Linux/UNIX, now) for one instance type. */
export interface SpotFacts {
  instanceType: string;
  /** The nodes asked about: the type's GPU nodes with every group at its maximum. */
  targetCapacity: number;
  /** SpotPlacementScores[]: 1 (unlikely) to 10 (highly likely) per AZ id. */
  scores: Array<{ zoneId: string; score: number }>;
  /** SpotPriceHistory[]: the latest price per AZ id, $ per hour. */
  prices: ZoneSpotPrice[];
}

/** EC2 DescribeCapacityBlockOfferings for one instance type, count and duration. */
export interface CapacityBlockOfferingFacts {
  instanceType: string;
  instanceCount: number;
  durationHours: number;
  /** UpfrontFee is the whole block's price (every instance, every hour), paid up front; `hours` its own length. */
  offerings: Array<{
    offeringId: string;
    availabilityZone: string;
    startDate: Date | null;
    endDate: Date | null;
    hours: number;
    upfrontFeeUsd: number;
  }>;
}

/** What to ask AWS for one stack: derived from its settings by `factsRequestFor` (checks.ts). */
export interface FactsRequest {
  region: string;
  /** The stack's GPU instance types: the AZs asked about are those offering every one. */
  instanceTypes: string[];
  /** DescribeAvailabilityZones + DescribeInstanceTypeOfferings (clusters create and eks:<name>). */
  zones: boolean;
  /** DescribeSubnets + DescribeInstanceTypeOfferings (cluster eks:<name>). */
  subnetIds: string[] | null;
  /** GetServiceQuota (service code ec2). */
  quotaCode: string | null;
  /** DescribeCapacityReservations. */
  capacityReservationId: string | null;
  /** DescribeCluster, then DescribeClusterVersions for its version. */
  clusterName: string | null;
  /** DescribeClusterVersions for the version a created cluster runs. */
  kubernetesVersion: string | null;
  /** DescribeAddon + DescribeVpcEndpoints for the existing cluster (clusterName) the S3 model cache needs. */
  modelCache: boolean;
  /** GetSpotPlacementScores + DescribeSpotPriceHistory per instance type (capacityType spot). */
  spot: Array<{ instanceType: string; targetCapacity: number }> | null;
  /** DescribeCapacityBlockOfferings per instance type (capacityType on-demand: what a block would cost instead). */
  capacityBlockOfferings: Array<{ instanceType: string; instanceCount: number; durationHours: number }> | null;
}
