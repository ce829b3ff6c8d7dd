/**
 * Wiring: which components a stack gets, in what order, for its cluster mode. Everything sized or
 * chosen here comes from the resolved settings, their plan and the AZ placement; index.ts only
 * exports the result.
 */
import * as aws from "@pulumi/aws";
import { INSTANCES } from "./catalog";
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
import { VllmServer, type ModelCacheSource, type VllmServerArgs } from "./components/serving/vllm-server";
import { PrometheusStack } from "./components/observability/prometheus-stack";
import { DcgmExporter } from "./components/gpu/dcgm-exporter";
import { Grafana } from "./components/observability/grafana";
import { MONITORING_NAMESPACE, MONITORING_SELECTOR, PROMETHEUS_ADDRESS } from "./manifests/observability/prometheus-stack";
import { setCostRule } from "./manifests/observability/vllm-monitoring";
import { benchmarkWritePolicy, modelReadPolicy, modelWritePolicy } from "./manifests/model-cache/access-policies";
import { BENCHMARK_PREFIX, benchmarkServiceAccountName } from "./manifests/benchmark/bench-job";
import { ModelCacheBucket } from "./components/model-cache/model-cache-bucket";
import { copyServiceAccountName } from "./manifests/model-cache/model-copy";
import { PodIdentityAccess } from "./components/model-cache/pod-identity-access";
import { ClusterAutoscaler } from "./components/autoscaling/cluster-autoscaler";
import { Keda } from "./components/autoscaling/keda";
import { BYTES_PER_GIB, cacheFillTimeoutSeconds, checkpointBytes, modelCacheBucketName, modelCacheLayoutOf } from "./plan";
import { type StackConfig } from "./config";
import { type Placement } from "./placement-lookup";
import { ImageCache, type ImageCacheArgs } from "./components/cluster/image-cache";
import { nodeImagePolicy } from "./manifests/cluster/image-cache";
import { GPU_TOLERATION, NODE_GROUP_LABEL, poolShapeOf, replicasFittingNode, setPoolShape, type ImageSource } from "./plan";
import { ONE_MODEL_SERVER_NAME, servedModels } from "./settings/served-models";
import { type ModelSetSettings, type OneModelSettings, type StackSettings } from "./settings/deployment";
import { type Workload } from "./plan/workload";
import { servedModelNameOf, type DeploymentPlan, type ServerScaling } from "./plan";
import * as random from "@pulumi/random";
import { SECRET_KEYS, servingNamespace, servingPodSelector } from "./manifests/serving/vllm";
import { InferenceGateway } from "./components/serving/inference-gateway";
import {
  GATEWAY_API_KEY_SECRET,
  demandWindowSecondsOf,
  eppDemandQuery,
  gatewayServerSources,
  queueTtlSecondsOf,
  requestBodyMiB,
} from "./manifests/gateway/inference-gateway";
import { resolveWorkload } from "./plan/workload";

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

interface ClusterAccess {
  kubeconfig: pulumi.Output<string>;
  /** Where cluster add-ons (Prometheus) run: the created cluster's system nodes, else anywhere untainted. */
  systemNodeSelector: Record<string, string>;
  /** The EKS cluster's name where the kit manages its AWS side (Pod Identity associations); null for kubeconfig. */
  clusterName: pulumi.Output<string> | null;
  /** The GPU node groups the stack owns: one, or a set's packing; empty for a kubeconfig cluster's. */
  gpuPools: GpuNodePool[];
  dependsOn: pulumi.Resource[];
  vpcCidr: string | null;
  gpuZoneIds: string[];
}

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

/** The stack's model cache bucket: one for every model it serves, each model under its own prefix. */
function modelCacheBucket({ settings }: StackConfig): ModelCacheBucket {
  const stack = pulumi.getStack();
  const identity = aws.getCallerIdentityOutput();
  const bucketName = identity.accountId.apply((accountId) => modelCacheBucketName(stack, accountId, settings.region));
  return new ModelCacheBucket("llm-model-cache", { bucketName, stack });
}

