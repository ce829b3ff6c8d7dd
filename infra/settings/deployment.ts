/**
 * The deployment keys (everything but sizing): their schemas, what each accepts in words, how to fix
 * it, and the resolved shapes — discriminated unions, so a cluster mode or capacity type always
 * carries exactly the values it needs. Each key is checked on its own, so one bad key never hides
 * another's problem.
 */
import { z } from "zod";
import { type Workload } from "../plan/workload";
import { type ModelSet } from "./model-set";
import { EKS_SUPPORT_TYPES, SERVICE_PRICES, capacityTypeSchema, type EksSupportType, type Region } from "../catalog";
import {
  IMAGE_SOURCES,
  imagePin,
  type DeploymentPlan,
  type InputIssue,
  type ReplicaRange,
  type ServerScaling,
  type StackCost,
} from "../plan";
import {
  OPERATOR_FIXES,
  SETTINGS,
  SETTING_ACCEPTS,
  SETTING_HINTS,
  coerceSettingValue,
  concreteDefault,
  type SecretSettingKey,
} from "./keys";

/** Defaults of the deployment keys: the settings table's (Pulumi.yaml is generated from it). */
export const DEPLOYMENT_DEFAULTS = {
  capacityType: SETTINGS.capacityType.default,
  cluster: SETTINGS.cluster.default,
  clusterEndpointAccess: SETTINGS.clusterEndpointAccess.default,
  kubernetesSupportType: SETTINGS.kubernetesSupportType.default,
  vllmImage: SETTINGS.vllmImage.default,
  namespace: SETTINGS.namespace.default,
  exposure: SETTINGS.exposure.default,
  benchmark: SETTINGS.benchmark.default,
  efa: SETTINGS.efa.default,
} as const;

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
/** A pinned image: `repo:tag` with a tag other than latest, or `repo@sha256:<digest>`. */
const pinnedImage = z
  .string()
  .regex(/^[\w.\-/:]+(@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})$/)
  .refine((image) => imagePin(image).pinned);
/** An IAM role or user ARN (an EKS access entry principal; https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). */
const principalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/);
/** An AZ id such as use1-az4 (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html). */
const zoneId = z.string().regex(/^[a-z]{2,5}\d+-az\d+$/);

/**
 * An ISO 8601 UTC time to the minute or second (a Capacity Block's StartDate / EndDate):
 * 2026-12-10T11:30:00Z, or +00:00 as the AWS CLI prints it; a calendar date that does not exist
 * (2026-02-30) is refused rather than rolled over.
 */
const isoUtcTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d{1,3})?(Z|\+00:00)$/)
  .refine((text) => {
    const ms = Date.parse(text);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 16) === text.slice(0, 16);
  });

export const deploymentSchema = z.object({
  capacityType: capacityTypeSchema,
  capacityReservationId: z
    .string()
    .regex(/^cr-[0-9a-f]{8,17}$/)
    .optional(),
  capacityReservationZoneId: zoneId.optional(),
  capacityReservationStartDate: isoUtcTime.optional(),
  capacityReservationEndDate: isoUtcTime.optional(),
  /** Its entries are checked by infra/settings/capacity-options.ts, each named as `capacityFallbacks[i].<key>`. */
  capacityFallbacks: z.array(z.unknown()).optional(),
  capacityOption: z.number().int().min(1).optional(),
  cluster: z.string().regex(/^(create|kubeconfig|eks:[A-Za-z0-9][A-Za-z0-9_-]{0,99})$/),
  nodeSubnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/))
    .min(1)
    .optional(),
  clusterEndpointAccess: z.enum(["public", "private"]),
  clusterPublicAccessCidrs: z.array(cidr).min(1).optional(),
  clusterAdminPrincipalArns: z.array(principalArn).min(1).optional(),
  kubernetesSupportType: z.enum(EKS_SUPPORT_TYPES),
  efa: z.boolean(),
  vllmImage: pinnedImage,
  maxHourlyUsd: z.number().positive().optional(),
  namespace: dnsLabel,
  exposure: z.enum(["cluster", "internal-lb"]),
  benchmark: z.enum(["off", "after-deploy"]),
  observability: z.enum(["prometheus", "none"]).optional(),
  minReplicas: z.number().int().min(0).optional(),
  maxReplicas: z.number().int().min(1).optional(),
  allowedClientNamespaces: z.array(dnsLabel).optional(),
  /** Its entries are checked by infra/settings/model-set.ts, each named as `models[i].<key>`. */
  models: z.array(z.unknown()).optional(),
  /** Its keys are checked by infra/plan/workload.ts (resolve.ts), each named as `workload.<key>`. */
  workload: z.record(z.string(), z.unknown()).optional(),
  imageSource: z.enum(IMAGE_SOURCES).optional(),
  /** Docker ID rules: 4 to 30 lowercase letters and digits. */
  dockerHubUsername: z
    .string()
    .regex(/^[a-z0-9]{4,30}$/)
    .optional(),
  /** GitHub login rules: letters, digits and single hyphens, at most 39 characters. */
  githubUsername: z
    .string()
    .regex(/^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/)
    .optional(),
});

