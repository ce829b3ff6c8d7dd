/**
 * `llm-stack preflight`: every check's pass and fail paths on AWS answers shaped like the real
 * APIs' (aws-sdk-client-mock on real SDK clients, so commands, inputs and error classes are the
 * SDK's own), the exit codes, and the no-credentials path in a real child process.
 *
 * Expected numbers are written by hand from AWS's published facts: p5.4xlarge has 16 vCPUs and
 * p5.48xlarge 192 (https://aws.amazon.com/ec2/instance-types/p5/); the quota codes are those of
 * the Service Quotas console (L-417A185B "Running On-Demand P instances", L-7212CCBC "All P Spot
 * Instance Requests"); Kubernetes 1.35 leaves EKS standard support on 2027-03-27.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { parse, stringify } from "yaml";
import {
  DescribeAvailabilityZonesCommand,
  DescribeCapacityBlockOfferingsCommand,
  DescribeCapacityReservationsCommand,
  DescribeSpotPriceHistoryCommand,
  GetSpotPlacementScoresCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  type CapacityReservation,
} from "@aws-sdk/client-ec2";
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  EKSClient,
  ResourceNotFoundException,
  AccessDeniedException as EksAccessDenied,
  type ClusterVersionInformation,
} from "@aws-sdk/client-eks";
import {
  AccessDeniedException,
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { runPreflight, type PreflightOptions } from "../../cli/preflight-command";
import { DEFAULT_AWS_TIMEOUTS, requestHandlerOptions } from "../../cli/preflight/aws-facts";
import { golden } from "../golden-file";

const REPO = join(__dirname, "..", "..");
const NOW = new Date("2026-11-27T12:00:00Z");
const TEST_CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

// ---- stacks -------------------------------------------------------------------------------------

/** An encrypted value as `pulumi config set --secret` writes it into the stack file. */
const SECURE = { secure: "v1:AAAAAAAAAAAAAAAA:bm90LWEtcmVhbC10b2tlbg==" };

