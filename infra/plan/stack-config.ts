/**
 * The stack configuration (`llm-stack:*` keys of Pulumi.<stack>.yaml, declared in Pulumi.yaml) and
 * the one function that turns it into fully resolved settings plus the plan — or one error naming
 * every problem. Pure: infra/config.ts (which reads pulumi.Config) and the CLI's `--stack` (which
 * reads the YAML file) both go through here, so they cannot disagree about what a stack means.
 * Secrets never enter this module: callers pass only whether each secret is set.
 */
import { z } from "zod";
import { EKS_SUPPORT_TYPES, MODELS, isModelId, type EksSupportType, type Region } from "../catalog";
import { SETTINGS, withoutUnsetMarkers } from "../settings/keys";
import { OPERATOR_FIXES } from "../settings/operator-values";
import { InfeasiblePlanError, PlanInputError, type InputIssue } from "./errors";
import { planDeployment, type DeploymentPlan, type PlanOptions } from "./planner";
import { type PlanRequest } from "./request";
import { describeCost, stackCost, type ClusterMode, type StackCost } from "./stack-cost";

/** Pulumi project name: the namespace of every config key. */
export const PROJECT_NAME = "llm-stack";

/** Defaults of the deployment keys: the settings table's (Pulumi.yaml is generated from it). */
export const DEPLOYMENT_DEFAULTS = {
  capacityType: SETTINGS.capacityType.default,
  cluster: SETTINGS.cluster.default,
  clusterEndpointAccess: SETTINGS.clusterEndpointAccess.default,
  kubernetesSupportType: SETTINGS.kubernetesSupportType.default,
  vllmImage: SETTINGS.vllmImage.default,
  namespace: SETTINGS.namespace.default,
  exposure: SETTINGS.exposure.default,
} as const;

const NUMBER_KEYS = ["maxModelLen", "concurrency", "replicas", "tensorParallelSize", "gpuMemoryUtilization"] as const;
const STRING_KEYS = ["model", "quantization", "gpu", "kvCacheDtype", "multiNode"] as const;

/**
 * `pulumi config set` stores every value as a string ("32768"); a hand-written stack file may hold
 * a YAML number. Both mean the same; anything else is passed on as written and reported.
 */
export function coerceNumber(value: unknown): unknown {
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

/** Arrays arrive as JSON (`pulumi config set --path` or a YAML list read back as JSON) or as a comma-separated string. */
export function coerceList(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return trimmed.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
}

/**
 * @param values config keys without the project prefix (`model`, `maxModelLen`, …)
 * @param region the stack's `aws:region`
 */
export function planRequestFromStackConfig(given: Readonly<Record<string, unknown>>, region: unknown): PlanRequest {
  const values = withoutUnsetMarkers(given);
  const request: Record<string, unknown> = {};
  for (const key of STRING_KEYS) if (values[key] !== undefined) request[key] = values[key];
  for (const key of NUMBER_KEYS) if (values[key] !== undefined) request[key] = coerceNumber(values[key]);
  if (values.allowedInstanceTypes !== undefined) request.allowedInstanceTypes = coerceList(values.allowedInstanceTypes);
  if (region !== undefined) request.region = region;
  return request as PlanRequest;
}

export function toStackPath(issue: InputIssue): InputIssue {
  const path = issue.path === "region" ? "aws:region" : `${PROJECT_NAME}:${issue.path}`;
  return { ...issue, path };
}

/**
 * Plans a stack from its config values, reporting problems with stack-config paths
 * (`llm-stack:maxModelLen`, `aws:region`) so the user knows which key to edit.
 */
export function planStack(values: Readonly<Record<string, unknown>>, region: unknown, options?: PlanOptions): DeploymentPlan {
  try {
    return planDeployment(planRequestFromStackConfig(values, region), options);
  } catch (error) {
    if (error instanceof PlanInputError) throw new PlanInputError(error.issues.map(toStackPath), "invalid stack configuration");
    throw error;
  }
}

// ---- deployment keys ------------------------------------------------------------------------

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
/** A pinned image: `repo:tag` with a tag other than latest, or `repo@sha256:<digest>`. */
const pinnedImage = z.string().regex(/^[\w.\-/:]+(@sha256:[a-f0-9]{64}|:(?!latest$)[\w][\w.-]{0,127})$/);
/** An IAM role or user ARN (an EKS access entry principal; https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). */
const principalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/);
/** An AZ id such as use1-az4 (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html). */
const zoneId = z.string().regex(/^[a-z]{2,5}\d+-az\d+$/);