/**
 * One server's side of the S3 model cache of a stack whose EKS side the kit manages: read access
 * for the server's service account (its model revision's prefix only) and write access for the copy
 * Job's, both through Pod Identity, and the benchmark Job's own role.
 */
function modelCache(
  { settings }: StackConfig,
  bucket: ModelCacheBucket,
  access: ClusterAccess,
  serverName: string,
  plan: DeploymentPlan,
  nodeSelector: Record<string, string>,
  tolerations: Record<string, string>[],
): ModelCacheSource & { access: pulumi.Resource[]; benchmarkAccess: pulumi.Resource[] } {
  if (!access.clusterName)
    throw new Error("weightsSource s3 needs an EKS cluster the kit manages; readConfig refuses it with cluster kubeconfig");
  const layout = modelCacheLayoutOf(plan);
  const reader = new PodIdentityAccess(`${serverName}-model-read`, {
    clusterName: access.clusterName,
    namespace: settings.namespace,
    serviceAccount: serverName,
    policy: bucket.bucketArn.apply((arn) => JSON.stringify(modelReadPolicy(arn, layout.prefix))),
  });
  const writer = new PodIdentityAccess(`${serverName}-model-copy`, {
    clusterName: access.clusterName,
    namespace: settings.namespace,
    serviceAccount: copyServiceAccountName(serverName),
    policy: bucket.bucketArn.apply((arn) => JSON.stringify(modelWritePolicy(arn, layout.prefix))),
  });
  // The benchmark Job's own role: it may write results under benchmarks/ and nothing else.
  const benchmarkWriter =
    settings.benchmark === "after-deploy"
      ? [
          new PodIdentityAccess(`${serverName}-benchmark`, {
            clusterName: access.clusterName,
            namespace: settings.namespace,
            serviceAccount: benchmarkServiceAccountName(serverName),
            policy: bucket.bucketArn.apply((arn) => JSON.stringify(benchmarkWritePolicy(arn, BENCHMARK_PREFIX))),
          }),
        ]
      : [];
  return {
    source: "s3",
    bucket: bucket.bucketName,
    region: settings.region,
    layout,
    copy: {
      checkpointGiB: checkpointBytes(plan) / BYTES_PER_GIB,
      timeoutSeconds: cacheFillTimeoutSeconds(plan),
      nodeSelector,
      tolerations,
    },
    access: [bucket, reader, writer, ...benchmarkWriter],
    benchmarkAccess: benchmarkWriter,
  };
}

/** A one-model autoscaled stack's price of one GPU node and of everything else (the live cost rule); null when fixed. */
function liveGpuNodePrice(
  settings: StackSettings,
  plan: DeploymentPlan,
  autoscaling: ServerScaling | null,
): { nodeHourlyUsd: number; otherHourlyUsd: number } | null {
  if (!autoscaling) return null;
  const nodeHourlyUsd = plan.cost.hourlyUsd / plan.nodes;
  return { nodeHourlyUsd, otherHourlyUsd: Number((settings.cost.hourlyUsd - plan.cost.hourlyUsd).toFixed(4)) };
}

/** What every server of the stack shares: the cluster, its add-ons and where the GPU pods run. */
interface ServingContext {
  config: StackConfig;
  access: ClusterAccess;
  provider: k8s.Provider;
  images: ImageSource;
  prometheus: PrometheusStack | null;
  keda: Keda | null;
  bucket: ModelCacheBucket | null;
  /** What every server waits for: the device plugin and, for multi-node replicas, the LWS controller. */
  ready: pulumi.Resource[];
}

/** A model as the program serves it: a one-model stack's (`vllm`, no node group of its own name) or a set's. */
interface ServedModelWiring {
  name: string;
  plan: DeploymentPlan;
  autoscaling: ServerScaling | null;
  workload: Workload | null;
  nodeGroup: string | null;
  /** Its share of the bill: the live cost rule's price. */
  hourlyUsd: number;
}

