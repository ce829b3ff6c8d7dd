/**
 * The preflight checks: pure functions from a stack's resolved settings and what AWS reported
 * (cli/preflight/facts.ts) to one result per check. No AWS SDK here: aws-facts.ts asks, these
 * judge, so every verdict is testable with plain data. Placement reuses the program's own pure
 * functions (infra/plan/placement.ts), so preflight and `pulumi up` choose the same AZs.
 */
import {
  DATA_PRICES,
  EKS_VERSIONS,
  INSTANCES,
  KUBERNETES_VERSION,
  isInstanceType,
  REGIONS,
  SERVICE_PRICES,
  type InstanceType,
} from "../../infra/catalog";
import {
  InfeasiblePlanError,
  capacityBlockTerms,
  checkpointBytes,
  placeGpuSubnets,
  placeZones,
  type AvailabilityZone,
} from "../../infra/plan";
import { type StackSettings } from "../../infra/settings";
import { gpuFleet, servedModels } from "../../infra/settings/served-models";
import { usd, utc } from "../render/format";
import { SHORTEST_CAPACITY_BLOCK_HOURS, perInstanceHourUsd } from "../../infra/catalog/capacity-blocks";
import {
  type CapacityReservationFacts,
  type EksVersionFacts,
  type ExistingClusterFacts,
  type FactsRequest,
  type Lookup,
  type PreflightFacts,
  type QuotaFacts,
  type SubnetFacts,
  type ZoneOfferings,
} from "./facts";

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** One of CHECK_NAMES. */
  name: string;
  /** pass and warn let `pulumi up` go ahead (exit 0); fail does not (exit 2); skip: not applicable or not checkable. */
  status: CheckStatus;
  /** What was found, with the numbers. */
  detail: string;
  /** What to do: a command or console step (failures always carry one). */
  fix?: string;
}

export const CHECK_NAMES = {
  credentials: "credentials",
  operatorValues: "operator values",
  instanceType: "instance type",
  quota: "vCPU quota",
  capacityBlock: "capacity block",
  kubernetes: "kubernetes version",
  modelCache: "model cache",
  launchNow: "launch now",
  capacityOptions: "capacity options",
} as const;

export interface PreflightInput {
  settings: StackSettings;
  /** Today, for support windows and Capacity Block start dates. */
  now: Date;
}

/**
 * Service Quotas codes (service code ec2) of the vCPU quotas P instances count against, in vCPUs:
 * "Running On-Demand P instances" and "All P Spot Instance Requests". Codes as they appear in the
 * Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-417A185B)
 * and in `aws service-quotas list-service-quotas --service-code ec2`; read 2026-11-27.
 */
export const P_INSTANCE_VCPU_QUOTAS = {
  "on-demand": { code: "L-417A185B", name: "Running On-Demand P instances" },
  spot: { code: "L-7212CCBC", name: "All P Spot Instance Requests" },
} as const;

/** A Kubernetes version whose standard support ends within this many days is a warning. */
export const SUPPORT_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The quota a GPU node group counts against, or null (Capacity Blocks; instance families without a known code). */
export function vcpuQuotaFor(
  instanceType: InstanceType,
  capacityType: StackSettings["capacity"]["type"],
): { code: string; name: string } | null {
  if (capacityType === "capacity-block" || !instanceType.startsWith("p")) return null;
  return P_INSTANCE_VCPU_QUOTAS[capacityType];
}

/** The AWS calls a stack needs: none beyond STS for cluster kubeconfig, whose GPU nodes already exist. */
export function factsRequestFor(settings: StackSettings): FactsRequest {
  const { cluster, capacity } = settings;
  const onAws = cluster.mode !== "kubeconfig";
  const fleet = gpuFleet(settings);
  return {
    region: settings.region,
    instanceTypes: fleet.instanceTypes,
    zones: onAws,
    subnetIds: cluster.mode === "eks" ? cluster.nodeSubnetIds : null,
    // Every P type counts against one P quota (vcpuQuotaFor), so the first type names it.
    quotaCode: onAws ? (vcpuQuotaFor(fleet.instanceTypes[0]!, capacity.type)?.code ?? null) : null,
    capacityReservationId: onAws && capacity.type === "capacity-block" ? capacity.reservationId : null,
    clusterName: cluster.mode === "eks" ? cluster.name : null,
    kubernetesVersion: cluster.mode === "create" ? KUBERNETES_VERSION : null,
    modelCache: cluster.mode === "eks" && servedModels(settings).some((model) => model.plan.weightsSource === "s3"),
    spot:
      onAws && capacity.type === "spot"
        ? fleetByType(fleet).map(({ instanceType, maxNodes }) => ({ instanceType, targetCapacity: maxNodes }))
        : null,
    capacityBlockOfferings:
      onAws && capacity.type === "on-demand"
        ? fleetByType(fleet).map(({ instanceType, maxNodes }) => ({
            instanceType,
            instanceCount: maxNodes,
            durationHours: SHORTEST_CAPACITY_BLOCK_HOURS,
          }))
        : null,
  };
}

/** Each GPU instance type of the stack once, with its nodes at every group's maximum. */
function fleetByType(fleet: ReturnType<typeof gpuFleet>): Array<{ instanceType: string; maxNodes: number }> {
  return fleet.instanceTypes.map((instanceType) => ({
    instanceType,
    maxNodes: fleet.groups.filter((group) => group.instanceType === instanceType).reduce((total, group) => total + group.maxNodes, 0),
  }));
}