/** The dev stack (Pulumi.dev.yaml: Llama 3.1 8B → 1 × p5.4xlarge in us-east-1) plus what every operator sets: the token and the endpoint allowlist. */
const DEV_CONFIG: Record<string, unknown> = {
  ...(parse(readFileSync(join(REPO, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config,
  "llm-stack:hfToken": SECURE,
  "llm-stack:clusterPublicAccessCidrs": ["198.51.100.7/32"],
  "llm-stack:dockerHubUsername": "operator",
  "llm-stack:dockerHubAccessToken": SECURE,
};

/** Writes Pulumi.<name>.yaml into a fresh directory and returns the directory. */
function stackDirectory(config: Record<string, unknown>, name = "dev"): string {
  const directory = mkdtempSync(join(tmpdir(), "llm-stack-preflight-"));
  writeFileSync(join(directory, `Pulumi.${name}.yaml`), stringify({ config }));
  // The project the stack belongs to: preflight, like `pulumi up`, runs in the project's directory.
  cpSync(join(REPO, "Pulumi.yaml"), join(directory, "Pulumi.yaml"));
  return directory;
}

const withDev = (overrides: Record<string, unknown>) => {
  const config: Record<string, unknown> = { ...DEV_CONFIG, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete config[key];
  return config;
};
/** Llama 3.3 70B bf16 at 32k: 1 × p5.48xlarge (the README's default-plan table). */
const SEVENTY_B = withDev({ "llm-stack:model": "llama-3.3-70b-instruct", "llm-stack:maxHourlyUsd": undefined });
/** Llama 3.1 405B FP8: 453.7 GiB of weights fill all 8 GPUs of a p5.48xlarge, so 2 replicas are 2 × p5.48xlarge. */
const TWO_NODES = { "llm-stack:model": "llama-3.1-405b-instruct", "llm-stack:replicas": "2" };
const CAPACITY_BLOCK = {
  ...SEVENTY_B,
  "llm-stack:capacityType": "capacity-block",
  "llm-stack:capacityReservationId": "cr-0123456789abcdef0",
  "llm-stack:capacityReservationZoneId": "use1-az4",
  // The default reservation's own dates (reservationOf below): a week from 2026-11-26 11:30 UTC.
  "llm-stack:capacityReservationStartDate": "2026-11-26T11:30:00Z",
  "llm-stack:capacityReservationEndDate": "2026-12-03T11:30:00Z",
};
/** The Capacity Block stack with other dates: those of the block a case answers with. */
const datedBlock = (start: string, end: string) => ({
  ...CAPACITY_BLOCK,
  "llm-stack:capacityReservationStartDate": start,
  "llm-stack:capacityReservationEndDate": end,
});
const EXISTING_EKS = {
  ...withDev({ "llm-stack:clusterPublicAccessCidrs": undefined }),
  "llm-stack:cluster": "eks:inference",
  "llm-stack:nodeSubnetIds": ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"],
};

// ---- AWS answers, shaped like the real APIs' ----------------------------------------------------

const META = { httpStatusCode: 200, requestId: "8f3e1c2a-0000-4000-8000-000000000000", attempts: 1, totalRetryDelay: 0 };

/** us-east-1 as one account sees it: names map to ids per account; use1-az3 is where EKS places no control plane. */
const US_EAST_1 = [
  ["us-east-1a", "use1-az1"],
  ["us-east-1b", "use1-az2"],
  ["us-east-1c", "use1-az4"],
  ["us-east-1d", "use1-az6"],
  ["us-east-1e", "use1-az3"],
  ["us-east-1f", "use1-az5"],
] as const;

const SUBNET_ZONES: Record<string, string> = {
  "subnet-0aaa1111bbbb2222c": "use1-az4",
  "subnet-0ddd3333eeee4444f": "use1-az6",
  "subnet-0123aaaa4567bbbb8": "use1-az1",
  "subnet-0123cccc4567dddd8": "use1-az2",
};

const version = (clusterVersion: string, versionStatus: string, standardEnds: string, extendedEnds: string): ClusterVersionInformation => ({
  clusterVersion,
  clusterType: "eks",
  defaultPlatformVersion: "eks.5",
  defaultVersion: false,
  releaseDate: new Date("2026-01-28T00:00:00Z"),
  endOfStandardSupportDate: new Date(`${standardEnds}T00:00:00Z`),
  endOfExtendedSupportDate: new Date(`${extendedEnds}T00:00:00Z`),
  status: versionStatus === "STANDARD_SUPPORT" ? "standard-support" : "extended-support",
  versionStatus: versionStatus as ClusterVersionInformation["versionStatus"],
  kubernetesPatchVersion: `${clusterVersion}.2`,
});
const K8S_1_35 = version("1.35", "STANDARD_SUPPORT", "2027-03-27", "2028-03-27");

const reservationOf = (fields: Partial<CapacityReservation>): CapacityReservation => ({
  CapacityReservationId: "cr-0123456789abcdef0",
  OwnerId: "123456789012",
  CapacityReservationArn: "arn:aws:ec2:us-east-1:123456789012:capacity-reservation/cr-0123456789abcdef0",
  InstanceType: "p5.48xlarge",
  InstancePlatform: "Linux/UNIX",
  AvailabilityZone: "us-east-1c",
  AvailabilityZoneId: "use1-az4",
  Tenancy: "default",
  TotalInstanceCount: 1,
  AvailableInstanceCount: 1,
  EbsOptimized: true,
  EphemeralStorage: false,
  State: "active",
  StartDate: new Date("2026-11-26T11:30:00Z"),
  EndDate: new Date("2026-12-03T11:30:00Z"),
  EndDateType: "limited",
  InstanceMatchCriteria: "targeted",
  CreateDate: new Date("2026-11-20T09:12:44Z"),
  Tags: [],
  ReservationType: "capacity-block",
  ...fields,
});

const ec2Error = (name: string, message: string) =>
  new EC2ServiceException({ name, $fault: "client", $metadata: { ...META, httpStatusCode: 400 }, message });

interface World {
  /** AZ ids offering the plan's instance type. */
  offeredIn?: string[];
  /** Per instance type, where a stack uses several (a set); overrides offeredIn for those types. */
  offeredByType?: Record<string, string[]>;
  quota?: number | Error;
  /** Per quota code (L-417A185B on-demand P, L-7212CCBC spot P); overrides quota for those codes. */
  quotaByCode?: Record<string, number>;
  /** Service Quotas' default value (answered only when GetServiceQuota has no applied value). */
  defaultQuota?: number;
  reservation?: CapacityReservation | Error;
  versions?: ClusterVersionInformation[] | Error;
  cluster?: { version: string; status: string } | Error;
  identity?: Error;
  /** DescribeAvailabilityZones refused. */
  zones?: Error;
  /** The existing cluster's eks-pod-identity-agent status; null: not installed. Default ACTIVE. */
  podIdentityAgent?: string | null | Error;
  /** Available S3 gateway endpoints in the existing cluster's VPC. Default one. */
  s3Endpoints?: number;
  /** GetSpotPlacementScores: score per AZ id. Default use1-az4 9, use1-az6 8. */
  spotScores?: Record<string, number> | Error;
  /** DescribeSpotPriceHistory: the history, newest last. Default one price per AZ. */
  spotPrices?: Array<{ zoneId: string; usd: string; at: string }>;
  /** DescribeCapacityBlockOfferings: the offerings. Default two. */
  blockOfferings?: Array<{ id: string; zone: string; start: string; end: string; fee: string }> | Error;
}

function mockAws(world: World) {
  const clients = {
    sts: new STSClient({ region: "us-east-1", credentials: TEST_CREDENTIALS }),
    ec2: new EC2Client({ region: "us-east-1", credentials: TEST_CREDENTIALS }),
    quotas: new ServiceQuotasClient({ region: "us-east-1", credentials: TEST_CREDENTIALS }),
    eks: new EKSClient({ region: "us-east-1", credentials: TEST_CREDENTIALS }),
  };
  const sts = mockClient(clients.sts);
  const ec2 = mockClient(clients.ec2);
  const quotas = mockClient(clients.quotas);
  const eks = mockClient(clients.eks);
  if (world.identity) sts.on(GetCallerIdentityCommand).rejects(world.identity);
  else
    sts.on(GetCallerIdentityCommand).resolves({
      UserId: "AIDASAMPLEUSERID0001",
      Account: "123456789012",
      Arn: "arn:aws:iam::123456789012:user/deployer",
      $metadata: META,
    });

  if (world.zones) ec2.on(DescribeAvailabilityZonesCommand).rejects(world.zones);
  else
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: US_EAST_1.map(([ZoneName, ZoneId]) => ({
        OptInStatus: "opt-in-not-required",
        Messages: [],
        RegionName: "us-east-1",
        ZoneName,
        ZoneId,
        GroupName: "us-east-1",
        NetworkBorderGroup: "us-east-1",
        ZoneType: "availability-zone",
        GroupLongName: "US East (N. Virginia) 1",
        State: "available",
      })),
      $metadata: META,
    });
  ec2.on(DescribeInstanceTypeOfferingsCommand).callsFake((input: { Filters: Array<{ Values: string[] }> }) => ({
    InstanceTypeOfferings: (world.offeredByType?.[input.Filters[0]?.Values[0] ?? ""] ?? world.offeredIn ?? ["use1-az4", "use1-az6"]).map(
      (Location) => ({
        InstanceType: input.Filters[0]?.Values[0],
        LocationType: "availability-zone-id",
        Location,
      }),
    ),
    $metadata: META,
  }));
  ec2.on(DescribeSubnetsCommand).callsFake((input: { Filters: Array<{ Values: string[] }> }) => ({
    Subnets: (input.Filters[0]?.Values ?? [])
      .filter((id) => SUBNET_ZONES[id])
      .map((SubnetId) => ({
        SubnetId,
        AvailabilityZoneId: SUBNET_ZONES[SubnetId],
        AvailabilityZone: US_EAST_1.find(([, id]) => id === SUBNET_ZONES[SubnetId])?.[0],
        VpcId: "vpc-0fedcba9876543210",
        CidrBlock: "10.0.32.0/19",
        State: "available",
        AvailableIpAddressCount: 8187,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        OwnerId: "123456789012",
      })),
    $metadata: META,
  }));
  if (world.spotScores instanceof Error) ec2.on(GetSpotPlacementScoresCommand).rejects(world.spotScores);
  else
    ec2.on(GetSpotPlacementScoresCommand).resolves({
      SpotPlacementScores: Object.entries(world.spotScores ?? { "use1-az4": 9, "use1-az6": 8 }).map(([AvailabilityZoneId, Score]) => ({
        Region: "us-east-1",
        AvailabilityZoneId,
        Score,
      })),
      $metadata: META,
    });
  ec2.on(DescribeSpotPriceHistoryCommand).callsFake((input: { InstanceTypes: string[] }) => ({
    SpotPriceHistory: (
      world.spotPrices ?? [
        { zoneId: "use1-az4", usd: "24.130000", at: "2026-11-27T10:00:00Z" },
        { zoneId: "use1-az6", usd: "31.900000", at: "2026-11-27T09:00:00Z" },
      ]
    ).map(({ zoneId, usd, at }) => ({
      AvailabilityZone: US_EAST_1.find(([, id]) => id === zoneId)?.[0],
      AvailabilityZoneId: zoneId,
      InstanceType: input.InstanceTypes[0],
      ProductDescription: "Linux/UNIX",
      SpotPrice: usd,
      Timestamp: new Date(at),
    })),
    $metadata: META,
  }));
  const offerings = world.blockOfferings ?? [
    { id: "cb-0aaaa1111bbbb2222", zone: "us-east-1c", start: "2026-11-29T11:30:00Z", end: "2026-11-30T11:30:00Z", fee: "1012.32" },
    { id: "cb-0cccc3333dddd4444", zone: "us-east-1d", start: "2026-11-28T11:30:00Z", end: "2026-11-29T11:30:00Z", fee: "1104.48" },
  ];
  if (offerings instanceof Error) ec2.on(DescribeCapacityBlockOfferingsCommand).rejects(offerings);
  else
    ec2
      .on(DescribeCapacityBlockOfferingsCommand)
      .callsFake((input: { InstanceType: string; InstanceCount: number; CapacityDurationHours: number }) => ({
        CapacityBlockOfferings: offerings.map(({ id, zone, start, end, fee }) => ({
          CapacityBlockOfferingId: id,
          InstanceType: input.InstanceType,
          AvailabilityZone: zone,
          InstanceCount: input.InstanceCount,
          StartDate: new Date(start),
          EndDate: new Date(end),
          CapacityBlockDurationHours: input.CapacityDurationHours,
          UpfrontFee: fee,
          CurrencyCode: "USD",
          Tenancy: "default",
        })),
        $metadata: META,
      }));
  if (world.reservation instanceof Error) ec2.on(DescribeCapacityReservationsCommand).rejects(world.reservation);
  else
    ec2
      .on(DescribeCapacityReservationsCommand)
      .resolves({ CapacityReservations: [world.reservation ?? reservationOf({})], $metadata: META });

  const quota = (Value: number, QuotaCode: string) => ({
    Quota: {
      ServiceCode: "ec2",
      ServiceName: "Amazon Elastic Compute Cloud (Amazon EC2)",
      QuotaArn: `arn:aws:servicequotas:us-east-1:123456789012:ec2/${QuotaCode}`,
      QuotaCode,
      QuotaName: QuotaCode === "L-417A185B" ? "Running On-Demand P instances" : "All P Spot Instance Requests",
      Value,
      Unit: "None",
      Adjustable: true,
      GlobalQuota: false,
      UsageMetric: {
        MetricNamespace: "AWS/Usage",
        MetricName: "ResourceCount",
        MetricDimensions: { Class: "P/OnDemand", Resource: "vCPU", Service: "EC2", Type: "Resource" },
        MetricStatisticRecommendation: "Maximum",
      },
    },
    $metadata: META,
  });
  quotas.on(GetServiceQuotaCommand).callsFake((input: { QuotaCode: string }) => {
    if (world.quota instanceof Error) throw world.quota;
    return quota(world.quotaByCode?.[input.QuotaCode] ?? world.quota ?? 192, input.QuotaCode);
  });
  quotas.on(GetAWSDefaultServiceQuotaCommand).callsFake((input: { QuotaCode: string }) => quota(world.defaultQuota ?? 0, input.QuotaCode));

  if (world.versions instanceof Error) eks.on(DescribeClusterVersionsCommand).rejects(world.versions);
  else eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: world.versions ?? [K8S_1_35], $metadata: META });
  if (world.cluster instanceof Error) eks.on(DescribeClusterCommand).rejects(world.cluster);
  else {
    const cluster = world.cluster ?? { version: "1.34", status: "ACTIVE" };
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "inference",
        arn: "arn:aws:eks:us-east-1:123456789012:cluster/inference",
        version: cluster.version,
        status: cluster.status as "ACTIVE",
        platformVersion: "eks.9",
        endpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com",
        resourcesVpcConfig: {
          vpcId: "vpc-0fedcba9876543210",
          subnetIds: Object.keys(SUBNET_ZONES),
          endpointPublicAccess: false,
          endpointPrivateAccess: true,
        },
        upgradePolicy: { supportType: "STANDARD" },
      },
      $metadata: META,
    });
  }
  const agent = world.podIdentityAgent === undefined ? "ACTIVE" : world.podIdentityAgent;
  if (agent instanceof Error) eks.on(DescribeAddonCommand).rejects(agent);
  else if (agent === null)
    eks.on(DescribeAddonCommand).rejects(
      new ResourceNotFoundException({
        message: "No addon: eks-pod-identity-agent found in cluster: inference",
        $metadata: { ...META, httpStatusCode: 404 },
      }),
    );
  else
    eks.on(DescribeAddonCommand).resolves({
      addon: {
        addonName: "eks-pod-identity-agent",
        clusterName: "inference",
        status: agent as "ACTIVE",
        addonVersion: "v1.3.10-eksbuild.2",
      },
      $metadata: META,
    });
  ec2.on(DescribeVpcEndpointsCommand).resolves({
    VpcEndpoints: Array.from({ length: world.s3Endpoints ?? 1 }, (_, i) => ({
      VpcEndpointId: `vpce-0s3gateway000000${i}`,
      VpcEndpointType: "Gateway",
      VpcId: "vpc-0fedcba9876543210",
      ServiceName: "com.amazonaws.us-east-1.s3",
      // What the API answers (aws ec2 describe-vpc-endpoints reference example), though the SDK types it "Available": the check accepts either.
      State: "available" as unknown as "Available",
      RouteTableIds: ["rtb-0private000000001"],
    })),
    $metadata: META,
  });
  return { clients, stubs: { sts, ec2, quotas, eks } };
}

// ---- running it ---------------------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stubs: ReturnType<typeof mockAws>["stubs"];
}

