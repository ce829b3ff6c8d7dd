/**
 * The replica range of an autoscaled stack and the GPU nodes each end of it takes. The plan is
 * sized for `replicas` (the expected load); KEDA moves the replica count between `minReplicas` and
 * `maxReplicas`, and Cluster Autoscaler moves the GPU node group between the nodes those counts
 * need. Nodes are counted the way the planner counts them (candidates.ts nodesFor): single-node
 * replicas packed whole onto nodes, multi-node replicas taking their own nodes.
 */
import { nodesFor } from "./candidates";
import { type DeploymentPlan } from "./deployment-plan";

/**
 * The replica range, and the requests in flight one replica holds within the declared workload's
 * SLOs (the performance model's SLO-feasible concurrency; without SLOs, the KV-bound batch at the
 * workload's lengths): what KEDA's queue trigger scales on.
 */
export interface ServerScaling extends ReplicaRange {
  requestsPerReplica: number;
}

export interface ReplicaRange {
  minReplicas: number;
  maxReplicas: number;
  /** GPU nodes at minReplicas: the node group's minSize (0 when the server scales to zero). */
  minNodes: number;
  /** GPU nodes at maxReplicas: the node group's maxSize, which the budget prices. */
  maxNodes: number;
}

/** minReplicas when autoscaling and the stack sets none: one replica stays up (zero makes a request wait a whole cold start). */
export const DEFAULT_MIN_REPLICAS = 1;

export function replicaRange(plan: DeploymentPlan, minReplicas: number, maxReplicas: number): ReplicaRange {
  const nodes = (replicas: number) =>
    replicas === 0 ? 0 : nodesFor(plan.instanceType, plan.gpusPerReplica, plan.nodesPerReplica, replicas);
  return { minReplicas, maxReplicas, minNodes: nodes(minReplicas), maxNodes: nodes(maxReplicas) };
}

/** A fixed stack as a range of one point, so every consumer reads one shape. */
export function fixedRange(plan: DeploymentPlan): ReplicaRange {
  return { minReplicas: plan.replicas, maxReplicas: plan.replicas, minNodes: plan.nodes, maxNodes: plan.nodes };
}