/**
 * Spot placement scores from which preflight calls a launch likely: AWS's scale runs from 1 ("not
 * likely") to 10 ("highly likely") (EC2 user guide, "Spot placement score"); the cut at 7 is ours.
 * A node group asks for one instance type, and AWS scores one or two types low by design ("If you
 * specify one or two instance types … the returned placement score will always be low":
 * GetSpotPlacementScores, InstanceTypes, EC2 API reference, read 2026-12-06) — so a high score is
 * evidence, and a low one only ranks AZs and regions against each other: never a warning.
 */
export const LIKELY_SPOT_SCORE = 7;

// ---- launch now: what AWS says about getting the nodes today ----------------------------------

const usdPerHour = (value: number) => `${usd(value)}/h`;

/**
 * Whether the stack's GPU nodes can be had now. Spot: AWS's placement score for them in one AZ and
 * the current spot price per AZ. On-demand: no EC2 API tells before a launch (a launch answers
 * InsufficientInstanceCapacity), so preflight says so and shows the Capacity Blocks AWS offers for
 * the same nodes — the reliable way to get them. A Capacity Block stack: the capacity block check.
 */
export function checkLaunchNow(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.launchNow;
  const { settings } = input;
  const { capacity, region } = settings;
  if (settings.cluster.mode === "kubeconfig") return { name, status: "skip", detail: KUBECONFIG_SKIP };
  if (capacity.type === "capacity-block")
    return { name, status: "skip", detail: "capacityType capacity-block: the nodes are the block's (see the capacity block check)" };
  if (capacity.type === "spot") {
    if (facts.spot === null) return { name, status: "skip", detail: "spot placement was not read" };
    if (facts.spot.kind !== "found") return notChecked(name, "read the spot placement score and price", facts.spot, facts);
    // Only AZs the node group can use count: where the type is offered, when the offerings were read.
    const usable = facts.zones?.kind === "found" ? new Set(facts.zones.value.offeredZoneIds) : null;
    const inUsable = (zoneId: string) => usable === null || usable.has(zoneId);
    const lines = facts.spot.value.map((spot) => {
      const scored = spot.scores.filter((s) => inUsable(s.zoneId));
      const best = Math.max(0, ...scored.map((s) => s.score));
      const scores = scored.map((s) => `${s.zoneId} ${s.score}`).join(", ") || "no AZ scored";
      const prices =
        spot.prices
          .filter((p) => inUsable(p.zoneId))
          .map((p) => `${p.zoneId} ${usdPerHour(p.hourlyUsd)}`)
          .join(", ") || "no current price";
      return {
        best,
        text: `${spot.targetCapacity} × ${spot.instanceType} in one AZ: placement score ${scores} (10 = highly likely, 1 = unlikely); spot price now ${prices}`,
      };
    });
    const worst = Math.min(...lines.map((l) => l.best));
    const detail = lines.map((l) => l.text).join("; ");
    if (worst >= LIKELY_SPOT_SCORE) return { name, status: "pass", detail };
    const fleet = fleetByType(gpuFleet(settings));
    return {
      name,
      status: "skip",
      detail: `${detail}; AWS scores a request for one instance type low by design, so below ${LIKELY_SPOT_SCORE} this ranks AZs and regions rather than telling whether the launch succeeds`,
      fix: `compare regions: ${fleet.map((f) => `aws ec2 get-spot-placement-scores --instance-types ${f.instanceType} --target-capacity ${f.maxNodes} --single-availability-zone --region-names ${[region, ...REGIONS.filter((other) => other !== region)].join(" ")}`).join("; ")}; or buy on-demand (capacityType on-demand) or a Capacity Block`,
    };
  }
  if (facts.capacityBlockOfferings === null) return { name, status: "skip", detail: "Capacity Block offerings were not read" };
  if (facts.capacityBlockOfferings.kind !== "found")
    return notChecked(name, "read the Capacity Block offerings", facts.capacityBlockOfferings, facts);
  const offers = facts.capacityBlockOfferings.value.map((asked) => {
    // The fee is for the whole block, up front; per instance-hour over the block's own length it compares with the on-demand rate.
    const rate = (o: (typeof asked.offerings)[number]) => perInstanceHourUsd(o.upfrontFeeUsd, asked.instanceCount, o.hours);
    const cheapest = [...asked.offerings].sort(
      (a, b) => rate(a) - rate(b) || (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0),
    )[0];
    const what = `${asked.instanceCount} × ${asked.instanceType} for ${asked.durationHours} h`;
    if (!cheapest) return `no Capacity Block of ${what} on offer`;
    const perInstanceHour = rate(cheapest);
    return `${asked.offerings.length} Capacity Block offering(s) of ${what}, the cheapest $${cheapest.upfrontFeeUsd.toFixed(2)} up front (${usdPerHour(perInstanceHour)} per instance) from ${cheapest.startDate ? utc(cheapest.startDate) : "(no start)"} in ${cheapest.availabilityZone}`;
  });
  return {
    name,
    status: "skip",
    detail: `on-demand capacity cannot be read before a launch (EC2 answers a launch it cannot fill with InsufficientInstanceCapacity); instead: ${offers.join("; ")}`,
    fix: "to be sure of the nodes, buy a block: aws ec2 purchase-capacity-block --capacity-block-offering-id <id> --instance-platform Linux/UNIX, then set capacityType capacity-block, capacityReservationId, capacityReservationZoneId and the block's dates (capacityReservationStartDate, capacityReservationEndDate)",
  };
}

/** What the capacity block check says of a block that has not started (judgeState), and how an option's outlook reads it. */
export const NOT_STARTED = "GPU nodes cannot launch before then";

