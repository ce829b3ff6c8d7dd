/**
 * Rules between keys, and between the keys and the plan: what a cluster mode, capacity type or
 * endpoint needs besides itself, secrets given in plain text, the budget and plan shapes the
 * program cannot deploy.
 */
import { AZ_ID_PREFIXES, EFA_CAPABLE_IMAGES, INSTANCE_TYPES, INSTANCES, MODELS, PRICE_SNAPSHOT, regionSchema } from "../catalog";
import {
  DEFAULT_MIN_REPLICAS,
  WIDEST_ALLOWLIST_PREFIX,
  allowlistProblem,
  reservedNamespace,
  describeCost,
  replicaRange,
  type DeploymentPlan,
  type InputIssue,
  type ReplicaRange,
  type StackCost,
} from "../plan";
import {
  ALLOW_MY_ADDRESS,
  DEPLOYMENT_DEFAULTS,
  DEPLOYMENT_HINTS,
  type Deployment,
  type ResolvedImages,
  type SecretPresence,
} from "./deployment";
import { CREDENTIAL_KEYS, defaultImageSource, registryCredentialsNeeded } from "./images";
import { type SecretSettingKey } from "./keys";
import { OPERATOR_FIXES, gatedModelIn } from "./operator-values";

/** How each secret key is set: its row's operator command. */
export const SECRET_HINTS: Record<SecretSettingKey, string> = {
  hfToken: OPERATOR_FIXES.hfToken,
  kubeconfig: OPERATOR_FIXES.kubeconfig,
  dockerHubAccessToken: OPERATOR_FIXES.dockerHubAccessToken,
  githubToken: OPERATOR_FIXES.githubToken,
};

/** A secret key given in plain text sits unencrypted in Pulumi.<stack>.yaml and the state: refused. */
export function plaintextSecretIssues(secrets: SecretPresence): InputIssue[] {
  return (Object.keys(SECRET_HINTS) as Array<keyof SecretPresence>)
    .filter((key) => secrets[key] === "plaintext")
    .map((key) => ({
      path: key,
      value: "(plain text, not shown)",
      expected: "a Pulumi secret (secure: in the stack file)",
      hint: `Remove the plain value from the stack file, then run \`${SECRET_HINTS[key]}\`, which stores it encrypted.`,
    }));
}

/**
 * A Capacity Block's dates: both given with capacity-block, the end after the start and at most 182
 * days later — the longest block AWS sells ("in 7-day increments up to 182 days": EC2 user guide,
 * capacity-blocks-purchase, read 2026-12-06). Not whole days: a block ends at 11:30 UTC whenever it
 * starts, so one bought at 08:55 lasts a day and 35 minutes (CapacityBlockOffering
 * CapacityBlockDurationMinutes). Preflight checks them against the reservation's own StartDate and
 * EndDate; the plan prices the block over these hours.
 */
function capacityBlockDateIssues(d: Partial<Deployment>, absent: (key: keyof Deployment) => boolean): InputIssue[] {
  if (d.capacityType !== "capacity-block") return [];
  const missing = (["capacityReservationStartDate", "capacityReservationEndDate"] as const)
    .filter((key) => absent(key))
    .map((key) => ({
      path: key,
      value: undefined,
      expected: "the Capacity Block's date when capacityType is capacity-block",
      hint: DEPLOYMENT_HINTS[key],
    }));
  if (missing.length > 0 || !d.capacityReservationStartDate || !d.capacityReservationEndDate) return missing;
  // "All Capacity Blocks end at 11:30AM UTC" (EC2 user guide, capacity-blocks-purchase, read 2026-12-06).
  if (!new Date(d.capacityReservationEndDate).toISOString().endsWith("T11:30:00.000Z"))
    return [
      {
        path: "capacityReservationEndDate",
        value: d.capacityReservationEndDate,
        expected: "a Capacity Block's end: every block ends at 11:30 UTC",
        hint: DEPLOYMENT_HINTS.capacityReservationEndDate,
      },
    ];
  const days = (Date.parse(d.capacityReservationEndDate!) - Date.parse(d.capacityReservationStartDate!)) / (24 * 3600 * 1000);
  // 182 days and the minutes a block that does not start at 11:30 UTC runs over its whole days.
  return days > 0 && days < MAX_BLOCK_DAYS + 1
    ? []
    : [
        {
          path: "capacityReservationEndDate",
          value: d.capacityReservationEndDate,
          expected: `a time after capacityReservationStartDate ${d.capacityReservationStartDate}, at most ${MAX_BLOCK_DAYS} days later (got ${Math.round(days * 100) / 100} days)`,
          hint: DEPLOYMENT_HINTS.capacityReservationEndDate,
        },
      ];
}

