/**
 * VllmServer: the namespace, identity, secret, workload (and a multi-node replica's headless group
 * Service), Service, PodDisruptionBudget and NetworkPolicy of one OpenAI-compatible vLLM endpoint, rendered from manifests/serving/vllm.ts — and, on
 * the S3 path, the copy Job that fills the model cache first (manifests/model-cache/model-copy.ts),
 * and with `benchmark: after-deploy` the Job that measures the endpoint once it is ready
 * (manifests/benchmark/bench-job.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { VLLM_PORT, modelCacheUri, pulledImage, type ImageSource, type ModelCacheLayout } from "../../plan";
import { withImagesFrom } from "../../manifests/pod-spec";
import { gatewayBaseUrl } from "../../manifests/gateway/inference-gateway";
import {
  benchmarkConfigMap,
  benchmarkJob,
  benchmarkLabels,
  benchmarkPodMonitor,
  benchmarkServiceAccountName,
} from "../../manifests/benchmark/bench-job";
import { SCRAPE_INTERVAL_SECONDS } from "../../manifests/observability/vllm-monitoring";
import { rolloutSeconds } from "../../plan";
import { type Workload } from "../../plan/workload";
import { vllmScaledObject } from "../../manifests/autoscaling/scaled-object";
import { copyServiceAccountName, modelCopyConfigMap, modelCopyJob, type ModelCopyJobInput } from "../../manifests/model-cache/model-copy";
import { vllmPodMonitor, vllmPrometheusRule, type VllmMonitoringInput } from "../../manifests/observability/vllm-monitoring";
import {
  SECRET_KEYS,
  groupHeadlessService,
  scalesToZero,
  servingPodSelector,
  vllmObjects,
  vllmWorkload,
  type VllmManifestInput,
  type WeightsLocation,
} from "../../manifests/serving/vllm";

/** The S3 model cache the server streams from, and how the copy Job that fills it runs. */
export interface ModelCacheSource {
  source: "s3";
  bucket: pulumi.Output<string>;
  region: string;
  layout: ModelCacheLayout;
  copy: Pick<ModelCopyJobInput, "checkpointGiB" | "timeoutSeconds" | "nodeSelector" | "tolerations">;
}

/** How Prometheus watches the server: the monitor's and rules' selector labels, the stack's price, and what they wait for. */
export interface ServerMonitoring {
  selectedBy: Record<string, string>;
  hourlyUsd: number;
  gpuNodes: VllmMonitoringInput["gpuNodes"];
  /** A set's model: its cost series carry its name (VllmMonitoringInput ofSet). */
  ofSet?: VllmMonitoringInput["ofSet"];
  /** The Prometheus stack's CRDs and Prometheus. */
  ready: pulumi.Resource[];
}

/** How KEDA runs for this server (its range is the manifest input's `autoscaling`). */
export interface ServerAutoscaler {
  prometheusAddress: string;
  ready: pulumi.Resource[];
}

export interface VllmServerArgs extends Omit<VllmManifestInput, "name" | "weights"> {
  /** Where its pods (server, copy Job, benchmark Job) pull their images: `image` is the reference as pinned. */
  images: ImageSource;
  /** Null: the plan's replicas, fixed. */
  autoscaler: ServerAutoscaler | null;
  monitoring: ServerMonitoring | null;
  weights: ModelCacheSource | { source: "huggingface" };
  hfTokenSet: boolean;
  /** The Hugging Face token (a Pulumi secret); required when `hfTokenSet`. */
  hfToken: pulumi.Output<string> | undefined;
  /** Measure the endpoint with this workload once it is ready, from a pod on these nodes; null: no benchmark Job. */
  benchmark: { workload: Workload; nodeSelector: Record<string, string>; dependsOn: pulumi.Resource[] } | null;
  /**
   * A server of a set: the namespace and API key its siblings share (created once by the program).
   * Absent: the server creates both.
   */
  shared?: { namespace: k8s.core.v1.Namespace; apiKey: pulumi.Output<string> };
  /** Behind the inference gateway (a set's model, or one that scales to zero): the PromQL of requests its endpoint picker holds, which wakes it from zero. */
  gatewayDemandQuery?: string;
}

