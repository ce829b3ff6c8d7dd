/**
 * The one module of `llm-stack preflight` that talks to AWS: it asks what a stack needs (a
 * FactsRequest) with the caller's credentials and returns plain facts for checks.ts to judge.
 *
 * It never hangs: every client has a short connect and request timeout and at most two attempts,
 * the default credential chain gives the EC2 instance metadata service 1 s and no retries (on a
 * laptop it is not there; AWS_EC2_METADATA_DISABLED=true skips it altogether, as the SDK reads it),
 * and each phase has an overall deadline that aborts what is still in flight. No credentials,
 * rejected credentials, timeouts and network errors become one AwsUnreachableError (exit 4);
 * any other API error becomes a Lookup the check reports.
 */
import {
  DescribeAvailabilityZonesCommand,
  DescribeCapacityBlockOfferingsCommand,
  DescribeCapacityReservationsCommand,
  DescribeSpotPriceHistoryCommand,
  GetSpotPlacementScoresCommand,
  type DescribeCapacityBlockOfferingsResult,
  type DescribeSpotPriceHistoryRequest,
  DescribeInstanceTypeOfferingsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { DescribeAddonCommand, DescribeClusterCommand, DescribeClusterVersionsCommand, EKSClient } from "@aws-sdk/client-eks";
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
  type ServiceQuota,
} from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { newestSpotPricePerZone } from "../../infra/catalog/spot-history";
import { offeringHours } from "../../infra/catalog/capacity-blocks";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import {
  type CallerIdentity,
  type CapacityBlockOfferingFacts,
  type CapacityReservationFacts,
  type EksVersionFacts,
  type ExistingClusterFacts,
  type FactsRequest,
  type Lookup,
  type ModelCacheFacts,
  type PreflightFacts,
  type QuotaFacts,
  type SpotFacts,
  type SubnetFacts,
  type ZoneOfferings,
} from "./facts";

/** The EKS add-on that hands pods their Pod Identity credentials (infra/components/cluster/eks-cluster.ts installs it in created clusters). */
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";

export interface AwsClients {
  sts: STSClient;
  ec2: EC2Client;
  quotas: ServiceQuotasClient;
  eks: EKSClient;
}

export interface AwsTimeouts {
  /** TCP connect timeout of every request (ms). */
  connectionMs: number;
  /** Time a request may wait for the response to start (ms). */
  requestMs: number;
  /** Attempts per call, the first included (the SDK's maxAttempts). */
  maxAttempts: number;
  /** Timeout of the instance metadata service in the default credential chain (ms; no retries). */
  instanceMetadataMs: number;
  /** Deadline for finding credentials and STS GetCallerIdentity together (ms). */
  identityDeadlineMs: number;
  /** Deadline for every other call together (they run in parallel) (ms). */
  factsDeadlineMs: number;
}

/**
 * STS answers GetCallerIdentity in well under a second; the 5 s identity deadline keeps "no
 * credentials" and "no network" answers inside 10 s even when the metadata service must time out.
 */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = {
  connectionMs: 2_000,
  requestMs: 4_000,
  maxAttempts: 2,
  instanceMetadataMs: 1_000,
  identityDeadlineMs: 5_000,
  factsDeadlineMs: 15_000,
};

export type UnreachableReason = "no-credentials" | "rejected-credentials" | "timeout" | "network";

/** AWS could not be asked at all: preflight stops with exit code 4 and this message. */
export class AwsUnreachableError extends Error {
  readonly exitCode = 4;
  constructor(
    readonly reason: UnreachableReason,
    message: string,
  ) {
    super(message);
    this.name = "AwsUnreachableError";
  }
}

/**
 * The HTTP handler options of every client, as a plain object: each client builds its
 * NodeHttpHandler from it (NodeHttpHandler.create). @smithy/node-http-handler 4.x only logs a
 * warning when requestTimeout passes unless throwOnRequestTimeout is set (its option docs).
 */
export function requestHandlerOptions(timeouts: AwsTimeouts): {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
} {
  return { connectionTimeout: timeouts.connectionMs, requestTimeout: timeouts.requestMs, throwOnRequestTimeout: true };
}