/** The longest Capacity Block AWS sells, in days (see capacityBlockDateIssues). */
const MAX_BLOCK_DAYS = 182;

/** An AZ id names its region (use1-az4 is in us-east-1): a reservation's AZ in another region than the stack's cannot be the stack's. */
function zoneRegionIssues(zoneId: string, given: unknown): InputIssue[] {
  const region = regionSchema.safeParse(given);
  if (!region.success) return [];
  const prefix = `${AZ_ID_PREFIXES[region.data]}-`;
  return zoneId.startsWith(prefix)
    ? []
    : [
        {
          path: "capacityReservationZoneId",
          value: zoneId,
          expected: `an AZ id of ${region.data} (${prefix}az…), the stack's region`,
          hint: DEPLOYMENT_HINTS.capacityReservationZoneId,
        },
      ];
}

export function crossFieldIssues(
  d: Partial<Deployment>,
  secrets: SecretPresence,
  /** The values as given: a key given but invalid has its own problem, and is not also "not set". */
  given: Readonly<Record<string, unknown>> = {},
  region?: unknown,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const absent = (key: keyof Deployment) => !d[key] && (given[key] === undefined || given[key] === "");
  if (d.capacityType === "capacity-block" && absent("capacityReservationId")) {
    issues.push({
      path: "capacityReservationId",
      value: undefined,
      expected: "a reservation id when capacityType is capacity-block",
      hint: DEPLOYMENT_HINTS.capacityReservationId,
    });
  }
  if (d.capacityType === "capacity-block" && absent("capacityReservationZoneId")) {
    issues.push({
      path: "capacityReservationZoneId",
      value: undefined,
      expected: "the reservation's AZ id when capacityType is capacity-block",
      hint: DEPLOYMENT_HINTS.capacityReservationZoneId,
    });
  }
  issues.push(...capacityBlockDateIssues(d, absent));
  // A kubeconfig cluster's GPU nodes are its owner's: the stack buys none, so how it buys them means nothing.
  if (d.cluster === "kubeconfig" && d.capacityType !== undefined && d.capacityType !== "on-demand") {
    issues.push({
      path: "capacityType",
      value: d.capacityType,
      expected: "on-demand (unset) with cluster kubeconfig: the stack adds no GPU nodes there",
      hint: "Remove capacityType, or let the stack create its cluster (cluster create) or join one (eks:<name>), where it adds GPU nodes it can buy as spot or from a Capacity Block.",
    });
  }
  if (d.capacityType === "capacity-block" && d.capacityReservationZoneId)
    issues.push(...zoneRegionIssues(d.capacityReservationZoneId, region));
  if (
    d.capacityType !== "capacity-block" &&
    (d.capacityReservationId || d.capacityReservationZoneId || d.capacityReservationStartDate || d.capacityReservationEndDate)
  ) {
    const path = (
      ["capacityReservationId", "capacityReservationZoneId", "capacityReservationStartDate", "capacityReservationEndDate"] as const
    ).find((key) => d[key])!;
    issues.push({
      path,
      value: d[path],
      expected: "unset unless capacityType is capacity-block",
      hint: "Set capacityType to capacity-block or remove the reservation settings.",
    });
  }
  if (d.cluster?.startsWith("eks:") && !d.nodeSubnetIds) {
    issues.push({
      path: "nodeSubnetIds",
      value: undefined,
      expected: "private subnet ids for the GPU nodes when cluster is eks:<name>",
      hint: DEPLOYMENT_HINTS.nodeSubnetIds,
    });
  }
  if (d.cluster === "kubeconfig" && secrets.kubeconfig === "unset") {
    issues.push({
      path: "kubeconfig",
      value: undefined,
      expected: "a kubeconfig secret when cluster is kubeconfig",
      hint: `Run \`${SECRET_HINTS.kubeconfig}\`.`,
    });
  }
  if (d.cluster === "create" && d.clusterEndpointAccess === "public" && !d.clusterPublicAccessCidrs) {
    issues.push({
      path: "clusterPublicAccessCidrs",
      value: undefined,
      expected:
        "the CIDRs that may reach the cluster's public API endpoint (clusterEndpointAccess public, the default): pulumi talks to the Kubernetes API from where it runs",
      hint: `Run \`${ALLOW_MY_ADDRESS}\` on the machine that runs pulumi (a CI runner: its egress range), or set clusterEndpointAccess private and run pulumi inside the VPC.`,
    });
  }
  const tooOpen = d.clusterPublicAccessCidrs ? allowlistProblem(d.clusterPublicAccessCidrs) : null;
  if (tooOpen !== null) {
    issues.push({
      path: "clusterPublicAccessCidrs",
      value: d.clusterPublicAccessCidrs,
      expected: `a narrow allowlist — each block at most a /${WIDEST_ALLOWLIST_PREFIX[4]}, at most sixteen /16s of public addresses in all — but ${tooOpen}`,
      hint: `List only the networks that administer the cluster (this machine: \`${ALLOW_MY_ADDRESS}\`), or set clusterEndpointAccess private.`,
    });
  }
  const reserved = d.namespace ? reservedNamespace(d.namespace) : null;
  if (reserved !== null) {
    issues.push({
      path: "namespace",
      value: d.namespace,
      expected: `a namespace of the server's own, but ${reserved}`,
      hint: `Use a namespace of its own, e.g. ${DEPLOYMENT_DEFAULTS.namespace}: the stack labels it Pod Security "restricted" and admits only its clients.`,
    });
  }
  if (d.cluster !== undefined && d.cluster !== "create") {
    for (const key of ["clusterPublicAccessCidrs", "clusterAdminPrincipalArns"] as const) {
      if (d[key])
        issues.push({
          path: key,
          value: d[key],
          expected: "unset unless cluster is create",
          hint: "The stack only configures the endpoint and access of a cluster it creates; manage the existing cluster's directly.",
        });
    }
  }
  if (d.exposure === "internal-lb" && d.cluster !== undefined && d.cluster !== "create") {
    issues.push({
      path: "exposure",
      value: d.exposure,
      expected: "cluster when the stack does not create the VPC",
      hint: "internal-lb admits the VPC's CIDR in the NetworkPolicy, which is known only for cluster=create.",
    });
  }
  return issues;
}

