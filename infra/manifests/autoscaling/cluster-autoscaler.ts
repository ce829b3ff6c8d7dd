/**
 * Cluster Autoscaler 1.35.2 for the stack's GPU node group, as plain objects built from the AWS
 * example manifest vendored in charts/cluster-autoscaler (kubernetes/autoscaler, tag
 * cluster-autoscaler-1.35.2; paths below are in its cluster-autoscaler/ directory at that tag). KEDA moves the vLLM
 * replicas; CA moves the managed node group's desired size between its minSize and maxSize to follow
 * them, so the group keeps its launch template (EFA interfaces, placement group, Capacity Block).
 *
 * Each kit change to the example is one named step below. What the example already sets is kept:
 * - `--skip-nodes-with-local-storage=false`: a vLLM pod's model cache is an emptyDir on disk, which
 *   otherwise blocks removing its node (flag default true, config/flags/flags.go:200; a non-Memory
 *   emptyDir is "local storage", utils/drain/drain.go:140-142). KEDA's scale-in deletes pods, leaving
 *   empty nodes that need no drain either way; the flag lets CA also move a replica off a GPU node
 *   used below `--scale-down-gpu-utilization-threshold` (0.5, config/const.go:52; for a node with
 *   GPUs only GPU requests count, simulator/utilization/info.go:50-60) — the cache is re-created.
 * - `--expander=least-waste`, also the default (flags.go:145): each stack's pods select only their
 *   own pool (gpu-node-pool.ts STACK_LABEL), so one node group fits and the expander never chooses.
 * Left at their defaults: `--scale-down-unneeded-time` 10m (config/const.go:46) and
 * `--scale-down-delay-after-add` 10m (flags.go:76) — KEDA already holds an idle replica for its
 * break-even (manifests/autoscaling/scaled-object.ts); the node's own 10 minutes are of the order of what a new
 * node costs again (boot plus image pull, infra/catalog/startup-rates.ts). `--balance-similar-node-groups`
 * stays off (flags.go:160): a pool with a cluster placement group lives in one AZ.
 *
 * GPU nodes need no flag: CA counts a node group's GPUs from its instance type (cloudprovider/aws/ec2_instance_types.go:5089-5095,
 * p5.48xlarge 8, and :5103-5109, p5en.48xlarge 8; the live list comes from ec2:DescribeInstanceTypes,
 * aws_util.go:34-54 and :62-89), and a node labelled CLUSTER_AUTOSCALER_GPU_LABEL whose GPUs are not yet
 * allocatable counts as not ready, so CA does not add a second node while the device plugin starts
 * (processors/customresources/gpu_processor.go:51-56; cloudprovider/aws/README.md:272-286). That label,
 * and the tags of gpuNodeGroupAutoscalerTags, are for the node group's wiring.
 *
 * New in 1.35 and acted on here: DRA handling is always on (`--enable-dynamic-resource-allocation`
 * defaults to true and false is fatal, flags.go:231 and :301-303), so CA watches resource.k8s.io
 * DeviceClasses, ResourceSlices and ResourceClaims (core/autoscaler.go:135-137,
 * simulator/dynamicresources/provider/provider.go:35-37) — step grantDraRead. The GPUs stay device-plugin
 * `nvidia.com/gpu`, and a GPU node's utilization is still its GPU requests, taken before any DRA branch
 * (simulator/utilization/info.go:50-60, the same file as at 1.34.5).
 * Also new, left at their defaults: `--frequent-loops-enabled` now true (flags.go:222: CA starts its next
 * loop at once when an unschedulable pod appears or after a scale-up or scale-down, instead of every
 * `--scan-interval`; main.go:332-345, loop/trigger.go:74-102) and `--max-node-startup-time` 15m
 * (flags.go:128; 1.34 hard-coded the same 15m, clusterstate/clusterstate.go:48 at cluster-autoscaler-1.34.5).
 */
import { inInstallOrder, onNodes, readVendoredManifest, type KubernetesObject } from "../vendored";

type Json = Record<string, any>;

const CHART = "cluster-autoscaler";
const FILE = "cluster-autoscaler-autodiscover.yaml";
const ORIGIN = `charts/${CHART}/${FILE}`;

/**
 * The release for Kubernetes 1.35 (KUBERNETES_VERSION, infra/catalog/eks-versions.ts): CA versions follow
 * Kubernetes minor versions, and upstream recommends the latest CA release of the cluster's minor version
 * (README.md:48-50 and :110-113; version/version.go:20 at the tag).
 */