/** Clients for `region` sharing one default-chain credential provider (resolved once, not once per client). */
export function createAwsClients(region: string, timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS): AwsClients {
  // The pinned clients declare Node >= 20 (package.json engines of @aws-sdk/client-*); their warning
  // concerns releases after January 2027 and would bury preflight's own message (@aws-sdk/core
  // emitWarningIfUnsupportedVersion honours this variable). A user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const requestHandler = requestHandlerOptions(timeouts);
  const credentials = defaultProvider({
    timeout: timeouts.instanceMetadataMs,
    maxRetries: 0,
    // The STS client that assumes a profile's role (source_profile / role_arn) gets the same limits.
    clientConfig: { region, requestHandler, maxAttempts: timeouts.maxAttempts },
  });
  const config = { region, credentials, maxAttempts: timeouts.maxAttempts, requestHandler };
  return { sts: new STSClient(config), ec2: new EC2Client(config), quotas: new ServiceQuotasClient(config), eks: new EKSClient(config) };
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** Error names of credentials AWS received and refused (STS, EC2 and JSON-protocol services). */
const REJECTED_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "AuthFailure",
  "RequestExpired",
  "InvalidAccessKeyId",
]);
/** Error names of a refused permission: EC2 says UnauthorizedOperation, JSON services AccessDeniedException. */
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);
/** Node socket errors: no route, no DNS, connection refused or cut. */
const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
]);
const TIMEOUT_NAMES = new Set(["TimeoutError", "AbortError", "RequestTimeout", "RequestTimeoutException"]);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
}

/** Throws AwsUnreachableError for errors that mean "AWS cannot be asked"; returns null for everything else. */
function unreachableOf(error: unknown, region: string): AwsUnreachableError | null {
  if (error instanceof AwsUnreachableError) return error;
  const { name = "", code = "", message = String(error) } = (error ?? {}) as ErrorShape;
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    // The SDK's default chain reads the profile AWS_PROFILE names (@aws-sdk/credential-provider-node, fromIni): name it.
    const profile = process.env.AWS_PROFILE?.trim();
    const named = profile
      ? `AWS_PROFILE=${profile} gives no credentials (no such profile in ~/.aws/config or ~/.aws/credentials, or its SSO session expired): run \`aws configure --profile ${profile}\` (or \`aws sso login --profile ${profile}\`), or unset AWS_PROFILE; `
      : "";
    return new AwsUnreachableError(
      "no-credentials",
      `no AWS credentials found: ${named}run \`aws configure\` (or \`aws sso login\`), or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run preflight again (${message})`,
    );
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new AwsUnreachableError(
      "rejected-credentials",
      `AWS rejected the credentials (${name}: ${message}): refresh them (\`aws sso login\`, or new keys with \`aws configure\`), then run preflight again`,
    );
  }
  if (TIMEOUT_NAMES.has(name))
    return new AwsUnreachableError(
      "timeout",
      `AWS did not answer in ${region} (${name}: ${message}); check the network, a proxy (HTTPS_PROXY) or aws:region`,
    );
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
    return new AwsUnreachableError(
      "network",
      `AWS is unreachable from here (${code || name}: ${message}); check the network, DNS, a proxy (HTTPS_PROXY) or aws:region`,
    );
  }
  return null;
}

/** Runs `work` with an abort signal; past `ms` aborts it and throws AwsUnreachableError("timeout"). */
async function withDeadline<T>(ms: number, region: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new AwsUnreachableError(
          "timeout",
          `AWS did not answer within ${seconds(ms)} (${region}); check the network, a proxy (HTTPS_PROXY) or aws:region`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    // Calls still in flight (a sibling failed first) are not needed any more.
    controller.abort();
  }
}

/** One call's answer as a Lookup; errors that mean "AWS unreachable" are thrown instead. */
async function lookup<T>(action: string, region: string, run: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { kind: "found", value: await run() };
  } catch (error) {
    const unreachable = unreachableOf(error, region);
    if (unreachable) throw unreachable;
    const { name = "Error", message = String(error) } = error as ErrorShape;
    if (DENIED.has(name)) return { kind: "denied", action, message };
    return { kind: "failed", action, code: name, message };
  }
}