export function runChecks(input: PreflightInput, facts: PreflightFacts): CheckResult[] {
  return [
    checkCredentials(facts),
    checkInstanceType(input, facts),
    checkQuota(input, facts),
    checkCapacityBlock(input, facts),
    checkKubernetesVersion(input, facts),
    checkModelCache(input, facts),
    checkLaunchNow(input, facts),
  ];
}

/** 2 when any check failed, else 0 (warnings and skips included). */
export function exitCodeFor(results: readonly CheckResult[]): 0 | 2 {
  return results.some((result) => result.status === "fail") ? 2 : 0;
}

// ---- helpers -------------------------------------------------------------------------------

const KUBECONFIG_SKIP = "cluster kubeconfig: the stack deploys only the server to an existing cluster, so there is nothing to check in AWS";

/** A call AWS refused or could not answer: the check could not run, which is a warning, never a crash. */
function notChecked(name: string, what: string, lookup: Exclude<Lookup<unknown>, { kind: "found" }>, facts: PreflightFacts): CheckResult {
  if (lookup.kind === "denied") {
    return {
      name,
      status: "warn",
      detail: `could not ${what}: ${facts.identity.arn} is not allowed to call ${lookup.action}`,
      fix: `grant ${lookup.action} to ${facts.identity.arn} (an IAM policy statement with "Action": "${lookup.action}", "Resource": "*"), then run preflight again`,
    };
  }
  return {
    name,
    status: "warn",
    detail: `could not ${what}: ${lookup.action} failed with ${lookup.code}: ${lookup.message}`,
    fix: "run preflight again; if the error stays, check the call with the AWS CLI",
  };
}

const zoneLabel = (zone: AvailabilityZone) => `${zone.zoneId} (${zone.name})`;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const daysBetween = (fromDay: string, toDay: string) => Math.round((Date.parse(toDay) - Date.parse(fromDay)) / DAY_MS);

function requiredZoneId(settings: StackSettings): string | null {
  return settings.capacity.type === "capacity-block" && settings.capacity.zoneId !== "" ? settings.capacity.zoneId : null;
}

const SINGLE_ZONE_RISK = "when that AZ has no free capacity (InsufficientInstanceCapacity) the node group has no other AZ to try";

// ---- 1. credentials ------------------------------------------------------------------------

export function checkCredentials(facts: PreflightFacts): CheckResult {
  return { name: CHECK_NAMES.credentials, status: "pass", detail: `account ${facts.identity.account} as ${facts.identity.arn}` };
}

// ---- 2. instance type offered --------------------------------------------------------------

export function checkInstanceType(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.instanceType;
  const { settings } = input;
  if (settings.cluster.mode === "kubeconfig") return { name, status: "skip", detail: KUBECONFIG_SKIP };
  if (facts.zones === null) return { name, status: "skip", detail: "AZ offerings were not read" };
  if (facts.zones.kind !== "found") return notChecked(name, `read where ${gpuFleet(settings).label} is offered`, facts.zones, facts);
  const zones = facts.zones.value;
  const type = gpuFleet(settings).label;
  const is = gpuFleet(settings).instanceTypes.length > 1 ? "are" : "is";
  const offered = zones.zones.filter((zone) => zones.offeredZoneIds.includes(zone.zoneId)).sort((a, b) => a.zoneId.localeCompare(b.zoneId));
  const offeredText =
    offered.length === 0
      ? `${type} ${is} offered in none of the ${zones.zones.length} available AZs of ${settings.region}`
      : `${type} ${is} offered in ${offered.length} of the ${zones.zones.length} available AZs of ${settings.region}: ${offered.map(zoneLabel).join(", ")}`;

  if (settings.cluster.mode === "create") return placeCreated(input, zones, offeredText);
  if (facts.subnets === null) return { name, status: "skip", detail: `${offeredText}; nodeSubnetIds were not read` };
  if (facts.subnets.kind !== "found") return notChecked(name, "read the AZs of nodeSubnetIds", facts.subnets, facts);
  return placeInSubnets(input, zones, facts.subnets.value, offeredText, settings.cluster.name);
}

/** A replica over several nodes keeps its nodes in one AZ (one cluster placement group): one AZ by design, not a risk to warn about. */
const singleZone = (settings: PreflightInput["settings"]): boolean => gpuFleet(settings).singleZone;

function placeCreated(input: PreflightInput, zones: ZoneOfferings, offeredText: string): CheckResult {
  const name = CHECK_NAMES.instanceType;
  const { settings } = input;
  const required = requiredZoneId(settings);
  try {
    const placement = placeZones({
      region: settings.region,
      instanceType: gpuFleet(settings).label,
      zones: zones.zones,
      offeredZoneIds: zones.offeredZoneIds,
      requiredZoneId: required,
      singleZone: singleZone(settings),
    });
    const detail = `${offeredText}; GPU nodes launch in ${placement.gpuZones.map(zoneLabel).join(", ")}; the VPC spans every available AZ (${placement.vpcZones.map((zone) => zone.zoneId).join(", ")}), the control plane ${placement.clusterZones.map((zone) => zone.zoneId).join(", ")}`;
    if (placement.gpuZones.length === 1 && required === null && !singleZone(settings)) {
      return {
        name,
        status: "warn",
        detail: `${detail}; only one AZ: ${SINGLE_ZONE_RISK}`,
        fix: "if launches fail there, buy a Capacity Block (capacityType capacity-block) or move the stack to another region (aws:region)",
      };
    }
    return { name, status: "pass", detail };
  } catch (error) {
    if (!(error instanceof InfeasiblePlanError)) throw error;
    const fix =
      required !== null
        ? `set capacityReservationZoneId to the reservation's AZ id (see the capacity block check): pulumi config set capacityReservationZoneId <AvailabilityZoneId>`
        : `find a region that offers it: aws ec2 describe-instance-type-offerings --location-type availability-zone-id --filters Name=instance-type,Values=${gpuFleet(settings).instanceTypes.join(",")} --region <region>; then pulumi config set aws:region <region>, or choose another GPU (gpu) or instance type (allowedInstanceTypes), or buy a Capacity Block`;
    return { name, status: "fail", detail: `${offeredText}: ${error.reason}`, fix };
  }
}