export const CLUSTER_AUTOSCALER_VERSION = "1.35.2";
export const CLUSTER_AUTOSCALER_IMAGE = `registry.k8s.io/autoscaling/cluster-autoscaler:v${CLUSTER_AUTOSCALER_VERSION}`;
/** The example's names: the ServiceAccount the Pod Identity association names, and every object's. */
export const CLUSTER_AUTOSCALER_NAME = "cluster-autoscaler";
/** Where the example runs CA (its objects' namespace), and CA's own `--namespace` default (flags.go:73). */
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";
/**
 * The label CA's AWS provider reads as "this node has GPUs" (cloudprovider/aws/aws_cloud_provider.go:38-39). Set it on
 * the GPU node group's labels (value: the GPU, e.g. nvidia-h100): EKS applies node group labels when
 * the node joins, before the device plugin registers the GPUs.
 */
export const CLUSTER_AUTOSCALER_GPU_LABEL = "k8s.amazonaws.com/accelerator";

/** The example's stand-in for the cluster name in the auto-discovery flag. */
const CLUSTER_NAME_PLACEHOLDER = "<YOUR CLUSTER NAME>";
const DISCOVERY_FLAG = "--node-group-auto-discovery=";
/** ASG tag prefixes CA builds a scale-from-zero template from (cloudprovider/aws/aws_manager.go:404-507). */
const TEMPLATE_TAG = "k8s.io/cluster-autoscaler/node-template";

/** EKS cluster names: letters, digits, hyphens and underscores, from a letter or digit, at most 100 (EKS CreateCluster API, `name`). */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/;

/** Why `name` cannot be written into the discovery flag and tag keys, or null when it can. */
function clusterNameIssue(name: string): string | null {
  return EKS_CLUSTER_NAME.test(name)
    ? null
    : `clusterName "${name}" is not an EKS cluster name (letters, digits, - and _, from a letter or digit, at most 100); it is written into --node-group-auto-discovery, where a comma or = would change the tag list`;
}

export interface ClusterAutoscalerInput {
  /** The EKS cluster's name: CA scales the Auto Scaling groups tagged with it. */
  clusterName: string;
  /** The cluster's AWS region, e.g. us-east-2. */
  region: string;
  /** Labels of the nodes CA runs on: the system node group's ({} on a cluster the kit did not create). */
  nodeSelector: Record<string, string>;
}

/**
 * The discovery tag keys: CA scales every Auto Scaling group that carries both keys, whatever their
 * values (cloudprovider/aws/README.md:167-174; aws_wrapper.go:208-230 filters on `tag-key`). EKS puts
 * them on a managed node group's ASG itself (EKS user guide, managed-node-groups.adoc:37 and :51).
 */
export function autoDiscoveryTagKeys(clusterName: string): [string, string] {
  return ["k8s.io/cluster-autoscaler/enabled", `k8s.io/cluster-autoscaler/${clusterName}`];
}

/** Step: the Deployment's one container (the example has one), or an error naming the vendored file. */
function containerOf(deployment: Json): Json {
  const containers: Json[] = deployment.spec.template.spec.containers;
  if (containers.length !== 1)
    throw new Error(`${ORIGIN}: expected one container in Deployment ${deployment.metadata.name}, found ${containers.length}`);
  return containers[0]!;
}

/** Step pinImage: the example at this tag still names v1.32.1; run the release of the vendored tag. */
function pinImage(deployment: Json): void {
  containerOf(deployment).image = CLUSTER_AUTOSCALER_IMAGE;
}

/** Step discoverThisCluster: the auto-discovery flag names this cluster's tag instead of the placeholder. */
function discoverThisCluster(deployment: Json, clusterName: string): void {
  const command: string[] = containerOf(deployment).command;
  const index = command.findIndex((arg) => arg.startsWith(DISCOVERY_FLAG) && arg.includes(CLUSTER_NAME_PLACEHOLDER));
  if (index < 0) throw new Error(`${ORIGIN}: no ${DISCOVERY_FLAG}… argument with ${CLUSTER_NAME_PLACEHOLDER} in the Deployment's command`);
  command[index] = `${DISCOVERY_FLAG}asg:tag=${autoDiscoveryTagKeys(clusterName).join(",")}`;
}

/**
 * Step setRegion: AWS_REGION. CA reads it first (cloudprovider/aws/aws_sdk_provider.go:246-257). Without it,
 * 1.35 (now on AWS SDK for Go v2) takes the SDK's default config — environment and shared config files,
 * not instance metadata — and so finds no region in the pod; 1.34 asked the instance metadata service,
 * which the kit's launch templates keep from pods anyway (IMDSv2, hop limit 1: launch-template.ts;
 * cloudprovider/aws/README.md:509-511).
 */
function setRegion(deployment: Json, region: string): void {
  const container = containerOf(deployment);
  container.env = [...(container.env ?? []), { name: "AWS_REGION", value: region }];
}

