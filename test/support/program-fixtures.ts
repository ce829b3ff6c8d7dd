/**
 * What the program tests share: the resources each committed stack is expected to register, the
 * operator's completion of a stack, and small readers of recorded runs. Expected lists are written
 * by hand, never read back from the program.
 */
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
import { planStack } from "../../infra/settings";
import { parseStackFile } from "../../infra/settings/stack-file";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RecordedResource } from "../program-runner";
import { MOCK_ZONES } from "../../cli/offline/program-run";
import { OPERATOR_SECRET_KEYS, withOperatorValues } from "./operator";

export const HF_TOKEN = "hf_SENTINEL_token_0123456789";
export const API_KEY = "sk-SENTINEL-api-key-abcdefghijklmnop";
/** A documentation address (RFC 5737) standing in for the operator's own, on the endpoint allowlist. */
export const ALLOWLIST = '["198.51.100.7/32"]';
/** What each operator sets for themselves before `pulumi up`: the token and the endpoint allowlist. */
export const withToken = (config: Record<string, string>) => withOperatorValues(config, { "llm-stack:hfToken": HF_TOKEN });
export const SECRET_KEYS = [...OPERATOR_SECRET_KEYS, "llm-stack:kubeconfig"];

/** The resource of that name; Pulumi names are unique per type, so `type` picks among same-named resources. */
export const byName = (resources: RecordedResource[], name: string, type?: string): RecordedResource => {
  const found = resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  if (found.length !== 1) throw new Error(`${found.length} resources named ${name}${type ? ` of type ${type}` : ""}`);
  return found[0]!;
};