async function preflight(config: Record<string, unknown>, world: World = {}, options: PreflightOptions = {}): Promise<Run> {
  const { clients, stubs } = mockAws(world);
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await runPreflight(["--stack", "dev"], { now: NOW, clients, directory: stackDirectory(config), ...options });
    return { code, stdout, stderr, stubs };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

/** One check's line, split: status, what was found and the fix lines (joined with newlines). */
function check(stdout: string, name: string): { status: string; detail: string; fix: string | undefined } {
  const lines = stdout.split("\n");
  const index = lines.findIndex((line) => line.slice(6).startsWith(`${name}  `) || line.slice(6).startsWith(`${name} `));
  if (index < 0) throw new Error(`no "${name}" line in:\n${stdout}`);
  const line = lines[index] ?? "";
  const fix: string[] = [];
  for (const next of lines.slice(index + 1)) {
    const trimmed = next.trim();
    if (!next.startsWith("  ") || trimmed === "") break;
    fix.push(trimmed.replace(/^fix: /, ""));
  }
  return { status: line.slice(0, 4), detail: line.slice(6 + 18 + 2), fix: fix.length > 0 ? fix.join("\n") : undefined };
}

// ---- the tests ----------------------------------------------------------------------------------

describe("llm-stack preflight: the dev stack when AWS says yes", () => {
  it("passes every check, prints account and ARN, and exits 0", async () => {
    const run = await preflight(DEV_CONFIG, {});
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(golden("preflight/dev-pass.txt", run.stdout));
    expect(check(run.stdout, "credentials")).toEqual({
      status: "PASS",
      detail: "account 123456789012 as arn:aws:iam::123456789012:user/deployer",
      fix: undefined,
    });
    // 1 × p5.4xlarge × 16 vCPUs = 16 vCPUs of "Running On-Demand P instances".
    expect(check(run.stdout, "vCPU quota").detail).toBe(
      "Running On-Demand P instances (L-417A185B) in us-east-1 is 192 vCPUs ≥ 16 needed (1 × p5.4xlarge × 16 vCPUs); P instances already running in us-east-1 use the same quota (not subtracted: preflight does not list running instances)",
    );
  });

  it("says on-demand capacity cannot be read ahead, and shows what a Capacity Block of the same nodes costs", async () => {
    const run = await preflight(DEV_CONFIG, {});
    expect(run.stubs.ec2.commandCalls(DescribeCapacityBlockOfferingsCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceType: "p5.4xlarge", InstanceCount: 1, CapacityDurationHours: 24 },
    ]);
    // The cheapest offering: $1,012.32 for 1 instance × 24 h = $42.18 per instance-hour.
    expect(check(run.stdout, "launch now")).toMatchObject({
      status: "SKIP",
      detail:
        "on-demand capacity cannot be read before a launch (EC2 answers a launch it cannot fill with InsufficientInstanceCapacity); instead: 2 Capacity Block offering(s) of 1 × p5.4xlarge for 24 h, the cheapest $1012.32 up front ($42.18/h per instance) from 2026-11-29 11:30 UTC in us-east-1c",
    });
    expect(run.code).toBe(0);
  });

  it("reads spot's placement score and price for a spot stack: likely from 7; below, only a ranking (AWS scores one type low by design)", async () => {
    const spot = withDev({ "llm-stack:capacityType": "spot" });
    const likely = await preflight(spot, {});
    expect(likely.stubs.ec2.commandCalls(GetSpotPlacementScoresCommand).map((call) => call.args[0].input)).toEqual([
      {
        InstanceTypes: ["p5.4xlarge"],
        TargetCapacity: 1,
        TargetCapacityUnitType: "units",
        SingleAvailabilityZone: true,
        RegionNames: ["us-east-1"],
      },
    ]);
    expect(check(likely.stdout, "launch now")).toMatchObject({
      status: "PASS",
      detail:
        "1 × p5.4xlarge in one AZ: placement score use1-az4 9, use1-az6 8 (10 = highly likely, 1 = unlikely); spot price now use1-az4 $24.13/h, use1-az6 $31.90/h",
    });
    // The newest price per AZ wins; a score of 3 at best says little for one instance type: shown, with where else to look (exit 0).
    const unlikely = await preflight(spot, {
      spotScores: { "use1-az4": 3, "use1-az6": 2 },
      spotPrices: [
        { zoneId: "use1-az4", usd: "20.000000", at: "2026-11-27T08:00:00Z" },
        { zoneId: "use1-az4", usd: "26.500000", at: "2026-11-27T11:00:00Z" },
      ],
    });
    const result = check(unlikely.stdout, "launch now");
    expect(result.status).toBe("SKIP");
    expect(result.detail).toContain(
      "spot price now use1-az4 $26.50/h; AWS scores a request for one instance type low by design, so below 7 this ranks AZs and regions rather than telling whether the launch succeeds",
    );
    expect(result.fix).toContain(
      "aws ec2 get-spot-placement-scores --instance-types p5.4xlarge --target-capacity 1 --single-availability-zone",
    );
    expect(unlikely.code).toBe(0);
    // A high score in an AZ the type is not offered in is no evidence: the group cannot launch there.
    const elsewhere = await preflight(spot, { offeredIn: ["use1-az6"], spotScores: { "use1-az4": 9, "use1-az6": 3 } });
    const onlyOffered = check(elsewhere.stdout, "launch now");
    expect(onlyOffered.status).toBe("SKIP");
    expect(onlyOffered.detail).toContain("placement score use1-az6 3 (10 = highly likely");
    expect(onlyOffered.fix).toContain("--region-names us-east-1 us-east-2 us-west-2");
    // Without the permission: skipped with the action to grant, like every other read.
    const denied = await preflight(spot, {
      spotScores: ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation."),
    });
    expect(check(denied.stdout, "launch now")).toMatchObject({
      status: "WARN",
      detail:
        "could not read the spot placement score and price: arn:aws:iam::123456789012:user/deployer is not allowed to call ec2:GetSpotPlacementScores",
    });
  });

  it("checks a set's every instance type: AZs offering them all, and the P quota for every group at its maximum", async () => {
    // Pulumi.fleet.yaml: 1 × p5.48xlarge (shared) and 0–1 × p5.4xlarge (Mistral, autoscaled): 192 + 1 × 16 = 208 vCPUs at most.
    const fleet = {
      ...(parse(readFileSync(join(REPO, "Pulumi.fleet.yaml"), "utf8")) as { config: Record<string, unknown> }).config,
      "llm-stack:hfToken": SECURE,
      "llm-stack:clusterPublicAccessCidrs": ["198.51.100.7/32"],
      "llm-stack:dockerHubUsername": "operator",
      "llm-stack:dockerHubAccessToken": SECURE,
      "llm-stack:githubUsername": "operator",
      "llm-stack:githubToken": SECURE,
    };
    const run = await preflight(fleet, {
      offeredByType: { "p5.48xlarge": ["use1-az4", "use1-az6"], "p5.4xlarge": ["use1-az6", "use1-az1"] },
    });
    expect(run.stubs.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand).map((call) => call.args[0].input.Filters?.[0]?.Values)).toEqual(
      [["p5.48xlarge"], ["p5.4xlarge"]],
    );
    // Only use1-az6 offers both: every node group launches there.
    expect(check(run.stdout, "instance type").detail).toContain(
      "p5.48xlarge and p5.4xlarge are offered in 1 of the 6 available AZs of us-east-1: use1-az6 (us-east-1d); GPU nodes launch in use1-az6 (us-east-1d)",
    );
    expect(check(run.stdout, "vCPU quota").detail).toBe(
      "Running On-Demand P instances (L-417A185B) in us-east-1 is 192 vCPUs; the plan needs 208 (1 × p5.48xlarge × 192 vCPUs + 1 × p5.4xlarge × 16 vCPUs with every model at its maxReplicas)",
    );
    expect(check(run.stdout, "vCPU quota").status).toBe("FAIL");
  });

  it("asks AWS exactly what the checks need, in the stack's region", async () => {
    const { stubs } = await preflight(DEV_CONFIG, {});
    expect(stubs.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand).map((call) => call.args[0].input)).toEqual([
      { LocationType: "availability-zone-id", Filters: [{ Name: "instance-type", Values: ["p5.4xlarge"] }], NextToken: undefined },
    ]);
    expect(stubs.ec2.commandCalls(DescribeAvailabilityZonesCommand).map((call) => call.args[0].input)).toEqual([
      {
        Filters: [
          { Name: "state", Values: ["available"] },
          { Name: "opt-in-status", Values: ["opt-in-not-required"] },
        ],
      },
    ]);
    expect(stubs.quotas.commandCalls(GetServiceQuotaCommand).map((call) => call.args[0].input)).toEqual([
      { ServiceCode: "ec2", QuotaCode: "L-417A185B" },
    ]);
    expect(stubs.eks.commandCalls(DescribeClusterVersionsCommand).map((call) => call.args[0].input)).toEqual([
      { clusterVersions: ["1.35"], includeAll: true },
    ]);
    expect(stubs.ec2.commandCalls(DescribeCapacityReservationsCommand)).toHaveLength(0);
    expect(stubs.ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
    expect(stubs.eks.commandCalls(DescribeClusterCommand)).toHaveLength(0);
  });
});