/** What to plan for instead when the snapshot has no block rate for the plan's type: the types it has one for in the region. */
function blockTypesHint(plan: DeploymentPlan, fix: string): string {
  const sold = PRICE_SNAPSHOT.capacityBlock.filter((row) => row.region === plan.region).map((row) => row.instanceType);
  const which =
    sold.length > 0
      ? `the snapshot has block rates in ${plan.region} for ${sold.join(", ")}: plan for the reservation's type (pulumi config set --path 'allowedInstanceTypes[0]' ${sold[0]}, for the first)`
      : `the snapshot has no block rate in ${plan.region}`;
  return `No Capacity Block rate is read for ${plan.instanceType} in ${plan.region} (AWS does not sell every type as a block); ${which}; or ${fix}.`;
}

/** Issues about the plan itself: budget and shapes this program cannot deploy. */
export function planIssues(plan: DeploymentPlan, cost: StackCost, d: Partial<Deployment>): InputIssue[] {
  const issues: InputIssue[] = [];
  if (plan.weightsSource === "s3" && d.cluster === "kubeconfig") {
    issues.push({
      path: "weightsSource",
      value: "s3",
      expected: "huggingface (or auto) with cluster kubeconfig",
      hint: "The S3 model cache needs Pod Identity on an EKS cluster the stack manages (cluster create or eks:<name>); remove weightsSource or set it to huggingface.",
    });
  }
  // Fail closed: what the snapshot cannot price is never priced at $0 (a GPU group bought a way AWS does not sell it).
  for (const unpriced of cost.unpriced) {
    const block = d.capacityType === "capacity-block";
    issues.push({
      path: block || d.capacityType === "spot" ? "capacityType" : "allowedInstanceTypes",
      value: block || d.capacityType === "spot" ? d.capacityType : (d as Record<string, unknown>).allowedInstanceTypes,
      expected: `a way of buying the GPU nodes the price snapshot prices: ${unpriced.what}`,
      hint: block ? blockTypesHint(plan, unpriced.fix) : `${unpriced.fix[0]!.toUpperCase()}${unpriced.fix.slice(1)}.`,
    });
  }
  // The budget is the whole stack at its maximum node-group size: what it can cost in the worst
  // hour, the same number the budget policy checks (policies/cost-budget.ts).
  if (d.maxHourlyUsd !== undefined && cost.maxHourlyUsd > d.maxHourlyUsd) {
    issues.push({
      path: "maxHourlyUsd",
      value: d.maxHourlyUsd,
      expected: `at least the stack's $${cost.maxHourlyUsd.toFixed(2)}/h at maximum node-group size (${describeCost(cost)})`,
      hint: "Raise maxHourlyUsd, or lower the cost: fewer replicas, a shorter maxModelLen, quantization fp8 or int4 — or, for a capacity fallback, remove or change it.",
    });
  }
  if (d.efa) issues.push(...efaIssues(plan, d));
  return issues;
}