export class VllmServer extends pulumi.ComponentResource {
  /** OpenAI-compatible base URL inside the cluster. */
  readonly endpoint: string;
  readonly apiKey: pulumi.Output<string>;
  /** Its namespace (shared, or its own): what a gateway in front of it waits for. */
  readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: VllmServerArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:serving:VllmServer", name, {}, opts);
    const resourceOpts = { parent: this, provider: opts.provider };
    const secretName = `${name}-secrets`;
    const objects = vllmObjects({ ...args, name }, secretName);

    const apiKey = args.shared
      ? args.shared.apiKey
      : new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent: this }).result;
    const namespace = args.shared ? args.shared.namespace : new k8s.core.v1.Namespace(`${name}-namespace`, objects.namespace, resourceOpts);
    const inNamespace = { ...resourceOpts, dependsOn: [namespace] };

    const stringData: Record<string, pulumi.Input<string>> = { [SECRET_KEYS.apiKey]: apiKey };
    if (args.hfTokenSet) {
      if (!args.hfToken) throw new Error("VllmServer: hfTokenSet without an hfToken secret");
      stringData[SECRET_KEYS.hfToken] = args.hfToken;
    }
    // Both values are Pulumi secrets already (RandomPassword.result, config.getSecret); the provider also marks Secret data secret.
    const secret = new k8s.core.v1.Secret(`${name}-secrets`, { ...objects.secretMetadata, stringData }, inNamespace);
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, objects.serviceAccount, inNamespace);
    const copyJob = args.weights.source === "s3" ? this.modelCopyJob(name, args, args.weights, secret, inNamespace) : null;

    const { weights } = args;
    const location: pulumi.Output<WeightsLocation> =
      weights.source === "s3"
        ? weights.bucket.apply((bucket): WeightsLocation => ({
            source: "s3",
            uri: modelCacheUri(bucket, weights.layout),
            region: weights.region,
          }))
        : pulumi.output<WeightsLocation>({ source: "huggingface", hfTokenSet: args.hfTokenSet });
    const workload = location.apply(
      (resolved) =>
        withImagesFrom(vllmWorkload({ ...args, name, weights: resolved }, secretName), args.images) as { metadata: unknown; spec: unknown },
    );
    // Plain objects from manifests/serving/vllm.ts; test/program/stacks.test.ts validates each against the Kubernetes schema.
    const workloadArgs = {
      metadata: workload.apply((w) => w.metadata as k8s.types.input.meta.v1.ObjectMeta),
      spec: workload.apply((w) => w.spec as k8s.types.input.apps.v1.DeploymentSpec),
    };
    // Delete before replace: a replacement (a new name or namespace) must not wait for GPUs the old
    // workload still holds — a fixed pool has no spare node, and the awaited new one would time out
    // with the old one never deleted (as the GPU node group does: "never two GPU pools billed at once").
    const workloadOpts = {
      ...inNamespace,
      deleteBeforeReplace: true,
      dependsOn: [namespace, secret, serviceAccount, ...(copyJob ? [copyJob] : [])],
    };
    // A multi-node replica's pods find their leader through the group's headless Service: it exists
    // before the LeaderWorkerSet, so the LWS controller finds it and creates none of its own.
    const groupService =
      args.plan.nodesPerReplica > 1 ? new k8s.core.v1.Service(`${name}-group`, groupHeadlessService({ ...args, name }), inNamespace) : null;
    const workloadResource = groupService
      ? // A custom resource: its CRD and admission webhooks come from the LWS controller (opts.dependsOn).
        new k8s.apiextensions.CustomResource(
          `${name}-lws`,
          { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", ...workloadArgs },
          { ...workloadOpts, dependsOn: [...workloadOpts.dependsOn, groupService] },
        )
      : new k8s.apps.v1.Deployment(`${name}-deployment`, workloadArgs, workloadOpts);
    if (args.autoscaler) this.autoscale(name, args, args.autoscaler, workloadResource, inNamespace);
    if (args.benchmark) this.benchmark(name, args, args.benchmark, secret, workloadResource, inNamespace);
    new k8s.core.v1.Service(`${name}-service`, objects.service, inNamespace);
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, objects.podDisruptionBudget, inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, objects.networkPolicy, inNamespace);
    if (objects.internalLoadBalancer) new k8s.core.v1.Service(`${name}-internal-lb`, objects.internalLoadBalancer, inNamespace);
    if (args.monitoring) {
      const podSelector = servingPodSelector({ name, plan: args.plan });
      const input = {
        name,
        namespace: args.namespace,
        plan: args.plan,
        podSelector,
        selectedBy: args.monitoring.selectedBy,
        hourlyUsd: args.monitoring.hourlyUsd,
        gpuNodes: args.monitoring.gpuNodes,
        ...(args.monitoring.ofSet ? { ofSet: args.monitoring.ofSet } : {}),
      };
      const monitorOpts = { ...resourceOpts, dependsOn: [namespace, ...args.monitoring.ready] };
      new k8s.apiextensions.CustomResource(
        `${name}-podmonitor`,
        vllmPodMonitor(input) as k8s.apiextensions.CustomResourceArgs,
        monitorOpts,
      );
      new k8s.apiextensions.CustomResource(`${name}-rules`, vllmPrometheusRule(input) as k8s.apiextensions.CustomResourceArgs, monitorOpts);
    }

    this.namespace = namespace;
    this.endpoint = `http://${name}.${args.namespace}.svc.cluster.local:${VLLM_PORT}/v1`;
    this.apiKey = pulumi.secret(apiKey);
    this.registerOutputs({ endpoint: this.endpoint, apiKey: this.apiKey });
  }

  /**
   * KEDA's ScaledObject (for a range that reaches zero, also woken by its endpoint picker's queue). After the
   * workload and KEDA: deleted first on destroy, while KEDA still runs to remove its finalizer.
   */
  private autoscale(
    name: string,
    args: VllmServerArgs,
    autoscaler: ServerAutoscaler,
    workload: pulumi.Resource,
    opts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
  ): void {
    const range = args.autoscaling;
    if (!range) throw new Error("VllmServer: an autoscaler without a replica range (settings autoscaling)");
    // At zero vLLM emits nothing: what wakes it is the queue its endpoint picker holds (the inference gateway's).
    const toZero = scalesToZero(args);
    if (toZero && args.gatewayDemandQuery === undefined)
      throw new Error("VllmServer: a range that reaches zero needs the inference gateway in front (gatewayDemandQuery)");
    const scaledObject = vllmScaledObject({
      name,
      namespace: args.namespace,
      plan: args.plan,
      range,
      requestsPerReplica: range.requestsPerReplica,
      prometheusAddress: autoscaler.prometheusAddress,
      wakeQuery: toZero && args.gatewayDemandQuery !== undefined ? args.gatewayDemandQuery : null,
    });
    new k8s.apiextensions.CustomResource(`${name}-scaledobject`, scaledObject as k8s.apiextensions.CustomResourceArgs, {
      ...opts,
      dependsOn: [workload, ...autoscaler.ready],
    });
  }

  /**
   * The benchmark Job (manifests/benchmark/bench-job.ts) with its script, its own service account on
   * the S3 path (the role that may write benchmarks/ is bound to it in serving-wiring.ts) and, with
   * monitoring, the PodMonitor that scrapes its gauges. Created after the workload is awaited ready.
   */
  private benchmark(
    name: string,
    args: VllmServerArgs,
    benchmark: NonNullable<VllmServerArgs["benchmark"]>,
    secret: pulumi.Resource,
    workloadResource: pulumi.Resource,
    opts: pulumi.CustomResourceOptions,
  ): void {
    const script = new k8s.core.v1.ConfigMap(`${name}-benchmark-script`, benchmarkConfigMap({ name, namespace: args.namespace }), opts);
    const weights = args.weights;
    const serviceAccount =
      weights.source === "s3"
        ? new k8s.core.v1.ServiceAccount(
            `${name}-benchmark-sa`,
            {
              metadata: { name: benchmarkServiceAccountName(name), namespace: args.namespace, labels: benchmarkLabels(name) },
              automountServiceAccountToken: false,
            },
            opts,
          )
        : null;
    if (args.monitoring)
      new k8s.apiextensions.CustomResource(
        `${name}-benchmark-podmonitor`,
        benchmarkPodMonitor({ name, namespace: args.namespace }, args.monitoring.selectedBy) as k8s.apiextensions.CustomResourceArgs,
        { ...opts, dependsOn: [...args.monitoring.ready] },
      );
    const bucket = weights.source === "s3" ? weights.bucket : pulumi.output<string | null>(null);
    const job = bucket.apply(
      (resolved) =>
        withImagesFrom(
          benchmarkJob({
            name,
            namespace: args.namespace,
            // Behind the gateway, clients — and so the benchmark — go through it (the server admits only the gateway).
            ...(args.behindGateway ? { baseUrl: gatewayBaseUrl(args.namespace) } : {}),
            // The image as the pod pulls it (through the stack's ECR cache when it has one): part of the Job's name.
            image: pulledImage(args.image, args.images),
            plan: args.plan,
            workload: benchmark.workload,
            secretName: `${name}-secrets`,
            hfTokenSet: args.hfTokenSet,
            nodeSelector: benchmark.nodeSelector,
            // The server may still be rolling out (an autoscaled one may be waking from zero): wait as long as a rollout may take.
            readyTimeoutSeconds: rolloutSeconds(args.plan),
            hourlyUsd: args.plan.cost.hourlyUsd,
            s3: resolved !== null && weights.source === "s3" ? { bucket: resolved, region: weights.region } : null,
            // Four scrapes' worth: the PodMonitor's interval is manifests/observability's.
            metricsSeconds: args.monitoring ? 4 * SCRAPE_INTERVAL_SECONDS : 0,
          }),
          args.images,
        ) as { metadata: unknown; spec: unknown },
    );
    // After the workload is awaited ready (a Deployment's rollout, an LWS's Available): the benchmark measures the served plan.
    new k8s.batch.v1.Job(
      `${name}-benchmark`,
      {
        metadata: job.apply((j) => j.metadata as k8s.types.input.meta.v1.ObjectMeta),
        spec: job.apply((j) => j.spec as k8s.types.input.batch.v1.JobSpec),
      },
      // Its Pod Identity association first: the webhook only gives credentials to pods created after it.
      { ...opts, dependsOn: [secret, script, workloadResource, ...(serviceAccount ? [serviceAccount] : []), ...benchmark.dependsOn] },
    );
  }

  /** The copy Job, its ServiceAccount (the cache's one writer) and script; Pulumi waits for it to complete. */
  private modelCopyJob(
    name: string,
    args: VllmServerArgs,
    cache: ModelCacheSource,
    secret: k8s.core.v1.Secret,
    opts: pulumi.CustomResourceOptions,
  ): k8s.batch.v1.Job {
    const labels = { "app.kubernetes.io/name": "vllm-model-copy", "app.kubernetes.io/instance": name };
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-copy-sa`,
      {
        metadata: { name: copyServiceAccountName(name), namespace: args.namespace, labels },
        automountServiceAccountToken: false,
      },
      opts,
    );
    const script = new k8s.core.v1.ConfigMap(`${name}-copy-script`, modelCopyConfigMap({ name, namespace: args.namespace }), opts);
    const job = cache.bucket.apply(
      (bucket) =>
        withImagesFrom(
          modelCopyJob({
            name,
            namespace: args.namespace,
            image: args.image,
            layout: cache.layout,
            bucket,
            region: cache.region,
            ...cache.copy,
            hfToken: args.hfTokenSet ? { secretName: `${name}-secrets`, key: SECRET_KEYS.hfToken } : null,
          }),
          args.images,
        ) as { metadata: unknown; spec: unknown },
    );
    return new k8s.batch.v1.Job(
      `${name}-copy`,
      {
        metadata: job.apply((j) => j.metadata as k8s.types.input.meta.v1.ObjectMeta),
        spec: job.apply((j) => j.spec as k8s.types.input.batch.v1.JobSpec),
      },
      { ...opts, dependsOn: [secret, serviceAccount, script] },
    );
  }
}
