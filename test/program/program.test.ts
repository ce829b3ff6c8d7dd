import { beforeAll, describe, expect, it } from "vitest";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Job } from "kubernetes-models/batch/v1/Job";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { APIService } from "kubernetes-models/apiregistration.k8s.io/v1/APIService";
import * as pulumi from "@pulumi/pulumi";
import { type PlanInputError } from "../../infra/plan";
import PostalMime from "postal-mime";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { crdValidator } from "../support/crd-schema";
import { planStack } from "../../infra/settings";
import { parseStackFile } from "../../infra/settings/stack-file";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runProgram, stackFileConfig, type RecordedResource } from "../program-runner";
import { MOCK_ZONES } from "../../cli/offline/program-run";
import { eksTaint, schedulingProblems } from "../support/kube-scheduling";
import { unknownVllmSeries } from "../../infra/catalog";
import { imagePullProblems, pulledImages, registryOf } from "../support/image-pulls";
import { OPERATOR_SECRET_KEYS, withOperatorValues } from "../support/operator";

const HF_TOKEN = "hf_SENTINEL_token_0123456789";
const API_KEY = "sk-SENTINEL-api-key-abcdefghijklmnop";
/** A documentation address (RFC 5737) standing in for the operator's own, on the endpoint allowlist. */
const ALLOWLIST = '["198.51.100.7/32"]';
/** What each operator sets for themselves before `pulumi up`: the token and the endpoint allowlist. */
const withToken = (config: Record<string, string>) => withOperatorValues(config, { "llm-stack:hfToken": HF_TOKEN });
const SECRET_KEYS = [...OPERATOR_SECRET_KEYS, "llm-stack:kubeconfig"];

/** The resource of that name; Pulumi names are unique per type, so `type` picks among same-named resources. */
const byName = (resources: RecordedResource[], name: string, type?: string): RecordedResource => {
  const found = resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  if (found.length !== 1) throw new Error(`${found.length} resources named ${name}${type ? ` of type ${type}` : ""}`);
  return found[0]!;
};