/** EFA is for replicas that span nodes, on instances that have it, in images that can use it. */
export function efaIssues(plan: DeploymentPlan, d: Partial<Deployment>): InputIssue[] {
  const issues: InputIssue[] = [];
  if (plan.nodesPerReplica === 1) {
    issues.push({
      path: "efa",
      value: true,
      expected: "false for a plan whose replica fits on one node",
      hint: "EFA carries traffic between the nodes of one replica; this plan has none. Remove efa.",
    });
  }
  if (INSTANCES[plan.instanceType].efaInterfaces === 0) {
    issues.push({
      path: "efa",
      value: true,
      expected: `an instance type with EFA (${plan.instanceType} has none)`,
      hint: `Allow ${INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu !== null && INSTANCES[t].efaInterfaces > 0).join(" or ")}, or remove efa.`,
    });
  }
  if (d.cluster === "kubeconfig") {
    issues.push({
      path: "efa",
      value: true,
      expected: "cluster create or eks:<name> (the stack must own the GPU nodes' launch template)",
      hint: "Remove efa, or let the stack create the GPU node group.",
    });
  }
  const image = d.vllmImage ?? DEPLOYMENT_DEFAULTS.vllmImage;
  if (!EFA_CAPABLE_IMAGES.patterns.some((pattern) => pattern.test(image))) {
    issues.push({
      path: "vllmImage",
      value: image,
      expected: `an image with the EFA userspace (libfabric, aws-ofi-nccl) when efa is true, such as ${EFA_CAPABLE_IMAGES.example}`,
      hint: "The upstream vllm/vllm-openai image has none (vllm-project/vllm#55635), so NCCL would fall back to TCP; use AWS's vLLM deep-learning container, or remove efa.",
    });
  }
  return issues;
}

/** A gated model cannot be downloaded without a token: known from the model alone, plan or not. */
export function gatedModelIssue(values: Readonly<Record<string, unknown>>, secrets: SecretPresence): InputIssue[] {
  const gated = gatedModelIn(values);
  if (gated === undefined || secrets.hfToken !== "unset") return [];
  return [
    {
      path: "hfToken",
      value: undefined,
      expected: `a Hugging Face token: ${gated} is gated (${MODELS[gated].license})`,
      hint: `Accept the license on huggingface.co, then run \`${SECRET_HINTS.hfToken}\`.`,
    },
  ];
}

/** minReplicas without maxReplicas: known from the keys alone. */
export function autoscalingKeyIssues(d: Partial<Deployment>): InputIssue[] {
  if (d.minReplicas === undefined || d.maxReplicas !== undefined) return [];
  return [
    {
      path: "minReplicas",
      value: d.minReplicas,
      expected: "unset unless maxReplicas is set",
      hint: "Set maxReplicas to turn autoscaling on, or remove minReplicas.",
    },
  ];
}

/**
 * The replica range of an autoscaled stack (null when fixed), or the issues that keep it from one:
 * the planned replicas must lie inside it, the GPU nodes at its top within maxNodes, and it needs
 * the parts that scale — KEDA reading Prometheus, and Cluster Autoscaler on a node group the stack
 * creates in a cluster it creates (an existing cluster may run its own KEDA or autoscaler).
 */