describe("instance type offered (DescribeInstanceTypeOfferings by AZ id)", () => {
  it.each([
    {
      case: "two AZs offer it: passes and names the AZs the stack uses",
      offeredIn: ["use1-az6", "use1-az4"],
      status: "PASS",
      code: 0,
      detail:
        "p5.4xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); GPU nodes launch in use1-az4 (us-east-1c), use1-az6 (us-east-1d); the VPC spans every available AZ (use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6), the control plane use1-az1, use1-az2, use1-az4, use1-az5, use1-az6",
    },
    {
      case: "only one AZ offers it: warns that there is no other AZ to fall back to",
      offeredIn: ["use1-az4"],
      status: "WARN",
      code: 0,
      detail:
        "p5.4xlarge is offered in 1 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c); GPU nodes launch in use1-az4 (us-east-1c); the VPC spans every available AZ (use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6), the control plane use1-az1, use1-az2, use1-az4, use1-az5, use1-az6; only one AZ: when that AZ has no free capacity (InsufficientInstanceCapacity) the node group has no other AZ to try",
    },
    {
      case: "fails when no AZ of the region offers it",
      offeredIn: [],
      status: "FAIL",
      code: 2,
      detail:
        "p5.4xlarge is offered in none of the 6 available AZs of us-east-1: p5.4xlarge is not offered in any available AZ of us-east-1 [us-east-1a (use1-az1), us-east-1b (use1-az2), us-east-1e (use1-az3), us-east-1c (use1-az4), us-east-1f (use1-az5), us-east-1d (use1-az6)] (DescribeInstanceTypeOfferings by availability-zone-id); choose another region (aws:region) or instance type (allowedInstanceTypes), or buy a Capacity Block",
    },
    {
      // GPU nodes may run there; only the control plane's network interfaces may not (EKS network requirements).
      case: "warns when only use1-az3 offers it: nodes run there, the control plane elsewhere",
      offeredIn: ["use1-az3"],
      status: "WARN",
      code: 0,
      detail:
        "p5.4xlarge is offered in 1 of the 6 available AZs of us-east-1: use1-az3 (us-east-1e); GPU nodes launch in use1-az3 (us-east-1e); the VPC spans every available AZ (use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6), the control plane use1-az1, use1-az2, use1-az4, use1-az5, use1-az6; only one AZ: when that AZ has no free capacity (InsufficientInstanceCapacity) the node group has no other AZ to try",
    },
  ])("$case", async ({ offeredIn, status, code, detail }) => {
    const run = await preflight(DEV_CONFIG, { offeredIn });
    expect(run.code).toBe(code);
    expect(check(run.stdout, "instance type")).toMatchObject({ status, detail });
  });

  it("gives the command that finds a region offering the type", async () => {
    const run = await preflight(DEV_CONFIG, { offeredIn: [] });
    expect(check(run.stdout, "instance type").fix).toBe(
      "find a region that offers it: aws ec2 describe-instance-type-offerings --location-type availability-zone-id --filters Name=instance-type,Values=p5.4xlarge --region <region>; then pulumi config set aws:region <region>, or choose another GPU (gpu) or instance type (allowedInstanceTypes), or buy a Capacity Block",
    );
  });

  it("warns, without failing, when EC2 refuses DescribeInstanceTypeOfferings", async () => {
    const run = await preflight(DEV_CONFIG, {
      zones: ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation."),
    });
    expect(run.code).toBe(0);
    expect(check(run.stdout, "instance type")).toMatchObject({
      status: "WARN",
      detail:
        "could not read where p5.4xlarge is offered: arn:aws:iam::123456789012:user/deployer is not allowed to call ec2:DescribeAvailabilityZones",
    });
  });
});

describe("instance type offered, cluster eks:<name> (DescribeSubnets → AvailabilityZoneId)", () => {
  it.each([
    {
      case: "passes when every subnet is in an AZ offering the type",
      subnets: ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"],
      status: "PASS",
      code: 0,
      detail:
        "p5.4xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); GPU nodes use subnet-0aaa1111bbbb2222c (use1-az4), subnet-0ddd3333eeee4444f (use1-az6)",
    },
    {
      case: "warns when only one subnet's AZ offers it, naming the subnet left out",
      subnets: ["subnet-0aaa1111bbbb2222c", "subnet-0123aaaa4567bbbb8"],
      status: "WARN",
      code: 0,
      detail:
        "p5.4xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); GPU nodes use subnet-0aaa1111bbbb2222c (use1-az4); not used (AZ without p5.4xlarge): subnet-0123aaaa4567bbbb8 (use1-az1); only one AZ: when that AZ has no free capacity (InsufficientInstanceCapacity) the node group has no other AZ to try",
    },
    {
      case: "fails when every subnet is in an AZ without the type",
      subnets: ["subnet-0123aaaa4567bbbb8", "subnet-0123cccc4567dddd8"],
      status: "FAIL",
      code: 2,
      detail:
        "none of nodeSubnetIds [subnet-0123aaaa4567bbbb8 (use1-az1), subnet-0123cccc4567dddd8 (use1-az2)] is in an AZ where p5.4xlarge can run in us-east-1 (AZ ids offering it: use1-az4, use1-az6); add a private subnet of the cluster's VPC in one of them to nodeSubnetIds",
    },
    {
      case: "fails when a subnet does not exist",
      subnets: ["subnet-0aaa1111bbbb2222c", "subnet-0fff9999eeee8888d"],
      status: "FAIL",
      code: 2,
      detail:
        "p5.4xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); nodeSubnetIds subnet-0fff9999eeee8888d do not exist in us-east-1 for this account",
    },
  ])("$case", async ({ subnets, status, code, detail }) => {
    const run = await preflight({ ...EXISTING_EKS, "llm-stack:nodeSubnetIds": subnets }, {});
    expect(run.code).toBe(code);
    expect(check(run.stdout, "instance type")).toMatchObject({ status, detail });
    expect(run.stubs.ec2.commandCalls(DescribeSubnetsCommand).map((call) => call.args[0].input)).toEqual([
      { Filters: [{ Name: "subnet-id", Values: subnets }], NextToken: undefined },
    ]);
  });

  it("tells how to add a subnet in a usable AZ", async () => {
    const run = await preflight({ ...EXISTING_EKS, "llm-stack:nodeSubnetIds": ["subnet-0123aaaa4567bbbb8"] }, {});
    expect(check(run.stdout, "instance type").fix).toBe(
      "add a private subnet of the cluster's VPC in one of those AZs: pulumi config set --path 'nodeSubnetIds[1]' subnet-…  (find them: aws eks describe-cluster --name inference --region us-east-1 --query cluster.resourcesVpcConfig.subnetIds, then aws ec2 describe-subnets --subnet-ids <ids> --region us-east-1 --query 'Subnets[].[SubnetId,AvailabilityZoneId]')",
    );
  });
});

describe("vCPU quota (Service Quotas, service code ec2)", () => {
  it.each([
    // 1 × p5.4xlarge × 16 vCPUs = 16.
    {
      case: "fails at quota 0 for 1 × p5.4xlarge (needs 16)",
      config: DEV_CONFIG,
      quota: 0,
      status: "FAIL",
      code: 2,
      needed: "16 (1 × p5.4xlarge × 16 vCPUs)",
      value: 0,
    },
    {
      case: "passes at quota 16 for 1 × p5.4xlarge (exactly enough)",
      config: DEV_CONFIG,
      quota: 16,
      status: "PASS",
      code: 0,
      needed: "16 (1 × p5.4xlarge × 16 vCPUs)",
      value: 16,
    },
    // 1 × p5.48xlarge × 192 vCPUs = 192.
    {
      case: "fails at quota 96 for 1 × p5.48xlarge (needs 192)",
      config: SEVENTY_B,
      quota: 96,
      status: "FAIL",
      code: 2,
      needed: "192 (1 × p5.48xlarge × 192 vCPUs)",
      value: 96,
    },
    // 2 replicas of Llama 3.1 405B → 2 × p5.48xlarge × 192 vCPUs = 384.
    {
      case: "fails at quota 192 for 2 × p5.48xlarge (needs 384)",
      config: { ...SEVENTY_B, ...TWO_NODES },
      quota: 192,
      status: "FAIL",
      code: 2,
      needed: "384 (2 × p5.48xlarge × 192 vCPUs)",
      value: 192,
    },
    {
      case: "passes at quota 384 for 2 × p5.48xlarge",
      config: { ...SEVENTY_B, ...TWO_NODES },
      quota: 384,
      status: "PASS",
      code: 0,
      needed: "384 (2 × p5.48xlarge × 192 vCPUs)",
      value: 384,
    },
    // Llama 3.3 70B on one p5.48xlarge, autoscaled to 3 replicas: Cluster Autoscaler may launch 3 × 192 = 576 vCPUs.
    {
      case: "fails at quota 384 for an autoscaled stack that may grow to 3 × p5.48xlarge (needs 576)",
      config: { ...SEVENTY_B, "llm-stack:maxReplicas": "3" },
      quota: 384,
      status: "FAIL",
      code: 2,
      needed: "576 (3 × p5.48xlarge × 192 vCPUs at maxReplicas 3)",
      value: 384,
    },
  ])("$case", async ({ config, quota, status, code, needed, value }) => {
    const run = await preflight(config, { quota });
    expect(run.code).toBe(code);
    const result = check(run.stdout, "vCPU quota");
    expect(result.status).toBe(status);
    const [count] = needed.split(" ");
    expect(result.detail).toBe(
      status === "FAIL"
        ? `Running On-Demand P instances (L-417A185B) in us-east-1 is ${value} vCPUs; the plan needs ${needed}`
        : `Running On-Demand P instances (L-417A185B) in us-east-1 is ${value} vCPUs ≥ ${count} needed ${needed.slice(needed.indexOf("("))}; P instances already running in us-east-1 use the same quota (not subtracted: preflight does not list running instances)`,
    );
  });

  it("fails with the increase request for the region, and says reviews can take days", async () => {
    const run = await preflight(DEV_CONFIG, { quota: 0 });
    expect(check(run.stdout, "vCPU quota").fix).toBe(
      "aws service-quotas request-service-quota-increase --region us-east-1 --service-code ec2 --quota-code L-417A185B --desired-value 16\n" +
        "P quotas are per region, and AWS reviews each increase, which can take days. Add the vCPUs of P instances already running in us-east-1: preflight does not subtract them.",
    );
  });

  it("checks the spot quota L-7212CCBC for capacityType spot", async () => {
    const run = await preflight(withDev({ "llm-stack:capacityType": "spot" }), { quota: 0 });
    expect(run.stubs.quotas.commandCalls(GetServiceQuotaCommand).map((call) => call.args[0].input)).toEqual([
      { ServiceCode: "ec2", QuotaCode: "L-7212CCBC" },
    ]);
    expect(check(run.stdout, "vCPU quota")).toMatchObject({
      status: "FAIL",
      detail: "All P Spot Instance Requests (L-7212CCBC) in us-east-1 is 0 vCPUs; the plan needs 16 (1 × p5.4xlarge × 16 vCPUs)",
    });
  });

  it("warns with the missing permission, and exits 0, when Service Quotas says AccessDenied", async () => {
    const denied = new AccessDeniedException({
      message: "User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: servicequotas:GetServiceQuota",
      $metadata: { ...META, httpStatusCode: 400 },
    });
    const run = await preflight(DEV_CONFIG, { quota: denied });
    expect(run.code).toBe(0);
    expect(check(run.stdout, "vCPU quota")).toEqual({
      status: "WARN",
      detail:
        "could not read Running On-Demand P instances (L-417A185B): arn:aws:iam::123456789012:user/deployer is not allowed to call servicequotas:GetServiceQuota",
      fix: 'grant servicequotas:GetServiceQuota to arn:aws:iam::123456789012:user/deployer (an IAM policy statement with "Action": "servicequotas:GetServiceQuota", "Resource": "*"), then run preflight again; or read it in the console: https://us-east-1.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-417A185B',
    });
  });

  it("falls back to AWS's default value when the account has no applied value (NoSuchResourceException)", async () => {
    const missing = new NoSuchResourceException({
      message: "The request failed because the specified resource does not exist.",
      $metadata: { ...META, httpStatusCode: 400 },
    });
    const run = await preflight(DEV_CONFIG, { quota: missing, defaultQuota: 0 });
    expect(run.code).toBe(2);
    expect(check(run.stdout, "vCPU quota").detail).toBe(
      "Running On-Demand P instances (L-417A185B) in us-east-1 is 0 vCPUs (AWS's default; the account has no applied value); the plan needs 16 (1 × p5.4xlarge × 16 vCPUs)",
    );
  });

  it("skips for a Capacity Block, saying it is an assumption", async () => {
    const run = await preflight(CAPACITY_BLOCK, {});
    expect(check(run.stdout, "vCPU quota")).toMatchObject({
      status: "SKIP",
      detail:
        "capacityType capacity-block: instances launch into the reservation already bought; assumed not to count against the On-Demand P vCPU quota (an assumption: no AWS statement on it was found)",
    });
    expect(run.stubs.quotas.commandCalls(GetServiceQuotaCommand)).toHaveLength(0);
  });
});

