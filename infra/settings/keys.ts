/**
 * Every `llm-stack:*` stack config key, declared once, in one typed row: its Pulumi project type,
 * default, description, how its text is coerced, what it accepts and how to fix it, whether the
 * planner reads it (and so whether it is a `plan` flag), secret-ness and the operator's command.
 * Pulumi.yaml's `config:` block is generated from this table (`npm run settings:pulumi-yaml`; a
 * test fails when they differ), infra/config.ts reads exactly these keys, validation takes its
 * messages and coercion from the rows, and a row without `accepts` or `hint` does not compile.
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
import { DEFAULT_MIN_REPLICAS } from "../plan/autoscaling";
import { DEFAULTS, GPU_MEMORY_UTILIZATION_RANGE, PLAN_HINTS } from "../plan/request";
export { PLAIN_DECIMAL_HINT } from "../plan/errors";

/** At most this many fallbacks: each is planned, priced and preflighted (five options in all). A choice. */
export const MAX_CAPACITY_FALLBACKS = 4;

/** The commands operators run for the values they set themselves (OPERATOR_FIXES is read from the rows). */
const FIX = {
  hfToken: "pulumi config set --secret hfToken <token>",
  kubeconfig: "pulumi config set --secret kubeconfig < ~/.kube/config",
  clusterPublicAccessCidrs: "pulumi config set --path 'clusterPublicAccessCidrs[0]' \"$(curl -s https://checkip.amazonaws.com)/32\"",
  dockerHubUsername: "pulumi config set dockerHubUsername <Docker ID>",
  dockerHubAccessToken: "pulumi config set --secret dockerHubAccessToken <Docker Hub access token>",
  githubUsername: "pulumi config set githubUsername <GitHub login>",
  githubToken: "pulumi config set --secret githubToken <GitHub token with read:packages>",
} as const;

export type ProjectConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface SettingDeclaration {
  /** Pulumi project config type; absent only on secret keys (see above). */
  type?: ProjectConfigType;
  /** Item type of arrays. */
  items?: "string" | "object";
  /** Absent only on required keys. */
  default?: string | number | boolean | readonly string[] | Readonly<Record<string, never>>;
  secret?: true;
  description: string;
  /** How text from a stack file or a command-line flag becomes the value (one number syntax, lists as JSON or commas). */
  coerce: Coercion;
  /** What the key accepts, in words: every message about a bad value names it. */
  accepts: string;
  /** How to fix a bad or missing value. */
  hint: string;
  /** A key the planner reads: it is also a `plan` flag (`maxModelLen` is `--max-model-len`). */
  planner?: true;
  /** The command each operator runs to set a value they never commit (a secret, their allowlist, their registry login). */
  operatorFix?: string;
}

export type Coercion = "text" | "number" | "list" | "boolean" | "numberMap" | "objectList";

/** "h100 (p5.4xlarge, p5.48xlarge) | h200 (p5en.48xlarge)": every GPU family with its instance types, from the catalog. */
const GPU_FAMILIES = GPU_IDS.map((gpu) => `${gpu} (${INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu === gpu).join(", ")})`).join(" | ");

/** Defaults that mean "not set": the planner derives the value, or the feature is off. */
export const UNSET_MARKERS = { derived: "auto", none: "" } as const;