export function autoscalingRange(
  plan: DeploymentPlan,
  d: Partial<Deployment>,
  maxNodes: number,
): { range: ReplicaRange | null; issues: InputIssue[] } {
  if (d.maxReplicas === undefined) return { range: null, issues: [] };
  // One replica stays up unless the stack asks for zero (then a request waits for a whole cold start).
  const minReplicas = d.minReplicas ?? DEFAULT_MIN_REPLICAS;
  const issues: InputIssue[] = [];
  if (d.maxReplicas < plan.replicas) {
    issues.push({
      path: "maxReplicas",
      value: d.maxReplicas,
      expected: `at least replicas (${plan.replicas}), the expected count the plan is sized for`,
      hint: `Raise maxReplicas to ${plan.replicas} or more, or lower replicas.`,
    });
  }
  if (minReplicas > plan.replicas) {
    issues.push({
      path: "minReplicas",
      value: minReplicas,
      expected: `at most replicas (${plan.replicas})`,
      hint: `Lower minReplicas to ${plan.replicas} or less, or raise replicas.`,
    });
  }
  const range = replicaRange(plan, minReplicas, d.maxReplicas);
  if (range.maxNodes > maxNodes) {
    issues.push({
      path: "maxReplicas",
      value: d.maxReplicas,
      expected: `a maximum whose GPU nodes (${range.maxNodes} × ${plan.instanceType}) stay within maxNodes ${maxNodes}`,
      hint: `Lower maxReplicas, or raise maxNodes to ${range.maxNodes} if you mean it.`,
    });
  }
  if ((d.cluster ?? DEPLOYMENT_DEFAULTS.cluster) !== "create") {
    issues.push({
      path: "maxReplicas",
      value: d.maxReplicas,
      expected: "unset unless cluster is create",
      hint: "Autoscaling installs KEDA and Cluster Autoscaler, which an existing cluster may already run; remove minReplicas and maxReplicas, or let the stack create the cluster.",
    });
  }
  if (d.capacityType === "capacity-block") {
    issues.push({
      path: "maxReplicas",
      value: d.maxReplicas,
      expected: "unset when capacityType is capacity-block",
      hint: "A Capacity Block is paid whether its instances run or not, so scaling down saves nothing, and its size caps the nodes: set replicas to what the block holds and remove minReplicas and maxReplicas.",
    });
  }
  if (d.observability === "none") {
    issues.push({
      path: "observability",
      value: "none",
      expected: "prometheus (or auto) when maxReplicas is set",
      hint: "KEDA scales on vLLM's queue as Prometheus scrapes it; remove observability or set it to prometheus.",
    });
  }
  return { range: issues.length > 0 ? null : range.minReplicas === range.maxReplicas ? null : range, issues };
}

const CREDENTIAL_NAMES = { dockerHub: "Docker Hub", github: "GitHub Container Registry" } as const;

/**
 * Where pods pull their images, or the problems: the cache only where the stack creates the
 * cluster (its nodes run as the stack's role, which may import images), and the user and token of
 * every upstream that requires one, named with the image that needs it.
 */
export function imageSourceResolution(
  d: Partial<Deployment>,
  secrets: SecretPresence,
  resolved: { observability: "prometheus" | "none"; autoscaling: ReplicaRange | null; inferenceGateway?: boolean },
): { images: ResolvedImages; issues: InputIssue[] } {
  const cluster = d.cluster ?? DEPLOYMENT_DEFAULTS.cluster;
  const source = d.imageSource ?? defaultImageSource(cluster);
  if (source === "upstream") return { images: { source }, issues: [] };
  if (cluster !== "create") {
    // Its logins would be moot: the cache itself is refused.
    return {
      images: { source: "upstream" },
      issues: [
        {
          path: "imageSource",
          value: "ecr-cache",
          expected: "upstream (or auto) unless cluster is create",
          hint: "The pull-through cache needs nodes whose IAM role may import images (ecr:BatchImportUpstreamImage); only a created cluster's nodes run as the stack's role. Set imageSource upstream.",
        },
      ],
    };
  }
  const issues: InputIssue[] = [];
  const needed = registryCredentialsNeeded({
    imageSource: source,
    vllmImage: d.vllmImage ?? DEPLOYMENT_DEFAULTS.vllmImage,
    observability: resolved.observability,
    autoscaled: resolved.autoscaling !== null,
    scalesToZero: resolved.autoscaling?.minReplicas === 0,
    inferenceGateway: resolved.inferenceGateway ?? false,
  });
  const users: { dockerHub: { username: string } | null; github: { username: string } | null } = { dockerHub: null, github: null };
  for (const credential of needed) {
    const keys = CREDENTIAL_KEYS[credential];
    const username = d[keys.username];
    const why = `ECR's ${CREDENTIAL_NAMES[credential]} cache rule requires an authenticated upstream (imageSource ecr-cache${d.imageSource === undefined ? ", the default for cluster create" : ""})`;
    if (username === undefined)
      issues.push({
        path: keys.username,
        value: undefined,
        expected: `your ${CREDENTIAL_NAMES[credential]} user: ${why}`,
        hint: `Run \`${OPERATOR_FIXES[keys.username]}\`, or set imageSource upstream to pull anonymously.`,
      });
    if (secrets[keys.token] === "unset")
      issues.push({
        path: keys.token,
        value: undefined,
        expected: `a ${CREDENTIAL_NAMES[credential]} token: ${why}`,
        hint: `Run \`${OPERATOR_FIXES[keys.token]}\`, or set imageSource upstream to pull anonymously.`,
      });
    if (username !== undefined) users[credential] = { username };
  }
  return { images: { source, ...users }, issues };
}