/** How a server sits behind the inference gateway: the namespace and key a set shares, and the picker's queue that wakes it. */
interface GatewayWiring {
  shared: VllmServerArgs["shared"];
  sources: Record<string, unknown>[];
  demandQuery: string;
}

/** One vLLM server: a one-model stack's `vllm`, or a set's model under its served name. */
function vllmServer(context: ServingContext, model: ServedModelWiring, behind: GatewayWiring | null): VllmServer {
  const { config, access, provider, prometheus, keda, images } = context;
  const { settings } = config;
  const { plan } = model;
  const nodeSelector: Record<string, string> = {
    "node.kubernetes.io/instance-type": plan.instanceType,
    ...(access.gpuPools.length > 0 ? gpuPoolSelector(pulumi.getStack()) : {}),
    ...(model.nodeGroup !== null ? { [NODE_GROUP_LABEL]: model.nodeGroup } : {}),
  };
  const tolerations = [{ ...GPU_TOLERATION }];
  const weights =
    plan.weightsSource === "s3" && context.bucket
      ? modelCache(config, context.bucket, access, model.name, plan, nodeSelector, tolerations)
      : { source: "huggingface" as const };
  return new VllmServer(
    model.name,
    {
      namespace: settings.namespace,
      plan,
      image: settings.vllmImage,
      images,
      weights,
      hfTokenSet: settings.hfTokenSet,
      hfToken: config.hfToken,
      benchmark:
        settings.benchmark === "after-deploy"
          ? {
              workload: model.workload ?? resolveWorkload({}),
              nodeSelector: access.systemNodeSelector,
              dependsOn: weights.source === "s3" ? weights.benchmarkAccess : [],
            }
          : null,
      nodeSelector,
      tolerations,
      efaInterfacesPerPod: settings.efa && plan.nodesPerReplica > 1 ? INSTANCES[plan.instanceType].efaInterfaces : 0,
      monitoringNamespace: prometheus ? MONITORING_NAMESPACE : null,
      autoscaling: model.autoscaling,
      autoscaler: keda && model.autoscaling ? { prometheusAddress: PROMETHEUS_ADDRESS, ready: keda.ready } : null,
      monitoring: prometheus
        ? {
            selectedBy: { ...MONITORING_SELECTOR },
            hourlyUsd: model.hourlyUsd,
            gpuNodes: model.nodeGroup === null ? liveGpuNodePrice(settings, plan, model.autoscaling) : null,
            // A set's autoscaled model pays for its replicas up: its nodes are its own (a dedicated group), one node's price per node's replicas.
            ...(model.nodeGroup !== null
              ? { ofSet: { replicaHourlyUsd: model.autoscaling ? plan.cost.instanceHourlyUsd / replicasFittingNode(plan) : null } }
              : {}),
            ready: prometheus.ready,
          }
        : null,
      exposure: settings.exposure,
      allowedClientNamespaces: settings.allowedClientNamespaces,
      vpcCidr: access.vpcCidr,
      ...(behind
        ? {
            behindGateway: { sources: behind.sources },
            gatewayDemandQuery: behind.demandQuery,
            ...(behind.shared ? { shared: behind.shared } : {}),
          }
        : {}),
    },
    {
      provider,
      dependsOn: [...context.ready, ...(weights.source === "s3" ? weights.access : [])],
    },
  );
}

/**
 * The inference gateway in front of `models` (one Gateway, the route by `model`, one InferencePool
 * and endpoint picker per model), its key and namespace given or taken from the one server.
 */