export const SETTINGS = {
  model: {
    type: "string",
    // Empty: unset — a stack serves `model` or the set in `models`, and the CLI must not refuse either form as missing a value.
    default: UNSET_MARKERS.none,
    description: "Catalog model id to serve (run `npm run -s cli -- models`). Required unless `models` is set.",
    coerce: "text",
    accepts: "a catalog model id or the Hugging Face repo id of one of its checkpoints",
    hint: PLAN_HINTS.model,
    planner: true,
  },
  models: {
    type: "array",
    items: "object",
    default: [],
    description:
      "Serve a set of models behind one endpoint instead of one `model`: a list of entries with model (required), name (the `model` clients send; default: from the model id), quantization, maxModelLen, replicas, minReplicas, maxReplicas, workload. Packed onto the cheapest GPU nodes; routed by the Gateway API Inference Extension. Empty: one `model`.",
    coerce: "objectList",
    accepts: "a list of 1 to 16 mappings, each with a model",
    hint: "Write it in the stack file as a YAML list (see Pulumi.fleet.yaml), or `pulumi config set --path 'models[0].model' llama-3.1-8b-instruct`.",
  },
  quantization: {
    type: "string",
    default: "auto",
    description: "Weight precision: auto (cheaper of bf16 and fp8, bf16 on a tie) | bf16 | fp8 | int4 (only when asked).",
    coerce: "text",
    accepts: "auto, bf16, fp8 or int4",
    hint: PLAN_HINTS.quantization,
    planner: true,
  },
  gpu: {
    type: "string",
    default: DEFAULTS.gpu,
    description: `GPU family: ${GPU_FAMILIES}. The planner picks the instance type.`,
    coerce: "text",
    accepts: `a GPU family: ${GPU_IDS.join(", ")}`,
    hint: PLAN_HINTS.gpu,
    planner: true,
  },
  maxModelLen: {
    type: "string",
    default: "auto",
    description: 'Context length in tokens (vLLM --max-model-len), e.g. "32768". auto: the model\'s maximum, at most 32768.',
    coerce: "number",
    accepts: "a whole number of tokens, within the model's maximum context",
    hint: PLAN_HINTS.maxModelLen,
    planner: true,
  },
  concurrency: {
    type: "integer",
    default: DEFAULTS.concurrency,
    description: "Full-context sequences the KV cache of each replica must hold at once.",
    coerce: "number",
    accepts: "a whole number ≥ 1",
    hint: PLAN_HINTS.concurrency,
    planner: true,
  },
  replicas: {
    type: "integer",
    default: DEFAULTS.replicas,
    description: "vLLM replicas (Deployment replicas). Nodes = replicas packed onto the planned instance type.",
    coerce: "number",
    accepts: "a whole number ≥ 1",
    hint: PLAN_HINTS.replicas,
    planner: true,
  },
  minReplicas: {
    type: "string",
    default: "",
    description: `Autoscaling: the fewest vLLM replicas KEDA keeps (0 scales to zero: the server then sits behind the inference gateway, whose endpoint picker holds a request while it wakes). Needs maxReplicas. Empty: ${DEFAULT_MIN_REPLICAS} when autoscaling.`,
    coerce: "number",
    accepts: "a whole number ≥ 0",
    hint: 'Give a whole number from 0 up to replicas, e.g. "1" (0 scales to zero), or leave it empty.',
  },
  maxReplicas: {
    type: "string",
    default: "",
    description:
      "Autoscaling: the most vLLM replicas KEDA may run on vLLM's queue (running + waiting requests); GPU nodes follow through Cluster Autoscaler and the budget prices this maximum. At least replicas, which stays the expected count. Empty: no autoscaling (replicas, fixed).",
    coerce: "number",
    accepts: "a whole number ≥ 1",
    hint: 'Give a whole number at least replicas, e.g. "3", or leave it empty for a fixed replica count.',
  },
  maxNodes: {
    type: "integer",
    default: DEFAULTS.maxNodes,
    description:
      "The most GPU nodes a plan may take: a plan above it is refused (a guard against typos such as replicas 300). Raise it to mean it.",
    coerce: "number",
    accepts: "a whole number ≥ 1",
    hint: PLAN_HINTS.maxNodes,
    planner: true,
  },
  allowedInstanceTypes: {
    type: "array",
    items: "string",
    default: [],
    description: "Restrict the instance types the planner may choose. Empty: every catalog type with the chosen GPU.",
    coerce: "list",
    accepts: "a non-empty list of catalog instance types",
    hint: PLAN_HINTS.allowedInstanceTypes,
    planner: true,
  },
  tensorParallelSize: {
    type: "string",
    default: "auto",
    description: 'Override the derived tensor parallel size, e.g. "4"; validated against vLLM\'s rules, never trusted. auto: derived.',
    coerce: "number",
    accepts: "a whole number vLLM accepts for the model, or auto",
    hint: PLAN_HINTS.tensorParallelSize,
    planner: true,
  },
  gpuMemoryUtilization: {
    type: "string",
    default: "auto",
    description: `Override vLLM's --gpu-memory-utilization, e.g. "0.85" (the kit allows 0.50-0.95). auto: ${DEFAULTS.gpuMemoryUtilization.toFixed(2)}.`,
    coerce: "number",
    accepts: `a fraction from ${GPU_MEMORY_UTILIZATION_RANGE.min} to ${GPU_MEMORY_UTILIZATION_RANGE.max}, or auto`,
    hint: PLAN_HINTS.gpuMemoryUtilization,
    planner: true,
  },
  multiNode: {
    type: "string",
    default: DEFAULTS.multiNode,
    description:
      "When a replica may span GPU nodes: when-needed (only when no single allowed node holds it) | never | when-cheaper (also when spanning is cheaper; pipeline stages then talk over the network).",
    coerce: "text",
    accepts: "when-needed, never or when-cheaper",
    hint: PLAN_HINTS.multiNode,
    planner: true,
  },
  efa: {
    type: "boolean",
    default: false,
    description:
      "Give a multi-node replica's GPU nodes every EFA interface (launch template, security group, EFA device plugin, vpc.amazonaws.com/efa requests). Needs an image with the EFA userspace (AWS's vLLM deep-learning container). Default false: pipeline stages talk over the VPC network (TCP).",
    coerce: "boolean",
    accepts: "true or false",
    hint: "Use true or false.",
  },
  weightsSource: {
    type: "string",
    default: "auto",
    description:
      "Where vLLM reads the weights: s3 (the stack's S3 model cache, filled once by a copy Job and streamed with the Run:ai streamer) | huggingface (downloaded through the NAT gateway at every pod start). auto: s3, or huggingface for cluster kubeconfig.",
    coerce: "text",
    accepts: "s3, huggingface or auto",
    hint: PLAN_HINTS.weightsSource,
    planner: true,
  },
  kvCacheDtype: {
    type: "string",
    default: "auto",
    description: "KV cache dtype: auto (the model's bf16) | fp8 (half the bytes per token).",
    coerce: "text",
    accepts: "auto or fp8",
    hint: PLAN_HINTS.kvCacheDtype,
    planner: true,
  },
  capacityType: {
    type: "string",
    default: "on-demand",
    description: "How GPU nodes are bought: on-demand | spot | capacity-block (needs capacityReservationId and capacityReservationZoneId).",
    coerce: "text",
    accepts: "on-demand, spot or capacity-block",
    hint: "Use on-demand, spot, or capacity-block with capacityReservationId and capacityReservationZoneId.",
  },
  capacityReservationId: {
    type: "string",
    default: "",
    description: "EC2 Capacity Block reservation id (cr-...), required when capacityType is capacity-block. Empty: none.",
    coerce: "text",
    accepts: "cr- followed by 8 to 17 hex digits",
    hint: "Give the Capacity Block's reservation id, e.g. cr-0123456789abcdef0.",
  },
  capacityReservationZoneId: {
    type: "string",
    default: "",
    description:
      "AZ id of the Capacity Block (e.g. use1-az4): GPU nodes launch only there. Required with capacity-block; `llm-stack preflight` checks it.",
    coerce: "text",
    accepts: "an AZ id such as use1-az4",
    hint: "Give the reservation's AZ id: `aws ec2 describe-capacity-reservations --capacity-reservation-ids <id> --query 'CapacityReservations[0].AvailabilityZoneId'`.",
  },
  capacityReservationStartDate: {
    type: "string",
    default: "",
    description:
      "When the Capacity Block starts (its StartDate, ISO 8601 UTC, e.g. 2026-12-10T11:30:00Z). Required with capacity-block: the plan prices the block's hours up front; `llm-stack preflight` checks it against the reservation.",
    coerce: "text",
    accepts: "an ISO 8601 UTC time such as 2026-12-10T11:30:00Z (or +00:00, as the AWS CLI prints it)",
    hint: "Give the reservation's StartDate: `aws ec2 describe-capacity-reservations --capacity-reservation-ids <id> --query 'CapacityReservations[0].StartDate'`.",
  },
  capacityReservationEndDate: {
    type: "string",
    default: "",
    description: "When the Capacity Block ends (its EndDate, ISO 8601 UTC). Required with capacity-block.",
    coerce: "text",
    accepts: "an ISO 8601 UTC time at 11:30 UTC (when every block ends), after capacityReservationStartDate, at most 182 days later",
    hint: "Give the reservation's EndDate: `aws ec2 describe-capacity-reservations --capacity-reservation-ids <id> --query 'CapacityReservations[0].EndDate'`.",
  },
  capacityFallbacks: {
    type: "array",
    items: "object",
    default: [],
    description:
      "Further ways to get the GPU nodes, in order of preference after the stack's own (capacityType, gpu): entries with capacityType (on-demand | spot), gpu and instanceType; what an entry leaves out is the stack's. Each is re-planned (TP, flags, context, price); `llm-stack preflight` names the first obtainable, capacityOption deploys it, and the budget covers the dearest. Empty: none.",
    coerce: "objectList",
    accepts: `a list of at most ${MAX_CAPACITY_FALLBACKS} mappings with capacityType (on-demand or spot), gpu and/or instanceType`,
    hint: "Write it in the stack file as a YAML list (see Pulumi.scout.yaml), or `pulumi config set --path 'capacityFallbacks[0].capacityType' spot`.",
  },
  capacityOption: {
    type: "integer",
    default: 1,
    description:
      "Which capacity option `pulumi up` deploys: 1 is the stack's own (capacityType, gpu), 2 the first of capacityFallbacks, and so on. `llm-stack preflight` names the first it finds obtainable.",
    coerce: "number",
    accepts: "a whole number from 1 to 1 + the number of capacityFallbacks",
    hint: "Run `llm-stack preflight --stack <stack>` and set the option it names: `pulumi config set capacityOption <n>`.",
  },
  cluster: {
    type: "string",
    default: "create",
    description:
      "create (new VPC + EKS cluster) | eks:<name> (add the GPU pool to an existing EKS cluster) | kubeconfig (deploy to the cluster of the kubeconfig secret; it must already have GPU nodes).",
    coerce: "text",
    accepts: "create, eks:<cluster name> or kubeconfig",
    hint: "Use create, eks:<existing cluster name>, or kubeconfig (with the kubeconfig secret).",
  },
  nodeSubnetIds: {
    type: "array",
    items: "string",
    default: [],
    description:
      "Private subnet ids (subnet-...) for the GPU nodes, required when cluster is eks:<name>; only those in AZs offering the instance type are used.",
    coerce: "list",
    accepts: "a non-empty list of subnet-… ids",
    hint: "List private subnet ids (subnet-…) of the existing cluster's VPC for the GPU nodes.",
  },
  kubeconfig: {
    secret: true,
    default: "",
    description: "Kubeconfig of an existing cluster, required when cluster is kubeconfig. Secret: set with `pulumi config set --secret`.",
    coerce: "text",
    accepts: "a kubeconfig, as a Pulumi secret",
    hint: FIX.kubeconfig,
    operatorFix: FIX.kubeconfig,
  },
  clusterEndpointAccess: {
    type: "string",
    default: "public",
    description:
      "EKS API endpoint of a created cluster: public (public + private endpoint, public side limited to clusterPublicAccessCidrs; run pulumi anywhere listed) | private (VPC only; run pulumi from inside the VPC).",
    coerce: "text",
    accepts: "public or private",
    hint: "Use public (with clusterPublicAccessCidrs; pulumi runs from a listed address) or private (pulumi runs inside the VPC).",
  },
  clusterPublicAccessCidrs: {
    type: "array",
    items: "string",
    default: [],
    description:
      "CIDRs allowed to reach the public EKS endpoint (required with public access), e.g. your address as x.x.x.x/32; a block wider than a /16, more than sixteen /16s of public addresses in all, or the whole internet is refused.",
    coerce: "list",
    accepts: "a non-empty list of IPv4 CIDRs",
    hint: `List the CIDRs that may reach the API endpoint; for this machine's address run: ${FIX.clusterPublicAccessCidrs}`,
    operatorFix: FIX.clusterPublicAccessCidrs,
  },
  clusterAdminPrincipalArns: {
    type: "array",
    items: "string",
    default: [],
    description:
      "IAM role or user ARNs given cluster admin (EKS access entries with AmazonEKSClusterAdminPolicy), besides the identity that creates the cluster.",
    coerce: "list",
    accepts: "a list of IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)",
    hint: 'List IAM role or user ARNs, e.g. ["arn:aws:iam::123456789012:role/platform-admins"].',
  },
  kubernetesSupportType: {
    type: "string",
    default: "standard",
    description: `EKS upgrade policy: standard (EKS upgrades the cluster when standard support ends; $${SERVICE_PRICES.eksControlPlaneHourlyUsd.value.toFixed(2)}/h) | extended (stays on its version up to 12 more months at $${SERVICE_PRICES.eksExtendedSupportHourlyUsd.value.toFixed(2)}/h).`,
    coerce: "text",
    accepts: "standard or extended",
    hint: `Use standard (auto-upgrade at end of standard support) or extended ($${SERVICE_PRICES.eksExtendedSupportHourlyUsd.value.toFixed(2)}/h per cluster).`,
  },
  vllmImage: {
    type: "string",
    default: VLLM_IMAGE_REFERENCE,
    description: "vLLM server image, pinned to a version tag or a digest; latest is refused.",
    coerce: "text",
    accepts:
      "a pinned image: <repository>:<version tag> (no moving tag such as latest or stable, in any case) or <repository>@sha256:<digest>",
    hint: "Pin a version tag (vllm/vllm-openai:v0.33.0) or a digest (…@sha256:…); latest, stable and other moving tags are refused.",
  },
  hfToken: {
    secret: true,
    default: "",
    description:
      "Hugging Face token, required for gated models. Secret: set with `pulumi config set --secret`; mounted as a file, never an env value.",
    coerce: "text",
    accepts: "a Hugging Face token, as a Pulumi secret",
    hint: FIX.hfToken,
    operatorFix: FIX.hfToken,
  },
  imageSource: {
    type: "string",
    default: "auto",
    description:
      "Where pods pull their images: ecr-cache (ECR pull-through cache rules in the stack's account and region for Docker Hub, GHCR, Quay, registry.k8s.io and ECR Public; nvcr.io images are pulled directly, ECR cannot mirror it) | upstream (each image from its own registry, anonymously through the NAT gateway). auto: ecr-cache for cluster create, upstream otherwise.",
    coerce: "text",
    accepts: "ecr-cache, upstream or auto",
    hint: "Use ecr-cache (the stack's ECR pull-through cache; cluster create only), upstream (pull each image from its own registry), or auto.",
  },
  dockerHubUsername: {
    type: "string",
    default: "",
    description:
      "Docker Hub user whose access token ECR's Docker Hub cache rule pulls with; required with imageSource ecr-cache when the stack runs a Docker Hub image (vLLM's, Grafana's).",
    coerce: "text",
    accepts: "a Docker ID: 4 to 30 lowercase letters and digits",
    hint: `Run \`${FIX.dockerHubUsername}\` with your Docker ID, or set imageSource upstream.`,
    operatorFix: FIX.dockerHubUsername,
  },
  dockerHubAccessToken: {
    secret: true,
    default: "",
    description:
      "Docker Hub access token (read-only public repositories is enough) for ECR's cache rule; stored in Secrets Manager. Secret: set with `pulumi config set --secret`.",
    coerce: "text",
    accepts: "a Docker Hub access token, as a Pulumi secret",
    hint: FIX.dockerHubAccessToken,
    operatorFix: FIX.dockerHubAccessToken,
  },
  githubUsername: {
    type: "string",
    default: "",
    description:
      "GitHub user whose token ECR's GitHub Container Registry cache rule pulls with; required with imageSource ecr-cache when the stack autoscales (KEDA's images are on ghcr.io).",
    coerce: "text",
    accepts: "a GitHub login: letters, digits and single hyphens, at most 39 characters",
    hint: `Run \`${FIX.githubUsername}\` with your GitHub login, or set imageSource upstream.`,
    operatorFix: FIX.githubUsername,
  },
  githubToken: {
    secret: true,
    default: "",
    description:
      "GitHub token with read:packages for ECR's ghcr.io cache rule; stored in Secrets Manager. Secret: set with `pulumi config set --secret`.",
    coerce: "text",
    accepts: "a GitHub token with read:packages, as a Pulumi secret",
    hint: FIX.githubToken,
    operatorFix: FIX.githubToken,
  },
  maxHourlyUsd: {
    type: "string",
    default: "",
    description:
      'Refuse stacks whose whole on-demand cost (every node group at its maximum size, EKS, NAT) exceeds this many USD per hour, e.g. "60". Empty: no limit.',
    coerce: "number",
    accepts: "a positive number of USD per hour",
    hint: 'Give a budget in USD per hour as a number, e.g. "60".',
  },
  namespace: {
    type: "string",
    default: "llm",
    description:
      "Kubernetes namespace for the vLLM server: its own, never a system namespace (kube-system, kube-public, kube-node-lease, default) or one of the kit's add-ons (llm-monitoring, keda, lws-system).",
    coerce: "text",
    accepts: "a DNS label (lowercase letters, digits, '-', at most 63 characters)",
    hint: "Use a DNS label: lowercase letters, digits and '-'.",
  },
  observability: {
    type: "string",
    default: "auto",
    description:
      "Metrics, alerts and dashboards: prometheus (the Prometheus operator v0.93.0 and one Prometheus on the system nodes, a PodMonitor on vLLM's /metrics, alert and cost rules, the DCGM exporter on the GPU nodes, Grafana) | none. auto: prometheus for cluster create, none for an existing cluster (eks:<name>, kubeconfig), which may run its own operator.",
    coerce: "text",
    accepts: "prometheus, none or auto",
    hint: "Use prometheus, none, or auto (prometheus unless the cluster is reached by kubeconfig).",
  },
  exposure: {
    type: "string",
    default: "cluster",
    description: "cluster (ClusterIP only, the default) | internal-lb (an internal AWS load balancer inside the VPC).",
    coerce: "text",
    accepts: "cluster or internal-lb",
    hint: "Use cluster (in-cluster only) or internal-lb.",
  },
  workload: {
    type: "object",
    default: {},
    description:
      "The traffic the stack serves, for $/M tokens and SLO status in `plan --stack`, `cost` and the PR comment: inputTokens, outputTokens (means; optional inputTokensP95, outputTokensP95), one of requestsPerSecond | tokensPerMonth (with peakToMean) | concurrentRequests, ttftP95Ms, itlP95Ms, prefixCacheHit. Empty: vllm bench serve's default lengths, no load.",
    coerce: "numberMap",
    accepts: "a mapping of workload keys (the same as `llm-stack plan`'s workload flags, camel-cased)",
    hint: "Set keys with `pulumi config set --path 'workload.inputTokens' 1000`; see workloads/ for examples.",
  },
  benchmark: {
    type: "string",
    default: "off",
    description:
      "off (the default) | after-deploy: a Job runs `vllm bench serve` (the pinned vLLM image, on the system nodes) against the endpoint with the stack's `workload` (or vllm bench serve's default lengths) once the server is ready, again whenever the plan or workload changes; its log is the result to save as measurements/<stack>.txt for `cost`'s planned vs measured; the priced result also goes to the stack's bucket (benchmarks/, S3 weights path) and to Prometheus (with monitoring).",
    coerce: "text",
    accepts: "off or after-deploy",
    hint: "Use after-deploy to measure the deployed endpoint with the stack's workload, or off.",
  },
  allowedClientNamespaces: {
    type: "array",
    items: "string",
    default: [],
    description:
      "Namespaces whose pods may call the server (NetworkPolicy). Empty: only pods in the server's namespace labelled llm-stack/client=true.",
    coerce: "list",
    accepts: "a list of DNS labels",
    hint: "List namespace names whose pods may call the server.",
  },
} as const satisfies Record<string, SettingDeclaration>;