function placeInSubnets(
  input: PreflightInput,
  zones: ZoneOfferings,
  subnets: SubnetFacts,
  offeredText: string,
  clusterName: string,
): CheckResult {
  const name = CHECK_NAMES.instanceType;
  const { settings } = input;
  const listSubnets = `aws eks describe-cluster --name ${clusterName} --region ${settings.region} --query cluster.resourcesVpcConfig.subnetIds, then aws ec2 describe-subnets --subnet-ids <ids> --region ${settings.region} --query 'Subnets[].[SubnetId,AvailabilityZoneId]'`;
  if (subnets.missing.length > 0) {
    return {
      name,
      status: "fail",
      detail: `${offeredText}; nodeSubnetIds ${subnets.missing.join(", ")} do not exist in ${settings.region} for this account`,
      fix: `list the cluster's subnets: ${listSubnets}; then set nodeSubnetIds to private subnets among them`,
    };
  }
  const required = requiredZoneId(settings);
  const where = (ids: readonly string[]) =>
    subnets.found
      .filter((subnet) => ids.includes(subnet.subnetId))
      .map((subnet) => `${subnet.subnetId} (${subnet.zoneId})`)
      .join(", ");
  try {
    const used = placeGpuSubnets({
      region: settings.region,
      instanceType: gpuFleet(settings).label,
      offeredZoneIds: zones.offeredZoneIds,
      requiredZoneId: required,
      singleZone: singleZone(settings),
      subnets: subnets.found,
    });
    const unused = subnets.found.map((subnet) => subnet.subnetId).filter((id) => !used.includes(id));
    const usedZones = new Set(subnets.found.filter((subnet) => used.includes(subnet.subnetId)).map((subnet) => subnet.zoneId));
    const detail = `${offeredText}; GPU nodes use ${where(used)}${unused.length > 0 ? `; not used (AZ without ${gpuFleet(settings).label}${required ? " or outside the Capacity Block's AZ" : ""}${singleZone(settings) ? ", or beyond the one subnet a multi-node replica uses" : ""}): ${where(unused)}` : ""}`;
    if (usedZones.size === 1 && required === null && !singleZone(settings)) {
      return {
        name,
        status: "warn",
        detail: `${detail}; only one AZ: ${SINGLE_ZONE_RISK}`,
        fix: `add a private subnet of the cluster's VPC in another AZ offering ${gpuFleet(settings).label} to nodeSubnetIds`,
      };
    }
    return { name, status: "pass", detail };
  } catch (error) {
    if (!(error instanceof InfeasiblePlanError)) throw error;
    return {
      name,
      status: "fail",
      detail: error.reason,
      fix: `add a private subnet of the cluster's VPC in one of those AZs: pulumi config set --path 'nodeSubnetIds[${subnets.found.length}]' subnet-…  (find them: ${listSubnets})`,
    };
  }
}

// ---- 3. vCPU quota -------------------------------------------------------------------------

export function checkQuota(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.quota;
  const { settings } = input;
  const { capacity, region } = settings;
  const fleet = gpuFleet(settings);
  if (settings.cluster.mode === "kubeconfig") return { name, status: "skip", detail: KUBECONFIG_SKIP };
  if (capacity.type === "capacity-block") {
    return {
      name,
      status: "skip",
      detail:
        "capacityType capacity-block: instances launch into the reservation already bought; assumed not to count against the On-Demand P vCPU quota (an assumption: no AWS statement on it was found)",
    };
  }
  const quota = vcpuQuotaFor(fleet.instanceTypes[0]!, capacity.type);
  if (quota === null) return { name, status: "skip", detail: `no vCPU quota code is known for ${fleet.label}` };
  if (facts.quota === null) return { name, status: "skip", detail: "the quota was not read" };
  if (facts.quota.kind !== "found") {
    const result = notChecked(name, `read ${quota.name} (${quota.code})`, facts.quota, facts);
    return { ...result, fix: `${result.fix}; or read it in the console: ${consoleUrl(region, quota.code)}` };
  }
  return judgeQuota(settings, facts.quota.value);
}

const consoleUrl = (region: string, code: string) =>
  `https://${region}.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${code}`;

/**
 * The GPU nodes the stack may run at once: an autoscaled stack's at maxReplicas. The quota and a
 * Capacity Block must hold them all, or Cluster Autoscaler's scale-up fails after the first deploy
 * succeeded (EC2 refuses the launch; the autoscaler backs off and retries).
 */
const gpuNodesAtMost = (settings: StackSettings): number => gpuFleet(settings).maxNodes;
const atMaxReplicas = (settings: StackSettings): string =>
  settings.modelSet
    ? settings.modelSet.models.some((model) => model.autoscaling !== null)
      ? " with every model at its maxReplicas"
      : ""
    : settings.autoscaling
      ? ` at maxReplicas ${settings.autoscaling.maxReplicas}`
      : "";

/** "2 × p5.48xlarge × 192 vCPUs + 1 × p5.4xlarge × 16 vCPUs": the vCPUs of every GPU node group at its maximum. */
function vcpusNeeded(settings: StackSettings): { vcpus: number; text: string } {
  const groups = gpuFleet(settings).groups;
  const vcpus = groups.reduce((total, group) => total + group.maxNodes * INSTANCES[group.instanceType].vcpu, 0);
  const text = groups.map((group) => `${group.maxNodes} × ${group.instanceType} × ${INSTANCES[group.instanceType].vcpu} vCPUs`).join(" + ");
  return { vcpus, text };
}