/**
 * Step useImageCaBundle: drop the host's CA bundle (a hostPath over /etc/ssl/certs/ca-certificates.crt).
 * The image is gcr.io/distroless/static:nonroot (Dockerfile:25), which carries its own; the upstream
 * Helm chart mounts none by default (kubernetes/autoscaler charts/cluster-autoscaler/values.yaml:265-276);
 * and Pod Security "baseline" forbids hostPath, so the pod meets "restricted" in any namespace.
 */
function useImageCaBundle(deployment: Json): void {
  const podSpec = deployment.spec.template.spec;
  const hostPaths = new Set((podSpec.volumes ?? []).filter((v: Json) => v.hostPath !== undefined).map((v: Json) => v.name as string));
  if (!hostPaths.has("ssl-certs")) throw new Error(`${ORIGIN}: expected the ssl-certs hostPath volume in the Deployment`);
  const container = containerOf(deployment);
  container.volumeMounts = (container.volumeMounts ?? []).filter((m: Json) => !hostPaths.has(m.name));
  podSpec.volumes = podSpec.volumes.filter((v: Json) => !hostPaths.has(v.name));
  if (container.volumeMounts.length === 0) delete container.volumeMounts;
  if (podSpec.volumes.length === 0) delete podSpec.volumes;
}

/**
 * What CA 1.35 reads of Dynamic Resource Allocation: the rule of upstream's Helm chart at the tag
 * (kubernetes/autoscaler charts/cluster-autoscaler/templates/clusterrole.yaml:64-73), as upstream's example has it on master
 * for 1.36 (kubernetes/autoscaler#9487, merge ce677ebcb04cc98e5effc4326ea3a5ebaa3fe206).
 */
const DRA_READ_RULE = {
  apiGroups: ["resource.k8s.io"],
  resources: ["deviceclasses", "resourceslices", "resourceclaims"],
  verbs: ["watch", "list", "get"],
};

/**
 * Step grantDraRead: the ClusterRole may read DeviceClasses, ResourceSlices and ResourceClaims. CA 1.35
 * always watches them (DRA locked on, above) and waits for every informer to sync before its first loop
 * (main.go:286-296), which a forbidden list never does; the example at this tag grants none
 * (kubernetes/autoscaler#9244; the 1.35 backport, #10278, was still open). The rule goes after the
 * example's apps rule, where #9487 puts it.
 */
function grantDraRead(clusterRole: Json): void {
  const rules: Json[] = clusterRole.rules;
  if (rules.some((rule) => (rule.apiGroups ?? []).includes("resource.k8s.io"))) {
    throw new Error(`${ORIGIN}: the ClusterRole already has a resource.k8s.io rule; drop step grantDraRead`);
  }
  const apps = rules.findIndex((rule) => rule.apiGroups?.length === 1 && rule.apiGroups[0] === "apps");
  if (apps < 0) throw new Error(`${ORIGIN}: expected the ClusterRole's apps rule`);
  rules.splice(apps + 1, 0, structuredClone(DRA_READ_RULE));
}

/**
 * CA's ServiceAccount, RBAC and Deployment in install order, from the vendored example with the
 * steps above. No IRSA annotation: an EKS Pod Identity association (created with the IAM role,
 * outside this function) gives the pod clusterAutoscalerPolicy. From 1.35 CA no longer vendors AWS SDK
 * for Go v1 (1.34's cloudprovider/aws/aws-sdk-go, v1.48.7, is gone); it loads credentials through AWS SDK
 * for Go v2's default chain (aws_sdk_provider.go:76) at aws-sdk-go-v2 v1.40.1, config v1.32.3 and
 * credentials v1.19.3 (go.mod:20-21 and :102), whose container provider reads Pod Identity's
 * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; EKS requires Go v2
 * release-2023-11-14 or later (EKS user guide, service-accounts.adoc:924), and these modules are newer
 * (credentials was at v1.17.x through 2024: https://libraries.io/go/github.com%2Faws%2Faws-sdk-go-v2%2Fcredentials/versions).
 */
export function clusterAutoscalerObjects(input: ClusterAutoscalerInput): KubernetesObject[] {
  const nameIssue = clusterNameIssue(input.clusterName);
  if (nameIssue) throw new Error(`Cluster Autoscaler: ${nameIssue}`);
  const objects = readVendoredManifest(CHART, FILE) as Json[];
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length !== 1) throw new Error(`${ORIGIN}: expected one Deployment, found ${deployments.length}`);
  const deployment = deployments[0]!;
  const clusterRoles = objects.filter((o) => o.kind === "ClusterRole");
  if (clusterRoles.length !== 1) throw new Error(`${ORIGIN}: expected one ClusterRole, found ${clusterRoles.length}`);
  grantDraRead(clusterRoles[0]!);
  pinImage(deployment);
  discoverThisCluster(deployment, input.clusterName);
  setRegion(deployment, input.region);
  useImageCaBundle(deployment);
  // CA runs on the system nodes, never on the GPU nodes it removes.
  return inInstallOrder(
    (objects as KubernetesObject[]).map((object) => onNodes(object, input.nodeSelector)),
    ORIGIN,
  );
}