/** Chains two lookups: the second runs only when the first found something. */
async function then<A, B>(first: Lookup<A>, next: (value: A) => Promise<Lookup<B>>): Promise<Lookup<B>> {
  return first.kind === "found" ? next(first.value) : first;
}

const errorName = (error: unknown) => (error as ErrorShape | undefined)?.name ?? "";

/** Asks AWS everything `request` needs. Throws AwsUnreachableError when AWS cannot be asked. */
export async function gatherFacts(
  request: FactsRequest,
  clients: AwsClients,
  timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS,
): Promise<PreflightFacts> {
  const { region } = request;
  const identity = await withDeadline(timeouts.identityDeadlineMs, region, (signal) => callerIdentity(clients.sts, region, signal));
  return withDeadline(timeouts.factsDeadlineMs, region, async (signal) => {
    const opts = { abortSignal: signal };
    const clusterAndVersion =
      request.clusterName !== null ? existingCluster(clients, request.clusterName, request.modelCache, region, opts) : null;
    const [zones, subnets, quota, reservation, cluster, createdVersion, spot, capacityBlockOfferings] = await Promise.all([
      request.zones ? zoneOfferings(clients.ec2, request.instanceTypes, region, opts) : null,
      request.subnetIds !== null ? subnetZones(clients.ec2, request.subnetIds, region, opts) : null,
      request.quotaCode !== null ? vcpuQuota(clients.quotas, request.quotaCode, region, opts) : null,
      request.capacityReservationId !== null ? capacityReservation(clients.ec2, request.capacityReservationId, region, opts) : null,
      clusterAndVersion,
      request.kubernetesVersion !== null ? eksVersion(clients.eks, request.kubernetesVersion, region, opts) : null,
      request.spot !== null ? spotFacts(clients.ec2, request.spot, region, opts) : null,
      request.capacityBlockOfferings !== null ? blockOfferings(clients.ec2, request.capacityBlockOfferings, region, opts) : null,
    ]);
    return {
      identity,
      zones,
      subnets,
      quota,
      reservation,
      cluster: cluster?.cluster ?? null,
      eksVersion: cluster?.version ?? createdVersion,
      modelCache: cluster?.modelCache ?? null,
      spot,
      capacityBlockOfferings,
    };
  });
}

interface SendOptions {
  abortSignal: AbortSignal;
}

async function callerIdentity(sts: STSClient, region: string, abortSignal: AbortSignal): Promise<CallerIdentity> {
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}), { abortSignal });
    return { account: answer.Account ?? "(unknown account)", arn: answer.Arn ?? "(unknown principal)" };
  } catch (error) {
    const unreachable = unreachableOf(error, region);
    if (unreachable) throw unreachable;
    const { name = "Error", message = String(error) } = error as ErrorShape;
    throw new AwsUnreachableError(
      "rejected-credentials",
      `STS GetCallerIdentity failed in ${region} (${name}: ${message}); check the credentials and aws:region`,
    );
  }
}

async function zoneOfferings(
  ec2: EC2Client,
  instanceTypes: readonly string[],
  region: string,
  opts: SendOptions,
): Promise<Lookup<ZoneOfferings>> {
  // The same AZs a created VPC picks from (infra/components/cluster/network.ts): available, no opt-in (no Local Zones).
  const zones = await lookup("ec2:DescribeAvailabilityZones", region, async () => {
    const answer = await ec2.send(
      new DescribeAvailabilityZonesCommand({
        Filters: [
          { Name: "state", Values: ["available"] },
          { Name: "opt-in-status", Values: ["opt-in-not-required"] },
        ],
      }),
      opts,
    );
    return (answer.AvailabilityZones ?? [])
      .filter((zone) => zone.ZoneName !== undefined && zone.ZoneId !== undefined)
      .map((zone) => ({ name: zone.ZoneName as string, zoneId: zone.ZoneId as string }));
  });
  return then(zones, (found) =>
    lookup("ec2:DescribeInstanceTypeOfferings", region, async () => {
      // One question per type: the AZs that offer them all are where every node group can launch.
      const perType: Array<Set<string>> = [];
      for (const instanceType of instanceTypes) {
        const offered = new Set<string>();
        let nextToken: string | undefined;
        do {
          const page = await ec2.send(
            new DescribeInstanceTypeOfferingsCommand({
              LocationType: "availability-zone-id",
              Filters: [{ Name: "instance-type", Values: [instanceType] }],
              NextToken: nextToken,
            }),
            opts,
          );
          for (const offering of page.InstanceTypeOfferings ?? []) if (offering.Location) offered.add(offering.Location);
          nextToken = page.NextToken;
        } while (nextToken);
        perType.push(offered);
      }
      const common = [...(perType[0] ?? [])].filter((zone) => perType.every((offered) => offered.has(zone)));
      return { zones: found, offeredZoneIds: common.sort() };
    }),
  );
}

