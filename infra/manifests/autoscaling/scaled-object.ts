/**
 * A KEDA ScaledObject (keda.sh/v1alpha1 at KEDA v2.20.2, vendored in charts/keda/) that scales a
 * vLLM Deployment or LeaderWorkerSet on vLLM's own series — requests running plus waiting over
 * what one replica serves at once, and KV cache use — and, for a range that reaches zero, on the
 * requests its endpoint picker holds (the inference gateway's). Plain data, validated against the CRD's schema in tests.
 *
 * Scale-down waits as long as a new replica takes to become ready (time-to-ready.ts): removing a
 * replica that is needed again costs that time once more, so keeping an idle one for exactly that
 * long is the break-even of the two mistakes (the ski-rental rule: never worse than twice the best
 * choice in hindsight). KEDA hands `advanced.horizontalPodAutoscalerConfig.behavior` to the HPA
 * as is; `cooldownPeriod` applies only to the last replica, when scaling to zero
 * (keda-docs content/docs/2.20/reference/scaledobject-spec.md).
 */
import { servedModelNameOf, type DeploymentPlan, type ReplicaRange } from "../../plan";
import { workloadName } from "../serving/vllm";

type Json = Record<string, unknown>;

export interface ScaledObjectInput {
  name: string;
  namespace: string;
  plan: DeploymentPlan;
  range: Pick<ReplicaRange, "minReplicas" | "maxReplicas">;
  /** Requests in flight one replica holds within the stack's SLOs (settings ServerScaling.requestsPerReplica). */
  requestsPerReplica: number;
  /** Prometheus' HTTP address as KEDA reaches it, e.g. http://prometheus-operated.monitoring.svc:9090. */
  prometheusAddress: string;
  /**
   * At zero replicas vLLM emits nothing, so its queue cannot wake it: a PromQL expression of the
   * requests its endpoint picker holds (manifests/gateway/endpoint-picker.ts eppDemandQuery) does. Null
   * when the range does not reach zero.
   */
  wakeQuery: string | null;
}