const deploymentSchema = z.object({
  capacityType: z.enum(["on-demand", "spot", "capacity-block"]),
  capacityReservationId: z.string().regex(/^cr-[0-9a-f]{8,17}$/).optional(),
  capacityReservationZoneId: zoneId.optional(),
  cluster: z.string().regex(/^(create|kubeconfig|eks:[A-Za-z0-9][A-Za-z0-9_-]{0,99})$/),
  nodeSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/)).min(1).optional(),
  clusterEndpointAccess: z.enum(["public", "private"]),
  clusterPublicAccessCidrs: z.array(cidr).min(1).optional(),
  clusterAdminPrincipalArns: z.array(principalArn).min(1).optional(),
  kubernetesSupportType: z.enum(EKS_SUPPORT_TYPES),
  vllmImage: pinnedImage,
  maxHourlyUsd: z.number().positive().optional(),
  namespace: dnsLabel,
  exposure: z.enum(["cluster", "internal-lb"]),
  allowedClientNamespaces: z.array(dnsLabel).optional(),
});

/** The one-liner that puts the caller's public address on the allowlist (AWS's own echo service). */
export const ALLOW_MY_ADDRESS = OPERATOR_FIXES.clusterPublicAccessCidrs;

const DEPLOYMENT_HINTS: Record<string, string> = {
  capacityType: "Use on-demand, spot, or capacity-block with capacityReservationId and capacityReservationZoneId.",
  capacityReservationId: "Give the Capacity Block's reservation id, e.g. cr-0123456789abcdef0.",
  capacityReservationZoneId: "Give the reservation's AZ id: `aws ec2 describe-capacity-reservations --capacity-reservation-ids <id> --query 'CapacityReservations[0].AvailabilityZoneId'`.",
  cluster: "Use create, eks:<existing cluster name>, or kubeconfig (with the kubeconfig secret).",
  nodeSubnetIds: "List private subnet ids (subnet-…) of the existing cluster's VPC for the GPU nodes.",
  clusterEndpointAccess: "Use public (with clusterPublicAccessCidrs; pulumi runs from a listed address) or private (pulumi runs inside the VPC).",
  clusterPublicAccessCidrs: `List the CIDRs that may reach the API endpoint; for this machine's address run: ${ALLOW_MY_ADDRESS}`,
  clusterAdminPrincipalArns: "List IAM role or user ARNs, e.g. [\"arn:aws:iam::123456789012:role/platform-admins\"].",
  kubernetesSupportType: "Use standard (auto-upgrade at end of standard support) or extended ($0.60/h per cluster).",
  vllmImage: "Pin a version tag (vllm/vllm-openai:v0.33.0) or a digest (…@sha256:…); latest is refused.",
  maxHourlyUsd: "Give a budget in USD per hour as a number, e.g. \"60\".",
  namespace: "Use a DNS label: lowercase letters, digits and '-'.",
  exposure: "Use cluster (in-cluster only) or internal-lb.",
  allowedClientNamespaces: "List namespace names whose pods may call the server.",
};

/** What each key accepts, in words, for keys whose schema is a format rather than a list of values. */
const DEPLOYMENT_FORMATS: Record<string, string> = {
  capacityReservationId: "cr- followed by 8 to 17 hex digits",
  capacityReservationZoneId: "an AZ id such as use1-az4",
  cluster: "create, eks:<cluster name> or kubeconfig",
  nodeSubnetIds: "a non-empty list of subnet-… ids",
  clusterPublicAccessCidrs: "a non-empty list of IPv4 CIDRs",
  clusterAdminPrincipalArns: "a list of IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)",
  vllmImage: "a pinned image: <repository>:<tag other than latest> or <repository>@sha256:<digest>",
  maxHourlyUsd: "a positive number of USD per hour",
  namespace: "a DNS label (lowercase letters, digits, '-', at most 63 characters)",
  allowedClientNamespaces: "a list of DNS labels",
};

/** Where the Kubernetes API of a created cluster answers (EKS VpcConfigRequest). */
export type EndpointAccess =
  /** Public and private endpoints; the public one admits only `publicAccessCidrs`. */
  | { access: "public"; publicAccessCidrs: string[] }
  /** Private endpoint only: reachable from inside the VPC (and peered networks) alone. */
  | { access: "private" };