async function subnetZones(ec2: EC2Client, subnetIds: readonly string[], region: string, opts: SendOptions): Promise<Lookup<SubnetFacts>> {
  return lookup("ec2:DescribeSubnets", region, async () => {
    // A subnet-id filter returns what exists; SubnetIds would fail the whole call on one unknown id.
    const found: SubnetFacts["found"] = [];
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: [...subnetIds] }], NextToken: nextToken }),
        opts,
      );
      for (const subnet of page.Subnets ?? []) {
        if (subnet.SubnetId && subnet.AvailabilityZoneId) found.push({ subnetId: subnet.SubnetId, zoneId: subnet.AvailabilityZoneId });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    const order = (id: string) => subnetIds.indexOf(id);
    found.sort((a, b) => order(a.subnetId) - order(b.subnetId));
    return { found, missing: subnetIds.filter((id) => !found.some((subnet) => subnet.subnetId === id)) };
  });
}

const quotaFacts = (quotaCode: string, quota: ServiceQuota | undefined, source: QuotaFacts["source"]): QuotaFacts => ({
  quotaCode,
  quotaName: quota?.QuotaName ?? quotaCode,
  value: typeof quota?.Value === "number" ? quota.Value : null,
  source,
  errorReason: quota?.ErrorReason?.ErrorMessage ?? null,
});

async function vcpuQuota(quotas: ServiceQuotasClient, quotaCode: string, region: string, opts: SendOptions): Promise<Lookup<QuotaFacts>> {
  const applied = await lookup("servicequotas:GetServiceQuota", region, async () =>
    quotaFacts(
      quotaCode,
      (await quotas.send(new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: quotaCode }), opts)).Quota,
      "applied",
    ),
  );
  // "If the applied quota value is not available for a quota, the quota is not retrieved"
  // (GetServiceQuota API reference): then AWS's default is the account's value.
  if (applied.kind !== "failed" || applied.code !== "NoSuchResourceException") return applied;
  return lookup("servicequotas:GetAWSDefaultServiceQuota", region, async () =>
    quotaFacts(
      quotaCode,
      (await quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: quotaCode }), opts)).Quota,
      "default",
    ),
  );
}

async function capacityReservation(
  ec2: EC2Client,
  id: string,
  region: string,
  opts: SendOptions,
): Promise<Lookup<CapacityReservationFacts | null>> {
  return lookup("ec2:DescribeCapacityReservations", region, async () => {
    let answer;
    try {
      answer = await ec2.send(new DescribeCapacityReservationsCommand({ CapacityReservationIds: [id] }), opts);
    } catch (error) {
      // InvalidCapacityReservationId.NotFound / .Malformed: no such reservation in this region.
      if (errorName(error).startsWith("InvalidCapacityReservationId")) return null;
      throw error;
    }
    const found = (answer.CapacityReservations ?? []).find((reservation) => reservation.CapacityReservationId === id);
    if (!found) return null;
    return {
      capacityReservationId: id,
      instanceType: found.InstanceType ?? "(unknown)",
      availabilityZone: found.AvailabilityZone ?? "(unknown)",
      availabilityZoneId: found.AvailabilityZoneId ?? "(unknown)",
      state: found.State ?? "(unknown)",
      startDate: found.StartDate ?? null,
      endDate: found.EndDate ?? null,
      totalInstanceCount: found.TotalInstanceCount ?? 0,
      availableInstanceCount: found.AvailableInstanceCount ?? 0,
      reservationType: found.ReservationType ?? "default",
    };
  });
}