/** The plan the stack file asks for, computed straight from the planner. */
export function planOf(stack: string) {
  const file = parseStackFile(stack, readFileSync(join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8"));
  return planStack(file.values, file.region);
}

export const KUBERNETES_MODELS: Record<string, { new (data: any): { validate(): void } }> = {
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

export const CREATE_MODE_RESOURCES = [
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
export const STACK_REGIONS: Record<string, string> = { dev: "us-east-1", mixtral: "us-west-2", scout: "us-east-1" };
export const cacheOf = (stack: string) => `123456789012.dkr.ecr.${STACK_REGIONS[stack]}.amazonaws.com/llm-${stack}`;

export const listOf = (resources: RecordedResource[]) => resources.map((r) => `${r.type} ${r.name}`).sort();

/** A public and a private subnet, each with its route-table association, in every AZ of the mock account's region. */
export const subnetResources = (region: string) =>
  MOCK_ZONES[region]!.flatMap(({ zoneId }) =>
    ["private", "public"].flatMap((tier) => [
      `aws:ec2/routeTableAssociation:RouteTableAssociation llm-network-${tier}-${zoneId}`,
      `aws:ec2/subnet:Subnet llm-network-${tier}-${zoneId}`,
    ]),
  );
export const createModeResources = (region: string) => [...CREATE_MODE_RESOURCES, ...subnetResources(region)].sort();
/** The private subnets of these AZ ids, as the mocks name their ids. */
export const privateIds = (...zoneIds: string[]) => zoneIds.map((zoneId) => `llm-network-private-${zoneId}-id`);

/**
 * The stacks that measure their endpoint after deploy (`benchmark: after-deploy`), and what that adds:
 * the Job, its script, its own service account with the Pod Identity role that may write benchmarks/
 * (S3 weights path), and the PodMonitor that scrapes its gauges (monitoring on).
 */
export const BENCHMARKED_STACKS = ["scout"];
export const BENCHMARK_RESOURCES = [
  "kubernetes:batch/v1:Job vllm-benchmark",
  "kubernetes:core/v1:ConfigMap vllm-benchmark-script",
  "kubernetes:core/v1:ServiceAccount vllm-benchmark-sa",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor vllm-benchmark-podmonitor",
  "llm-stack:model-cache:PodIdentityAccess vllm-benchmark",
  "aws:iam/role:Role vllm-benchmark-role",
  "aws:iam/rolePolicy:RolePolicy vllm-benchmark-policy",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation vllm-benchmark-association",
];

/** The stacks with capacityFallbacks (Pulumi.scout.yaml), and what that adds: the record of the options the budget policy prices. */
export const FALLBACK_STACKS = ["scout"];
export const FALLBACK_RESOURCES = ["kubernetes:core/v1:ConfigMap llm-capacity-options"];

/**
 * What an autoscaled stack adds (Pulumi.scout.yaml: minReplicas 0, maxReplicas 2): KEDA's core
 * install, Cluster Autoscaler with its Pod Identity role, the ScaledObject, and — for a server that
 * scales to zero — the inference gateway with one pool (components/serving/inference-gateway.ts):
 * the CRDs, agentgateway's controller (namespace, service account, cluster role and binding,
 * Service, Deployment), the key Secret, Gateway, parameters, route, five policies and the proxy's
 * NetworkPolicy, and the pool with its endpoint picker (service account, Role and binding, config,
 * Service, NetworkPolicy, Deployment, PodMonitor and the alert that it cannot be seen).
 */
export const AUTOSCALED_RESOURCES = [
  "llm-stack:serving:InferenceGateway llm-gateway",
  "kubernetes:yaml/v2:ConfigGroup llm-gateway-crds",
  "kubernetes:core/v1:Namespace llm-gateway-controller-namespace-agentgateway-system",
  "kubernetes:core/v1:ServiceAccount llm-gateway-controller-serviceaccount-agentgateway",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole llm-gateway-controller-clusterrole-agentgateway-agentgateway-system",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding llm-gateway-controller-clusterrolebinding-agentgateway-role-agentgateway-system",
  "kubernetes:core/v1:Service llm-gateway-controller-service-agentgateway",
  "kubernetes:apps/v1:Deployment llm-gateway-controller-deployment-agentgateway",
  "kubernetes:core/v1:Secret llm-gateway-api-keys",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayParameters llm-gateway-parameters",
  "kubernetes:gateway.networking.k8s.io/v1:Gateway llm-gateway-gateway",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy llm-gateway-netpol",
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute llm-gateway-route-0",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy llm-gateway-policy-model-header",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy llm-gateway-policy-api-key",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy llm-gateway-policy-backend-auth",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy llm-gateway-policy-models",
  "kubernetes:agentgateway.dev/v1alpha1:AgentgatewayPolicy llm-gateway-policy-body-buffer",
  "kubernetes:inference.networking.k8s.io/v1:InferencePool llm-gateway-vllm-pool",
  "kubernetes:core/v1:ServiceAccount llm-gateway-vllm-epp-sa",
  "kubernetes:rbac.authorization.k8s.io/v1:Role llm-gateway-vllm-epp-role",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding llm-gateway-vllm-epp-rolebinding",
  "kubernetes:core/v1:ConfigMap llm-gateway-vllm-epp-config",
  "kubernetes:core/v1:Service llm-gateway-vllm-epp-service",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy llm-gateway-vllm-epp-netpol",
  "kubernetes:apps/v1:Deployment llm-gateway-vllm-epp",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor llm-gateway-vllm-epp-podmonitor",
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule llm-gateway-vllm-epp-rules",
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
  "kubernetes:core/v1:Namespace llm-keda-namespace-keda",
  "kubernetes:core/v1:Service llm-keda-service-keda-metrics-apiserver",
  "kubernetes:core/v1:Service llm-keda-service-keda-operator",
  "kubernetes:core/v1:ServiceAccount llm-cluster-autoscaler-serviceaccount-cluster-autoscaler",
  "kubernetes:core/v1:ServiceAccount llm-keda-serviceaccount-keda-operator",
  "kubernetes:keda.sh/v1alpha1:ScaledObject vllm-scaledobject",
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
export const AUTOSCALED_GROUPS: Record<string, { desiredSize: number; minSize: number; maxSize: number }> = {
  scout: { desiredSize: 1, minSize: 0, maxSize: 2 },
};

/** The model each committed stack file names (Pulumi.<stack>.yaml). */
export const STACK_MODELS: Record<string, string> = {
  dev: "llama-3.1-8b-instruct",
  mixtral: "mixtral-8x7b-instruct-v0.1",
  scout: "llama-4-scout-17b-16e-instruct",
};