export type SettingKey = keyof typeof SETTINGS;
/** The keys the planner reads, in the table's order: the `plan` flags, in `llm-stack plan --help`'s order. */
export type SizingKey = { [K in SettingKey]: (typeof SETTINGS)[K] extends { planner: true } ? K : never }[SettingKey];
/** The values each operator sets for themselves and never commits. */
export type OperatorKey = { [K in SettingKey]: (typeof SETTINGS)[K] extends { operatorFix: string } ? K : never }[SettingKey];
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const PLAIN_SETTING_KEYS = SETTING_KEYS.filter((key) => !(SETTINGS[key] as SettingDeclaration).secret);
/** The keys whose values are Pulumi secrets: never read into settings, only whether each is set. */
export type SecretSettingKey = { [K in SettingKey]: (typeof SETTINGS)[K] extends { secret: true } ? K : never }[SettingKey];
export const SECRET_SETTING_KEYS = SETTING_KEYS.filter(
  (key): key is SecretSettingKey => (SETTINGS[key] as SettingDeclaration).secret === true,
);

export const SIZING_KEYS = SETTING_KEYS.filter((key): key is SizingKey => (SETTINGS[key] as SettingDeclaration).planner === true);
const row = (key: SettingKey): SettingDeclaration => SETTINGS[key];
/** Each operator key's command, from its row. */
export const OPERATOR_FIXES = Object.fromEntries(
  SETTING_KEYS.filter((key) => row(key).operatorFix !== undefined).map((key) => [key, row(key).operatorFix!]),
) as Record<OperatorKey, string>;
/** What each key accepts, in words, and how to fix it: the rows' own. */
export const SETTING_ACCEPTS = Object.fromEntries(SETTING_KEYS.map((key) => [key, row(key).accepts])) as Record<SettingKey, string>;
export const SETTING_HINTS = Object.fromEntries(SETTING_KEYS.map((key) => [key, row(key).hint])) as Record<SettingKey, string>;