export type ResolvedCluster =
  | { mode: "create"; endpoint: EndpointAccess; adminPrincipalArns: string[]; supportType: EksSupportType }
  /** The GPU pool joins an existing EKS cluster; its nodes use those of `nodeSubnetIds` in AZs offering the type. */
  | { mode: "eks"; name: string; nodeSubnetIds: string[] }
  /** Only the server is deployed, through the kubeconfig secret. */
  | { mode: "kubeconfig" };

export type ResolvedCapacity =
  | { type: "on-demand" }
  | { type: "spot" }
  /** An EC2 Capacity Block: nodes launch into the reservation, in its AZ only. */
  | { type: "capacity-block"; reservationId: string; zoneId: string };

export interface StackSettings {
  region: Region;
  plan: DeploymentPlan;
  cost: StackCost;
  capacity: ResolvedCapacity;
  cluster: ResolvedCluster;
  vllmImage: string;
  maxHourlyUsd: number | null;
  namespace: string;
  exposure: "cluster" | "internal-lb";
  allowedClientNamespaces: string[];
  /** Whether an hfToken secret is configured (its value never enters this module). */
  hfTokenSet: boolean;
}

/** How a secret key is set: not at all, as an encrypted Pulumi secret, or (wrongly) as plain text. */
export type SecretState = "unset" | "secret" | "plaintext";

export interface SecretPresence {
  hfToken: SecretState;
  kubeconfig: SecretState;
}

type Deployment = z.infer<typeof deploymentSchema>;

/** Checks each key on its own, so one bad key never hides the problems of another. */
function deploymentIssues(values: Readonly<Record<string, unknown>>): { issues: InputIssue[]; valid: Partial<Deployment> } {
  const input: Record<keyof Deployment, unknown> = {
    capacityType: values.capacityType ?? DEPLOYMENT_DEFAULTS.capacityType,
    capacityReservationId: values.capacityReservationId,
    capacityReservationZoneId: values.capacityReservationZoneId,
    cluster: values.cluster ?? DEPLOYMENT_DEFAULTS.cluster,
    nodeSubnetIds: coerceList(values.nodeSubnetIds),
    clusterEndpointAccess: values.clusterEndpointAccess ?? DEPLOYMENT_DEFAULTS.clusterEndpointAccess,
    clusterPublicAccessCidrs: coerceList(values.clusterPublicAccessCidrs),
    clusterAdminPrincipalArns: coerceList(values.clusterAdminPrincipalArns),
    kubernetesSupportType: values.kubernetesSupportType ?? DEPLOYMENT_DEFAULTS.kubernetesSupportType,
    vllmImage: values.vllmImage ?? DEPLOYMENT_DEFAULTS.vllmImage,
    maxHourlyUsd: coerceNumber(values.maxHourlyUsd),
    namespace: values.namespace ?? DEPLOYMENT_DEFAULTS.namespace,
    exposure: values.exposure ?? DEPLOYMENT_DEFAULTS.exposure,
    allowedClientNamespaces: coerceList(values.allowedClientNamespaces),
  };
  const issues: InputIssue[] = [];
  const valid: Record<string, unknown> = {};
  for (const key of Object.keys(deploymentSchema.shape) as Array<keyof Deployment>) {
    const result = deploymentSchema.shape[key].safeParse(input[key]);
    if (result.success) {
      valid[key] = result.data;
      continue;
    }
    const issue = result.error.issues[0];
    const expected =
      issue?.code === "invalid_value" ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
        : issue?.code === "invalid_type" ? `a value of type ${issue.expected}`
          : DEPLOYMENT_FORMATS[key] ?? "a value in the documented format";
    issues.push({ path: key, value: input[key], expected, hint: DEPLOYMENT_HINTS[key] ?? "" });
  }
  return { issues, valid: valid as Partial<Deployment> };
}

const SECRET_HINTS = { hfToken: OPERATOR_FIXES.hfToken, kubeconfig: OPERATOR_FIXES.kubeconfig } as const;