/**
 * Spot's outlook per type: AWS's placement score for the nodes in one AZ (SingleAvailabilityZone: a
 * node group of one AZ's subnets may still launch all its nodes there; TargetCapacityUnitType units =
 * instances) and the latest Linux/UNIX spot price per AZ (DescribeSpotPriceHistory from now: the
 * current price of each AZ).
 */
async function spotFacts(
  ec2: EC2Client,
  asks: NonNullable<FactsRequest["spot"]>,
  region: string,
  opts: SendOptions,
): Promise<Lookup<SpotFacts[]>> {
  const scores = await lookup("ec2:GetSpotPlacementScores", region, async () =>
    Promise.all(
      asks.map(async ({ instanceType, targetCapacity }) => {
        const answer = await ec2.send(
          new GetSpotPlacementScoresCommand({
            InstanceTypes: [instanceType],
            TargetCapacity: targetCapacity,
            TargetCapacityUnitType: "units",
            SingleAvailabilityZone: true,
            RegionNames: [region],
          }),
          opts,
        );
        return (answer.SpotPlacementScores ?? [])
          .filter((s) => s.AvailabilityZoneId !== undefined && s.Score !== undefined)
          .map((s) => ({ zoneId: s.AvailabilityZoneId as string, score: s.Score as number }));
      }),
    ),
  );
  return then(scores, (found) =>
    lookup("ec2:DescribeSpotPriceHistory", region, async () =>
      Promise.all(
        asks.map(async ({ instanceType, targetCapacity }, i) => {
          const answer = await ec2.send(
            new DescribeSpotPriceHistoryCommand({
              InstanceTypes: [instanceType] as DescribeSpotPriceHistoryRequest["InstanceTypes"],
              ProductDescriptions: ["Linux/UNIX"],
              // StartTime now returns the price in effect in each AZ — one entry per AZ, a handful — so the
              // first page holds them; a NextToken past it is not followed (the generator, which reads history, does).
              StartTime: new Date(),
            }),
            opts,
          );
          return {
            instanceType,
            targetCapacity,
            scores: found[i] ?? [],
            prices: newestSpotPricePerZone(answer.SpotPriceHistory ?? []),
          };
        }),
      ),
    ),
  );
}

/** What a Capacity Block of the plan's nodes would cost and when one could start (the offerings AWS has now). */
async function blockOfferings(
  ec2: EC2Client,
  asks: NonNullable<FactsRequest["capacityBlockOfferings"]>,
  region: string,
  opts: SendOptions,
): Promise<Lookup<CapacityBlockOfferingFacts[]>> {
  return lookup("ec2:DescribeCapacityBlockOfferings", region, async () =>
    Promise.all(
      asks.map(async ({ instanceType, instanceCount, durationHours }) => {
        // Every page: the offerings AWS has may span several.
        const found: NonNullable<DescribeCapacityBlockOfferingsResult["CapacityBlockOfferings"]> = [];
        let nextToken: string | undefined;
        do {
          const page = await ec2.send(
            new DescribeCapacityBlockOfferingsCommand({
              InstanceType: instanceType,
              InstanceCount: instanceCount,
              CapacityDurationHours: durationHours,
              NextToken: nextToken,
            }),
            opts,
          );
          found.push(...(page.CapacityBlockOfferings ?? []));
          nextToken = page.NextToken || undefined;
        } while (nextToken);
        return {
          instanceType,
          instanceCount,
          durationHours,
          offerings: found
            .filter((o) => o.CurrencyCode === undefined || o.CurrencyCode === "USD")
            .map((o) => ({
              offeringId: o.CapacityBlockOfferingId ?? "(unknown)",
              availabilityZone: o.AvailabilityZone ?? "(unknown)",
              startDate: o.StartDate ?? null,
              endDate: o.EndDate ?? null,
              // A block that starts soon may be a little shorter than asked: its own length, hours and minutes.
              hours: offeringHours(o.CapacityBlockDurationHours ?? durationHours, o.CapacityBlockDurationMinutes ?? 0),
              upfrontFeeUsd: Number(o.UpfrontFee),
            }))
            .filter((o) => Number.isFinite(o.upfrontFeeUsd) && o.hours > 0),
        };
      }),
    ),
  );
}