describe("capacity block (DescribeCapacityReservations)", () => {
  const BLOCK = "cr-0123456789abcdef0: 1 × p5.48xlarge in use1-az4 (us-east-1c)";
  const WEEK = "2026-11-26 11:30 UTC to 2026-12-03 11:30 UTC";
  const BUY_ONE =
    "buy a block of 1 instance of p5.48xlarge: aws ec2 describe-capacity-block-offerings --region us-east-1 --instance-type p5.48xlarge --instance-count 1 --capacity-duration-hours 24, then aws ec2 purchase-capacity-block --capacity-block-offering-id <id> --instance-platform Linux/UNIX, then set capacityReservationId, capacityReservationZoneId, capacityReservationStartDate and capacityReservationEndDate";
  const BUY_TWO =
    "buy a block of 2 instances of p5.48xlarge: aws ec2 describe-capacity-block-offerings --region us-east-1 --instance-type p5.48xlarge --instance-count 2 --capacity-duration-hours 24, then aws ec2 purchase-capacity-block --capacity-block-offering-id <id> --instance-platform Linux/UNIX, then set capacityReservationId, capacityReservationZoneId, capacityReservationStartDate and capacityReservationEndDate";
  it.each([
    {
      case: "passes for an active block of the planned type in the configured AZ",
      reservation: reservationOf({}),
      config: CAPACITY_BLOCK,
      status: "PASS",
      code: 0,
      detail: `${BLOCK}, active ${WEEK}, 1 free; the plan needs 1`,
      fix: undefined,
    },
    {
      case: "warns for a scheduled block, with its start",
      reservation: reservationOf({
        State: "scheduled",
        StartDate: new Date("2026-12-01T11:30:00Z"),
        EndDate: new Date("2026-12-08T11:30:00Z"),
      }),
      config: datedBlock("2026-12-01T11:30:00Z", "2026-12-08T11:30:00Z"),
      status: "WARN",
      code: 0,
      detail: `${BLOCK}, scheduled 2026-12-01 11:30 UTC to 2026-12-08 11:30 UTC, 1 free; the plan needs 1; it starts at 2026-12-01 11:30 UTC: GPU nodes cannot launch before then`,
      fix: "run pulumi up after 2026-12-01 11:30 UTC",
    },
    {
      case: "fails for an expired block",
      reservation: reservationOf({
        State: "expired",
        StartDate: new Date("2026-11-12T11:30:00Z"),
        EndDate: new Date("2026-11-19T11:30:00Z"),
        AvailableInstanceCount: 0,
      }),
      config: datedBlock("2026-11-12T11:30:00Z", "2026-11-19T11:30:00Z"),
      status: "FAIL",
      code: 2,
      detail: `${BLOCK}, expired 2026-11-12 11:30 UTC to 2026-11-19 11:30 UTC, 0 free; the plan needs 1; its state is expired; only active or scheduled blocks can launch instances`,
      fix: BUY_ONE,
    },
    {
      case: "fails for a block whose payment failed",
      reservation: reservationOf({ State: "payment-failed" }),
      config: CAPACITY_BLOCK,
      status: "FAIL",
      code: 2,
      detail: `${BLOCK}, payment-failed ${WEEK}, 1 free; the plan needs 1; its state is payment-failed; only active or scheduled blocks can launch instances`,
      fix: BUY_ONE,
    },
    {
      case: "fails when the block is in another AZ than capacityReservationZoneId, giving the right id",
      reservation: reservationOf({ AvailabilityZone: "us-east-1d", AvailabilityZoneId: "use1-az6" }),
      config: CAPACITY_BLOCK,
      status: "FAIL",
      code: 2,
      detail: `cr-0123456789abcdef0: 1 × p5.48xlarge in use1-az6 (us-east-1d), active ${WEEK}, 1 free; the plan needs 1; it is in use1-az6 (us-east-1d), capacityReservationZoneId is use1-az4`,
      fix: "pulumi config set capacityReservationZoneId use1-az6",
    },
    {
      case: "fails when the block holds another instance type",
      reservation: reservationOf({ InstanceType: "p5en.48xlarge" }),
      config: CAPACITY_BLOCK,
      status: "FAIL",
      code: 2,
      detail: `cr-0123456789abcdef0: 1 × p5en.48xlarge in use1-az4 (us-east-1c), active ${WEEK}, 1 free; the plan needs 1; it holds p5en.48xlarge, the plan needs p5.48xlarge`,
      fix: `plan for the reserved type if the model fits it: pulumi config set --path 'allowedInstanceTypes[0]' p5en.48xlarge\nor ${BUY_ONE}`,
    },
    {
      // 2 replicas of 1 × p5.48xlarge each = 2 nodes; the block holds 1.
      case: "fails when the block holds fewer instances than the plan's nodes",
      reservation: reservationOf({}),
      config: { ...CAPACITY_BLOCK, ...TWO_NODES },
      status: "FAIL",
      code: 2,
      detail: `${BLOCK}, active ${WEEK}, 1 free; the plan needs 2; it holds 1 instance, the plan needs 2 nodes`,
      fix: `lower replicas until the plan needs at most 1 node\nor ${BUY_TWO}`,
    },
    {
      case: "fails when instances already running leave too few free",
      reservation: reservationOf({ TotalInstanceCount: 2, AvailableInstanceCount: 1 }),
      config: { ...CAPACITY_BLOCK, ...TWO_NODES },
      status: "FAIL",
      code: 2,
      detail: `cr-0123456789abcdef0: 2 × p5.48xlarge in use1-az4 (us-east-1c), active ${WEEK}, 1 free; the plan needs 2; 1 of its 2 instances are free (the others are running), the plan needs 2`,
      fix: "stop what runs in it (aws ec2 describe-instances --region us-east-1 --filters Name=capacity-reservation-id,Values=cr-0123456789abcdef0), or lower replicas",
    },
    {
      case: "fails for an On-Demand Capacity Reservation given as a Capacity Block",
      reservation: reservationOf({ ReservationType: "default", EndDate: undefined, EndDateType: "unlimited" }),
      config: CAPACITY_BLOCK,
      status: "FAIL",
      code: 2,
      detail: `${BLOCK}, active, 1 free; the plan needs 1; it is not a Capacity Block (ReservationType default)`,
      fix: BUY_ONE,
    },
  ])("$case", async ({ reservation, config, status, code, detail, fix }) => {
    const run = await preflight(config, { reservation, offeredIn: ["use1-az4", "use1-az6"] });
    expect(run.code).toBe(code);
    expect(check(run.stdout, "capacity block")).toEqual({ status, detail, fix });
    expect(run.stubs.ec2.commandCalls(DescribeCapacityReservationsCommand).map((call) => call.args[0].input)).toEqual([
      { CapacityReservationIds: ["cr-0123456789abcdef0"] },
    ]);
  });

  it("fails when the reservation does not exist in the region", async () => {
    const run = await preflight(CAPACITY_BLOCK, {
      reservation: ec2Error("InvalidCapacityReservationId.NotFound", "The capacity reservation ID 'cr-0123456789abcdef0' does not exist"),
    });
    expect(run.code).toBe(2);
    expect(check(run.stdout, "capacity block")).toEqual({
      status: "FAIL",
      detail: "cr-0123456789abcdef0 does not exist in us-east-1 for account 123456789012",
      fix: "list the region's reservations: aws ec2 describe-capacity-reservations --region us-east-1 --query 'CapacityReservations[].[CapacityReservationId,ReservationType,InstanceType,AvailabilityZoneId,State]'; then pulumi config set capacityReservationId <id>",
    });
  });

  it("places a multi-node replica in one AZ even where several offer the type, as the program does, without the single-AZ warning", async () => {
    // Pulumi.llama405b.yaml: 405B bf16 as one replica over 2 × p5.48xlarge (one cluster placement group).
    const run = await preflight(
      withDev({ "llm-stack:model": "llama-3.1-405b-instruct", "llm-stack:quantization": "bf16", "llm-stack:maxHourlyUsd": "115" }),
      { offeredIn: ["use1-az4", "use1-az6"] },
    );
    expect(check(run.stdout, "instance type")).toMatchObject({
      status: "PASS",
      detail:
        "p5.48xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); GPU nodes launch in use1-az4 (us-east-1c); the VPC spans every available AZ (use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6), the control plane use1-az1, use1-az2, use1-az4, use1-az5, use1-az6",
    });
  });

  it("places GPU nodes only in the block's AZ", async () => {
    const run = await preflight(CAPACITY_BLOCK, { offeredIn: ["use1-az4", "use1-az6"] });
    expect(check(run.stdout, "instance type")).toMatchObject({
      status: "PASS",
      detail:
        "p5.48xlarge is offered in 2 of the 6 available AZs of us-east-1: use1-az4 (us-east-1c), use1-az6 (us-east-1d); GPU nodes launch in use1-az4 (us-east-1c); the VPC spans every available AZ (use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6), the control plane use1-az1, use1-az2, use1-az4, use1-az5, use1-az6",
    });
  });

  it("exits 2 before asking AWS when capacityReservationZoneId is missing (stack validation, as in the program)", async () => {
    const run = await preflight({ ...CAPACITY_BLOCK, "llm-stack:capacityReservationZoneId": undefined }, {});
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain(
      "  - llm-stack:capacityReservationZoneId: got (not set); expected the reservation's AZ id when capacityType is capacity-block.",
    );
    expect(run.stubs.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it("skips for on-demand stacks", async () => {
    const run = await preflight(DEV_CONFIG, {});
    expect(check(run.stdout, "capacity block")).toMatchObject({
      status: "SKIP",
      detail: "capacityType on-demand: no Capacity Block to check",
    });
  });
});

describe("Kubernetes version of a created cluster (1.35: standard support until 2027-03-27)", () => {
  it.each([
    // 2026-11-27 → 2027-03-27: 3 + 31 + 31 + 28 + 27 = 120 days.
    {
      case: "passes 120 days before the end",
      now: "2026-11-27T12:00:00Z",
      versions: [K8S_1_35],
      status: "PASS",
      code: 0,
      detail: "Kubernetes 1.35: in standard support until 2027-03-27 (120 days left; dates from EKS DescribeClusterVersions)",
    },
    // 2027-02-25 → 2027-03-27: 3 + 27 = 30 days.
    {
      case: "warns 30 days before the end",
      now: "2027-02-25T08:00:00Z",
      versions: [K8S_1_35],
      status: "WARN",
      code: 0,
      detail:
        "Kubernetes 1.35: in standard support until 2027-03-27 (30 days left; dates from EKS DescribeClusterVersions); after that EKS will upgrade the cluster on its own",
    },
    {
      case: "passes 31 days before the end",
      now: "2027-02-24T08:00:00Z",
      versions: [K8S_1_35],
      status: "PASS",
      code: 0,
      detail: "Kubernetes 1.35: in standard support until 2027-03-27 (31 days left; dates from EKS DescribeClusterVersions)",
    },
    {
      case: "fails after the end, when EKS reports extended support",
      now: "2027-04-02T08:00:00Z",
      versions: [version("1.35", "EXTENDED_SUPPORT", "2027-03-27", "2028-03-27")],
      status: "FAIL",
      code: 2,
      detail:
        "Kubernetes 1.35: standard support ended on 2027-03-27; with kubernetesSupportType standard EKS upgrades the cluster to the next version on its own (dates from EKS DescribeClusterVersions)",
    },
    {
      case: "falls back to the catalog's dates when DescribeClusterVersions is denied",
      now: "2027-03-20T08:00:00Z",
      versions: new EksAccessDenied({
        message: "not authorized to perform: eks:DescribeClusterVersions",
        $metadata: { ...META, httpStatusCode: 403 },
      }),
      status: "WARN",
      code: 0,
      detail:
        "Kubernetes 1.35: in standard support until 2027-03-27 (7 days left; not allowed to call eks:DescribeClusterVersions; dates from the kit's catalog (endoflife.date, read 2026-11-27)); after that EKS will upgrade the cluster on its own",
    },
    {
      case: "fails past the catalog's end date when DescribeClusterVersions is denied",
      now: "2027-03-28T08:00:00Z",
      versions: new EksAccessDenied({
        message: "not authorized to perform: eks:DescribeClusterVersions",
        $metadata: { ...META, httpStatusCode: 403 },
      }),
      status: "FAIL",
      code: 2,
      detail:
        "Kubernetes 1.35: standard support ended on 2027-03-27; with kubernetesSupportType standard EKS upgrades the cluster to the next version on its own (not allowed to call eks:DescribeClusterVersions; dates from the kit's catalog (endoflife.date, read 2026-11-27))",
    },
    {
      case: "fails when EKS does not offer the version in the region",
      now: "2026-11-27T12:00:00Z",
      versions: [],
      status: "FAIL",
      code: 2,
      detail: "EKS in us-east-1 does not offer Kubernetes 1.35 (DescribeClusterVersions lists no such version)",
    },
  ])("$case", async ({ now, versions, status, code, detail }) => {
    const run = await preflight(DEV_CONFIG, { versions }, { now: new Date(now) });
    expect(run.code).toBe(code);
    expect(check(run.stdout, "kubernetes version")).toMatchObject({ status, detail });
  });

  it("says what extended support costs when kubernetesSupportType is extended", async () => {
    const run = await preflight(withDev({ "llm-stack:kubernetesSupportType": "extended" }), {}, { now: new Date("2027-03-01T00:00:00Z") });
    expect(check(run.stdout, "kubernetes version")).toMatchObject({
      status: "WARN",
      detail:
        "Kubernetes 1.35: in standard support until 2027-03-27 (26 days left; dates from EKS DescribeClusterVersions); after that the control plane bills $0.60/h instead of $0.10/h",
      fix: "this release of llm-stack creates clusters on Kubernetes 1.35 (infra/catalog/eks-versions.ts): update llm-stack; versions EKS supports now: aws eks describe-cluster-versions --region us-east-1 --version-status STANDARD_SUPPORT",
    });
  });
});

describe("Kubernetes version of an existing cluster (eks:<name>, DescribeCluster)", () => {
  it.each([
    {
      case: "passes for a cluster in standard support",
      cluster: { version: "1.35", status: "ACTIVE" },
      versions: [K8S_1_35],
      status: "PASS",
      code: 0,
      detail:
        "cluster inference (ACTIVE) runs Kubernetes 1.35: in standard support until 2027-03-27 (120 days left; dates from EKS DescribeClusterVersions)",
    },
    {
      // 2026-11-27 → 2026-12-02: 5 days.
      case: "warns when its standard support ends within 30 days",
      cluster: { version: "1.34", status: "ACTIVE" },
      versions: [version("1.34", "STANDARD_SUPPORT", "2026-12-02", "2027-12-02")],
      status: "WARN",
      code: 0,
      detail:
        "cluster inference (ACTIVE) runs Kubernetes 1.34: in standard support until 2026-12-02 (5 days left; dates from EKS DescribeClusterVersions)",
    },
    {
      case: "warns, with the price, for a cluster in extended support",
      cluster: { version: "1.33", status: "ACTIVE" },
      versions: [version("1.33", "EXTENDED_SUPPORT", "2026-07-29", "2027-07-29")],
      status: "WARN",
      code: 0,
      detail:
        "cluster inference (ACTIVE) runs Kubernetes 1.33: in extended support since 2026-07-29, billed $0.60/h instead of $0.10/h (upgrade policy STANDARD) (dates from EKS DescribeClusterVersions)",
    },
    {
      case: "fails when the cluster does not exist",
      cluster: new ResourceNotFoundException({
        message: "No cluster found for name: inference.",
        $metadata: { ...META, httpStatusCode: 404 },
      }),
      versions: [K8S_1_35],
      status: "FAIL",
      code: 2,
      detail: "EKS cluster inference does not exist in us-east-1 for account 123456789012",
    },
  ])("$case", async ({ cluster, versions, status, code, detail }) => {
    const run = await preflight(EXISTING_EKS, { cluster, versions });
    expect(run.code).toBe(code);
    expect(check(run.stdout, "kubernetes version")).toMatchObject({ status, detail });
    expect(run.stubs.eks.commandCalls(DescribeClusterCommand).map((call) => call.args[0].input)).toEqual([{ name: "inference" }]);
  });
});

describe("model cache of an existing cluster (eks:<name>: DescribeAddon, DescribeVpcEndpoints)", () => {
  // Llama 3.1 8B: 8,030,261,248 params × 2 = 16.06 GB.
  it.each([
    {
      case: "passes with the Pod Identity agent ACTIVE and an S3 gateway endpoint",
      world: {},
      status: "PASS",
      code: 0,
      detail: "eks-pod-identity-agent is ACTIVE; S3 gateway endpoint vpce-0s3gateway0000000 (route tables rtb-0private000000001)",
    },
    {
      case: "fails without the Pod Identity agent, naming the command",
      world: { podIdentityAgent: null },
      status: "FAIL",
      code: 2,
      detail:
        "cluster inference has no eks-pod-identity-agent add-on: the server and the copy Job would get no AWS credentials and could not read or fill the S3 model cache",
      fix: "aws eks create-addon --region us-east-1 --cluster-name inference --addon-name eks-pod-identity-agent, or set weightsSource huggingface",
    },
    {
      case: "warns, with the per-start NAT charge, without an S3 gateway endpoint",
      world: { s3Endpoints: 0 },
      status: "WARN",
      code: 0,
      detail:
        "eks-pod-identity-agent is ACTIVE; no S3 gateway endpoint in its VPC: the weights stream through the VPC's NAT gateway, if it has one (16.1 GB × $0.045/GB at every pod start)",
    },
    {
      case: "warns with the permission to grant when EKS refuses DescribeAddon",
      world: { podIdentityAgent: new EksAccessDenied({ message: "not authorized", $metadata: { ...META, httpStatusCode: 403 } }) },
      status: "WARN",
      code: 0,
      detail:
        "could not read cluster inference's Pod Identity agent and S3 endpoints: arn:aws:iam::123456789012:user/deployer is not allowed to call eks:DescribeAddon",
    },
  ])("$case", async ({ world, status, code, detail, fix }) => {
    const run = await preflight(EXISTING_EKS, { cluster: { version: "1.35", status: "ACTIVE" }, versions: [K8S_1_35], ...world });
    expect(run.code).toBe(code);
    expect(check(run.stdout, "model cache")).toMatchObject({ status, detail, ...(fix ? { fix } : {}) });
  });

  it("asks for the agent by name and for the S3 gateway endpoints of the cluster's own VPC", async () => {
    const run = await preflight(EXISTING_EKS, { cluster: { version: "1.35", status: "ACTIVE" }, versions: [K8S_1_35] });
    expect(run.stubs.eks.commandCalls(DescribeAddonCommand).map((call) => call.args[0].input)).toEqual([
      { clusterName: "inference", addonName: "eks-pod-identity-agent" },
    ]);
    expect(run.stubs.ec2.commandCalls(DescribeVpcEndpointsCommand).map((call) => call.args[0].input)).toEqual([
      {
        Filters: [
          { Name: "vpc-id", Values: ["vpc-0fedcba9876543210"] },
          { Name: "service-name", Values: ["com.amazonaws.us-east-1.s3"] },
          { Name: "vpc-endpoint-type", Values: ["Gateway"] },
        ],
      },
    ]);
  });

  it("asks nothing and skips when the stack downloads from Hugging Face", async () => {
    const run = await preflight(
      { ...EXISTING_EKS, "llm-stack:weightsSource": "huggingface" },
      { cluster: { version: "1.35", status: "ACTIVE" }, versions: [K8S_1_35] },
    );
    expect(check(run.stdout, "model cache").status).toBe("SKIP");
    expect(run.stubs.eks.commandCalls(DescribeAddonCommand)).toHaveLength(0);
  });
});

describe("cluster kubeconfig", () => {
  it("checks only the credentials and skips what needs the cluster's AWS side", async () => {
    const config = {
      ...withDev({ "llm-stack:clusterPublicAccessCidrs": undefined }),
      "llm-stack:cluster": "kubeconfig",
      "llm-stack:kubeconfig": { secure: "v1:AAAAAAAAAAAAAAAA:bm90LWEtcmVhbC1rdWJlY29uZmln" },
    };
    const run = await preflight(config, {});
    expect(run.code).toBe(0);
    const skip = "cluster kubeconfig: the stack deploys only the server to an existing cluster, so there is nothing to check in AWS";
    expect(["instance type", "vCPU quota", "capacity block"].map((name) => check(run.stdout, name))).toEqual([
      { status: "SKIP", detail: skip, fix: undefined },
      { status: "SKIP", detail: skip, fix: undefined },
      { status: "SKIP", detail: skip, fix: undefined },
    ]);
    expect(check(run.stdout, "kubernetes version")).toEqual({
      status: "SKIP",
      detail: `${skip} (the cluster's version is not read)`,
      fix: undefined,
    });
    expect(run.stubs.ec2.calls()).toHaveLength(0);
    expect(run.stubs.quotas.calls()).toHaveLength(0);
    expect(run.stubs.eks.calls()).toHaveLength(0);
  });
});

describe("operator values", () => {
  it("fails, still asking AWS, when the stack lacks the endpoint allowlist and a gated model's token, naming each command", async () => {
    const run = await preflight(withDev({ "llm-stack:clusterPublicAccessCidrs": undefined, "llm-stack:hfToken": undefined }), {});
    expect(run.code).toBe(2);
    expect(check(run.stdout, "operator values")).toEqual({
      status: "FAIL",
      detail:
        "Pulumi.dev.yaml does not set hfToken, clusterPublicAccessCidrs; `pulumi up` would stop on them (the checks below take them as set)",
      fix: "pulumi config set --secret hfToken <token>\npulumi config set --path 'clusterPublicAccessCidrs[0]' \"$(curl -s https://checkip.amazonaws.com)/32\"",
    });
    expect(check(run.stdout, "vCPU quota").status).toBe("PASS");
  });

  it("needs no token for a model that is not gated (Phi-3.5 mini, MIT)", async () => {
    const run = await preflight(withDev({ "llm-stack:model": "phi-3.5-mini-instruct", "llm-stack:hfToken": undefined }), {});
    expect(check(run.stdout, "operator values").status).toBe("PASS");
  });
});

describe("exit codes", () => {
  it("renders failures with their fixes (golden)", async () => {
    const run = await preflight(
      { ...CAPACITY_BLOCK, ...TWO_NODES },
      {
        offeredIn: ["use1-az6"],
        reservation: reservationOf({
          State: "expired",
          StartDate: new Date("2026-11-12T11:30:00Z"),
          EndDate: new Date("2026-11-19T11:30:00Z"),
          AvailableInstanceCount: 0,
          AvailabilityZone: "us-east-1d",
          AvailabilityZoneId: "use1-az6",
        }),
      },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(golden("preflight/capacity-block-fail.txt", run.stdout));
  });

  it("exits 2 with every config problem, asking AWS nothing, for an invalid stack", async () => {
    const run = await preflight(withDev({ "llm-stack:capacityType": "reserved", "llm-stack:hfToken": "hf_plaintext_token" }), {});
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain("llm-stack: invalid stack configuration; nothing was created (2 problems):\n");
    expect(run.stderr).toContain('  - llm-stack:capacityType: got "reserved"; expected one of "on-demand", "spot", "capacity-block".');
    expect(run.stderr).toContain('  - llm-stack:hfToken: got "(plain text, not shown)"; expected a Pulumi secret');
    expect(run.stubs.sts.calls()).toHaveLength(0);
  });

  it("exits 2 for a stack file that does not exist, and without --stack", async () => {
    const project = mkdtempSync(join(tmpdir(), "llm-stack-empty-"));
    cpSync(join(REPO, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
    const missing = await preflight(DEV_CONFIG, {}, { directory: project });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^llm-stack: no such stack \(1 problem\):\n  - --stack: got "dev"; expected a stack file .*Pulumi\.dev\.yaml\. There is no such file\. Stacks are the Pulumi\.<name>\.yaml files next to Pulumi\.yaml/,
    );
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    expect(await runPreflight([])).toBe(2);
    vi.restoreAllMocks();
    expect(stderr).toContain("llm-stack: preflight needs --stack <name>");
  });

  it("prints its help with --help (exit 0) and exits 2 for an unknown flag", async () => {
    let stdout = "";
    let stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    const codes = [await runPreflight(["--help"]), await runPreflight(["--stack", "dev", "--regoin", "us-west-2"])];
    vi.restoreAllMocks();
    expect(codes).toEqual([0, 2]);
    expect(stdout).toContain("Usage: llm-stack preflight --stack <name>\n");
    // The same declaration main.ts mounts on commander (cli/command-line.ts), with commander's suggestion and the usage.
    expect(stderr).toContain(`  - --regoin: got "--regoin"; expected a flag of llm-stack preflight. unknown option '--regoin'`);
    expect(stderr).toContain("Usage: llm-stack preflight --stack <name>");
  });

  it("exits 4 when AWS rejects the credentials", async () => {
    const rejected = new STSServiceException({
      name: "InvalidClientTokenId",
      $fault: "client",
      $metadata: { ...META, httpStatusCode: 403 },
      message: "The security token included in the request is invalid.",
    });
    const run = await preflight(DEV_CONFIG, { identity: rejected });
    expect([run.code, run.stdout]).toEqual([4, ""]);
    expect(run.stderr).toBe(
      "llm-stack: AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.): refresh them (`aws sso login`, or new keys with `aws configure`), then run preflight again\n",
    );
  });

  /** A server that accepts connections and never answers: what a black-holing proxy or firewall looks like. */
  async function withSilentEndpoint(use: (endpoint: string) => Promise<void>): Promise<void> {
    const sockets = new Set<Socket>();
    const server = createServer(() => undefined);
    server.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("exits 4 at the overall deadline when AWS accepts the connection but never answers", async () => {
    await withSilentEndpoint(async (endpoint) => {
      const { clients } = mockAws({});
      const silent = new STSClient({ region: "us-east-1", endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      // The deadline is the kit's own: the message names it; without one the silent endpoint would hang until the test's timeout.
      const run = await preflight(DEV_CONFIG, {}, { clients: { ...clients, sts: silent }, timeouts: { identityDeadlineMs: 300 } });
      expect([run.code, run.stdout]).toEqual([4, ""]);
      expect(run.stderr).toBe(
        "llm-stack: AWS did not answer within 0.3 s (us-east-1); check the network, a proxy (HTTPS_PROXY) or aws:region\n",
      );
    });
  });

  it("exits 4 on the clients' own request timeout, which throws rather than only logging", async () => {
    await withSilentEndpoint(async (endpoint) => {
      const { clients } = mockAws({});
      const timeouts = { ...DEFAULT_AWS_TIMEOUTS, connectionMs: 200, requestMs: 200, identityDeadlineMs: 10_000 };
      const silent = new STSClient({
        region: "us-east-1",
        endpoint,
        credentials: TEST_CREDENTIALS,
        maxAttempts: timeouts.maxAttempts,
        requestHandler: requestHandlerOptions(timeouts),
      });
      // 2 attempts × 200 ms: the SDK gives up on its own (a hang would meet the test's timeout, not an assertion on time).
      const run = await preflight(DEV_CONFIG, {}, { clients: { ...clients, sts: silent }, timeouts });
      expect([run.code, run.stdout]).toEqual([4, ""]);
      expect(run.stderr).toMatch(
        /^llm-stack: AWS did not answer in us-east-1 \(TimeoutError: .*200 ms requestTimeout.*\); check the network, a proxy \(HTTPS_PROXY\) or aws:region\n$/,
      );
    });
  });

  it("exits 4 for the committed dev stack through the real command line with no credentials, naming the profile asked for", async () => {
    const home = mkdtempSync(join(tmpdir(), "llm-stack-home-"));
    const child = spawn(process.execPath, [join(REPO, "bin", "llm-stack.js"), "preflight", "--stack", "dev"], {
      cwd: REPO,
      // Nothing of the caller's environment but a profile that does not exist: a HOME with no ~/.aws.
      env: { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", AWS_PROFILE: "ghost" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect([code, stdout]).toEqual([4, ""]);
    expect(stderr).toContain(
      "llm-stack: no AWS credentials found: AWS_PROFILE=ghost gives no credentials (no such profile in ~/.aws/config or ~/.aws/credentials, or its SSO session expired): run `aws configure --profile ghost`",
    );
    // Speed is `npm run bench`'s to measure; the 60 s test timeout only guards against a hang.
  }, 60_000);
});

describe("capacity options: the first the stack can have now", () => {
  // Llama 3.1 8B: option 1 one on-demand p5.4xlarge (16 vCPUs), option 2 the same on spot, option 3 one
  // on-demand p5en.48xlarge (192 vCPUs, TP 8) — re-planned by the stack settings (test/settings/capacity-options.test.ts).
  const FALLBACKS = withDev({ "llm-stack:maxHourlyUsd": "70", "llm-stack:capacityFallbacks": [{ capacityType: "spot" }, { gpu: "h200" }] });

  it("names the H200 fallback when AWS offers no p5.4xlarge in the region, and the command that deploys it", async () => {
    const run = await preflight(FALLBACKS, { offeredByType: { "p5.4xlarge": [], "p5en.48xlarge": ["use1-az4", "use1-az6"] } });
    const result = check(run.stdout, "capacity options");
    expect(result.status).toBe("WARN");
    expect(result.detail).toMatch(
      /^first obtainable: option 3 \(on-demand p5en\.48xlarge\), not the deployed option; option 1 \(deployed\) on-demand p5\.4xlarge: blocked — instance type: /,
    );
    expect(result.detail).toContain("option 2 spot p5.4xlarge: blocked — instance type: ");
    expect(result.detail).toContain(
      "option 3 on-demand p5en.48xlarge: open — offered and within quota (on-demand capacity is only known at launch)",
    );
    expect(result.fix).toContain("pulumi config set capacityOption 3");
    // The deployed option's own failure still fails the run: exit codes are those of the checks.
    expect(run.code).toBe(2);
    // Option 3's quota was asked as its own: 192 vCPUs against the on-demand P quota.
    expect(run.stubs.quotas.commandCalls(GetServiceQuotaCommand).map((call) => call.args[0].input.QuotaCode)).toEqual([
      "L-417A185B",
      "L-7212CCBC",
      "L-417A185B",
    ]);
  });

  it("keeps the stack's order: spot that AWS scores low is no evidence against it (a one-type request scores low by design)", async () => {
    const spotFirst = withDev({ "llm-stack:capacityType": "spot", "llm-stack:capacityFallbacks": [{ capacityType: "on-demand" }] });
    const low = await preflight(spotFirst, { spotScores: { "use1-az4": 2, "use1-az6": 3 } });
    const lowResult = check(low.stdout, "capacity options");
    expect(lowResult.status).toBe("PASS");
    expect(lowResult.detail).toMatch(
      /^first obtainable: option 1 \(spot p5\.4xlarge\), the deployed one; option 1 \(deployed\) spot p5\.4xlarge: open — /,
    );
    // Scored likely (9 and 8, the default answer): said so.
    const high = await preflight(spotFirst, {});
    expect(check(high.stdout, "capacity options").detail).toContain(
      "option 1 (deployed) spot p5.4xlarge: likely — 1 × p5.4xlarge in one AZ: placement score",
    );
    // Without spot quota (L-7212CCBC 0 vCPUs): spot is blocked, and the on-demand fallback is named.
    const noQuota = await preflight(spotFirst, { quotaByCode: { "L-7212CCBC": 0 } });
    const noQuotaResult = check(noQuota.stdout, "capacity options");
    expect(noQuotaResult.status).toBe("WARN");
    expect(noQuotaResult.detail).toMatch(
      /^first obtainable: option 2 \(on-demand p5\.4xlarge\), not the deployed option; option 1 \(deployed\) spot p5\.4xlarge: blocked — vCPU quota: /,
    );
    expect(noQuotaResult.fix).toContain("pulumi config set capacityOption 2");
    expect(noQuota.code).toBe(2);
  });

  it("fails when no option can be had", async () => {
    const run = await preflight(FALLBACKS, { offeredIn: [] });
    const result = check(run.stdout, "capacity options");
    expect(result.status).toBe("FAIL");
    expect(result.detail).toMatch(/^no option can be had now: option 1 \(deployed\)/);
    expect(run.code).toBe(2);
  });

  it("fails a Capacity Block whose dates are not the stack's, which the plan prices the block over", async () => {
    // The stack says 2026-11-26 → 2026-12-03 (a week); the block AWS holds runs 2026-11-26 → 2026-11-28 (two days).
    const run = await preflight(CAPACITY_BLOCK, { reservation: reservationOf({ EndDate: new Date("2026-11-28T11:30:00Z") }) });
    const result = check(run.stdout, "capacity block");
    expect(result.status).toBe("FAIL");
    expect(result.detail).toContain(
      "its dates are 2026-11-26 11:30 UTC to 2026-11-28 11:30 UTC, the stack prices 2026-11-26T11:30:00Z to 2026-12-03T11:30:00Z",
    );
    expect(result.fix).toBe(
      "pulumi config set capacityReservationStartDate 2026-11-26T11:30:00Z && pulumi config set capacityReservationEndDate 2026-11-28T11:30:00Z",
    );
    expect(run.code).toBe(2);
  });

  it("warns that a block larger than the plan is paid for whole, with its fee", async () => {
    // A week's block (2026-11-26 → 2026-12-03, 168 h) of 4 × p5.48xlarge at the snapshot's $34.61: 34.61 × 4 × 168 = $23,257.92.
    const run = await preflight(CAPACITY_BLOCK, { reservation: reservationOf({ TotalInstanceCount: 4, AvailableInstanceCount: 4 }) });
    const result = check(run.stdout, "capacity block");
    expect(result.status).toBe("WARN");
    expect(result.detail).toContain(
      "it holds 4 instances, all paid for ($23,257.92 up front at the snapshot's rate); the plan uses 1 node, and the stack's cost counts only those",
    );
    expect(result.fix).toBe("use the block: raise replicas (or maxReplicas) until the plan needs 4 nodes");
    expect(run.code).toBe(0);
  });

  it("names the next option while a Capacity Block has not started, and the block once nothing else can be had", async () => {
    const scheduled = reservationOf({
      State: "scheduled",
      StartDate: new Date("2026-12-10T11:30:00Z"),
      EndDate: new Date("2026-12-17T11:30:00Z"),
    });
    const block = {
      ...datedBlock("2026-12-10T11:30:00Z", "2026-12-17T11:30:00Z"),
      "llm-stack:capacityFallbacks": [{ capacityType: "on-demand" }],
    };
    const run = await preflight(block, { reservation: scheduled });
    const result = check(run.stdout, "capacity options");
    expect(result.status).toBe("WARN");
    expect(result.detail).toMatch(
      /^first obtainable: option 2 \(on-demand p5\.48xlarge\), not the deployed option; option 1 \(deployed\) capacity-block p5\.48xlarge: waiting — /,
    );
    // No on-demand quota either: the block, once it starts.
    const waiting = await preflight(block, { reservation: scheduled, quotaByCode: { "L-417A185B": 0 } });
    expect(check(waiting.stdout, "capacity options").detail).toMatch(
      /^first obtainable: option 1 \(capacity-block p5\.48xlarge, once its block starts\), the deployed one; /,
    );
  });
});
