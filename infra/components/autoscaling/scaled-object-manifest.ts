/**
 * A KEDA ScaledObject (keda.sh/v1alpha1 at KEDA v2.20.2, vendored in charts/keda/) that scales a
 * vLLM Deployment on vLLM's own queue: requests running plus waiting, over what one replica
 * serves at once. Plain data, validated against the CRD's schema in tests.
 *
 * Scale-down waits as long as a new replica takes to become ready (time-to-ready.ts): removing a
 * replica that is needed again costs that time once more, so keeping an idle one for exactly that
 * long is the break-even of the two mistakes (the ski-rental rule: never worse than twice the best
 * choice in hindsight). KEDA hands `advanced.horizontalPodAutoscalerConfig.behavior` to the HPA
 * as is; `cooldownPeriod` applies only to the last replica, when scaling to zero
 * (keda-docs content/docs/2.20/reference/scaledobject-spec.md).
 */
import { timeToReady, type DeploymentPlan, type ReplicaRange } from "../../plan";

type Json = Record<string, unknown>;

export interface ScaledObjectInput {
  name: string;
  namespace: string;
  plan: DeploymentPlan;
  range: Pick<ReplicaRange, "minReplicas" | "maxReplicas">;
  /** Prometheus' HTTP address as KEDA reaches it, e.g. http://prometheus-operated.monitoring.svc:9090. */
  prometheusAddress: string;
  /**
   * At zero replicas vLLM emits nothing, so its queue cannot wake it: a PromQL expression of
   * requests turned away while no replica was ready (the wake front's 503s) does. Null when the
   * range does not reach zero.
   */
  wakeQuery: string | null;
}

/** The workload KEDA scales: a Deployment, or a LeaderWorkerSet (whose CRD has the scale subresource, charts/lws). */
export function scaleTargetOf(plan: DeploymentPlan, name: string): Json {
  return plan.nodesPerReplica > 1
    ? { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", name }
    : { apiVersion: "apps/v1", kind: "Deployment", name };
}

/** Seconds between KEDA's queries of Prometheus (KEDA's default is 30). */
const POLLING_SECONDS = 15;

export function vllmScaledObject(input: ScaledObjectInput): Json {
  const { plan } = input;
  const breakEvenSeconds = timeToReady(plan).totalSeconds;
  const where = `namespace="${input.namespace}", model_name="${plan.model}"`;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: input.name, namespace: input.namespace },
    spec: {
      scaleTargetRef: scaleTargetOf(plan, input.name),
      minReplicaCount: input.range.minReplicas,
      maxReplicaCount: input.range.maxReplicas,
      pollingInterval: POLLING_SECONDS,
      cooldownPeriod: breakEvenSeconds,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // One replica at a time each way: each takes a GPU node that boots and loads for minutes.
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
            scaleDown: { stabilizationWindowSeconds: breakEvenSeconds, policies: [{ type: "Pods", value: 1, periodSeconds: breakEvenSeconds }] },
          },
        },
      },
      triggers: [{
        type: "prometheus",
        metadata: {
          serverAddress: input.prometheusAddress,
          // Requests in flight, whatever their state: the HPA divides by the threshold per replica.
          query: `sum(vllm:num_requests_running{${where}}) + sum(vllm:num_requests_waiting{${where}})`,
          // What one replica serves at once in the plan's throughput model (economics.ts batchSequences).
          threshold: String(plan.economics.batchSequences),
          activationThreshold: "0",
        },
      }, ...(input.wakeQuery === null ? [] : [{
        type: "prometheus",
        name: "wake",
        metadata: {
          serverAddress: input.prometheusAddress,
          // At most 1: a burst of turned-away requests asks for one replica, not maxReplicas; the
          // queue trigger sizes the rest once vLLM serves. Any turned-away request wakes the
          // server: activation above 0 takes it from zero to one (keda-docs 2.20
          // concepts/scaling-deployments.md, "Activating and Scaling thresholds").
          query: `clamp_max(${input.wakeQuery}, 1)`,
          threshold: "1",
          activationThreshold: "0",
        },
      }])],
    },
  };
}