async function eksVersion(eks: EKSClient, version: string, region: string, opts: SendOptions): Promise<Lookup<EksVersionFacts | null>> {
  return lookup("eks:DescribeClusterVersions", region, async () => {
    const answer = await eks.send(new DescribeClusterVersionsCommand({ clusterVersions: [version], includeAll: true }), opts);
    const found = (answer.clusterVersions ?? []).find((info) => info.clusterVersion === version);
    if (!found) return null;
    return {
      clusterVersion: version,
      versionStatus: found.versionStatus ?? null,
      endOfStandardSupportDate: found.endOfStandardSupportDate ?? null,
      endOfExtendedSupportDate: found.endOfExtendedSupportDate ?? null,
    };
  });
}

async function existingCluster(
  clients: AwsClients,
  name: string,
  modelCache: boolean,
  region: string,
  opts: SendOptions,
): Promise<{
  cluster: Lookup<ExistingClusterFacts | null>;
  version: Lookup<EksVersionFacts | null> | null;
  modelCache: Lookup<ModelCacheFacts> | null;
}> {
  const cluster = await lookup("eks:DescribeCluster", region, async () => {
    try {
      const answer = await clients.eks.send(new DescribeClusterCommand({ name }), opts);
      const found = answer.cluster;
      if (!found) return null;
      return {
        name,
        version: found.version ?? "(unknown)",
        status: found.status ?? "(unknown)",
        supportType: found.upgradePolicy?.supportType ?? null,
        vpcId: found.resourcesVpcConfig?.vpcId ?? null,
      };
    } catch (error) {
      if (errorName(error) === "ResourceNotFoundException") return null;
      throw error;
    }
  });
  const existing = cluster.kind === "found" ? cluster.value : null;
  const [version, cache] = await Promise.all([
    existing !== null ? eksVersion(clients.eks, existing.version, region, opts) : null,
    existing !== null && modelCache ? modelCacheFacts(clients, existing, region, opts) : null,
  ]);
  return { cluster, version, modelCache: cache };
}

/** The Pod Identity agent add-on and the S3 gateway endpoints of an existing cluster's VPC. */
async function modelCacheFacts(
  clients: AwsClients,
  cluster: ExistingClusterFacts,
  region: string,
  opts: SendOptions,
): Promise<Lookup<ModelCacheFacts>> {
  const agent = await lookup("eks:DescribeAddon", region, async () => {
    try {
      const answer = await clients.eks.send(
        new DescribeAddonCommand({ clusterName: cluster.name, addonName: POD_IDENTITY_AGENT_ADDON }),
        opts,
      );
      return answer.addon?.status ?? "(unknown)";
    } catch (error) {
      if (errorName(error) === "ResourceNotFoundException") return null;
      throw error;
    }
  });
  if (agent.kind !== "found") return agent;
  return then(
    await lookup("ec2:DescribeVpcEndpoints", region, async () => {
      if (cluster.vpcId === null) return [];
      const answer = await clients.ec2.send(
        new DescribeVpcEndpointsCommand({
          Filters: [
            { Name: "vpc-id", Values: [cluster.vpcId] },
            { Name: "service-name", Values: [`com.amazonaws.${region}.s3`] },
            { Name: "vpc-endpoint-type", Values: ["Gateway"] },
          ],
        }),
        opts,
      );
      return (answer.VpcEndpoints ?? [])
        .filter((e) => e.State?.toLowerCase() === "available")
        .map((e) => ({ id: e.VpcEndpointId ?? "", routeTableIds: e.RouteTableIds ?? [] }));
    }),
    async (endpoints) => ({ kind: "found", value: { podIdentityAgentStatus: agent.value, s3GatewayEndpoints: endpoints } }),
  );
}