/** An IAM policy document, as IAM reads it (plain JSON data). */
export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: Array<{
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string>>;
  }>;
}

/**
 * What CA needs with auto-discovery and the live instance-type list: the "Full Cluster Autoscaler
 * Features Policy" (cloudprovider/aws/README.md:34-69), including eks:DescribeNodegroup, which gives
 * CA a managed node group's labels, taints and tags while it has no node (README.md:110). Describe
 * calls take no resource-level permissions; the two that change a group are held, as README.md:29-32
 * recommends, to groups tagged with this cluster's discovery key (tag present, any value).
 */
export function clusterAutoscalerPolicy(clusterName: string): IamPolicyDocument {
  const nameIssue = clusterNameIssue(clusterName);
  if (nameIssue) throw new Error(`Cluster Autoscaler policy: ${nameIssue}`);
  const [, clusterKey] = autoDiscoveryTagKeys(clusterName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DescribeGroupsAndInstanceTypes",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: ["*"],
      },
      {
        Sid: "ResizeThisClustersGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: ["*"],
        Condition: { Null: { [`autoscaling:ResourceTag/${clusterKey}`]: "false" } },
      },
    ],
  };
}

/** EKS node group taint effects (the API's enum). */
const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

export interface GpuNodeGroupTemplateInput {
  /** nvidia.com/gpu per node: the instance type's GPUs (INSTANCES[type].gpuCount). */
  gpusPerNode: number;
  /** vpc.amazonaws.com/efa per node: the EFA interfaces the launch template attaches; 0 without EFA. */
  efaInterfacesPerNode: number;
  /** The node group's taints, as the EKS API takes them: CA reads them through eks:DescribeNodegroup. */
  taints: ReadonlyArray<{ key: string; value: string; effect: (typeof TAINT_EFFECTS)[number] }>;
}

/**
 * The tags on the EKS node group (aws.eks.NodeGroup `tags`) that let CA scale it up from zero
 * nodes: the extended resources of a node, which CA reads through eks:DescribeNodegroup while the
 * group has none (aws_manager.go:327-336, extractAllocatableResourcesFromTags). The instance type
 * gives CA the GPUs but not the EFA interfaces; labels and taints need no tag, CA takes the node
 * group's own (aws_wrapper.go:110-139). Node group tags never reach its Auto Scaling group (EKS user
 * guide, create-managed-node-group.adoc:178). Once CA has seen a node of the group it keeps that
 * node as the template (processors/nodeinfosprovider/mixed_nodeinfos_processor.go:136-146, kept for
 * --node-info-cache-expire-time, 10 years: flags.go:186) until it restarts.
 */
export function gpuNodeGroupTemplateTags(input: GpuNodeGroupTemplateInput): Record<string, string> {
  const issues: string[] = [];
  if (!Number.isInteger(input.gpusPerNode) || input.gpusPerNode < 1)
    issues.push(`gpusPerNode ${input.gpusPerNode}: expected a whole number of at least 1`);
  if (!Number.isInteger(input.efaInterfacesPerNode) || input.efaInterfacesPerNode < 0)
    issues.push(`efaInterfacesPerNode ${input.efaInterfacesPerNode}: expected a whole number, 0 without EFA`);
  for (const taint of input.taints) {
    // CA drops a node group taint without a value (aws_wrapper.go:127).
    if (taint.value === "")
      issues.push(
        `taint ${taint.key}: needs a value — CA ignores a valueless node group taint at zero nodes and would start nodes the pods cannot use`,
      );
    if (!TAINT_EFFECTS.includes(taint.effect))
      issues.push(`taint ${taint.key}: effect ${taint.effect}, expected one of ${TAINT_EFFECTS.join(", ")}`);
  }
  if (issues.length > 0) throw new Error(`GPU node group tags for Cluster Autoscaler:\n- ${issues.join("\n- ")}`);
  return {
    [`${TEMPLATE_TAG}/resources/nvidia.com/gpu`]: String(input.gpusPerNode),
    ...(input.efaInterfacesPerNode > 0 ? { [`${TEMPLATE_TAG}/resources/vpc.amazonaws.com/efa`]: String(input.efaInterfacesPerNode) } : {}),
  };
}
