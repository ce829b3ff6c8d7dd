/**
 * Every `llm-stack:*` stack config key, declared once: its Pulumi project type, default and
 * description. Pulumi.yaml's `config:` block is generated from this table (`npm run
 * settings:pulumi-yaml`; a test fails when they differ), and infra/config.ts reads exactly these keys.
 *
 * The Pulumi CLI's rule (pulumi/pulumi pkg/workspace/config.go, mergeConfig): a declared key with
 * neither `default` nor `value` is REQUIRED — "Stack 'dev' is missing configuration value …" before
 * the program starts. So every optional key has a default; for keys the planner derives, or that
 * are simply absent, the default is an "unset" marker (`auto`, `""`, `[]`) that
 * {@link withoutUnsetMarkers} removes again, so the program sees the same thing whether the CLI
 * applied the default or the key was never declared.
 *
 * Secret keys carry no `type`: the CLI applies a default as a plaintext value and, for a typed
 * secret key, then refuses it ("must be encrypted as it's secret", validateStackConfigValue), so a
 * typed secret key could only be required. Secrecy of those keys is enforced by our own
 * validation instead (a plain value on a secret key is an error).
 */

import { GPU_IDS, INSTANCE_TYPES, INSTANCES } from "../catalog";
import { SERVICE_PRICES } from "../catalog/prices";
import { VLLM_IMAGE_REFERENCE } from "../catalog/vllm-release";
import { DEFAULTS } from "../plan/request";

export type ProjectConfigType = "string" | "integer" | "boolean" | "array";

export interface SettingDeclaration {
  /** Pulumi project config type; absent only on secret keys (see above). */
  type?: ProjectConfigType;
  /** Item type of arrays. */
  items?: "string";
  /** Absent only on required keys. */
  default?: string | number | boolean | readonly string[];
  secret?: true;
  description: string;
}

/** "h100 (p5.4xlarge, p5.48xlarge) | h200 (p5en.48xlarge)": every GPU family with its instance types, from the catalog. */
const GPU_FAMILIES = GPU_IDS.map((gpu) => `${gpu} (${INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu === gpu).join(", ")})`).join(" | ");

/** Defaults that mean "not set": the planner derives the value, or the feature is off. */
export const UNSET_MARKERS = { derived: "auto", none: "" } as const;

