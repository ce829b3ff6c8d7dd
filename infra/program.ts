/**
 * Wiring: which components a stack gets, in what order, for its cluster mode. Everything sized or
 * chosen here comes from the resolved settings, their plan and the AZ placement; index.ts only
 * exports the result.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./components/cluster/eks-cluster";
import { GpuNodePool, gpuPoolSelector, type GpuNodePoolArgs } from "./components/gpu/gpu-node-pool";
import { renderKubeconfig } from "./manifests/cluster/kubeconfig";
import { Network, VPC_CIDR } from "./components/cluster/network";
import { NodeRole } from "./components/cluster/node-role";
import { LwsController } from "./components/serving/lws-controller";
import { NvidiaDevicePlugin } from "./components/gpu/nvidia-device-plugin";
import { SYSTEM_NODE_LABELS, SystemNodeGroup } from "./components/cluster/system-node-group";
import { PrometheusStack } from "./components/observability/prometheus-stack";
import { DcgmExporter } from "./components/gpu/dcgm-exporter";
import { Grafana } from "./components/observability/grafana";
import { MONITORING_SELECTOR } from "./manifests/observability/prometheus-stack";
import { ClusterAutoscaler } from "./components/autoscaling/cluster-autoscaler";
import { Keda } from "./components/autoscaling/keda";
import { type StackConfig } from "./config";
import { type Placement } from "./placement-lookup";
import { ImageCache, type ImageCacheArgs } from "./components/cluster/image-cache";
import { nodeImagePolicy } from "./manifests/cluster/image-cache";
import { poolShapeOf, setPoolShape, type DeploymentPlan, type ImageSource, type ServerScaling } from "./plan";
import { servedModels } from "./settings/served-models";
import { type StackSettings } from "./settings/deployment";
import { modelCacheBucket, serveModelSet, serveOneModel, type ClusterAccess, type ServingContext } from "./serving-wiring";

interface PlanOutput {
  instanceType: string;
  nodes: number;
  gpus: number;
  gpusPerReplica: number;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  replicas: number;
  maxModelLen: number;
}

interface CommonOutputs {
  /** OpenAI-compatible base URL inside the cluster: the server's, or a set's gateway. */
  endpoint: string;
  /** AZ ids the GPU nodes may launch in (empty for cluster kubeconfig). */
  gpuZoneIds: string[];
  hourlyUsd: number;
  monthlyUsd: number;
  kubeconfig: pulumi.Output<string>;
  apiKey: pulumi.Output<string>;
}

/** A one-model stack's outputs. */
interface OneModelOutputs extends CommonOutputs {
  model: string;
  variant: string;
  plan: PlanOutput;
  /** An autoscaled stack's replica range, its GPU nodes and its cost at each end; null when fixed. */
  autoscaling: {
    minReplicas: number;
    maxReplicas: number;
    minNodes: number;
    maxNodes: number;
    minHourlyUsd: number;
    maxHourlyUsd: number;
  } | null;
}

/** A set's outputs: each model (the name clients send, its plan, node group and share of the bill) and the set's maximum. */
interface ModelSetOutputs extends CommonOutputs {
  models: Array<{
    name: string;
    model: string;
    variant: string;
    nodeGroup: string;
    plan: PlanOutput;
    hourlyUsd: number;
    autoscaling: ServerScaling | null;
  }>;
  maxHourlyUsd: number;
}

export type LlmStackOutputs = OneModelOutputs | ModelSetOutputs;

/**
 * The stack's ECR pull-through cache (imageSource ecr-cache: a created cluster only, whose nodes
 * run as the stack's role) and the policy its nodes need to fill it; null when images are pulled upstream.
 */
