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
import { GpuNodePool, gpuPoolSelector } from "./components/gpu/gpu-node-pool";
import { renderKubeconfig } from "./manifests/cluster/kubeconfig";
import { Network, VPC_CIDR } from "./components/cluster/network";
import { NodeRole } from "./components/cluster/node-role";
import { LwsController } from "./components/serving/lws-controller";
import { NvidiaDevicePlugin } from "./components/gpu/nvidia-device-plugin";
import { SYSTEM_NODE_LABELS, SystemNodeGroup } from "./components/cluster/system-node-group";
import { VllmServer, type ModelCacheSource } from "./components/serving/vllm-server";
import { PrometheusStack } from "./components/observability/prometheus-stack";
import { DcgmExporter } from "./components/gpu/dcgm-exporter";
import { Grafana } from "./components/observability/grafana";
import { MONITORING_NAMESPACE, MONITORING_SELECTOR, PROMETHEUS_ADDRESS } from "./manifests/observability/prometheus-stack";
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
import { GPU_TOLERATION, type ImageSource } from "./plan";
import { resolveWorkload } from "./plan/workload";

export interface LlmStackOutputs {
  endpoint: string;
  model: string;
  variant: string;
  plan: {
    instanceType: string;
    nodes: number;
    gpus: number;
    gpusPerReplica: number;
    tensorParallelSize: number;
    pipelineParallelSize: number;
    replicas: number;
    maxModelLen: number;
  };
  /** AZ ids the GPU nodes may launch in (empty for cluster kubeconfig). */
  gpuZoneIds: string[];
  hourlyUsd: number;
  monthlyUsd: number;
  /** An autoscaled stack's replica range, its GPU nodes and its cost at each end; null when fixed. */
  autoscaling: {
    minReplicas: number;
    maxReplicas: number;
    minNodes: number;
    maxNodes: number;
    minHourlyUsd: number;
    maxHourlyUsd: number;
  } | null;
  kubeconfig: pulumi.Output<string>;
  apiKey: pulumi.Output<string>;
}

interface ClusterAccess {
  kubeconfig: pulumi.Output<string>;
  /** Where cluster add-ons (Prometheus) run: the created cluster's system nodes, else anywhere untainted. */
  systemNodeSelector: Record<string, string>;
  /** The EKS cluster's name where the kit manages its AWS side (Pod Identity associations); null for kubeconfig. */
  clusterName: pulumi.Output<string> | null;
  gpuPool: GpuNodePool | null;
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
    sizedByClusterAutoscaler: settings.autoscaling !== null,
  });
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan,
    clusterName: eks.clusterName,
    nodeRoleArn: nodeRole.arn,
    subnetIds: network.privateSubnetIdsIn(placement.gpuZones),
    capacity: settings.capacity,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: network.vpcId, clusterSecurityGroupId: eks.clusterSecurityGroupId } : null,
    autoscaling: settings.autoscaling,
  });
  // Every Kubernetes object waits for the nodes — and, with the cache, for its rules: a pod that
  // pulls before its upstream's rule exists fails the pull.
  const dependsOn = [system, gpuPool, ...(cache ? cache.cache.rules : [])];
  return {
    kubeconfig: eks.kubeconfig,
    systemNodeSelector: SYSTEM_NODE_LABELS,
    clusterName: eks.clusterName,
    gpuPool,
    dependsOn,
    vpcCidr: VPC_CIDR,
    gpuZoneIds: placement.gpuZones.map((zone) => zone.zoneId),
  };
}

function existingEksCluster({ settings }: StackConfig, name: string, placement: Extract<Placement, { mode: "eks" }>): ClusterAccess {
  const existing = aws.eks.getClusterOutput({ name });
  const nodeRole = new NodeRole("llm-nodes", { inlinePolicy: null });
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan,
    clusterName: existing.name,
    nodeRoleArn: nodeRole.arn,
    capacity: settings.capacity,
    subnetIds: placement.gpuSubnetIds,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: existing.vpcConfig.vpcId, clusterSecurityGroupId: existing.vpcConfig.clusterSecurityGroupId } : null,
    // readConfig refuses autoscaling on an existing cluster (it may run its own KEDA or autoscaler).
    autoscaling: null,
  });
  const kubeconfig = pulumi.secret(
    pulumi
      .all([existing.name, existing.endpoint, existing.certificateAuthorities])
      .apply(([clusterName, endpoint, cas]) =>
        renderKubeconfig({ clusterName, endpoint, certificateAuthorityData: cas[0]?.data ?? "", region: settings.region }),
      ),
  );
  return { kubeconfig, systemNodeSelector: {}, clusterName: existing.name, gpuPool, dependsOn: [gpuPool], vpcCidr: null, gpuZoneIds: [] };
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
      gpuPool: null,
      dependsOn: [],
      vpcCidr: null,
      gpuZoneIds: [],
    };
  throw new Error(`cluster mode ${cluster.mode} with placement ${placement.mode}: lookUpPlacement and readConfig disagree`);
}

/**
 * The S3 model cache of a stack whose EKS side the kit manages: the bucket, read access for the
 * server's service account (its model revision's prefix only) and write access for the copy Job's,
 * both through Pod Identity.
 */