/** A secret key given in plain text sits unencrypted in Pulumi.<stack>.yaml and the state: refused. */
function plaintextSecretIssues(secrets: SecretPresence): InputIssue[] {
  return (Object.keys(SECRET_HINTS) as Array<keyof SecretPresence>)
    .filter((key) => secrets[key] === "plaintext")
    .map((key) => ({
      path: key, value: "(plain text, not shown)", expected: "a Pulumi secret (secure: in the stack file)",
      hint: `Remove the plain value from the stack file, then run \`${SECRET_HINTS[key]}\`, which stores it encrypted.`,
    }));
}

function crossFieldIssues(d: Partial<Deployment>, secrets: SecretPresence): InputIssue[] {
  const issues: InputIssue[] = [];
  if (d.capacityType === "capacity-block" && !d.capacityReservationId) {
    issues.push({ path: "capacityReservationId", value: undefined, expected: "a reservation id when capacityType is capacity-block", hint: DEPLOYMENT_HINTS.capacityReservationId ?? "" });
  }
  if (d.capacityType === "capacity-block" && !d.capacityReservationZoneId) {
    issues.push({ path: "capacityReservationZoneId", value: undefined, expected: "the reservation's AZ id when capacityType is capacity-block", hint: DEPLOYMENT_HINTS.capacityReservationZoneId ?? "" });
  }
  if (d.capacityType !== "capacity-block" && (d.capacityReservationId || d.capacityReservationZoneId)) {
    const path = d.capacityReservationId ? "capacityReservationId" : "capacityReservationZoneId";
    issues.push({ path, value: d[path], expected: "unset unless capacityType is capacity-block", hint: "Set capacityType to capacity-block or remove the reservation settings." });
  }
  if (d.cluster?.startsWith("eks:") && !d.nodeSubnetIds) {
    issues.push({ path: "nodeSubnetIds", value: undefined, expected: "private subnet ids for the GPU nodes when cluster is eks:<name>", hint: DEPLOYMENT_HINTS.nodeSubnetIds ?? "" });
  }
  if (d.cluster === "kubeconfig" && secrets.kubeconfig === "unset") {
    issues.push({ path: "kubeconfig", value: undefined, expected: "a kubeconfig secret when cluster is kubeconfig", hint: `Run \`${SECRET_HINTS.kubeconfig}\`.` });
  }
  if (d.cluster === "create" && d.clusterEndpointAccess === "public" && !d.clusterPublicAccessCidrs) {
    issues.push({
      path: "clusterPublicAccessCidrs", value: undefined,
      expected: "the CIDRs that may reach the cluster's public API endpoint (clusterEndpointAccess public, the default): pulumi talks to the Kubernetes API from where it runs",
      hint: `Run \`${ALLOW_MY_ADDRESS}\` on the machine that runs pulumi (a CI runner: its egress range), or set clusterEndpointAccess private and run pulumi inside the VPC.`,
    });
  }
  if (d.clusterPublicAccessCidrs?.includes("0.0.0.0/0")) {
    issues.push({ path: "clusterPublicAccessCidrs", value: d.clusterPublicAccessCidrs, expected: "CIDRs narrower than 0.0.0.0/0", hint: "List the networks that administer the cluster; the whole internet is refused." });
  }
  if (d.cluster !== undefined && d.cluster !== "create") {
    for (const key of ["clusterPublicAccessCidrs", "clusterAdminPrincipalArns"] as const) {
      if (d[key]) issues.push({ path: key, value: d[key], expected: "unset unless cluster is create", hint: "The stack only configures the endpoint and access of a cluster it creates; manage the existing cluster's directly." });
    }
  }
  if (d.exposure === "internal-lb" && d.cluster !== undefined && d.cluster !== "create") {
    issues.push({ path: "exposure", value: d.exposure, expected: "cluster when the stack does not create the VPC", hint: "internal-lb admits the VPC's CIDR in the NetworkPolicy, which is known only for cluster=create." });
  }
  return issues;
}

/** Issues about the plan itself: budget and shapes this program cannot deploy. */
function planIssues(plan: DeploymentPlan, cost: StackCost, d: Partial<Deployment>): InputIssue[] {
  const issues: InputIssue[] = [];
  if (d.maxHourlyUsd !== undefined && cost.hourlyUsd > d.maxHourlyUsd) {
    issues.push({
      path: "maxHourlyUsd", value: d.maxHourlyUsd, expected: `at least the plan's $${cost.hourlyUsd.toFixed(2)}/h (${describeCost(cost)})`,
      hint: "Raise maxHourlyUsd, or lower the cost: fewer replicas, a shorter maxModelLen, quantization fp8 or int4.",
    });
  }
  if (plan.nodesPerReplica > 1) {
    issues.push({
      path: "model", value: plan.model,
      expected: "a plan whose replica fits on one node",
      hint: `The plan needs ${plan.nodesPerReplica} × ${plan.instanceType} per replica (TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize} over Ray); multi-node replicas are not deployed by this program. Use quantization fp8 or int4, gpu h200, or a shorter maxModelLen so a replica fits on one node.`,
    });
  }
  return issues;
}