/** The workload KEDA scales: a Deployment, or a LeaderWorkerSet (whose CRD has the scale subresource, charts/lws), by the workload's own name. */
export function scaleTargetOf(plan: DeploymentPlan, serverName: string): Json {
  const name = workloadName({ name: serverName, plan });
  return plan.nodesPerReplica > 1
    ? { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", name }
    : { apiVersion: "apps/v1", kind: "Deployment", name };
}

/** Seconds between KEDA's queries of Prometheus (KEDA's default is 30): a choice, as often as Prometheus scrapes. */
export const KEDA_POLLING_SECONDS = 15;
/**
 * The HPA's limits on its scale-down behaviour (autoscaling/v2 HPAScalingRules: a stabilization
 * window of at most 3600 s, a policy period of at most 1800 s; KEDA's CRD repeats the first,
 * charts/keda/config/crd/patches/scaledobject_patch.yaml, and the second, keda.sh_scaledobjects.yaml).
 * A slower model's time to ready (Llama 3.1 405B from Hugging Face: over an hour) is capped here.
 */
export const HPA_MAX_STABILIZATION_SECONDS = 3600;
export const HPA_MAX_POLICY_PERIOD_SECONDS = 1800;
/**
 * Mean KV cache use per replica above which another one is added (a choice, below the 0.95 of the
 * VllmKvCacheNearlyFull alert): long prompts fill the cache before the batch reaches --max-num-seqs,
 * and requests then wait while the running count stays under the queue trigger's threshold.
 */
export const KV_CACHE_TARGET_USAGE = 0.9;

/**
 * The HPA leaves the replica count alone while the usage ratio is within its tolerance of 1: 0.1,
 * kube-controller-manager's `--horizontal-pod-autoscaler-tolerance` default
 * (pkg/controller/podautoscaler/config/v1alpha1/defaults.go), which EKS does not change. For an
 * AverageValue external metric — every KEDA trigger here — it adds replicas only when
 * `sum / (target × replicas) > 1 + tolerance` (pkg/controller/podautoscaler/replica_calculator.go,
 * GetExternalPerPodMetricReplicas). A target of 0.9 would so act at 0.99. The per-replica
 * tolerance field (HPA `behavior.scaleUp.tolerance`) needs the HPAConfigurableTolerance feature
 * gate, which a cluster may not have, so the target is derived instead and works on every cluster.
 */
export const HPA_DEFAULT_TOLERANCE = 0.1;

/**
 * The trigger threshold at which the HPA adds a replica once the per-replica value exceeds
 * `actAbove`: actAbove / (1 + tolerance), rounded down to the three decimals KEDA hands the HPA
 * (quantityFromFloat64 formats the AverageValue with `%.3f`, pkg/scalers/scaler.go, v2.20.2), so
 * rounding never moves the point above `actAbove`.
 */
export function hpaThresholdActingAbove(actAbove: number): number {
  return Math.floor((actAbove / (1 + HPA_DEFAULT_TOLERANCE)) * 1000) / 1000;
}

export function vllmScaledObject(input: ScaledObjectInput): Json {
  const { plan } = input;
  const breakEvenSeconds = plan.timeToReady.totalSeconds;
  // vLLM labels its series with the served name (--served-model-name): a set's model is served under its entry's name.
  const where = `namespace="${input.namespace}", model_name="${servedModelNameOf(plan)}"`;
  const prometheus = (name: string, metadata: Json): Json => ({
    type: "prometheus",
    name,
    metadata: { serverAddress: input.prometheusAddress, ...metadata },
  });
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: input.name, namespace: input.namespace },
    spec: {
      scaleTargetRef: scaleTargetOf(plan, input.name),
      minReplicaCount: input.range.minReplicas,
      maxReplicaCount: input.range.maxReplicas,
      pollingInterval: KEDA_POLLING_SECONDS,
      cooldownPeriod: breakEvenSeconds,
      // A new ScaledObject waits as long before its first scale to zero (KEDA's default is 0:
      // pkg/scaling/executor/scale_executor.go), so a fresh deploy serves before it idles away.
      initialCooldownPeriod: breakEvenSeconds,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // One replica at a time each way: each takes a GPU node that boots and loads for minutes.
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
            scaleDown: {
              stabilizationWindowSeconds: Math.min(breakEvenSeconds, HPA_MAX_STABILIZATION_SECONDS),
              policies: [{ type: "Pods", value: 1, periodSeconds: Math.min(breakEvenSeconds, HPA_MAX_POLICY_PERIOD_SECONDS) }],
            },
          },
        },
      },
      // The HPA follows the trigger asking for the most replicas (KEDA v2.20.2 builds one HPA metric per trigger).
      triggers: [
        prometheus("queue", {
          // Requests in flight, whatever their state: the HPA divides by the threshold per replica.
          query: `sum(vllm:num_requests_running{${where}}) + sum(vllm:num_requests_waiting{${where}})`,
          // Acts above what one replica holds within the declared workload's SLOs (performance.ts).
          threshold: String(hpaThresholdActingAbove(input.requestsPerReplica)),
          activationThreshold: "0",
        }),
        prometheus("kv-cache", {
          // One series per serving pod (the monitor scrapes leaders only), each 0 to 1: their sum over the target per replica.
          query: `sum(vllm:kv_cache_usage_perc{${where}})`,
          threshold: String(hpaThresholdActingAbove(KV_CACHE_TARGET_USAGE)),
          activationThreshold: "0",
        }),
        ...(input.wakeQuery === null
          ? []
          : [
              prometheus("wake", {
                // At most 1: a burst of requests at zero asks for one replica, not maxReplicas; the queue
                // and cache triggers size the rest once vLLM serves. Any request seen in the query's
                // window keeps the server active (KEDA's ScaledObject is active while any trigger is above
                // its activationThreshold: pkg/scaling/scale_handler.go, v2.20.2) and so wakes it from zero.
                query: `clamp_max(${input.wakeQuery}, 1)`,
                threshold: "1",
                activationThreshold: "0",
                // The picker's query answers 0 when nothing waits (`or vector(0)`): an empty result is a broken
                // query, which must show as an error on the ScaledObject, not read as 0 and never wake it
                // (the scaler's default ignores it: pkg/scalers/prometheus_scaler.go, ignoreNullValues).
                ignoreNullValues: "false",
              }),
            ]),
      ],
    },
  };
}