export const SETTINGS = {
  model: { type: "string", description: "Catalog model id to serve (run `npm run -s cli -- models`). Required." },
  quantization: {
    type: "string",
    default: "auto",
    description: "Weight precision: auto (cheaper of bf16 and fp8, bf16 on a tie) | bf16 | fp8 | int4 (only when asked).",
  },
  gpu: {
    type: "string",
    default: DEFAULTS.gpu,
    description: `GPU family: ${GPU_FAMILIES}. The planner picks the instance type.`,
  },
  maxModelLen: {
    type: "string",
    default: "auto",
    description: 'Context length in tokens (vLLM --max-model-len), e.g. "32768". auto: the model\'s maximum, at most 32768.',
  },
  concurrency: {
    type: "integer",
    default: DEFAULTS.concurrency,
    description: "Full-context sequences the KV cache of each replica must hold at once.",
  },
  replicas: {
    type: "integer",
    default: DEFAULTS.replicas,
    description: "vLLM replicas (Deployment replicas). Nodes = replicas packed onto the planned instance type.",
  },
  minReplicas: {
    type: "string",
    default: "",
    description:
      "Autoscaling: the fewest vLLM replicas KEDA keeps (0 scales to zero: a request then gets 503 with Retry-After and wakes the server). Needs maxReplicas. Empty: 1 when autoscaling.",
  },
  maxReplicas: {
    type: "string",
    default: "",
    description:
      "Autoscaling: the most vLLM replicas KEDA may run on vLLM's queue (running + waiting requests); GPU nodes follow through Cluster Autoscaler and the budget prices this maximum. At least replicas, which stays the expected count. Empty: no autoscaling (replicas, fixed).",
  },
  maxNodes: {
    type: "integer",
    default: DEFAULTS.maxNodes,
    description:
      "The most GPU nodes a plan may take: a plan above it is refused (a guard against typos such as replicas 300). Raise it to mean it.",
  },
  allowedInstanceTypes: {
    type: "array",
    items: "string",
    default: [],
    description: "Restrict the instance types the planner may choose. Empty: every catalog type with the chosen GPU.",
  },
  tensorParallelSize: {
    type: "string",
    default: "auto",
    description: 'Override the derived tensor parallel size, e.g. "4"; validated against vLLM\'s rules, never trusted. auto: derived.',
  },
  gpuMemoryUtilization: {
    type: "string",
    default: "auto",
    description: `Override vLLM's --gpu-memory-utilization, e.g. "0.85" (the kit allows 0.50-0.95). auto: ${DEFAULTS.gpuMemoryUtilization.toFixed(2)}.`,
  },
  multiNode: {
    type: "string",
    default: DEFAULTS.multiNode,
    description:
      "When a replica may span GPU nodes: when-needed (only when no single allowed node holds it) | never | when-cheaper (also when spanning is cheaper; pipeline stages then talk over the network).",
  },
  efa: {
    type: "boolean",
    default: false,
    description:
      "Give a multi-node replica's GPU nodes every EFA interface (launch template, security group, EFA device plugin, vpc.amazonaws.com/efa requests). Needs an image with the EFA userspace (AWS's vLLM deep-learning container). Default false: pipeline stages talk over the VPC network (TCP).",
  },
  weightsSource: {
    type: "string",
    default: "auto",
    description:
      "Where vLLM reads the weights: s3 (the stack's S3 model cache, filled once by a copy Job and streamed with the Run:ai streamer) | huggingface (downloaded through the NAT gateway at every pod start). auto: s3, or huggingface for cluster kubeconfig.",
  },
  kvCacheDtype: {
    type: "string",
    default: "auto",
    description: "KV cache dtype: auto (the model's bf16) | fp8 (half the bytes per token).",
  },
  capacityType: {
    type: "string",
    default: "on-demand",
    description: "How GPU nodes are bought: on-demand | spot | capacity-block (needs capacityReservationId and capacityReservationZoneId).",
  },
  capacityReservationId: {
    type: "string",
    default: "",
    description: "EC2 Capacity Block reservation id (cr-...), required when capacityType is capacity-block. Empty: none.",
  },
  capacityReservationZoneId: {
    type: "string",
    default: "",
    description:
      "AZ id of the Capacity Block (e.g. use1-az4): GPU nodes launch only there. Required with capacity-block; `llm-stack preflight` checks it.",
  },
  cluster: {
    type: "string",
    default: "create",
    description:
      "create (new VPC + EKS cluster) | eks:<name> (add the GPU pool to an existing EKS cluster) | kubeconfig (deploy to the cluster of the kubeconfig secret; it must already have GPU nodes).",
  },
  nodeSubnetIds: {
    type: "array",
    items: "string",
    default: [],
    description:
      "Private subnet ids (subnet-...) for the GPU nodes, required when cluster is eks:<name>; only those in AZs offering the instance type are used.",
  },
  kubeconfig: {
    secret: true,
    default: "",
    description: "Kubeconfig of an existing cluster, required when cluster is kubeconfig. Secret: set with `pulumi config set --secret`.",
  },
  clusterEndpointAccess: {
    type: "string",
    default: "public",
    description:
      "EKS API endpoint of a created cluster: public (public + private endpoint, public side limited to clusterPublicAccessCidrs; run pulumi anywhere listed) | private (VPC only; run pulumi from inside the VPC).",
  },
  clusterPublicAccessCidrs: {
    type: "array",
    items: "string",
    default: [],
    description:
      "CIDRs allowed to reach the public EKS endpoint (required with public access), e.g. your address as x.x.x.x/32; 0.0.0.0/0 is refused.",
  },
  clusterAdminPrincipalArns: {
    type: "array",
    items: "string",
    default: [],
    description:
      "IAM role or user ARNs given cluster admin (EKS access entries with AmazonEKSClusterAdminPolicy), besides the identity that creates the cluster.",
  },
  kubernetesSupportType: {
    type: "string",
    default: "standard",
    description: `EKS upgrade policy: standard (EKS upgrades the cluster when standard support ends; $${SERVICE_PRICES.eksControlPlaneHourlyUsd.value.toFixed(2)}/h) | extended (stays on its version up to 12 more months at $${SERVICE_PRICES.eksExtendedSupportHourlyUsd.value.toFixed(2)}/h).`,
  },
  vllmImage: {
    type: "string",
    default: VLLM_IMAGE_REFERENCE,
    description: "vLLM server image, pinned to a version tag or a digest; latest is refused.",
  },
  hfToken: {
    secret: true,
    default: "",
    description:
      "Hugging Face token, required for gated models. Secret: set with `pulumi config set --secret`; mounted as a file, never an env value.",
  },
  imageSource: {
    type: "string",
    default: "auto",
    description:
      "Where pods pull their images: ecr-cache (ECR pull-through cache rules in the stack's account and region for Docker Hub, GHCR, Quay, registry.k8s.io and ECR Public; nvcr.io images are pulled directly, ECR cannot mirror it) | upstream (each image from its own registry, anonymously through the NAT gateway). auto: ecr-cache for cluster create, upstream otherwise.",
  },
  dockerHubUsername: {
    type: "string",
    default: "",
    description:
      "Docker Hub user whose access token ECR's Docker Hub cache rule pulls with; required with imageSource ecr-cache when the stack runs a Docker Hub image (vLLM's, Grafana's, Envoy's).",
  },
  dockerHubAccessToken: {
    secret: true,
    default: "",
    description:
      "Docker Hub access token (read-only public repositories is enough) for ECR's cache rule; stored in Secrets Manager. Secret: set with `pulumi config set --secret`.",
  },
  githubUsername: {
    type: "string",
    default: "",
    description:
      "GitHub user whose token ECR's GitHub Container Registry cache rule pulls with; required with imageSource ecr-cache when the stack autoscales (KEDA's images are on ghcr.io).",
  },
  githubToken: {
    secret: true,
    default: "",
    description:
      "GitHub token with read:packages for ECR's ghcr.io cache rule; stored in Secrets Manager. Secret: set with `pulumi config set --secret`.",
  },
  maxHourlyUsd: {
    type: "string",
    default: "",
    description:
      'Refuse stacks whose whole on-demand cost (every node group at its maximum size, EKS, NAT) exceeds this many USD per hour, e.g. "60". Empty: no limit.',
  },
  namespace: { type: "string", default: "llm", description: "Kubernetes namespace for the vLLM server." },
  observability: {
    type: "string",
    default: "auto",
    description:
      "Metrics, alerts and dashboards: prometheus (the Prometheus operator v0.93.0 and one Prometheus on the system nodes, a PodMonitor on vLLM's /metrics, alert and cost rules, the DCGM exporter on the GPU nodes, Grafana) | none. auto: prometheus for cluster create, none for an existing cluster (eks:<name>, kubeconfig), which may run its own operator.",
  },
  exposure: {
    type: "string",
    default: "cluster",
    description: "cluster (ClusterIP only, the default) | internal-lb (an internal AWS load balancer inside the VPC).",
  },
  allowedClientNamespaces: {
    type: "array",
    items: "string",
    default: [],
    description:
      "Namespaces whose pods may call the server (NetworkPolicy). Empty: only pods in the server's namespace labelled llm-stack/client=true.",
  },
} as const satisfies Record<string, SettingDeclaration>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const PLAIN_SETTING_KEYS = SETTING_KEYS.filter((key) => !(SETTINGS[key] as SettingDeclaration).secret);
/** The keys whose values are Pulumi secrets: never read into settings, only whether each is set. */
export type SecretSettingKey = { [K in SettingKey]: (typeof SETTINGS)[K] extends { secret: true } ? K : never }[SettingKey];
export const SECRET_SETTING_KEYS = SETTING_KEYS.filter(
  (key): key is SecretSettingKey => (SETTINGS[key] as SettingDeclaration).secret === true,
);

function isUnsetMarker(declared: SettingDeclaration["default"], value: unknown): boolean {
  if (Array.isArray(declared)) {
    if (declared.length > 0) return false;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === "string" && value.trim().replace(/\s+/g, "") === "[]";
  }
  return (declared === UNSET_MARKERS.derived || declared === UNSET_MARKERS.none) && value === declared;
}

/**
 * The stack values without the "unset" markers the Pulumi CLI fills in from Pulumi.yaml, so a key
 * left at its marker default means exactly what an absent key means.
 */
export function withoutUnsetMarkers(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const declaration = (SETTINGS as Record<string, SettingDeclaration>)[key];
    if (declaration && isUnsetMarker(declaration.default, value)) continue;
    kept[key] = value;
  }
  return kept;
}