/** A gated model cannot be downloaded without a token: known from the model alone, plan or not. */
function gatedModelIssue(model: unknown, secrets: SecretPresence): InputIssue[] {
  if (typeof model !== "string" || !isModelId(model) || !MODELS[model].gated || secrets.hfToken !== "unset") return [];
  return [{
    path: "hfToken", value: undefined, expected: `a Hugging Face token: ${model} is gated (${MODELS[model].license})`,
    hint: `Accept the license on huggingface.co, then run \`${SECRET_HINTS.hfToken}\`.`,
  }];
}

function resolveCluster(d: Deployment): ResolvedCluster {
  if (d.cluster === "kubeconfig") return { mode: "kubeconfig" };
  if (d.cluster.startsWith("eks:")) return { mode: "eks", name: d.cluster.slice("eks:".length), nodeSubnetIds: d.nodeSubnetIds ?? [] };
  const endpoint: EndpointAccess = d.clusterEndpointAccess === "public"
    ? { access: "public", publicAccessCidrs: d.clusterPublicAccessCidrs ?? [] }
    : { access: "private" };
  return { mode: "create", endpoint, adminPrincipalArns: d.clusterAdminPrincipalArns ?? [], supportType: d.kubernetesSupportType };
}

function resolveCapacity(d: Deployment): ResolvedCapacity {
  if (d.capacityType === "capacity-block") return { type: "capacity-block", reservationId: d.capacityReservationId ?? "", zoneId: d.capacityReservationZoneId ?? "" };
  return { type: d.capacityType };
}

const clusterModeOf = (cluster: string | undefined): ClusterMode =>
  cluster?.startsWith("eks:") ? "eks" : cluster === "kubeconfig" ? "kubeconfig" : "create";

/**
 * Resolves every stack setting, or throws one PlanInputError (exit 2) listing every problem with
 * its config path. An infeasible plan is reported among them, with the planner's numbers.
 * `given` may hold the "unset" markers the Pulumi CLI fills in from Pulumi.yaml's defaults.
 */
export function resolveStackSettings(given: Readonly<Record<string, unknown>>, region: unknown, secrets: SecretPresence): StackSettings {
  const values = withoutUnsetMarkers(given);
  const { issues, valid } = deploymentIssues(values);
  issues.push(...plaintextSecretIssues(secrets), ...crossFieldIssues(valid, secrets));

  let plan: DeploymentPlan | undefined;
  try {
    plan = planDeployment(planRequestFromStackConfig(values, region));
  } catch (error) {
    if (error instanceof PlanInputError) issues.push(...error.issues);
    else if (error instanceof InfeasiblePlanError) {
      issues.push({ path: "model", value: values.model, expected: "a plan that fits the allowed GPUs", hint: error.message });
    } else throw error;
  }
  const mode = clusterModeOf(valid.cluster);
  const supportType = valid.kubernetesSupportType ?? DEPLOYMENT_DEFAULTS.kubernetesSupportType;
  const cost = plan ? stackCost(plan, mode, plan.region, supportType) : undefined;
  if (plan && cost) issues.push(...planIssues(plan, cost, valid));
  issues.push(...gatedModelIssue(values.model, secrets));

  const parsed = deploymentSchema.safeParse(valid);
  if (issues.length > 0 || !plan || !cost || !parsed.success) {
    throw new PlanInputError(issues.map(toStackPath), "invalid stack configuration; nothing was created");
  }
  const d = parsed.data;
  return {
    region: plan.region,
    plan,
    cost,
    capacity: resolveCapacity(d),
    cluster: resolveCluster(d),
    vllmImage: d.vllmImage,
    maxHourlyUsd: d.maxHourlyUsd ?? null,
    namespace: d.namespace,
    exposure: d.exposure,
    allowedClientNamespaces: d.allowedClientNamespaces ?? [],
    hfTokenSet: secrets.hfToken === "secret",
  };
}