function judgeQuota(settings: StackSettings, quota: QuotaFacts): CheckResult {
  const name = CHECK_NAMES.quota;
  const { region } = settings;
  const { vcpus: needed, text: vcpuText } = vcpusNeeded(settings);
  const label = `${quota.quotaName} (${quota.quotaCode}) in ${region}`;
  const need = `the plan needs ${needed} (${vcpuText}${atMaxReplicas(settings)})`;
  if (quota.value === null) {
    return {
      name,
      status: "warn",
      detail: `${label}: AWS returned no value (${quota.errorReason ?? "no reason given"}); ${need}`,
      fix: `read it in the console: ${consoleUrl(region, quota.quotaCode)}`,
    };
  }
  const source = quota.source === "default" ? " (AWS's default; the account has no applied value)" : "";
  const running = `P instances already running in ${region} use the same quota (not subtracted: preflight does not list running instances)`;
  if (quota.value < needed) {
    return {
      name,
      status: "fail",
      detail: `${label} is ${quota.value} vCPUs${source}; ${need}`,
      fix:
        `aws service-quotas request-service-quota-increase --region ${region} --service-code ec2 --quota-code ${quota.quotaCode} --desired-value ${needed}\n` +
        `P quotas are per region, and AWS reviews each increase, which can take days. Add the vCPUs of P instances already running in ${region}: preflight does not subtract them.`,
    };
  }
  return {
    name,
    status: "pass",
    detail: `${label} is ${quota.value} vCPUs${source} ≥ ${needed} needed (${vcpuText}${atMaxReplicas(settings)}); ${running}`,
  };
}

// ---- 4. capacity block ---------------------------------------------------------------------

/** A Capacity Block is usable in these states; `scheduled` only from its StartDate (EC2 "View Capacity Blocks"). */
const USABLE_STATES = ["active", "scheduled"];

export function checkCapacityBlock(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.capacityBlock;
  const { settings } = input;
  const { capacity, region } = settings;
  if (settings.cluster.mode === "kubeconfig") return { name, status: "skip", detail: KUBECONFIG_SKIP };
  if (capacity.type !== "capacity-block")
    return { name, status: "skip", detail: `capacityType ${capacity.type}: no Capacity Block to check` };
  if (facts.reservation === null) return { name, status: "skip", detail: "the reservation was not read" };
  if (facts.reservation.kind !== "found") return notChecked(name, `read ${capacity.reservationId}`, facts.reservation, facts);
  const reservation = facts.reservation.value;
  if (reservation === null) {
    return {
      name,
      status: "fail",
      detail: `${capacity.reservationId} does not exist in ${region} for account ${facts.identity.account}`,
      fix: `list the region's reservations: aws ec2 describe-capacity-reservations --region ${region} --query 'CapacityReservations[].[CapacityReservationId,ReservationType,InstanceType,AvailabilityZoneId,State]'; then pulumi config set capacityReservationId <id>`,
    };
  }
  return judgeReservation(input, reservation);
}

interface ReservationProblem {
  status: "warn" | "fail";
  text: string;
  /** What to change; null when buying another block is the only way. */
  fix: string | null;
  /** Whether buying another block also fixes it. */
  buy: boolean;
}