function imageCache(config: StackConfig, images: ImageSource): { cache: ImageCache; nodePolicy: Record<string, unknown> } | null {
  const resolved = config.settings.images;
  if (images.kind === "upstream" || resolved.source === "upstream") return null;
  const logins: ImageCacheArgs["logins"] = {};
  const { dockerHub, github } = config.registryTokens;
  if (resolved.dockerHub && dockerHub) logins.dockerHub = { username: resolved.dockerHub.username, token: dockerHub };
  if (resolved.github && github) logins.github = { username: resolved.github.username, token: github };
  const cache = new ImageCache("llm-image-cache", { stackPrefix: images.stackPrefix, logins });
  return { cache, nodePolicy: nodeImagePolicy(images.accountId, images.region, images.stackPrefix) };
}

function createdCluster(
  config: StackConfig,
  cluster: Extract<StackConfig["settings"]["cluster"], { mode: "create" }>,
  placement: Extract<Placement, { mode: "create" }>,
  clusterName: string,
  images: ImageSource,
): ClusterAccess {
  const { settings } = config;
  const cache = imageCache(config, images);
  const network = new Network("llm-network", { clusterName, zones: placement.vpcZones, region: settings.region });
  const clusterSubnetIds = network.privateSubnetIdsIn(placement.clusterZones);
  const eks = new EksCluster("llm-cluster", {
    clusterName,
    region: settings.region,
    subnetIds: clusterSubnetIds,
    endpoint: cluster.endpoint,
    adminPrincipalArns: cluster.adminPrincipalArns,
    supportType: cluster.supportType,
  });
  const nodeRole = new NodeRole("llm-nodes", { inlinePolicy: cache?.nodePolicy ?? null });
  const system = new SystemNodeGroup("llm-system", {
    clusterName: eks.clusterName,
    nodeRoleArn: nodeRole.arn,
    subnetIds: clusterSubnetIds,
    sizedByClusterAutoscaler: servedModels(settings).some((model) => model.autoscaling !== null),
  });
  const gpuPools = gpuNodePools(settings, {
    clusterName: eks.clusterName,
    nodeRoleArn: nodeRole.arn,
    subnetIds: network.privateSubnetIdsIn(placement.gpuZones),
    capacity: settings.capacity,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: network.vpcId, clusterSecurityGroupId: eks.clusterSecurityGroupId } : null,
  });
  // Every Kubernetes object waits for the nodes — and, with the cache, for its rules: a pod that
  // pulls before its upstream's rule exists fails the pull.
  const dependsOn = [system, ...gpuPools, ...(cache ? cache.cache.rules : [])];
  return {
    kubeconfig: eks.kubeconfig,
    systemNodeSelector: SYSTEM_NODE_LABELS,
    clusterName: eks.clusterName,
    gpuPools,
    dependsOn,
    vpcCidr: VPC_CIDR,
    gpuZoneIds: placement.gpuZones.map((zone) => zone.zoneId),
  };
}

function existingEksCluster({ settings }: StackConfig, name: string, placement: Extract<Placement, { mode: "eks" }>): ClusterAccess {
  const existing = aws.eks.getClusterOutput({ name });
  const nodeRole = new NodeRole("llm-nodes", { inlinePolicy: null });
  // readConfig refuses autoscaling on an existing cluster (it may run its own KEDA or autoscaler).
  const gpuPools = gpuNodePools(settings, {
    clusterName: existing.name,
    nodeRoleArn: nodeRole.arn,
    capacity: settings.capacity,
    subnetIds: placement.gpuSubnetIds,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: existing.vpcConfig.vpcId, clusterSecurityGroupId: existing.vpcConfig.clusterSecurityGroupId } : null,
  });
  const kubeconfig = pulumi.secret(
    pulumi
      .all([existing.name, existing.endpoint, existing.certificateAuthorities])
      .apply(([clusterName, endpoint, cas]) =>
        renderKubeconfig({ clusterName, endpoint, certificateAuthorityData: cas[0]?.data ?? "", region: settings.region }),
      ),
  );
  return {
    kubeconfig,
    systemNodeSelector: {},
    clusterName: existing.name,
    gpuPools,
    dependsOn: [...gpuPools],
    vpcCidr: null,
    gpuZoneIds: [],
  };
}

