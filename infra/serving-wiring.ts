/**
 * The serving side of the wiring: the vLLM servers a stack runs (one, or a set's), the S3 model
 * cache they read, and the inference gateway in front of a set or of a server that scales to zero.
 * infra/program.ts builds the cluster and its add-ons and calls serveOneModel or serveModelSet.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { INSTANCES } from "./catalog";
import { gpuPoolSelector, type GpuNodePool } from "./components/gpu/gpu-node-pool";
import { VllmServer, type ModelCacheSource, type VllmServerArgs } from "./components/serving/vllm-server";
import { InferenceGateway } from "./components/serving/inference-gateway";
import { ModelCacheBucket } from "./components/model-cache/model-cache-bucket";
import { PodIdentityAccess } from "./components/model-cache/pod-identity-access";
import { type PrometheusStack } from "./components/observability/prometheus-stack";
import { type Keda } from "./components/autoscaling/keda";
import { MONITORING_NAMESPACE, MONITORING_SELECTOR, PROMETHEUS_ADDRESS } from "./manifests/observability/prometheus-stack";
import { setCostRule } from "./manifests/observability/vllm-monitoring";
import { benchmarkWritePolicy, modelReadPolicy, modelWritePolicy } from "./manifests/model-cache/access-policies";
import { BENCHMARK_PREFIX, benchmarkServiceAccountName } from "./manifests/benchmark/bench-job";
import { copyServiceAccountName } from "./manifests/model-cache/model-copy";
import { SECRET_KEYS, servingNamespace, servingPodSelector } from "./manifests/serving/vllm";
import { capacityOptionsConfigMap } from "./manifests/serving/capacity-options";
import { GATEWAY_API_KEY_SECRET, gatewayServerSources, requestBodyMiB } from "./manifests/gateway/inference-gateway";
import { demandWindowSecondsOf, eppDemandQuery, queueTtlSecondsOf } from "./manifests/gateway/endpoint-picker";
import {
  BYTES_PER_GIB,
  GPU_TOLERATION,
  NODE_GROUP_LABEL,
  cacheFillTimeoutSeconds,
  checkpointBytes,
  modelCacheBucketName,
  modelCacheLayoutOf,
  replicasFittingNode,
  servedModelNameOf,
  type DeploymentPlan,
  type ImageSource,
  type ServerScaling,
} from "./plan";
import { resolveWorkload, type Workload } from "./plan/workload";
import { type StackConfig } from "./config";
import { ONE_MODEL_SERVER_NAME } from "./settings/served-models";
import { type ModelSetSettings, type OneModelSettings, type StackSettings } from "./settings/deployment";

/** The cluster as the servers see it: how to reach it, where add-ons run, the GPU pools it has. */
export interface ClusterAccess {
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

/** The stack's model cache bucket: one for every model it serves, each model under its own prefix. */
export function modelCacheBucket({ settings }: StackConfig): ModelCacheBucket {
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
export interface ServingContext {
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
export function serveModelSet(context: ServingContext, settings: ModelSetSettings): { endpoint: string; apiKey: pulumi.Output<string> } {
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
  recordCapacityOptions(context, settings, namespace);
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
/**
 * The record of the stack's capacity options (manifests/serving/capacity-options.ts), beside the
 * server: only a stack with fallbacks has one.
 */
function recordCapacityOptions(context: ServingContext, settings: StackSettings, namespace: k8s.core.v1.Namespace): void {
  if (settings.capacityOptions.length <= 1) return;
  new k8s.core.v1.ConfigMap("llm-capacity-options", capacityOptionsConfigMap(settings.namespace, settings), {
    provider: context.provider,
    dependsOn: [namespace],
  });
}

export function serveOneModel(context: ServingContext, settings: OneModelSettings): { endpoint: string; apiKey: pulumi.Output<string> } {
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
    recordCapacityOptions(context, settings, server.namespace);
    return { endpoint: server.endpoint, apiKey: server.apiKey };
  }
  const server = vllmServer(context, model, {
    shared: undefined,
    sources: gatewayServerSources({ name: model.name }),
    demandQuery: eppDemandQuery(settings.namespace, model.name, demandWindowSecondsOf(model.plan)),
  });
  const gateway = inferenceGateway(context, [model], server.apiKey, server.namespace);
  recordCapacityOptions(context, settings, server.namespace);
  return { endpoint: gateway.endpoint, apiKey: server.apiKey };
}