function inferenceGateway(
  context: ServingContext,
  models: readonly ServedModelWiring[],
  apiKey: pulumi.Output<string>,
  namespace: k8s.core.v1.Namespace,
): InferenceGateway {
  const { provider, access, prometheus, config } = context;
  const { settings } = config;
  return new InferenceGateway(
    "llm-gateway",
    {
      namespace: settings.namespace,
      models: models.map((model) => ({
        name: model.name,
        servedName: servedModelNameOf(model.plan),
        podSelector: servingPodSelector({ name: model.name, plan: model.plan }),
        scalesToZero: model.autoscaling?.minReplicas === 0,
        queueTtlSeconds: queueTtlSecondsOf(model.plan),
      })),
      exposure: settings.exposure,
      vpcCidr: access.vpcCidr,
      allowedClientNamespaces: settings.allowedClientNamespaces,
      monitoringNamespace: prometheus ? MONITORING_NAMESPACE : null,
      systemNodeSelector: access.systemNodeSelector,
      apiKeySecretName: GATEWAY_API_KEY_SECRET,
      apiKeySecretKey: SECRET_KEYS.apiKey,
      maxRequestBodyMiB: requestBodyMiB(Math.max(...models.map((model) => model.plan.maxModelLen))),
      apiKey,
      images: context.images,
      monitoring: prometheus ? { selectedBy: { ...MONITORING_SELECTOR }, ready: prometheus.ready } : null,
      dependsOn: [namespace, ...access.dependsOn],
    },
    { provider },
  );
}

/**
 * A set's serving side: one namespace and API key for every model, the inference gateway, a server
 * per model, and the cost rule of what no model is charged.
 */
function serveModelSet(context: ServingContext, settings: ModelSetSettings): { endpoint: string; apiKey: pulumi.Output<string> } {
  const { provider, access, prometheus } = context;
  const { models, packing } = settings.modelSet;
  const wired: ServedModelWiring[] = models.map((model) => ({
    ...model,
    hourlyUsd: packing.perModel[model.name]?.hourlyUsd ?? model.plan.cost.hourlyUsd,
  }));
  const namespace = new k8s.core.v1.Namespace("llm-serving-namespace", servingNamespace(settings.namespace), {
    provider,
    dependsOn: access.dependsOn,
  });
  const apiKey = new random.RandomPassword("llm-api-key", { length: 48, special: false }).result;
  const gateway = inferenceGateway(context, wired, apiKey, namespace);
  if (prometheus) {
    // What no model is charged: the packing's idle GPUs and the cluster's own nodes and services.
    const charged = wired.reduce((total, model) => total + model.hourlyUsd, 0);
    new k8s.apiextensions.CustomResource(
      "llm-set-cost-rules",
      setCostRule(
        settings.namespace,
        { ...MONITORING_SELECTOR },
        Number((settings.cost.hourlyUsd - charged).toFixed(4)),
      ) as k8s.apiextensions.CustomResourceArgs,
      { provider, dependsOn: [namespace, ...prometheus.ready] },
    );
  }
  for (const model of wired) {
    vllmServer(context, model, {
      shared: { namespace, apiKey },
      sources: gateway.serverSources(model.name),
      demandQuery: eppDemandQuery(settings.namespace, model.name, demandWindowSecondsOf(model.plan)),
    });
  }
  return { endpoint: gateway.endpoint, apiKey: pulumi.secret(apiKey) };
}

/**
 * A one-model stack's server. One that scales to zero sits behind the inference gateway — its
 * endpoint picker holds a request while it wakes and KEDA reads that queue — after the server,
 * whose namespace and key it uses; any other is reached at its own Service.
 */
function serveOneModel(context: ServingContext, settings: OneModelSettings): { endpoint: string; apiKey: pulumi.Output<string> } {
  const model: ServedModelWiring = {
    name: ONE_MODEL_SERVER_NAME,
    plan: settings.plan,
    autoscaling: settings.autoscaling,
    workload: settings.workload,
    nodeGroup: null,
    hourlyUsd: settings.cost.hourlyUsd,
  };
  if (settings.autoscaling?.minReplicas !== 0) {
    const server = vllmServer(context, model, null);
    return { endpoint: server.endpoint, apiKey: server.apiKey };
  }
  const server = vllmServer(context, model, {
    shared: undefined,
    sources: gatewayServerSources({ name: model.name }),
    demandQuery: eppDemandQuery(settings.namespace, model.name, demandWindowSecondsOf(model.plan)),
  });
  const gateway = inferenceGateway(context, [model], server.apiKey, server.namespace);
  return { endpoint: gateway.endpoint, apiKey: server.apiKey };
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