type PoolPlacement = Omit<GpuNodePoolArgs, "pool" | "autoscaling">;

/**
 * The stack's GPU node groups: `llm-gpu` for one model; for a set, `llm-gpu-<group>` per node group
 * of its packing, each carrying its models, an autoscaled model's group spanning its range.
 */
function gpuNodePools(settings: StackSettings, placement: PoolPlacement): GpuNodePool[] {
  if (!settings.modelSet)
    return [new GpuNodePool("llm-gpu", { ...placement, pool: poolShapeOf(settings.plan), autoscaling: settings.autoscaling })];
  const { models, packing } = settings.modelSet;
  return packing.nodeGroups.map((group) => {
    const carried = models.filter((model) => model.nodeGroup === group.name);
    const scaled = group.kind === "dedicated" ? (carried[0]?.autoscaling ?? null) : null;
    const shape = setPoolShape(
      group.name,
      group.instanceType,
      group.nodes,
      carried.map((model) => model.plan),
    );
    // EFA only where a replica spans nodes (resolve refuses efa when no model does).
    const efa = shape.spansNodes ? placement.efa : null;
    return new GpuNodePool(`llm-gpu-${group.name}`, { ...placement, efa, pool: shape, autoscaling: scaled });
  });
}

function clusterAccess(config: StackConfig, placement: Placement, clusterName: string, images: ImageSource): ClusterAccess {
  const { cluster } = config.settings;
  if (cluster.mode === "create" && placement.mode === "create") return createdCluster(config, cluster, placement, clusterName, images);
  if (cluster.mode === "eks" && placement.mode === "eks") return existingEksCluster(config, cluster.name, placement);
  if (cluster.mode === "kubeconfig" && config.kubeconfig)
    return {
      kubeconfig: config.kubeconfig,
      systemNodeSelector: {},
      clusterName: null,
      gpuPools: [],
      dependsOn: [],
      vpcCidr: null,
      gpuZoneIds: [],
    };
  throw new Error(`cluster mode ${cluster.mode} with placement ${placement.mode}: lookUpPlacement and readConfig disagree`);
}