/** The plan the stack file asks for, computed straight from the planner. */
function planOf(stack: string) {
  const file = parseStackFile(stack, readFileSync(join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8"));
  return planStack(file.values, file.region);
}

const KUBERNETES_MODELS: Record<string, { new (data: any): { validate(): void } }> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:apps/v1:DaemonSet": DaemonSet,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
  "kubernetes:batch/v1:Job": Job,
  "kubernetes:core/v1:ConfigMap": ConfigMap,
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": CustomResourceDefinition,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": ClusterRole,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": ClusterRoleBinding,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": Role,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": RoleBinding,
  "kubernetes:apiregistration.k8s.io/v1:APIService": APIService,
};

const CREATE_MODE_RESOURCES = [
  "aws:cloudwatch/logGroup:LogGroup llm-cluster-logs",
  "aws:ec2/eip:Eip llm-network-nat",
  "aws:ec2/internetGateway:InternetGateway llm-network-igw",
  "aws:ec2/launchTemplate:LaunchTemplate llm-gpu-lt",
  "aws:ec2/launchTemplate:LaunchTemplate llm-system-lt",
  "aws:ec2/natGateway:NatGateway llm-network-nat",
  "aws:ec2/routeTable:RouteTable llm-network-private-rt",
  "aws:ec2/routeTable:RouteTable llm-network-public-rt",
  "aws:ec2/vpc:Vpc llm-network-vpc",
  "aws:ec2/vpcEndpoint:VpcEndpoint llm-network-s3",
  "aws:eks/addon:Addon llm-cluster-eks-pod-identity-agent",
  "aws:eks/addon:Addon llm-cluster-kube-proxy",
  "aws:eks/addon:Addon llm-system-coredns",
  "aws:eks/addon:Addon llm-cluster-vpc-cni",
  "aws:eks/cluster:Cluster llm-cluster-cluster",
  "aws:eks/nodeGroup:NodeGroup llm-gpu-ng",
  "aws:eks/nodeGroup:NodeGroup llm-system-ng",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation vllm-model-copy-association",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation vllm-model-read-association",
  "aws:iam/role:Role llm-cluster-role",
  "aws:iam/role:Role llm-nodes-role",
  "aws:iam/role:Role vllm-model-copy-role",
  "aws:iam/role:Role vllm-model-read-role",
  "aws:iam/rolePolicy:RolePolicy vllm-model-copy-policy",
  "aws:iam/rolePolicy:RolePolicy vllm-model-read-policy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment llm-cluster-cluster-policy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment llm-nodes-cni",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment llm-nodes-ecr",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment llm-nodes-worker",
  // The ECR pull-through cache: a rule per upstream the kit's images come from that needs no login, and
  // Docker Hub's with the operator's login in Secrets Manager; the nodes may fill it (llm-nodes-inline).
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule llm-image-cache-docker-hub",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule llm-image-cache-ecr-public",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule llm-image-cache-k8s",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule llm-image-cache-quay",
  "aws:secretsmanager/secret:Secret llm-image-cache-docker-hub-login",
  "aws:secretsmanager/secretVersion:SecretVersion llm-image-cache-docker-hub-login",
  "llm-stack:cluster:ImageCache llm-image-cache",
  "aws:iam/rolePolicy:RolePolicy llm-nodes-inline",
  "aws:kms/alias:Alias llm-cluster-secrets",
  "aws:kms/key:Key llm-cluster-secrets",
  "aws:s3/bucket:Bucket llm-model-cache",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration llm-model-cache-lifecycle",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls llm-model-cache-ownership",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock llm-model-cache-public-access",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration llm-model-cache-encryption",
  "kubernetes:apps/v1:Deployment llm-prometheus-deployment-prometheus-operator",
  "kubernetes:apps/v1:Deployment llm-grafana-deployment-grafana",
  "kubernetes:apps/v1:DaemonSet llm-dcgm-exporter-daemonset",
  "kubernetes:apps/v1:DaemonSet llm-nvidia-device-plugin-daemonset",
  "kubernetes:apps/v1:Deployment vllm-deployment",
  "kubernetes:batch/v1:Job vllm-copy",
  "kubernetes:core/v1:ConfigMap llm-grafana-configmap-grafana-dashboards",
  "kubernetes:core/v1:ConfigMap llm-grafana-configmap-grafana-provisioning",
  "kubernetes:core/v1:ConfigMap vllm-copy-script",
  "kubernetes:core/v1:Namespace llm-prometheus-namespace-llm-monitoring",
  "kubernetes:core/v1:Namespace vllm-namespace",
  "kubernetes:core/v1:Secret vllm-secrets",
  "kubernetes:core/v1:Service llm-grafana-service-grafana",
  "kubernetes:core/v1:Service vllm-service",
  "kubernetes:core/v1:ServiceAccount llm-prometheus-serviceaccount-prometheus",
  "kubernetes:core/v1:ServiceAccount llm-prometheus-serviceaccount-prometheus-operator",
  "kubernetes:core/v1:ServiceAccount vllm-copy-sa",
  "kubernetes:core/v1:ServiceAccount vllm-sa",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor llm-dcgm-exporter-podmonitor",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor vllm-podmonitor",
  "kubernetes:monitoring.coreos.com/v1:Prometheus llm-prometheus-llm-stack",
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule vllm-rules",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy vllm-netpol",
  "kubernetes:policy/v1:PodDisruptionBudget vllm-pdb",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-prometheus-clusterrole-llm-stack-prometheus",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-prometheus-clusterrole-llm-stack-prometheus-operator",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-prometheus-clusterrolebinding-llm-stack-prometheus",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-prometheus-clusterrolebinding-llm-stack-prometheus-operator",
  "kubernetes:yaml/v2:ConfigGroup llm-prometheus-crds",
  "llm-stack:addons:NvidiaDevicePlugin llm-nvidia-device-plugin",
  "llm-stack:cluster:EksCluster llm-cluster",
  "llm-stack:compute:GpuNodePool llm-gpu",
  "llm-stack:compute:NodeRole llm-nodes",
  "llm-stack:compute:SystemNodeGroup llm-system",
  "llm-stack:model-cache:ModelCacheBucket llm-model-cache",
  "llm-stack:model-cache:PodIdentityAccess vllm-model-copy",
  "llm-stack:model-cache:PodIdentityAccess vllm-model-read",
  "llm-stack:network:Network llm-network",
  "llm-stack:observability:DcgmExporter llm-dcgm-exporter",
  "llm-stack:observability:Grafana llm-grafana",
  "llm-stack:observability:PrometheusStack llm-prometheus",
  "llm-stack:serving:VllmServer vllm",
  "pulumi:providers:kubernetes llm-k8s",
  "random:index/randomPassword:RandomPassword vllm-api-key",
];

/** Where a committed stack's pods pull cached images: the mock account's registry in the stack's region, under `llm-<stack>/`. */
const STACK_REGIONS: Record<string, string> = { dev: "us-east-1", mixtral: "us-west-2", scout: "us-east-1" };
const cacheOf = (stack: string) => `123456789012.dkr.ecr.${STACK_REGIONS[stack]}.amazonaws.com/llm-${stack}`;

const listOf = (resources: RecordedResource[]) => resources.map((r) => `${r.type} ${r.name}`).sort();

/** A public and a private subnet, each with its route-table association, in every AZ of the mock account's region. */
const subnetResources = (region: string) =>
  MOCK_ZONES[region]!.flatMap(({ zoneId }) => ["private", "public"].flatMap((tier) => [
    `aws:ec2/routeTableAssociation:RouteTableAssociation llm-network-${tier}-${zoneId}`,
    `aws:ec2/subnet:Subnet llm-network-${tier}-${zoneId}`,
  ]));
const createModeResources = (region: string) => [...CREATE_MODE_RESOURCES, ...subnetResources(region)].sort();
/** The private subnets of these AZ ids, as the mocks name their ids. */
const privateIds = (...zoneIds: string[]) => zoneIds.map((zoneId) => `llm-network-private-${zoneId}-id`);

/**
 * What an autoscaled stack adds (Pulumi.scout.yaml: minReplicas 0, maxReplicas 2): KEDA's core
 * install, Cluster Autoscaler with its Pod Identity role, the ScaledObject, and the wake front of a
 * server that scales to zero.
 */
const AUTOSCALED_RESOURCES = [
  // KEDA's images are on ghcr.io: its cache rule, with the operator's GitHub login.
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule llm-image-cache-ghcr",
  "aws:secretsmanager/secret:Secret llm-image-cache-ghcr-login",
  "aws:secretsmanager/secretVersion:SecretVersion llm-image-cache-ghcr-login",
  "kubernetes:yaml/v2:ConfigGroup llm-keda-crds",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation llm-cluster-autoscaler-access-association",
  "aws:iam/role:Role llm-cluster-autoscaler-access-role",
  "aws:iam/rolePolicy:RolePolicy llm-cluster-autoscaler-access-policy",
  "kubernetes:apiregistration.k8s.io/v1:APIService llm-keda-apiservice-v1beta1.external.metrics.k8s.io",
  "kubernetes:apps/v1:Deployment llm-cluster-autoscaler-deployment-cluster-autoscaler",
  "kubernetes:apps/v1:Deployment llm-keda-deployment-keda-metrics-apiserver",
  "kubernetes:apps/v1:Deployment llm-keda-deployment-keda-operator",
  "kubernetes:apps/v1:Deployment vllm-wake-front",
  "kubernetes:core/v1:ConfigMap vllm-wake-front-config",
  "kubernetes:core/v1:Namespace llm-keda-namespace-keda",
  "kubernetes:core/v1:Service llm-keda-service-keda-metrics-apiserver",
  "kubernetes:core/v1:Service llm-keda-service-keda-operator",
  "kubernetes:core/v1:Service vllm-upstream",
  "kubernetes:core/v1:ServiceAccount llm-cluster-autoscaler-serviceaccount-cluster-autoscaler",
  "kubernetes:core/v1:ServiceAccount llm-keda-serviceaccount-keda-operator",
  "kubernetes:keda.sh/v1alpha1:ScaledObject vllm-scaledobject",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor vllm-wake-front-podmonitor",
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule vllm-wake-front-rules",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy vllm-wake-front-netpol",
  "kubernetes:policy/v1:PodDisruptionBudget vllm-wake-front-pdb",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-cluster-autoscaler-clusterrole-cluster-autoscaler",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-keda-clusterrole-keda-external-metrics-reader",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-keda-clusterrole-keda-operator",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-cluster-autoscaler-clusterrolebinding-cluster-autoscaler",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-keda-clusterrolebinding-keda-hpa-controller-external-metrics",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-keda-clusterrolebinding-keda-operator",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-keda-clusterrolebinding-keda-system-auth-delegator",
  "kubernetes:rbac.authorization.k8s.io/v1:Role llm-cluster-autoscaler-role-cluster-autoscaler",
  "kubernetes:rbac.authorization.k8s.io/v1:Role llm-keda-role-keda-operator",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding llm-cluster-autoscaler-rolebinding-cluster-autoscaler",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding llm-keda-rolebinding-keda-auth-reader",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding llm-keda-rolebinding-keda-operator",
  "llm-stack:autoscaling:ClusterAutoscaler llm-cluster-autoscaler",
  "llm-stack:autoscaling:Keda llm-keda",
  "llm-stack:model-cache:PodIdentityAccess llm-cluster-autoscaler-access",
];
/** The committed stacks that autoscale, with their replica range's node counts worked by hand (1 Scout replica per p5.48xlarge). */
const AUTOSCALED_GROUPS: Record<string, { desiredSize: number; minSize: number; maxSize: number }> = { scout: { desiredSize: 1, minSize: 0, maxSize: 2 } };

/** The model each committed stack file names (Pulumi.<stack>.yaml). */
const STACK_MODELS: Record<string, string> = { dev: "llama-3.1-8b-instruct", mixtral: "mixtral-8x7b-instruct-v0.1", scout: "llama-4-scout-17b-16e-instruct" };

/** One run per committed stack for the whole file, started on first use (describe blocks run one after another). */
const committedRuns = new Map<string, ReturnType<typeof runProgram>>();
function committedStackRun(stack: string): ReturnType<typeof runProgram> {
  if (!committedRuns.has(stack)) committedRuns.set(stack, runProgram(withToken(stackFileConfig(stack)), { stack, secretKeys: SECRET_KEYS }));
  return committedRuns.get(stack)!;
}

describe.each(["dev", "mixtral", "scout"])("stack %s under mocks", (stack) => {
  const plan = planOf(stack);
  // One run per stack, started only when this block runs: the Pulumi runtime is process-global.
  let runPromise: ReturnType<typeof runProgram>;
  beforeAll(() => {
    runPromise = committedStackRun(stack);
    return runPromise.then(() => undefined);
  });

  it("pulls every pod's image through the stack's own ECR pull-through cache, NGC's (which ECR cannot mirror) alone directly", async () => {
    const { resources } = await runPromise;
    expect(imagePullProblems(resources, { accountId: "123456789012", region: STACK_REGIONS[stack]!, stackPrefix: `llm-${stack}` })).toEqual([]);
    // vllm/vllm-openai:v0.33.0 is docker.io's: under the Docker Hub rule, its path kept.
    expect(byName(resources, "vllm-deployment").inputs.spec.template.spec.containers[0].image).toBe(`${cacheOf(stack)}/docker-hub/vllm/vllm-openai:v0.33.0`);
    expect(pulledImages(resources).filter((p) => registryOf(p.image) === "nvcr.io").map((p) => p.image).sort()).toEqual([
      "nvcr.io/nvidia/k8s-device-plugin:v0.20.0", "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless",
    ]);
    // Every rule under the stack's own prefix; the nodes may import upstream images into those repositories and create them.
    for (const rule of resources.filter((r) => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")) expect(rule.inputs.ecrRepositoryPrefix).toMatch(new RegExp(`^llm-${stack}/`));
    expect(JSON.parse(byName(resources, "llm-nodes-inline").inputs.policy).Statement).toEqual([{
      Sid: "PullThroughCache", Effect: "Allow", Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
      Resource: `arn:aws:ecr:${STACK_REGIONS[stack]}:123456789012:repository/llm-${stack}/*`,
    }]);
    // The operator's Docker Hub login reaches Secrets Manager only as a Pulumi secret, named as ECR requires.
    expect(byName(resources, "llm-image-cache-docker-hub-login", "aws:secretsmanager/secret:Secret").inputs.name).toBe(`ecr-pullthroughcache/llm-${stack}-docker-hub`);
    const login = byName(resources, "llm-image-cache-docker-hub-login", "aws:secretsmanager/secretVersion:SecretVersion");
    expect(login.secretInputs).toContain("secretString");
    expect(JSON.parse(login.inputs.secretString)).toEqual({ username: "operator", accessToken: "dckr_pat_test" });
    expect(resources.filter((r) => r !== login && JSON.stringify(r.inputs).includes("dckr_pat_test")).map((r) => r.name)).toEqual([]);
    // Kubernetes objects wait for the rules (through the provider, which waits for the nodes and the cache).
    expect(byName(resources, "llm-k8s").dependencies).toEqual(expect.arrayContaining(["llm-image-cache-docker-hub", "llm-image-cache-quay"]));
  });

  it("registers exactly the expected resources, once each — no LeaderWorkerSet objects for a single-node plan", async () => {
    const { resources, error } = await runPromise;
    expect(error).toBeUndefined();
    expect(listOf(resources)).toEqual([...createModeResources(plan.region), ...(stack in AUTOSCALED_GROUPS ? AUTOSCALED_RESOURCES : [])].sort());
    expect(resources.filter((r) => /leaderworkerset|LwsController|llm-lws/.test(`${r.type} ${r.name}`))).toEqual([]);
  });

  it("sizes the GPU node group from the plan", async () => {
    const { resources } = await runPromise;
    const group = byName(resources, "llm-gpu-ng").inputs;
    expect(group.instanceTypes).toEqual([plan.instanceType]);
    expect(group.scalingConfig).toEqual(AUTOSCALED_GROUPS[stack] ?? { desiredSize: plan.nodes, minSize: plan.nodes, maxSize: plan.nodes });
    // Cluster Autoscaler owns an autoscaled stack's group sizes (both groups: EKS tags each for its discovery); a fixed stack's are Pulumi's.
    const sizedByAutoscaler = stack in AUTOSCALED_GROUPS ? ["scalingConfig.desiredSize"] : [];
    expect([byName(resources, "llm-gpu-ng").ignoreChanges, byName(resources, "llm-system-ng").ignoreChanges]).toEqual([sizedByAutoscaler, sizedByAutoscaler]);
    expect(group.amiType).toBe("AL2023_x86_64_NVIDIA");
    expect(group.capacityType).toBe("ON_DEMAND");
    expect(group.nodeGroupNamePrefix).toBe("llm-gpu-");
    expect(group.nodeGroupName).toBeUndefined();
    expect(group.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    // Cluster Autoscaler reads k8s.amazonaws.com/accelerator as "GPUs still starting" (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/aws_cloud_provider.go).
    const accelerator = stack in AUTOSCALED_GROUPS ? { "k8s.amazonaws.com/accelerator": "nvidia-h100" } : {};
    expect(group.labels).toEqual({ "llm-stack/gpu-pool": "true", "llm-stack/stack": stack, "llm-stack/model": STACK_MODELS[stack], "llm-stack/gpu": "h100", ...accelerator });
    expect(group.updateConfig).toEqual({ maxUnavailable: 1, updateStrategy: "MINIMAL" });
    expect(group.launchTemplate).toEqual({ id: "llm-gpu-lt-id", version: "1" });

    const template = byName(resources, "llm-gpu-lt").inputs;
    expect(template.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  // Every H100 type in the catalog has instance-store NVMe (p5.48xlarge: 8 × 3.84 TB), so kubelet
  // and containerd move there and the EBS root keeps only the OS: 30 GiB at gp3's baseline.
  it("puts kubelet and containerd on instance-store NVMe (nodeadm RAID0 in MIME user data), leaving a 30 GiB OS root volume", async () => {
    const { resources } = await runPromise;
    const template = byName(resources, "llm-gpu-lt").inputs;
    expect(template.blockDeviceMappings).toEqual([{
      deviceName: "/dev/xvda",
      ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
    }]);
    // Read it as nodeadm does (nodeadm/internal/configprovider/mime.go): base64, then an RFC 822
    // message whose multipart body carries `application/node.eks.aws` parts.
    const document = Buffer.from(template.userData, "base64").toString("utf8");
    const email = await PostalMime.parse(document, { attachmentEncoding: "utf8" });
    const contentType = email.headers.find((h) => h.key === "content-type")?.value ?? "";
    expect(contentType.startsWith("multipart/mixed;")).toBe(true);
    const parts = email.attachments.filter((a) => a.mimeType === "application/node.eks.aws");
    expect(parts).toHaveLength(1);
    const nodeConfig = parseYaml(String(parts[0]!.content));
    expect(nodeConfig).toEqual({ apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { instance: { localStorage: { strategy: "RAID0" } } } });
    const validateNodeConfig = crdValidator("nodeadm", "node.eks.aws_nodeconfigs.yaml", "v1alpha1", { rejectUnknownFields: true });
    expect(validateNodeConfig(nodeConfig)).toEqual([]);
    // The schema bites: nodeadm would silently ignore a misspelt key, and knows no RAID5.
    expect(validateNodeConfig({ ...nodeConfig, spec: { instance: { localstorage: { strategy: "RAID0" } } } })).not.toEqual([]);
    expect(validateNodeConfig({ ...nodeConfig, spec: { instance: { localStorage: { strategy: "RAID5" } } } })).not.toEqual([]);
    // The system nodes (m7i, no instance store) keep EKS's own user data.
    expect(byName(resources, "llm-system-lt").inputs.userData).toBeUndefined();
  });

  // Args, GPU counts, resources, replicas, the startup budget and the node selector are pinned by the
  // golden manifests (test/golden/manifests/<stack>/, test/program/manifests.test.ts); what stays here are
  // values written by hand.
  it("runs vLLM with the rollout, probes and security settings a GPU server needs", async () => {
    const { resources } = await runPromise;
    const deployment = byName(resources, "vllm-deployment").inputs;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(container.readinessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 });
    // 6 failures 30 s apart: a server busy for under 3 minutes is not restarted.
    expect(container.livenessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 30, failureThreshold: 6, timeoutSeconds: 20 });
    expect(pod.terminationGracePeriodSeconds).toBe(75);
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, readOnlyRootFilesystem: false, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("wires secrets as a file and a secretKeyRef, never as values: the HF token only into the copy Job", async () => {
    const { resources } = await runPromise;
    const pod = byName(resources, "vllm-deployment").inputs.spec.template.spec;
    const container = pod.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.VLLM_API_KEY).toEqual({ secretKeyRef: { name: "vllm-secrets", key: "api-key" } });
    // The server streams from S3: no token file, variable or volume anywhere in its pod.
    expect([env.HF_TOKEN_PATH, env.HF_TOKEN]).toEqual([undefined, undefined]);
    expect(JSON.stringify(pod)).not.toContain("hf-token");
    expect(container.args.some((arg: string) => arg.startsWith("--api-key"))).toBe(false);
    const copyPod = byName(resources, "vllm-copy").inputs.spec.template.spec;
    const copyEnv = Object.fromEntries(copyPod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(copyEnv.HF_TOKEN_PATH).toBe("/var/run/secrets/huggingface/token");
    expect(copyPod.volumes.find((v: any) => v.name === "hf-token").secret).toEqual({ secretName: "vllm-secrets", items: [{ key: "hf-token", path: "token" }], defaultMode: 0o440 });
    const secret = byName(resources, "vllm-secrets");
    expect(Object.keys(secret.inputs.stringData).sort()).toEqual(["api-key", "hf-token"]);
    expect(secret.secretInputs).toContain("stringData");
  });

  // Issue #13: the server streams its weights from the stack's S3 cache; only the copy Job writes it.
  it("keeps the model in a private, encrypted S3 bucket reached through a gateway endpoint", async () => {
    const { resources } = await runPromise;
    const bucketName = `llm-stack-${stack}-123456789012-${plan.region}`;
    expect(byName(resources, "llm-model-cache", "aws:s3/bucket:Bucket").inputs).toMatchObject({ bucket: bucketName, forceDestroy: true });
    expect(byName(resources, "llm-model-cache-public-access").inputs).toEqual({ bucket: "llm-model-cache-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(byName(resources, "llm-model-cache-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(byName(resources, "llm-model-cache-encryption").inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(byName(resources, "llm-model-cache-lifecycle").inputs.rules).toEqual([
      { id: "intelligent-tiering", status: "Enabled", filter: { prefix: "models/" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
      { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
    ]);
    // Versioning stays off: no versioning resource at all.
    expect(resources.filter((r) => r.type.startsWith("aws:s3/bucketVersioning"))).toEqual([]);
    expect(byName(resources, "llm-network-s3").inputs).toEqual({
      vpcId: "llm-network-vpc-id", serviceName: `com.amazonaws.${plan.region}.s3`, vpcEndpointType: "Gateway", routeTableIds: ["llm-network-private-rt-id"], tags: { Name: "llm-network-s3" },
    });
    expect(byName(resources, "llm-cluster-eks-pod-identity-agent").inputs.addonName).toBe("eks-pod-identity-agent");
  });

  it("lets the server read only its model revision's prefix, and only the copy Job write it, through Pod Identity", async () => {
    const { resources } = await runPromise;
    const bucketArn = `arn:aws:s3:::llm-stack-${stack}-123456789012-${plan.region}`;
    const prefix = `models/${plan.repo}/main/`;
    const association = (name: string) => byName(resources, `${name}-association`).inputs;
    expect(association("vllm-model-read")).toEqual({ clusterName: `llm-stack-${stack}`, namespace: "llm", serviceAccount: "vllm", roleArn: "arn:aws:mock:123456789012:vllm-model-read-role" });
    expect(association("vllm-model-copy")).toEqual({ clusterName: `llm-stack-${stack}`, namespace: "llm", serviceAccount: "vllm-model-copy", roleArn: "arn:aws:mock:123456789012:vllm-model-copy-role" });
    expect(JSON.parse(byName(resources, "vllm-model-read-policy").inputs.policy).Statement).toEqual([
      { Sid: "ReadModelRevision", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${prefix}*`] },
      { Sid: "ListModelRevision", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn], Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    ]);
    expect(JSON.parse(byName(resources, "vllm-model-copy-policy").inputs.policy).Statement[0].Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]);
    expect(JSON.parse(byName(resources, "vllm-model-read-role").inputs.assumeRolePolicy).Statement).toEqual([{
      Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:RequestTag/eks-cluster-name": `llm-stack-${stack}`, "aws:RequestTag/kubernetes-namespace": "llm", "aws:RequestTag/kubernetes-service-account": "vllm" } },
    }]);
    expect(byName(resources, "vllm-copy-sa").inputs.metadata.name).toBe("vllm-model-copy");
  });

  it("streams the weights from s3:// with the Run:ai streamer, after the copy Job, which runs on the GPU pool without a GPU", async () => {
    const { resources } = await runPromise;
    const container = byName(resources, "vllm-deployment").inputs.spec.template.spec.containers[0];
    expect(container.command).toEqual(["vllm", "serve", `s3://llm-stack-${stack}-123456789012-${plan.region}/models/${plan.repo}/main/`]);
    expect(container.args).toContain("--load-format=runai_streamer");
    // Both names: the streamer's C++ reads take AWS_REGION, boto3 (its listing, the copy script) only AWS_DEFAULT_REGION.
    expect(container.env.filter((e: any) => /^AWS_(DEFAULT_)?REGION$/.test(e.name))).toEqual([{ name: "AWS_REGION", value: plan.region }, { name: "AWS_DEFAULT_REGION", value: plan.region }]);
    const job = byName(resources, "vllm-copy").inputs;
    // A failed Job is replaced on the next up, not awaited again (pulumi-kubernetes replaceUnready).
    expect(job.metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
    expect(job.spec.template.spec.containers[0].command.slice(2, 6)).toEqual([plan.repo, "main", `llm-stack-${stack}-123456789012-${plan.region}`, `models/${plan.repo}/main/`]);
    expect(job.spec.template.spec.containers[0].resources.requests["nvidia.com/gpu"]).toBeUndefined();
    const group = byName(resources, "llm-gpu-ng").inputs;
    const node = { labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType }, taints: group.taints.map(eksTaint) };
    expect(schedulingProblems(job.spec.template.spec, node)).toEqual([]);
    // The SDK registers a resource only once its dependencies have registered: the Job comes first.
    const order = resources.map((r) => r.name);
    expect(order.indexOf("vllm-copy")).toBeLessThan(order.indexOf("vllm-deployment"));
  });

  // Issue #14 (observability: prometheus, the default for created clusters).
  it("runs the Prometheus operator v0.93.0 and a Prometheus on the system nodes, watching vLLM with a PodMonitor and alert rules", async () => {
    const { resources } = await runPromise;
    const crd = (file: string, version: string) => crdValidator("prometheus-operator", `crds/${file}`, version, { rejectUnknownFields: true });
    const prometheus = byName(resources, "llm-prometheus-llm-stack").inputs;
    expect(crd("monitoring.coreos.com_prometheuses.yaml", "v1")(prometheus)).toEqual([]);
    expect(crd("monitoring.coreos.com_podmonitors.yaml", "v1")(byName(resources, "vllm-podmonitor").inputs)).toEqual([]);
    const rules = byName(resources, "vllm-rules").inputs;
    expect(crd("monitoring.coreos.com_prometheusrules.yaml", "v1")(rules)).toEqual([]);
    // The cost rule carries the stack's price: 6.88 (p5.4xlarge) + 2 × 0.2016 (m7i.xlarge) + 0.10 (EKS) + 0.045 (NAT) = 7.4282 for dev.
    const costRule = rules.spec.groups[1].rules.find((r: any) => r.record === "llm_stack:cost_usd_per_hour");
    if (stack === "dev") expect(costRule.expr).toBe("vector(7.4282)");
    const operator = byName(resources, "llm-prometheus-deployment-prometheus-operator").inputs;
    // quay.io/prometheus-operator/prometheus-operator:v0.93.0 through the stack's cache rule for Quay.
    expect([operator.metadata.namespace, operator.spec.template.spec.containers[0].image]).toEqual(["llm-monitoring", `${cacheOf(stack)}/quay/prometheus-operator/prometheus-operator:v0.93.0`]);
    // Cluster-wide names carry the kit's prefix (kube-prometheus uses the upstream ones), and the binding follows its role.
    const binding = byName(resources, "llm-prometheus-clusterrolebinding-llm-stack-prometheus-operator").inputs;
    expect([binding.subjects, binding.roleRef.name]).toEqual([[{ kind: "ServiceAccount", name: "prometheus-operator", namespace: "llm-monitoring" }], "llm-stack-prometheus-operator"]);
    // On the system nodes by Kubernetes' own rules, and never on a GPU node (its taint).
    // kubelet labels every node kubernetes.io/os (a well-known label); EKS adds the node group's own.
    const system = { labels: { ...byName(resources, "llm-system-ng").inputs.labels, "kubernetes.io/os": "linux" }, taints: [] };
    const group = byName(resources, "llm-gpu-ng").inputs;
    const gpuNode = { labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType }, taints: group.taints.map(eksTaint) };
    for (const spec of [operator.spec.template.spec, prometheus.spec]) {
      expect(schedulingProblems(spec, system)).toEqual([]);
      expect(schedulingProblems(spec, gpuNode)).not.toEqual([]);
    }
    // The five CRDs the Prometheus controller watches, applied as the vendored files' text.
    const crdYaml: string = byName(resources, "llm-prometheus-crds").inputs.yaml;
    // Empty documents between files are skipped by every YAML reader, the provider's included.
    const crds = parseAllDocuments(crdYaml).map((d) => d.toJSON()).filter((c) => c !== null);
    expect(crds.map((c: any) => `${c.kind} ${c.metadata.name} ${c.metadata.annotations["operator.prometheus.io/version"]}`)).toEqual(
      ["prometheuses", "podmonitors", "servicemonitors", "probes", "prometheusrules"].map((plural) => `CustomResourceDefinition ${plural}.monitoring.coreos.com 0.93.0`),
    );
    for (const c of crds) expect(() => new CustomResourceDefinition(c).validate()).not.toThrow();
    // GPU telemetry: NVIDIA's DCGM exporter on the GPU pool only (it tolerates the pool's taint), scraped on its metrics port.
    const dcgm = byName(resources, "llm-dcgm-exporter-daemonset").inputs;
    expect(dcgm.spec.template.spec.containers[0].image).toBe("nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless");
    expect(schedulingProblems(dcgm.spec.template.spec, gpuNode)).toEqual([]);
    expect(schedulingProblems(dcgm.spec.template.spec, system)).not.toEqual([]);
    const dcgmMonitor = byName(resources, "llm-dcgm-exporter-podmonitor").inputs;
    expect(crd("monitoring.coreos.com_podmonitors.yaml", "v1")(dcgmMonitor)).toEqual([]);
    expect(dcgmMonitor.spec.selector.matchLabels).toEqual(dcgm.spec.selector.matchLabels);
    // Grafana on the system nodes, provisioned from files: the Prometheus datasource, vLLM's four vendored dashboards (Overview, Instances,
    // KV Cache, Speculative Decoding) and the kit's cost dashboard, whose every vLLM query names a series the pinned vLLM emits.
    const grafana = byName(resources, "llm-grafana-deployment-grafana").inputs;
    expect(grafana.spec.template.spec.containers[0].image).toBe(`${cacheOf(stack)}/docker-hub/grafana/grafana:13.0.1`);
    expect(schedulingProblems(grafana.spec.template.spec, system)).toEqual([]);
    const provisioning = byName(resources, "llm-grafana-configmap-grafana-provisioning").inputs.data;
    expect(JSON.parse(provisioning["datasources.yaml"]).datasources[0].url).toBe("http://prometheus-operated.llm-monitoring.svc:9090");
    const dashboards: Record<string, string> = byName(resources, "llm-grafana-configmap-grafana-dashboards").inputs.data;
    expect(Object.keys(dashboards).sort()).toEqual(["llm-stack-cost.json", "vllm_instances.json", "vllm_kv_cache.json", "vllm_overview.json", "vllm_speculative_decoding.json"]);
    const exprs = (node: unknown): string[] => (Array.isArray(node) ? node.flatMap(exprs) : node && typeof node === "object"
      ? Object.entries(node).flatMap(([key, value]) => (key === "expr" && typeof value === "string" ? [value] : exprs(value))) : []);
    for (const [file, text] of Object.entries(dashboards)) {
      const queries = exprs(JSON.parse(text));
      expect(queries.length, file).toBeGreaterThan(0);
      for (const query of queries) expect(unknownVllmSeries(query), `${file}: ${query}`).toEqual([]);
    }
    // Prometheus in its namespace reaches the metrics port through the server's NetworkPolicy.
    expect(byName(resources, "vllm-netpol").inputs.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llm-monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
    });
  });

  it("produces Kubernetes objects that validate against the Kubernetes schema", async () => {
    const { resources } = await runPromise;
    const objects = resources.filter((r) => r.type in KUBERNETES_MODELS);
    // The server's 11, the Prometheus stack's 8 (namespace, 2 service accounts, 2 cluster roles and bindings, the operator; its CRDs are the vendored text),
    // the DCGM exporter and Grafana's 4 (2 ConfigMaps, Deployment, Service).
    // An autoscaled stack adds 26: KEDA's 15 (namespace, service account, 2 Services, 2 Deployments, the APIService, 2 cluster
    // roles and 3 bindings, a Role and 2 RoleBindings; its CRDs are one YAML string, checked below), Cluster Autoscaler's 6 (service account, cluster role and
    // binding, Role and binding, Deployment) and the wake front's 5 (ConfigMap, Deployment, PodDisruptionBudget, NetworkPolicy,
    // headless Service) — counted from AUTOSCALED_RESOURCES.
    expect(objects).toHaveLength(stack in AUTOSCALED_GROUPS ? 50 : 24);
    for (const object of objects) {
      const Model = KUBERNETES_MODELS[object.type]!;
      expect(() => new Model(object.inputs).validate(), object.name).not.toThrow();
    }
  });

  it("schedules the NVIDIA device plugin and vLLM onto the GPU node group, by Kubernetes' own matching rules", async () => {
    const { resources } = await runPromise;
    const group = byName(resources, "llm-gpu-ng").inputs;
    const node = { labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType }, taints: group.taints.map(eksTaint) };
    const plugin = byName(resources, "llm-nvidia-device-plugin-daemonset").inputs;
    expect(plugin.spec.template.spec.containers[0].image).toBe("nvcr.io/nvidia/k8s-device-plugin:v0.20.0");
    expect(plugin.metadata.namespace).toBe("kube-system");
    expect(schedulingProblems(plugin.spec.template.spec, node)).toEqual([]);
    expect(schedulingProblems(byName(resources, "vllm-deployment").inputs.spec.template.spec, node)).toEqual([]);
    // ...and neither lands on the system nodes, which carry no GPU pool label.
    expect(schedulingProblems(plugin.spec.template.spec, { labels: { "llm-stack/system": "true" }, taints: [] })).toEqual([
      "nodeSelector llm-stack/gpu-pool=true does not match the node's labels", `nodeSelector llm-stack/stack=${stack} does not match the node's labels`,
    ]);
    // ...nor on another stack's GPU pool in the same cluster, and it is this stack's own copy, not NVIDIA's name.
    expect(schedulingProblems(plugin.spec.template.spec, { labels: { ...node.labels, "llm-stack/stack": "other" }, taints: node.taints })).toEqual([`nodeSelector llm-stack/stack=${stack} does not match the node's labels`]);
    expect(plugin.metadata.name).toBe(`nvidia-device-plugin-daemonset-llm-stack-${stack}`);
  });

  it("exports the endpoint, plan, cost and secret kubeconfig and API key", async () => {
    const { outputs, secretOutputs } = await runPromise;
    expect(outputs?.endpoint).toBe("http://vllm.llm.svc.cluster.local:8000/v1");
    expect([outputs?.model, outputs?.variant]).toEqual([plan.model, plan.variant]);
    expect(outputs?.plan).toEqual({
      instanceType: plan.instanceType, nodes: plan.nodes, gpus: plan.gpusPerReplica * plan.replicas, gpusPerReplica: plan.gpusPerReplica,
      tensorParallelSize: plan.tensorParallelSize, pipelineParallelSize: plan.pipelineParallelSize, replicas: plan.replicas, maxModelLen: plan.maxModelLen,
    });
    expect(secretOutputs).toEqual(["apiKey", "kubeconfig"]);
  });
});

/**
 * The committed autoscaled stack (Pulumi.scout.yaml: Llama 4 Scout, minReplicas 0, maxReplicas 2). Hand values:
 * - time to ready from a new node: 100 s boot + 288 s image pull + 140 s S3 stream + 163 s engine start = 691 s
 *   (test/plan/time-to-ready.test.ts, Llama 4 Scout's S3 row);
 * - one replica serves at once what vLLM batches: --max-num-seqs 1024 (its KV cache holds 9,044,992 tokens, over
 *   4,416 sequences of the 2,048 tokens in flight the throughput model assumes, so the 1024 cap binds);
 * - $/hour besides the GPU nodes: 2 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045 = $0.5482; a p5.48xlarge $55.04.
 */
describe("the autoscaled stack scout under mocks", () => {
  let resources: RecordedResource[];
  beforeAll(async () => {
    resources = (await committedStackRun("scout")).resources;
  });
  const system = () => ({ labels: { ...byName(resources, "llm-system-ng").inputs.labels, "kubernetes.io/os": "linux" }, taints: [] });
  const inputs = (name: string, type?: string) => byName(resources, name, type).inputs;

  it("scales the server with a KEDA ScaledObject on vLLM's queue, held for its time to ready, and woken by its front's 503s", () => {
    const scaledObject = inputs("vllm-scaledobject");
    expect(crdValidator("keda", "crds/keda.sh_scaledobjects.yaml", "v1alpha1", { rejectUnknownFields: true })(scaledObject)).toEqual([]);
    expect(scaledObject.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "vllm" });
    expect([scaledObject.spec.minReplicaCount, scaledObject.spec.maxReplicaCount, scaledObject.spec.cooldownPeriod]).toEqual([0, 2, 691]);
    expect(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(691);
    const [queue, kvCache, wake] = scaledObject.spec.triggers;
    expect(queue).toEqual({
      type: "prometheus",
      name: "queue",
      metadata: {
        serverAddress: "http://prometheus-operated.llm-monitoring.svc:9090",
        // vLLM labels its series model_name = the served model name (--served-model-name=llama-4-scout-17b-16e-instruct).
        query: 'sum(vllm:num_requests_running{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"}) + sum(vllm:num_requests_waiting{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"})',
        // Acts above 1024 in flight per replica. The HPA (replica_calculator.go) adds replicas only when
        // sum / (threshold × replicas) > 1 + 0.1 (its default tolerance): 1024 / 1.1 = 930.9090… → 930.909
        // (KEDA's milli-units, rounded down), which acts above 930.909 × 1.1 = 1023.9999 in flight.
        threshold: "930.909",
        activationThreshold: "0",
      },
    });
    // Acts above a mean KV cache use of 0.9: 0.9 / 1.1 = 0.81818… → 0.818, acting above 0.818 × 1.1 = 0.8998.
    // A threshold of 0.9 would act only above 0.9 × 1.1 = 0.99.
    expect(kvCache.metadata).toMatchObject({ query: 'sum(vllm:kv_cache_usage_perc{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"})', threshold: "0.818" });
    // Requests at the front, turned away or passed on, over a window that with the 691 s cooldown outlasts
    // Retry-After by a minute. Retry-After: the time to ready with the node boot at its slow end,
    // 691 − 100 + 900 = 1,491 s, after KEDA's 60 s to see the request = 1,551 s; window 1,551 + 60 − 691 = 920 s.
    expect(scaledObject.spec.initialCooldownPeriod).toBe(691);
    expect(wake.metadata).toMatchObject({
      query: 'clamp_max(sum(increase(envoy_cluster_upstream_cx_none_healthy{namespace="llm",envoy_cluster_name="vllm"}[920s])) + sum(increase(envoy_cluster_upstream_rq_total{namespace="llm",envoy_cluster_name="vllm"}[920s])), 1)',
      ignoreNullValues: "false",
    });
    // The HPA owns the replica count: the manifest leaves it out (server-side apply would otherwise fight it).
    expect("replicas" in inputs("vllm-deployment").spec).toBe(false);
  });

  it("adds a replica where the README says, under the HPA's tolerance rule: mean KV cache use above 0.9, in flight above 1024", () => {
    // kubernetes pkg/controller/podautoscaler/replica_calculator.go, GetExternalPerPodMetricReplicas
    // (AverageValue): usageRatio = usage / (target × replicas); the count changes only when
    // |1 − usageRatio| > tolerance (0.1 by default), and then becomes ceil(usage / target).
    const hpaReplicas = (usage: number, target: number, replicas: number): number =>
      Math.abs(1 - usage / (target * replicas)) > 0.1 ? Math.ceil(usage / target) : replicas;
    const [queue, kvCache] = inputs("vllm-scaledobject").spec.triggers;
    const kvTarget = Number(kvCache.metadata.threshold);
    const queueTarget = Number(queue.metadata.threshold);
    // One replica: 0.89 of its KV cache used stays at one, 0.91 asks for two (not only above 0.99).
    expect([hpaReplicas(0.89, kvTarget, 1), hpaReplicas(0.91, kvTarget, 1), hpaReplicas(0.95, kvTarget, 1)]).toEqual([1, 2, 2]);
    // 1,000 requests in flight on one replica stay there; 1,030 (above 1024) ask for a second.
    expect([hpaReplicas(1000, queueTarget, 1), hpaReplicas(1030, queueTarget, 1)]).toEqual([1, 2]);
    // Two replicas whose mean KV use falls to 0.4 (0.8 in all) go back to one: ceil(0.8 / 0.818) = 1.
    expect(hpaReplicas(0.8, kvTarget, 2)).toBe(1);
  });

  it("puts a wake front before a server that scales to zero: the endpoint's Service selects Envoy, which answers 503 with Retry-After", () => {
    const front = inputs("vllm-wake-front", "kubernetes:apps/v1:Deployment");
    const frontLabels = { "app.kubernetes.io/name": "vllm-wake-front", "app.kubernetes.io/instance": "vllm" };
    expect(inputs("vllm-service").spec.selector).toEqual(frontLabels);
    expect(inputs("vllm-upstream").spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: false, selector: { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" } });
    expect(schedulingProblems(front.spec.template.spec, system())).toEqual([]);
    const envoy = parseYaml(inputs("vllm-wake-front-config").data["envoy.yaml"]);
    const mapper = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.local_reply_config.mappers[0];
    // 1,491 s to a ready replica on a new node whose boot takes the assumed slow end (900 s, not 100 s),
    // after the 60 s in which KEDA first sees the request.
    expect(mapper.headers_to_add[0].header).toEqual({ key: "retry-after", value: "1551" });
    expect(envoy.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe("vllm-upstream.llm.svc.cluster.local.");
    // Its PodMonitor and its alert validate against the operator's CRDs (v0.93.0), unknown fields refused.
    const crd = (file: string) => crdValidator("prometheus-operator", `crds/${file}`, "v1", { rejectUnknownFields: true });
    expect(crd("monitoring.coreos.com_podmonitors.yaml")(inputs("vllm-wake-front-podmonitor"))).toEqual([]);
    expect(crd("monitoring.coreos.com_prometheusrules.yaml")(inputs("vllm-wake-front-rules"))).toEqual([]);
    expect(inputs("vllm-wake-front-rules").spec.groups[0].rules[0].expr).toBe('absent(envoy_cluster_upstream_cx_none_healthy{namespace="llm",envoy_cluster_name="vllm"})');
    // Only the front calls the server; clients are admitted to the front.
    expect(inputs("vllm-netpol").spec.ingress[0].from[0]).toEqual({ podSelector: { matchLabels: frontLabels } });
    expect(inputs("vllm-wake-front-netpol").spec.ingress[0].from[0]).toEqual({ podSelector: { matchLabels: { "llm-stack/client": "true" } } });
  });

  it("runs KEDA v2.20.2 and Cluster Autoscaler 1.35.2 on the system nodes, CA with a Pod Identity role scoped to its cluster's groups", () => {
    // KEDA's six CRDs, as one YAML stream applied before the operator, each a valid CRD.
    const crds = parseAllDocuments(inputs("llm-keda-crds").yaml).map((d) => d.toJSON());
    expect(crds.map((c: any) => c.metadata.name).sort()).toEqual([
      "cloudeventsources.eventing.keda.sh", "clustercloudeventsources.eventing.keda.sh", "clustertriggerauthentications.keda.sh",
      "scaledjobs.keda.sh", "scaledobjects.keda.sh", "triggerauthentications.keda.sh",
    ]);
    for (const crd of crds) expect(() => new CustomResourceDefinition(crd).validate(), crd.metadata.name).not.toThrow();
    for (const name of ["llm-keda-deployment-keda-operator", "llm-keda-deployment-keda-metrics-apiserver", "llm-cluster-autoscaler-deployment-cluster-autoscaler"]) {
      expect(schedulingProblems(inputs(name).spec.template.spec, system()), name).toEqual([]);
    }
    expect(inputs("llm-keda-deployment-keda-operator").spec.template.spec.containers[0].image).toBe(`${cacheOf("scout")}/ghcr/kedacore/keda:2.20.2`);
    const ca = inputs("llm-cluster-autoscaler-deployment-cluster-autoscaler").spec.template.spec.containers[0];
    expect(ca.image).toBe(`${cacheOf("scout")}/k8s/autoscaling/cluster-autoscaler:v1.35.2`);
    expect(ca.command).toContain("--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/llm-stack-scout");
    expect(ca.env).toContainEqual({ name: "AWS_REGION", value: "us-east-1" });
    expect(inputs("llm-cluster-autoscaler-access-association")).toMatchObject({ namespace: "kube-system", serviceAccount: "cluster-autoscaler" });
    const policy = JSON.parse(inputs("llm-cluster-autoscaler-access-policy").policy);
    const resize = policy.Statement.find((s: any) => s.Action.includes("autoscaling:SetDesiredCapacity"));
    expect(resize.Condition).toEqual({ Null: { "autoscaling:ResourceTag/k8s.io/cluster-autoscaler/llm-stack-scout": "false" } });
    // What a p5.48xlarge offers, for CA to scale the group up from zero nodes (read through eks:DescribeNodegroup).
    expect(inputs("llm-gpu-ng").tags).toEqual({ "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "8" });
    // Prometheus keeps its data through a system node's removal.
    expect(inputs("llm-prometheus-llm-stack").spec.podMetadata.annotations).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
  });

  it("fits every pod it puts on the system nodes into the two m7i.xlarge, with room left for EKS's own add-ons", () => {
    // Allocatable per m7i.xlarge (4 vCPU, 16 GiB) as nodeadm reserves it (awslabs/amazon-eks-ami
    // nodeadm/internal/kubelet/config.go): CPU 6% of the first core + 1% of the second + 0.5% of cores
    // 3–4 = 80m; memory 11 MiB × maxPods + 255 MiB, maxPods = 4 ENIs × (15 − 1) + 2 = 58 (instance-info.jsonl):
    // 893 MiB, plus the 100 Mi memory.available eviction threshold.
    const allocatable = { cpuMilli: 2 * (4000 - 80), memoryMiB: 2 * (16384 - 893 - 100) };
    // A choice, not a measurement: CoreDNS, kube-proxy, the VPC CNI, the Pod Identity agent and Prometheus' config reloader.
    const addOns = { cpuMilli: 1000, memoryMiB: 1024 };
    const cpuMilli = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const memoryMiB = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : q.endsWith("Mi") ? Number(q.slice(0, -2)) : Number.NaN);
    const onSystem = resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && schedulingProblems(r.inputs.spec.template.spec, system()).length === 0);
    expect(onSystem.map((r) => r.inputs.metadata.name).sort()).toEqual([
      "cluster-autoscaler", "grafana", "keda-metrics-apiserver", "keda-operator", "prometheus-operator", "vllm-wake-front",
    ]);
    const requests = [
      ...onSystem.flatMap((r) => r.inputs.spec.template.spec.containers.map((c: any) => ({ replicas: r.inputs.spec.replicas ?? 1, ...c.resources.requests }))),
      { replicas: 1, ...inputs("llm-prometheus-llm-stack").spec.resources.requests },
    ];
    const total = requests.reduce((sum, r) => ({ cpuMilli: sum.cpuMilli + r.replicas * cpuMilli(r.cpu), memoryMiB: sum.memoryMiB + r.replicas * memoryMiB(r.memory) }), addOns);
    expect(total.cpuMilli).toBeLessThanOrEqual(allocatable.cpuMilli);
    expect(total.memoryMiB).toBeLessThanOrEqual(allocatable.memoryMiB);
  });

  it("leaves KEDA's own writes alone and deletes the ScaledObject before any part of KEDA (its finalizer needs the operator and its RBAC)", () => {
    expect(byName(resources, "llm-keda-apiservice-v1beta1.external.metrics.k8s.io").ignoreChanges).toEqual(["spec.caBundle"]);
    // The CRDs' ConfigGroup and the install's 15 objects (test "produces Kubernetes objects…" counts them).
    const keda = resources.filter((r) => r.name.startsWith("llm-keda-")).map((r) => r.name);
    expect(keda).toHaveLength(16);
    expect(byName(resources, "vllm-scaledobject").dependencies).toEqual(expect.arrayContaining([...keda, "vllm-deployment"]));
  });

  it("outputs the replica range, its GPU nodes and its cost at each end", async () => {
    const { outputs } = await committedStackRun("scout");
    expect(outputs?.autoscaling).toEqual({ minReplicas: 0, maxReplicas: 2, minNodes: 0, maxNodes: 2, minHourlyUsd: 0.5482, maxHourlyUsd: 110.8298 });
    expect((await committedStackRun("dev")).outputs?.autoscaling).toBeNull();
  });

  it("records the live cost from the GPU nodes up now, not the planned count", () => {
    const rules = inputs("vllm-rules").spec.groups[1].rules;
    expect(rules[0]).toEqual({ record: "llm_stack:cost_usd_per_hour", expr: "vector(0.5482) + (count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL)) or vector(0)) * 55.04" });
  });
});

describe("the program", () => {
  it("validates the Kubernetes validator is live: a broken Deployment fails", () => {
    expect(() => new Deployment({ metadata: { name: "x" }, spec: { replicas: "two" } } as never).validate()).toThrow();
  });

  it("keeps secrets out of everything but secret outputs and Kubernetes Secret data", async () => {
    process.env.LLM_STACK_TEST_API_KEY = API_KEY;
    try {
      const { resources, outputs, secretOutputs } = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS });
      const holders = resources.filter((r) => JSON.stringify(r.inputs).includes(HF_TOKEN) || JSON.stringify(r.inputs).includes(API_KEY)).map((r) => r.name);
      expect(holders).toEqual(["vllm-secrets"]);
      const secret = byName(resources, "vllm-secrets").inputs;
      expect(secret.stringData).toEqual({ "api-key": API_KEY, "hf-token": HF_TOKEN });
      const leaking = Object.entries(outputs ?? {}).filter(([, v]) => JSON.stringify(v).includes(API_KEY) || JSON.stringify(v).includes(HF_TOKEN)).map(([k]) => k);
      expect(leaking).toEqual(["apiKey"]);
      expect(secretOutputs).toContain("apiKey");
    } finally {
      delete process.env.LLM_STACK_TEST_API_KEY;
    }
  });

  it("registers identical resources and inputs when run twice with the same config", async () => {
    const first = await runProgram(withToken(stackFileConfig("mixtral")), { stack: "mixtral", secretKeys: SECRET_KEYS });
    const second = await runProgram(withToken(stackFileConfig("mixtral")), { stack: "mixtral", secretKeys: SECRET_KEYS });
    const canonical = (run: typeof first) => [...run.resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    expect(canonical(second)).toEqual(canonical(first));
    expect(second.outputs).toEqual(first.outputs);
  });

  it("changes only the GPU pool, the Deployment, the copy Job and the cache's access policies when the model changes", async () => {
    const before = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS });
    const after = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:model": "mistral-small-3.2-24b-instruct" }), { secretKeys: SECRET_KEYS });
    expect(listOf(after.resources)).toEqual(listOf(before.resources));
    const changed = before.resources
      .filter((r) => JSON.stringify(byName(after.resources, r.name, r.type).inputs) !== JSON.stringify(r.inputs))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    // The launch template stays: with the data on instance-store NVMe its root volume no longer
    // grows with the model, so only the pool's labels and the server change — and the model cache's
    // revision prefix: a new copy Job, and both roles' policies scoped to the new prefix.
    expect(changed).toEqual([
      "aws:eks/nodeGroup:NodeGroup llm-gpu-ng",
      "aws:iam/rolePolicy:RolePolicy vllm-model-copy-policy",
      "aws:iam/rolePolicy:RolePolicy vllm-model-read-policy",
      "kubernetes:apps/v1:Deployment vllm-deployment",
      "kubernetes:batch/v1:Job vllm-copy",
      // Its alert and cost rules select the served model's series by model_name.
      "kubernetes:monitoring.coreos.com/v1:PrometheusRule vllm-rules",
    ]);
    for (const [type, name] of [["aws:ec2/vpc:Vpc", "llm-network-vpc"], ["aws:eks/cluster:Cluster", "llm-cluster-cluster"], ["aws:kms/key:Key", "llm-cluster-secrets"], ["aws:eks/nodeGroup:NodeGroup", "llm-system-ng"]] as const) {
      expect(byName(after.resources, name, type).inputs).toEqual(byName(before.resources, name, type).inputs);
    }
  });

  it("adds a GPU pool to an existing EKS cluster without creating a VPC or cluster, in the subnets whose AZ offers the type", async () => {
    const run = await runProgram(withToken({
      ...stackFileConfig("dev"), "llm-stack:cluster": "eks:platform", "llm-stack:nodeSubnetIds": '["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]',
    }), { secretKeys: SECRET_KEYS, subnets: { "subnet-0123456789abcdef0": "use1-az1", "subnet-0fedcba9876543210": "use1-az4" }, offerings: { "p5.4xlarge": ["use1-az4", "use1-az6"] } });
    expect(run.error).toBeUndefined();
    expect(listOf(run.resources).filter((r) => /Vpc |eks\/cluster:|network:Network|EksCluster|SystemNodeGroup|Subnet/.test(r))).toEqual([]);
    const group = byName(run.resources, "llm-gpu-ng").inputs;
    expect([group.clusterName, group.subnetIds]).toEqual(["platform", ["subnet-0fedcba9876543210"]]);
    // An existing cluster may run its own Prometheus operator: the stack installs none unless asked (observability prometheus).
    expect(listOf(run.resources).filter((r) => /prometheus|dcgm|monitoring/i.test(r))).toEqual([]);
    expect(run.outputs?.hourlyUsd).toBe(6.88);
  });

  it("fails, registering nothing, when none of an existing cluster's subnets is in an AZ offering the type", async () => {
    const run = await runProgram(withToken({
      ...stackFileConfig("dev"), "llm-stack:cluster": "eks:platform", "llm-stack:nodeSubnetIds": '["subnet-0123456789abcdef0"]',
    }), { secretKeys: SECRET_KEYS, subnets: { "subnet-0123456789abcdef0": "use1-az1" }, offerings: { "p5.4xlarge": ["use1-az4"] } });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual(["llm-stack:nodeSubnetIds"]);
    expect((run.error as Error).message).toContain("none of nodeSubnetIds [subnet-0123456789abcdef0 (use1-az1)] is in an AZ where p5.4xlarge can run in us-east-1 (AZ ids offering it: use1-az4)");
  });

  it("puts the GPU node group only in the AZ that offers the type, by AZ id, and the VPC in every AZ", async () => {
    // Only use1-az6 (us-east-1b in the mock account) offers p5.4xlarge; use1-az3 takes nodes but no EKS control plane.
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": ["use1-az6"] } });
    expect(run.error).toBeUndefined();
    const subnet = (name: string) => byName(run.resources, name, "aws:ec2/subnet:Subnet").inputs;
    // Addresses from the AZ number: private 10.0.32N.0/19, public 10.0.N.0/24.
    expect(["use1-az1", "use1-az3", "use1-az6"].map((zoneId) => [subnet(`llm-network-private-${zoneId}`).availabilityZoneId, subnet(`llm-network-private-${zoneId}`).cidrBlock, subnet(`llm-network-public-${zoneId}`).cidrBlock])).toEqual([
      ["use1-az1", "10.0.32.0/19", "10.0.1.0/24"], ["use1-az3", "10.0.96.0/19", "10.0.3.0/24"], ["use1-az6", "10.0.192.0/19", "10.0.6.0/24"],
    ]);
    expect(subnet("llm-network-private-use1-az6").availabilityZone).toBeUndefined();
    expect(byName(run.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az6"));
    const clusterSubnets = privateIds("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6");
    expect(byName(run.resources, "llm-system-ng").inputs.subnetIds).toEqual(clusterSubnets);
    expect(byName(run.resources, "llm-cluster-cluster").inputs.vpcConfig.subnetIds).toEqual(clusterSubnets);
    expect(run.outputs?.gpuZoneIds).toEqual(["use1-az6"]);
  });

  it("keeps the network identical when a model switch moves the GPUs to an instance type offered elsewhere", async () => {
    const offerings = { "p5.4xlarge": ["use1-az4", "use1-az6"], "p5.48xlarge": ["use1-az2", "use1-az4"] };
    const before = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings });
    const after = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:model": "llama-3.3-70b-instruct", "llm-stack:maxHourlyUsd": "60" }), { secretKeys: SECRET_KEYS, offerings });
    const network = (run: typeof before) => run.resources.filter((r) => r.type.startsWith("aws:ec2/") && !r.name.startsWith("llm-gpu")).map((r) => [r.name, r.inputs]);
    expect(network(after)).toEqual(network(before));
    expect(byName(before.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az4", "use1-az6"));
    expect(byName(after.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az2", "use1-az4"));
  });

  it("runs GPU nodes in an AZ EKS refuses for control planes (use1-az3) when only it offers the type", async () => {
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": ["use1-az3"] } });
    expect(byName(run.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az3"));
    expect(byName(run.resources, "llm-cluster-cluster").inputs.vpcConfig.subnetIds).not.toContain("llm-network-private-use1-az3-id");
  });

  it("fails, registering nothing, when the region offers the instance type in no AZ", async () => {
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": [] } });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual(["aws:region"]);
    expect((run.error as Error).message).toContain("p5.4xlarge is not offered in any available AZ of us-east-1 [us-east-1c (use1-az1), us-east-1d (use1-az2), us-east-1e (use1-az3), us-east-1a (use1-az4), us-east-1f (use1-az5), us-east-1b (use1-az6)]");
  });

  it("opens a public endpoint to the allowlist only, or keeps it private, and pins a version in standard support with an explicit upgrade policy", async () => {
    const publicRun = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS });
    const cluster = byName(publicRun.resources, "llm-cluster-cluster").inputs;
    const clusterSubnets = privateIds("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6");
    expect(cluster.vpcConfig).toEqual({ subnetIds: clusterSubnets, endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.7/32"] });
    // EKS 1.35: standard support until 2027-03-27 (endoflife.date/amazon-eks, read 2026-11-27); 1.34 ends 2026-12-02.
    expect([cluster.version, cluster.upgradePolicy]).toEqual(["1.35", { supportType: "STANDARD" }]);
    const privateRun = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:clusterEndpointAccess": "private", "llm-stack:clusterPublicAccessCidrs": "[]" }), { secretKeys: SECRET_KEYS });
    expect(privateRun.error).toBeUndefined();
    expect(byName(privateRun.resources, "llm-cluster-cluster").inputs.vpcConfig).toEqual({ subnetIds: clusterSubnets, endpointPrivateAccess: true, endpointPublicAccess: false });
  });

  it("prices and sets extended support when the stack chooses it: $0.60/h instead of $0.10/h for the control plane", async () => {
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:kubernetesSupportType": "extended" }), { secretKeys: SECRET_KEYS });
    expect(byName(run.resources, "llm-cluster-cluster").inputs.upgradePolicy).toEqual({ supportType: "EXTENDED" });
    // 6.88 (p5.4xlarge) + 2 × 0.2016 (m7i.xlarge) + 0.60 (EKS extended) + 0.045 (NAT) = 7.9282
    expect(run.outputs?.hourlyUsd).toBe(7.9282);
  });

  it("gives the listed IAM principals cluster admin through access entries", async () => {
    const admins = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:user/alice"];
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:clusterAdminPrincipalArns": JSON.stringify(admins) }), { secretKeys: SECRET_KEYS });
    expect(run.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry").map((r) => [r.name, r.inputs.principalArn, r.inputs.type])).toEqual([
      // Named by the first 10 hex digits of each ARN's SHA-256 (`printf %s <arn> | sha256sum`), never by position.
      ["llm-cluster-admin-262f3962e8", admins[0], "STANDARD"], ["llm-cluster-admin-b7d71d383b", admins[1], "STANDARD"],
    ]);
    expect(run.resources.filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((r) => [r.inputs.policyArn, r.inputs.accessScope])).toEqual([
      ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
      ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
    ]);
  });

  it("refuses, registering nothing, an admin list that names the identity running pulumi (EKS already made it admin)", async () => {
    // The mock caller is arn:aws:sts::123456789012:assumed-role/deployer/pulumi-session: the role deployer.
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:clusterAdminPrincipalArns": '["arn:aws:iam::123456789012:role/ci/deployer"]' }), { secretKeys: SECRET_KEYS });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => [issue.path, issue.hint])).toEqual([["llm-stack:clusterAdminPrincipalArns", "Remove arn:aws:iam::123456789012:role/ci/deployer from clusterAdminPrincipalArns."]]);
  });

  it("registers the same resources whether the Pulumi CLI filled in Pulumi.yaml's defaults or a key was never declared", async () => {
    const raw: Record<string, string> = {
      "aws:region": "us-east-1", "llm-stack:model": "llama-3.1-8b-instruct", "llm-stack:maxModelLen": "32768", "llm-stack:maxHourlyUsd": "10",
    };
    const withDefaults = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS });
    const without = await runProgram(withToken(raw), { secretKeys: SECRET_KEYS });
    expect(Object.keys(stackFileConfig("dev")).length).toBeGreaterThan(Object.keys(raw).length);
    const canonical = (run: typeof without) => [...run.resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    expect(canonical(withDefaults)).toEqual(canonical(without));
  });

  it("deploys only the vLLM server to a cluster reached by kubeconfig", async () => {
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:cluster": "kubeconfig", "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n" }), { secretKeys: SECRET_KEYS });
    expect(run.error).toBeUndefined();
    expect(listOf(run.resources).filter((r) => r.startsWith("aws:") || r.includes("Release"))).toEqual([]);
    const pod = byName(run.resources, "vllm-deployment").inputs.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "node.kubernetes.io/instance-type": "p5.4xlarge" });
    // Its AWS side is not the stack's: no cache, no copy Job; vLLM downloads from Hugging Face with the token file.
    expect(listOf(run.resources).filter((r) => /Job|ConfigMap|model-cache|copy|prometheus|monitoring/i.test(r))).toEqual([]);
    expect(pod.containers[0].command).toEqual(["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]);
    expect(pod.containers[0].env.find((e: any) => e.name === "HF_TOKEN_PATH")).toEqual({ name: "HF_TOKEN_PATH", value: "/var/run/secrets/huggingface/token" });
    // Nor are its nodes' roles: images come from their own registries (imageSource auto = upstream), as pinned.
    expect(pod.containers[0].image).toBe("vllm/vllm-openai:v0.33.0");
  });

  it("buys a Capacity Block through the launch template and launches only in the reservation's AZ", async () => {
    const run = await runProgram(withToken({
      ...stackFileConfig("dev"), "llm-stack:capacityType": "capacity-block", "llm-stack:capacityReservationId": "cr-0123456789abcdef0", "llm-stack:capacityReservationZoneId": "use1-az6",
    }), { secretKeys: SECRET_KEYS });
    const template = byName(run.resources, "llm-gpu-lt").inputs;
    expect(template.instanceMarketOptions).toEqual({ marketType: "capacity-block" });
    expect(template.capacityReservationSpecification).toEqual({ capacityReservationTarget: { capacityReservationId: "cr-0123456789abcdef0" } });
    const group = byName(run.resources, "llm-gpu-ng").inputs;
    expect(group.capacityType).toBe("CAPACITY_BLOCK");
    expect(group.subnetIds).toEqual(privateIds("use1-az6"));
    expect(run.outputs?.gpuZoneIds).toEqual(["use1-az6"]);
  });

  it("puts an internal load balancer in front of vLLM and admits only the VPC", async () => {
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:exposure": "internal-lb" }), { secretKeys: SECRET_KEYS });
    const lb = byName(run.resources, "vllm-internal-lb").inputs;
    expect(lb.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]).toBe("true");
    expect(lb.spec.loadBalancerSourceRanges).toEqual(["10.0.0.0/16"]);
    expect(() => new Service(lb).validate()).not.toThrow();
    expect(byName(run.resources, "vllm-netpol").inputs.spec.ingress[0].from).toEqual([
      { podSelector: { matchLabels: { "llm-stack/client": "true" } } },
      { ipBlock: { cidr: "10.0.0.0/16" } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llm-monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } },
    ]);
  });

  it("fails on bad config with one error naming every problem, and registers nothing", async () => {
    const run = await runProgram({
      "aws:region": "us-east-1",
      "llm-stack:model": "llama-4-scout-17b-16e-instruct",
      "llm-stack:quantization": "int8",
      "llm-stack:maxModelLen": "20000000",
      "llm-stack:tensorParallelSize": "16",
      "llm-stack:replicas": "two",
      "llm-stack:vllmImage": "vllm/vllm-openai:latest",
      "llm-stack:exposure": "public",
    });
    expect(run.resources).toEqual([]);
    // The program's modules are loaded afresh per run, so compare the error by name, not class identity.
    expect((run.error as Error).name).toBe("StackConfigError");
    expect(pulumi.RunError.isInstance(run.error)).toBe(true);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual([
      "llm-stack:vllmImage", "llm-stack:exposure", "llm-stack:clusterPublicAccessCidrs", "llm-stack:quantization", "llm-stack:replicas",
      "llm-stack:maxModelLen", "llm-stack:tensorParallelSize",
      // The image cache, on by default for a created cluster, pulls vLLM's Docker Hub image with the operator's login.
      "llm-stack:dockerHubUsername", "llm-stack:dockerHubAccessToken", "llm-stack:hfToken",
    ]);
    expect((run.error as PlanInputError).message.split("\n")[0]).toBe("invalid stack configuration; nothing was created (10 problems):");
  });

  it.each([
    ["an unknown model", { "llm-stack:model": "gpt-5" }, "llm-stack:model"],
    ["a quantization the model lacks", { "llm-stack:model": "phi-3.5-mini-instruct", "llm-stack:quantization": "int4" }, "llm-stack:quantization"],
    ["a context above the model's maximum", { "llm-stack:maxModelLen": "262144" }, "llm-stack:maxModelLen"],
    ["a TP that breaks vLLM's rules", { "llm-stack:model": "llama-4-scout-17b-16e-instruct", "llm-stack:tensorParallelSize": "16", "llm-stack:maxHourlyUsd": "100" }, "llm-stack:tensorParallelSize"],
    ["a plan above maxHourlyUsd", { "llm-stack:model": "llama-3.3-70b-instruct" }, "llm-stack:maxHourlyUsd"],
    ["a gated model without hfToken", {}, "llm-stack:hfToken"],
    ["a value of the wrong type", { "llm-stack:concurrency": "many" }, "llm-stack:concurrency"],
    ["an hfToken given in plain text", { "llm-stack:hfToken": "hf_plain" }, "llm-stack:hfToken"],
    ["a public endpoint without an allowlist", { "llm-stack:clusterPublicAccessCidrs": "[]" }, "llm-stack:clusterPublicAccessCidrs"],
    ["a Capacity Block without its AZ", { "llm-stack:capacityType": "capacity-block", "llm-stack:capacityReservationId": "cr-0123456789abcdef0" }, "llm-stack:capacityReservationZoneId"],
    ["an admin that is not an IAM ARN", { "llm-stack:clusterAdminPrincipalArns": '["alice"]' }, "llm-stack:clusterAdminPrincipalArns"],
    ["the image cache on a cluster reached by kubeconfig", { "llm-stack:cluster": "kubeconfig", "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n", "llm-stack:clusterPublicAccessCidrs": "[]", "llm-stack:dockerHubUsername": "", "llm-stack:githubUsername": "", "llm-stack:imageSource": "ecr-cache" }, "llm-stack:imageSource"],
    ["the image cache without the operator's Docker Hub user", { "llm-stack:dockerHubUsername": "" }, "llm-stack:dockerHubUsername"],
    ["the S3 model cache on a cluster reached by kubeconfig", { "llm-stack:cluster": "kubeconfig", "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n", "llm-stack:clusterPublicAccessCidrs": "[]", "llm-stack:weightsSource": "s3" }, "llm-stack:weightsSource"],
  ])("fails on %s, registering nothing", async (_, override, path) => {
    // The stack as the operator completes it, then the override: hfToken as a Pulumi secret unless overridden in plain text.
    const config: Record<string, string> = { ...withToken(stackFileConfig("dev")), ...override };
    if (path === "llm-stack:hfToken" && !("llm-stack:hfToken" in override)) config["llm-stack:hfToken"] = "";
    const run = await runProgram(config, { secretKeys: "llm-stack:hfToken" in override ? SECRET_KEYS.filter((key) => key !== "llm-stack:hfToken") : SECRET_KEYS });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual([path]);
  });
});