function judgeReservation(input: PreflightInput, reservation: CapacityReservationFacts): CheckResult {
  const name = CHECK_NAMES.capacityBlock;
  const { settings, now } = input;
  const { region } = settings;
  // resolve refuses a Capacity Block for a set on more than one instance type: the fleet has one.
  const instanceType = gpuFleet(settings).label;
  const nodes = gpuNodesAtMost(settings);
  const zoneId = settings.capacity.type === "capacity-block" ? settings.capacity.zoneId : "";
  const problems: ReservationProblem[] = [];

  if (reservation.reservationType !== "capacity-block") {
    problems.push({
      status: "fail",
      text: `it is not a Capacity Block (ReservationType ${reservation.reservationType})`,
      fix: null,
      buy: true,
    });
  }
  if (reservation.instanceType !== instanceType) {
    problems.push({
      status: "fail",
      text: `it holds ${reservation.instanceType}, the plan needs ${instanceType}`,
      fix: `plan for the reserved type if the model fits it: pulumi config set --path 'allowedInstanceTypes[0]' ${reservation.instanceType}`,
      buy: true,
    });
  }
  if (zoneId !== reservation.availabilityZoneId) {
    problems.push({
      status: "fail",
      text: `it is in ${reservation.availabilityZoneId} (${reservation.availabilityZone}), capacityReservationZoneId is ${zoneId === "" ? "not set" : zoneId}`,
      fix: `pulumi config set capacityReservationZoneId ${reservation.availabilityZoneId}`,
      buy: false,
    });
  }
  // The plan prices the block over the stack's dates (capacityBlockTerms): they must be the block's own.
  if (settings.capacity.type === "capacity-block" && reservation.startDate && reservation.endDate) {
    const { startDate, endDate } = settings.capacity;
    const same = (iso: string, date: Date) => Date.parse(iso) === date.getTime();
    if (!same(startDate, reservation.startDate) || !same(endDate, reservation.endDate)) {
      const start = reservation.startDate.toISOString().replace(".000Z", "Z");
      const end = reservation.endDate.toISOString().replace(".000Z", "Z");
      problems.push({
        status: "fail",
        text: `its dates are ${utc(reservation.startDate)} to ${utc(reservation.endDate)}, the stack prices ${startDate} to ${endDate}`,
        fix: `pulumi config set capacityReservationStartDate ${start} && pulumi config set capacityReservationEndDate ${end}`,
        buy: false,
      });
    }
  }
  const stateProblem = judgeState(reservation, now);
  if (stateProblem) problems.push(stateProblem);
  if (reservation.totalInstanceCount < nodes) {
    problems.push({
      status: "fail",
      text: `it holds ${plural(reservation.totalInstanceCount, "instance")}, the plan needs ${plural(nodes, "node")}${atMaxReplicas(settings)}`,
      fix: `lower replicas until the plan needs at most ${plural(reservation.totalInstanceCount, "node")}`,
      buy: true,
    });
  } else if (reservation.totalInstanceCount > nodes && settings.capacity.type === "capacity-block") {
    // AWS bills the whole block up front; the stack's cost counts the nodes it runs in it.
    const whole = isInstanceType(instanceType)
      ? capacityBlockTerms(instanceType, region, reservation.totalInstanceCount, settings.capacity.startDate, settings.capacity.endDate)
      : undefined;
    problems.push({
      status: "warn",
      text: `it holds ${plural(reservation.totalInstanceCount, "instance")}, all paid for${whole ? ` (${usd(whole.upfrontUsd)} up front at the snapshot's rate)` : ""}; the plan uses ${plural(nodes, "node")}${atMaxReplicas(settings)}, and the stack's cost counts only those`,
      fix: `use the block: raise replicas (or maxReplicas) until the plan needs ${plural(reservation.totalInstanceCount, "node")}`,
      buy: false,
    });
  }
  if (reservation.state === "active" && reservation.availableInstanceCount < nodes && reservation.totalInstanceCount >= nodes) {
    problems.push({
      status: "fail",
      text: `${reservation.availableInstanceCount} of its ${reservation.totalInstanceCount} instances are free (the others are running), the plan needs ${nodes}${atMaxReplicas(settings)}`,
      fix: `stop what runs in it (aws ec2 describe-instances --region ${region} --filters Name=capacity-reservation-id,Values=${reservation.capacityReservationId}), or lower replicas`,
      buy: false,
    });
  }

  const window =
    reservation.startDate && reservation.endDate
      ? ` ${utc(reservation.startDate)} to ${utc(reservation.endDate)}`
      : reservation.endDate
        ? ` until ${utc(reservation.endDate)}`
        : "";
  const summary = `${reservation.capacityReservationId}: ${reservation.totalInstanceCount} × ${reservation.instanceType} in ${reservation.availabilityZoneId} (${reservation.availabilityZone}), ${reservation.state}${window}, ${reservation.availableInstanceCount} free; the plan needs ${nodes}${atMaxReplicas(settings)}`;
  if (problems.length === 0) return { name, status: "pass", detail: summary };
  const buy = `buy a block of ${plural(nodes, "instance")} of ${instanceType}: aws ec2 describe-capacity-block-offerings --region ${region} --instance-type ${instanceType} --instance-count ${nodes} --capacity-duration-hours 24, then aws ec2 purchase-capacity-block --capacity-block-offering-id <id> --instance-platform Linux/UNIX, then set capacityReservationId, capacityReservationZoneId, capacityReservationStartDate and capacityReservationEndDate`;
  // A block that cannot be used at all (expired, not a Capacity Block) leaves one way: another block.
  const unusable = problems.some((problem) => problem.fix === null);
  const fixes = unusable ? [buy] : problems.flatMap((problem) => (problem.fix === null ? [] : [problem.fix]));
  if (!unusable && problems.some((problem) => problem.buy)) fixes.push(`or ${buy}`);
  const status = problems.some((problem) => problem.status === "fail") ? "fail" : "warn";
  return { name, status, detail: `${summary}; ${problems.map((problem) => problem.text).join("; ")}`, fix: fixes.join("\n") };
}

function judgeState(reservation: CapacityReservationFacts, now: Date): ReservationProblem | null {
  if (reservation.state === "active") return null;
  if (reservation.state === "scheduled") {
    const start = reservation.startDate;
    if (start !== null && start.getTime() <= now.getTime()) return null;
    const when = start ? utc(start) : "(no StartDate)";
    return {
      status: "warn",
      text: `it starts at ${when}: ${NOT_STARTED}`,
      fix: `run pulumi up after ${when}`,
      buy: false,
    };
  }
  return {
    status: "fail",
    text: `its state is ${reservation.state}; only ${USABLE_STATES.join(" or ")} blocks can launch instances`,
    fix: null,
    buy: true,
  };
}

// ---- 5. Kubernetes version -----------------------------------------------------------------

interface SupportWindow {
  version: string;
  /** From the API's versionStatus when it reported one. */
  apiStatus: string | null;
  standardEndsOn: string | null;
  extendedEndsOn: string | null;
  /** Where the dates come from, in words. */
  source: string;
}

function supportWindow(version: string, lookup: Lookup<EksVersionFacts | null> | null): SupportWindow {
  const catalog = (
    EKS_VERSIONS as Record<string, { standardSupportEndsOn: string; extendedSupportEndsOn: string; source: { readOn: string } }>
  )[version];
  const fromCatalog = (why: string): SupportWindow => ({
    version,
    apiStatus: null,
    standardEndsOn: catalog?.standardSupportEndsOn ?? null,
    extendedEndsOn: catalog?.extendedSupportEndsOn ?? null,
    source: catalog
      ? `${why}; dates from the kit's catalog (endoflife.date, read ${catalog.source.readOn})`
      : `${why}; the kit's catalog does not know ${version}`,
  });
  if (lookup === null) return fromCatalog("support dates were not read from EKS");
  if (lookup.kind === "denied") return fromCatalog(`not allowed to call ${lookup.action}`);
  if (lookup.kind === "failed") return fromCatalog(`${lookup.action} failed with ${lookup.code}`);
  if (lookup.value === null) return fromCatalog(`EKS does not list ${version}`);
  const facts = lookup.value;
  return {
    version,
    apiStatus: facts.versionStatus,
    standardEndsOn: facts.endOfStandardSupportDate ? isoDay(facts.endOfStandardSupportDate) : (catalog?.standardSupportEndsOn ?? null),
    extendedEndsOn: facts.endOfExtendedSupportDate ? isoDay(facts.endOfExtendedSupportDate) : (catalog?.extendedSupportEndsOn ?? null),
    source: "dates from EKS DescribeClusterVersions",
  };
}

type Phase = "standard" | "extended" | "unsupported" | "unknown";

function phaseOf(window: SupportWindow, today: string): Phase {
  if (window.apiStatus === "STANDARD_SUPPORT") return "standard";
  if (window.apiStatus === "EXTENDED_SUPPORT") return "extended";
  if (window.apiStatus === "UNSUPPORTED") return "unsupported";
  if (window.standardEndsOn === null) return "unknown";
  if (today <= window.standardEndsOn) return "standard";
  if (window.extendedEndsOn === null || today <= window.extendedEndsOn) return "extended";
  return "unsupported";
}

const STANDARD_RATE = SERVICE_PRICES.eksControlPlaneHourlyUsd.value;
const EXTENDED_RATE = SERVICE_PRICES.eksExtendedSupportHourlyUsd.value;

export function checkKubernetesVersion(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.kubernetes;
  const { settings } = input;
  if (settings.cluster.mode === "kubeconfig")
    return { name, status: "skip", detail: `${KUBECONFIG_SKIP} (the cluster's version is not read)` };
  if (settings.cluster.mode === "create") return judgeCreatedVersion(input, facts);
  if (facts.cluster === null) return { name, status: "skip", detail: "the cluster was not read" };
  if (facts.cluster.kind !== "found") return notChecked(name, `read cluster ${settings.cluster.name}`, facts.cluster, facts);
  if (facts.cluster.value === null) {
    return {
      name,
      status: "fail",
      detail: `EKS cluster ${settings.cluster.name} does not exist in ${settings.region} for account ${facts.identity.account}`,
      fix: `list the clusters: aws eks list-clusters --region ${settings.region}; then pulumi config set cluster eks:<name>`,
    };
  }
  return judgeExistingVersion(input, facts.cluster.value, facts.eksVersion);
}

function judgeCreatedVersion(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.kubernetes;
  const { settings, now } = input;
  const supportType = settings.cluster.mode === "create" ? settings.cluster.supportType : "standard";
  const window = supportWindow(KUBERNETES_VERSION, facts.eksVersion);
  const today = isoDay(now);
  const upgradeKit = `this release of llm-stack creates clusters on Kubernetes ${KUBERNETES_VERSION} (infra/catalog/eks-versions.ts): update llm-stack; versions EKS supports now: aws eks describe-cluster-versions --region ${settings.region} --version-status STANDARD_SUPPORT`;
  if (facts.eksVersion?.kind === "found" && facts.eksVersion.value === null) {
    return {
      name,
      status: "fail",
      detail: `EKS in ${settings.region} does not offer Kubernetes ${KUBERNETES_VERSION} (DescribeClusterVersions lists no such version)`,
      fix: upgradeKit,
    };
  }
  const phase = phaseOf(window, today);
  const ends = window.standardEndsOn ?? "an unknown date";
  if (phase === "unknown")
    return {
      name,
      status: "warn",
      detail: `Kubernetes ${KUBERNETES_VERSION}: support dates unknown (${window.source})`,
      fix: `check https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html`,
    };
  if (phase !== "standard") {
    const consequence =
      supportType === "standard"
        ? "with kubernetesSupportType standard EKS upgrades the cluster to the next version on its own"
        : `with kubernetesSupportType extended the control plane bills $${EXTENDED_RATE.toFixed(2)}/h instead of $${STANDARD_RATE.toFixed(2)}/h`;
    return {
      name,
      status: "fail",
      detail: `Kubernetes ${KUBERNETES_VERSION}: standard support ended on ${ends}${phase === "unsupported" ? " and extended support too" : ""}; ${consequence} (${window.source})`,
      fix: upgradeKit,
    };
  }
  const left = window.standardEndsOn ? daysBetween(today, window.standardEndsOn) : Number.POSITIVE_INFINITY;
  const detail = `Kubernetes ${KUBERNETES_VERSION}: in standard support until ${ends} (${left} days left; ${window.source})`;
  if (left <= SUPPORT_WARNING_DAYS) {
    const then =
      supportType === "standard"
        ? "EKS will upgrade the cluster on its own"
        : `the control plane bills $${EXTENDED_RATE.toFixed(2)}/h instead of $${STANDARD_RATE.toFixed(2)}/h`;
    return { name, status: "warn", detail: `${detail}; after that ${then}`, fix: upgradeKit };
  }
  return { name, status: "pass", detail };
}

function judgeExistingVersion(
  input: PreflightInput,
  cluster: ExistingClusterFacts,
  lookup: Lookup<EksVersionFacts | null> | null,
): CheckResult {
  const name = CHECK_NAMES.kubernetes;
  const { settings, now } = input;
  const window = supportWindow(cluster.version, lookup);
  const today = isoDay(now);
  const phase = phaseOf(window, today);
  const about = `cluster ${cluster.name} (${cluster.status}) runs Kubernetes ${cluster.version}`;
  const upgrade = `aws eks update-cluster-version --name ${cluster.name} --region ${settings.region} --kubernetes-version <next version>`;
  if (cluster.status === "FAILED" || cluster.status === "DELETING") {
    return {
      name,
      status: "fail",
      detail: `${about}: node groups cannot join it`,
      fix: `choose a working cluster: pulumi config set cluster eks:<name>`,
    };
  }
  const notReady = cluster.status === "ACTIVE" ? null : `it is ${cluster.status}; node groups are created only on an ACTIVE cluster`;
  let result: CheckResult;
  if (phase === "unknown")
    result = {
      name,
      status: "warn",
      detail: `${about}; support dates unknown (${window.source})`,
      fix: "check https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
    };
  else if (phase === "unsupported")
    result = { name, status: "fail", detail: `${about}: past extended support (${window.source})`, fix: upgrade };
  else if (phase === "extended") {
    result = {
      name,
      status: "warn",
      detail: `${about}: in extended support since ${window.standardEndsOn ?? "an unknown date"}, billed $${EXTENDED_RATE.toFixed(2)}/h instead of $${STANDARD_RATE.toFixed(2)}/h${cluster.supportType ? ` (upgrade policy ${cluster.supportType})` : ""} (${window.source})`,
      fix: upgrade,
    };
  } else {
    const left = window.standardEndsOn ? daysBetween(today, window.standardEndsOn) : Number.POSITIVE_INFINITY;
    const detail = `${about}: in standard support until ${window.standardEndsOn ?? "an unknown date"} (${left} days left; ${window.source})`;
    result = left <= SUPPORT_WARNING_DAYS ? { name, status: "warn", detail, fix: upgrade } : { name, status: "pass", detail };
  }
  if (notReady === null) return result;
  return {
    ...result,
    status: result.status === "fail" ? "fail" : "warn",
    detail: `${result.detail}; ${notReady}`,
    fix: result.fix ?? `wait until aws eks describe-cluster --name ${cluster.name} --query cluster.status says ACTIVE`,
  };
}

// ---- 6. model cache (S3 + Pod Identity) ----------------------------------------------------

/**
 * The S3 model cache on an existing cluster: its pods get credentials only through the
 * eks-pod-identity-agent add-on (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html),
 * and stream without NAT charges only through an S3 gateway endpoint in its VPC. A created
 * cluster gets both from the stack.
 */
export function checkModelCache(input: PreflightInput, facts: PreflightFacts): CheckResult {
  const name = CHECK_NAMES.modelCache;
  const { settings } = input;
  const { cluster, region } = settings;
  // The stack's shared weightsSource: every model of a set reads the same way; the largest checkpoint prices the NAT path.
  const plans = servedModels(settings).map((model) => model.plan);
  const plan = plans.reduce((largest, next) => (checkpointBytes(next) > checkpointBytes(largest) ? next : largest));
  if (plan.weightsSource !== "s3")
    return { name, status: "skip", detail: "weightsSource huggingface: every pod downloads from Hugging Face; no S3 cache to check" };
  if (cluster.mode === "create") {
    return {
      name,
      status: "pass",
      detail: "the stack creates the bucket, the S3 gateway endpoint and the eks-pod-identity-agent add-on with the cluster",
    };
  }
  if (cluster.mode !== "eks") return { name, status: "skip", detail: KUBECONFIG_SKIP };
  if (facts.modelCache === null)
    return { name, status: "skip", detail: `cluster ${cluster.name} was not found, so its add-ons and VPC could not be read` };
  if (facts.modelCache.kind !== "found")
    return notChecked(name, `read cluster ${cluster.name}'s Pod Identity agent and S3 endpoints`, facts.modelCache, facts);
  const { podIdentityAgentStatus: agent, s3GatewayEndpoints: endpoints } = facts.modelCache.value;
  const cost = `${(checkpointBytes(plan) / 1e9).toFixed(1)} GB × $${DATA_PRICES.natGatewayDataProcessedUsdPerGB.value}/GB at every pod start`;
  if (agent === null) {
    return {
      name,
      status: "fail",
      detail: `cluster ${cluster.name} has no eks-pod-identity-agent add-on: the server and the copy Job would get no AWS credentials and could not read or fill the S3 model cache`,
      fix: `aws eks create-addon --region ${region} --cluster-name ${cluster.name} --addon-name eks-pod-identity-agent, or set weightsSource huggingface`,
    };
  }
  const endpointText =
    endpoints.length === 0
      ? "no S3 gateway endpoint in its VPC"
      : `S3 gateway endpoint ${endpoints.map((e) => `${e.id} (route tables ${e.routeTableIds.join(", ") || "none"})`).join(", ")}`;
  if (agent !== "ACTIVE") {
    return {
      name,
      status: "warn",
      detail: `eks-pod-identity-agent is ${agent}, not ACTIVE; ${endpointText}`,
      fix: `aws eks describe-addon --region ${region} --cluster-name ${cluster.name} --addon-name eks-pod-identity-agent (see its health issues)`,
    };
  }
  if (endpoints.length === 0) {
    return {
      name,
      status: "warn",
      detail: `eks-pod-identity-agent is ACTIVE; ${endpointText}: the weights stream through the VPC's NAT gateway, if it has one (${cost})`,
      fix: `aws ec2 create-vpc-endpoint --region ${region} --vpc-id <the cluster's VPC> --vpc-endpoint-type Gateway --service-name com.amazonaws.${region}.s3 --route-table-ids <the GPU subnets' route tables>`,
    };
  }
  return { name, status: "pass", detail: `eks-pod-identity-agent is ACTIVE; ${endpointText}` };
}