function modelCache(
  { settings }: StackConfig,
  access: ClusterAccess,
  serverName: string,
  nodeSelector: Record<string, string>,
  tolerations: Record<string, string>[],
): ModelCacheSource & { access: pulumi.Resource[]; benchmarkAccess: pulumi.Resource[] } {
  const { plan } = settings;
  if (!access.clusterName)
    throw new Error("weightsSource s3 needs an EKS cluster the kit manages; readConfig refuses it with cluster kubeconfig");
  const stack = pulumi.getStack();
  const identity = aws.getCallerIdentityOutput();
  const bucketName = identity.accountId.apply((accountId) => modelCacheBucketName(stack, accountId, settings.region));
  const bucket = new ModelCacheBucket("llm-model-cache", { bucketName, stack });
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

/** An autoscaled stack's price of one GPU node and of everything else (the live cost rule); null when fixed. */
function liveGpuNodePrice(settings: StackConfig["settings"]): { nodeHourlyUsd: number; otherHourlyUsd: number } | null {
  if (!settings.autoscaling) return null;
  const nodeHourlyUsd = settings.plan.cost.hourlyUsd / settings.plan.nodes;
  return { nodeHourlyUsd, otherHourlyUsd: Number((settings.cost.hourlyUsd - settings.plan.cost.hourlyUsd).toFixed(4)) };
}

export function createLlmStack(config: StackConfig, placement: Placement, images: ImageSource): LlmStackOutputs {
  const { settings } = config;
  const { plan } = settings;
  const clusterName = `llm-stack-${pulumi.getStack()}`;
  const access = clusterAccess(config, placement, clusterName, images);

  const provider = new k8s.Provider(
    "llm-k8s",
    { kubeconfig: access.kubeconfig, enableServerSideApply: true },
    { dependsOn: access.dependsOn },
  );
  const poolSelector = gpuPoolSelector(pulumi.getStack());
  const nodeSelector: Record<string, string> = {
    "node.kubernetes.io/instance-type": plan.instanceType,
    ...(access.gpuPool ? poolSelector : {}),
  };
  // A cluster reached by kubeconfig already has GPU nodes and their device plugin.
  const devicePlugin = access.gpuPool
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
      { nodeSelector: access.systemNodeSelector, serverNamespace: settings.namespace, images },
      { provider, dependsOn: [prometheus] },
    );
  }

  // GPU telemetry on the pool the stack owns (a kubeconfig cluster's GPU nodes are its owner's).
  if (prometheus && access.gpuPool) {
    new DcgmExporter(
      "llm-dcgm-exporter",
      { nodeSelector: poolSelector, instance: clusterName, selectedBy: { ...MONITORING_SELECTOR }, ready: prometheus.ready },
      { provider, dependsOn: access.dependsOn },
    );
  }

  // Autoscaling (a created cluster only; readConfig refuses it elsewhere): KEDA moves the replicas on
  // vLLM's queue as Prometheus scrapes it, Cluster Autoscaler moves the GPU nodes after them.
  const keda =
    settings.autoscaling && prometheus && access.clusterName
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
    plan.nodesPerReplica > 1 && access.gpuPool ? new LwsController("llm-lws", { images }, { provider, dependsOn: access.dependsOn }) : null;
  const tolerations = [{ ...GPU_TOLERATION }];
  const serverName = "vllm";
  const weights =
    plan.weightsSource === "s3" ? modelCache(config, access, serverName, nodeSelector, tolerations) : { source: "huggingface" as const };
  const server = new VllmServer(
    serverName,
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
              workload: settings.workload ?? resolveWorkload({}),
              nodeSelector: access.systemNodeSelector,
              dependsOn: weights.source === "s3" ? weights.benchmarkAccess : [],
            }
          : null,
      nodeSelector,
      tolerations,
      efaInterfacesPerPod: settings.efa ? INSTANCES[plan.instanceType].efaInterfaces : 0,
      monitoringNamespace: prometheus ? MONITORING_NAMESPACE : null,
      autoscaling: settings.autoscaling,
      autoscaler:
        keda && settings.autoscaling
          ? { prometheusAddress: PROMETHEUS_ADDRESS, ready: keda.ready, systemNodeSelector: access.systemNodeSelector }
          : null,
      monitoring: prometheus
        ? {
            selectedBy: { ...MONITORING_SELECTOR },
            hourlyUsd: settings.cost.hourlyUsd,
            gpuNodes: liveGpuNodePrice(settings),
            ready: prometheus.ready,
          }
        : null,
      exposure: settings.exposure,
      allowedClientNamespaces: settings.allowedClientNamespaces,
      vpcCidr: access.vpcCidr,
    },
    {
      provider,
      dependsOn: [...(devicePlugin ? [devicePlugin] : []), ...(lws ? lws.ready : []), ...(weights.source === "s3" ? weights.access : [])],
    },
  );

  return {
    endpoint: server.endpoint,
    model: plan.model,
    variant: plan.variant,
    plan: {
      instanceType: plan.instanceType,
      nodes: plan.nodes,
      gpus: plan.replicas * plan.gpusPerReplica,
      gpusPerReplica: plan.gpusPerReplica,
      tensorParallelSize: plan.tensorParallelSize,
      pipelineParallelSize: plan.pipelineParallelSize,
      replicas: plan.replicas,
      maxModelLen: plan.maxModelLen,
    },
    gpuZoneIds: access.gpuZoneIds,
    hourlyUsd: settings.cost.hourlyUsd,
    monthlyUsd: settings.cost.monthlyUsd,
    autoscaling: settings.autoscaling
      ? { ...settings.autoscaling, minHourlyUsd: settings.cost.minHourlyUsd, maxHourlyUsd: settings.cost.maxHourlyUsd }
      : null,
    kubeconfig: pulumi.secret(access.kubeconfig),
    apiKey: server.apiKey,
  };
}