/** The one-liner that puts the caller's public address on the allowlist (AWS's own echo service). */
export const ALLOW_MY_ADDRESS = OPERATOR_FIXES.clusterPublicAccessCidrs;

/** How to fix each deployment key: its settings row's hint. */
export const DEPLOYMENT_HINTS = SETTING_HINTS;

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
  | { type: "capacity-block"; reservationId: string; zoneId: string; startDate: string; endDate: string };

/**
 * One way of getting the stack's GPU nodes, resolved as the whole stack it would deploy
 * (infra/settings/capacity-options.ts): option 1 is the stack's own, the rest its capacityFallbacks.
 */
export interface CapacityOption {
  /** 1-based, as `capacityOption` names it. */
  option: number;
  /** The option `pulumi up` deploys (capacityOption). */
  deployed: boolean;
  /** The stack as this option deploys it: its plan(s), node groups and cost. */
  settings: OneModelSettings | ModelSetSettings;
}

/** What every stack resolves to, one model or a set. */
export interface StackSettingsBase {
  /** Every capacity option in order, each re-planned and priced; one (deployed) is this stack. The budget covers the dearest. */
  capacityOptions: CapacityOption[];
  region: Region;
  /** The stack's planned resources, priced: every GPU node group (a set's packing), and the cluster's own. */
  cost: StackCost;
  capacity: ResolvedCapacity;
  cluster: ResolvedCluster;
  vllmImage: string;
  /** Multi-node replicas' GPU nodes get their EFA interfaces (validated: multi-node plan, EFA instance, EFA-capable image). */
  efa: boolean;
  maxHourlyUsd: number | null;
  namespace: string;
  exposure: "cluster" | "internal-lb";
  /** after-deploy: the benchmark Job measures the endpoint with the workload once it is ready (manifests/benchmark/bench-job.ts). */
  benchmark: "off" | "after-deploy";
  /** Whether the stack installs the Prometheus operator and a Prometheus and monitors its server. */
  observability: "prometheus" | "none";
  allowedClientNamespaces: string[];
  /** The traffic the stack declares (its `workload` key), or null when it declares none; a set's entries may declare their own. */
  workload: Workload | null;
  /** Whether an hfToken secret is configured (its value never enters this module). */
  hfTokenSet: boolean;
  /** Where pods pull their images, and the registry users ECR's cache rules pull as (their tokens are secrets: infra/config.ts). */
  images: ResolvedImages;
}

/** A stack that serves one model (`model`): its plan and its replica range. */
export interface OneModelSettings extends StackSettingsBase {
  modelSet: null;
  plan: DeploymentPlan;
  /** KEDA scales the server between the range's ends and Cluster Autoscaler its GPU nodes; null: `plan.replicas`, fixed. */
  autoscaling: ServerScaling | null;
}

/** A stack that serves a set (`models`): each model's plan and range, and the packing of the set onto GPU node groups. */
export interface ModelSetSettings extends StackSettingsBase {
  modelSet: ModelSet;
}

export type StackSettings = OneModelSettings | ModelSetSettings;

export type ResolvedImages =
  { source: "upstream" } | { source: "ecr-cache"; dockerHub: { username: string } | null; github: { username: string } | null };

/** How a secret key is set: not at all, as an encrypted Pulumi secret, or (wrongly) as plain text. */
export type SecretState = "unset" | "secret" | "plaintext";

export type SecretPresence = Record<SecretSettingKey, SecretState>;

export type Deployment = z.infer<typeof deploymentSchema>;

/** Checks each key on its own, so one bad key never hides the problems of another. */
export function deploymentIssues(values: Readonly<Record<string, unknown>>): { issues: InputIssue[]; valid: Partial<Deployment> } {
  // Every deployment key coerced as its row says, its concrete default where it has one.
  const keys = Object.keys(deploymentSchema.shape) as Array<keyof Deployment>;
  const input = Object.fromEntries(keys.map((key) => [key, coerceSettingValue(key, values[key] ?? concreteDefault(key))])) as Record<
    keyof Deployment,
    unknown
  >;

  const issues: InputIssue[] = [];
  const valid: Record<string, unknown> = {};
  for (const key of keys) {
    const result = deploymentSchema.shape[key].safeParse(input[key]);
    if (result.success) {
      valid[key] = result.data;
      continue;
    }
    const issue = result.error.issues[0];
    const expected =
      issue?.code === "invalid_value"
        ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
        : issue?.code === "invalid_type"
          ? `a value of type ${issue.expected}`
          : SETTING_ACCEPTS[key];
    issues.push({ path: key, value: input[key], expected, hint: SETTING_HINTS[key] });
  }
  return { issues, valid: valid as Partial<Deployment> };
}