export function createLlmStack(config: StackConfig, placement: Placement, images: ImageSource): LlmStackOutputs {
  const { settings } = config;
  const models = servedModels(settings);
  const clusterName = `llm-stack-${pulumi.getStack()}`;
  const access = clusterAccess(config, placement, clusterName, images);

  const provider = new k8s.Provider(
    "llm-k8s",
    { kubeconfig: access.kubeconfig, enableServerSideApply: true },
    { dependsOn: access.dependsOn },
  );
  const poolSelector = gpuPoolSelector(pulumi.getStack());
  // A cluster reached by kubeconfig already has GPU nodes and their device plugin.
  const devicePlugin =
    access.gpuPools.length > 0
      ? new NvidiaDevicePlugin(
          "llm-nvidia-device-plugin",
          { nodeSelector: poolSelector, instance: clusterName, efa: settings.efa },
          { provider, dependsOn: access.dependsOn },
        )
      : null;

  // Metrics and alerts: the operator and Prometheus on the system nodes (a created cluster's), never on GPU nodes.
  const prometheus =
    settings.observability === "prometheus"
      ? new PrometheusStack(
          "llm-prometheus",
          { nodeSelector: access.systemNodeSelector, images },
          { provider, dependsOn: access.dependsOn },
        )
      : null;

  if (prometheus) {
    new Grafana(
      "llm-grafana",
      {
        nodeSelector: access.systemNodeSelector,
        serverNamespace: settings.namespace,
        images,
        ...(settings.modelSet ? { modelSet: true } : {}),
      },
      { provider, dependsOn: [prometheus] },
    );
  }

  // GPU telemetry on the pools the stack owns (a kubeconfig cluster's GPU nodes are its owner's).
  if (prometheus && access.gpuPools.length > 0) {
    new DcgmExporter(
      "llm-dcgm-exporter",
      { nodeSelector: poolSelector, instance: clusterName, selectedBy: { ...MONITORING_SELECTOR }, ready: prometheus.ready },
      { provider, dependsOn: access.dependsOn },
    );
  }

  // Autoscaling (a created cluster only; readConfig refuses it elsewhere): KEDA moves the replicas on
  // vLLM's queue as Prometheus scrapes it, Cluster Autoscaler moves the GPU nodes after them.
  const autoscaled = models.some((model) => model.autoscaling !== null);
  const keda =
    autoscaled && prometheus && access.clusterName
      ? new Keda("llm-keda", { nodeSelector: access.systemNodeSelector, dependsOn: access.dependsOn, images }, { provider })
      : null;
  if (keda && access.clusterName) {
    new ClusterAutoscaler(
      "llm-cluster-autoscaler",
      {
        clusterName,
        clusterNameOutput: access.clusterName,
        region: settings.region,
        nodeSelector: access.systemNodeSelector,
        dependsOn: access.dependsOn,
        images,
      },
      { provider },
    );
  }

  // A replica over several nodes is a LeaderWorkerSet: its controller first (a kubeconfig cluster must run LWS v0.10.0 or later already).
  const lws =
    models.some((model) => model.plan.nodesPerReplica > 1) && access.gpuPools.length > 0
      ? new LwsController("llm-lws", { images }, { provider, dependsOn: access.dependsOn })
      : null;
  const bucket = models.some((model) => model.plan.weightsSource === "s3") ? modelCacheBucket(config) : null;
  const context: ServingContext = {
    config,
    access,
    provider,
    images,
    prometheus,
    keda,
    bucket,
    ready: [...(devicePlugin ? [devicePlugin] : []), ...(lws ? lws.ready : [])],
  };

  const common = {
    gpuZoneIds: access.gpuZoneIds,
    hourlyUsd: settings.cost.hourlyUsd,
    monthlyUsd: settings.cost.monthlyUsd,
    kubeconfig: pulumi.secret(access.kubeconfig),
  };
  if (settings.modelSet) {
    const served = serveModelSet(context, settings);
    return {
      ...common,
      endpoint: served.endpoint,
      apiKey: served.apiKey,
      models: settings.modelSet.models.map((model) => ({
        name: model.name,
        model: model.plan.model,
        variant: model.plan.variant,
        nodeGroup: model.nodeGroup,
        plan: planOutput(model.plan),
        hourlyUsd: settings.modelSet.packing.perModel[model.name]?.hourlyUsd ?? 0,
        autoscaling: model.autoscaling ? { ...model.autoscaling } : null,
      })),
      maxHourlyUsd: settings.cost.maxHourlyUsd,
    };
  }
  const { plan } = settings;
  const served = serveOneModel(context, settings);
  return {
    ...common,
    endpoint: served.endpoint,
    model: plan.model,
    variant: plan.variant,
    plan: planOutput(plan),
    autoscaling: settings.autoscaling
      ? { ...settings.autoscaling, minHourlyUsd: settings.cost.minHourlyUsd, maxHourlyUsd: settings.cost.maxHourlyUsd }
      : null,
    apiKey: served.apiKey,
  };
}

/** A plan as the stack outputs show it. */
function planOutput(plan: DeploymentPlan): PlanOutput {
  return {
    instanceType: plan.instanceType,
    nodes: plan.nodes,
    gpus: plan.replicas * plan.gpusPerReplica,
    gpusPerReplica: plan.gpusPerReplica,
    tensorParallelSize: plan.tensorParallelSize,
    pipelineParallelSize: plan.pipelineParallelSize,
    replicas: plan.replicas,
    maxModelLen: plan.maxModelLen,
  };
}