/**
 * A value as a stack file or a command-line flag gives it, coerced as its row says: `pulumi config
 * set` stores every value as a string ("32768"); a hand-written stack file may hold a YAML number;
 * a flag is text too. All mean the same, in one number syntax (`0.9`, `.9`, `+2`, `-3` — a
 * negative is then reported like any other bad value); lists arrive as JSON or comma-separated;
 * anything else is passed on as written and reported.
 */
export function coerceSettingValue(key: SettingKey, value: unknown): unknown {
  switch (row(key).coerce) {
    case "number":
      return coerceNumber(value);
    case "list":
      return coerceList(value);
    case "boolean":
      return value === true || value === "true" ? true : value === false || value === "false" ? false : value;
    case "numberMap":
      return coerceNumberMap(value);
    case "objectList":
      return coerceObject(value);
    case "text":
      return value;
  }
}

/**
 * A mapping of numbers: each value read with the one number grammar, since a value set with
 * `pulumi config set --path` may be stored as text, like every other config value.
 */
export function coerceNumberMap(value: unknown): unknown {
  const mapping = coerceObject(value);
  if (mapping === null || typeof mapping !== "object" || Array.isArray(mapping)) return mapping;
  return Object.fromEntries(Object.entries(mapping).map(([key, item]) => [key, coerceNumber(item)]));
}

/** Mappings arrive as YAML (a stack file) or as JSON text (the Pulumi CLI's config map, `pulumi config set --path`). */
export function coerceObject(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Text that is a plain decimal (optional sign, digits, optional fraction) becomes a number; anything else is left as it is. */
export function coerceNumber(value: unknown): unknown {
  if (typeof value === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) return Number(value);
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
  return trimmed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The row's default when it is a value (not an "unset" marker the planner or the feature reads as absent). */
export function concreteDefault(key: SettingKey): unknown {
  const declared = row(key).default;
  return declared === undefined || isUnsetMarker(declared, declared) ? undefined : declared;
}

function isUnsetMarker(declared: SettingDeclaration["default"], value: unknown): boolean {
  if (declared !== null && typeof declared === "object" && !Array.isArray(declared)) {
    // An empty mapping default: unset when the value is an empty mapping, as YAML or as the CLI's JSON text.
    const content = coerceObject(value);
    return content !== null && typeof content === "object" && !Array.isArray(content) && Object.keys(content).length === 0;
  }
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
