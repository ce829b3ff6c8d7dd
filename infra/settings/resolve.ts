/**
 * The one function that turns a stack's config into fully resolved settings plus the plan — or one
 * error naming every problem. Pure: infra/config.ts (pulumi.Config), `plan --stack`, `cost` and
 * `preflight` (the YAML file) all go through here, so they cannot disagree about what a stack
 * means. Secrets never enter this module: callers pass only how each secret is set.
 */
import {
  InfeasiblePlanError,
  PlanInputError,
  planDeployment,
  resolvePlanRequest,
  stackCost,
  type ClusterMode,
  type DeploymentPlan,
  type InputIssue,
  type ReplicaRange,
  type ServerScaling,
} from "../plan";
import { planRequestFromStackConfig, toStackPath } from "./coerce";
import {
  autoscalingKeyIssues,
  autoscalingRange,
  crossFieldIssues,
  gatedModelIssue,
  imageSourceResolution,
  planIssues,
  plaintextSecretIssues,
} from "./cross-field";
import {
  DEPLOYMENT_DEFAULTS,
  deploymentIssues,
  deploymentSchema,
  type Deployment,
  type EndpointAccess,
  type ResolvedCapacity,
  type ResolvedCluster,
  type SecretPresence,
  type StackSettings,
} from "./deployment";
import { performanceFor } from "../plan/performance";
import { withoutUnsetMarkers } from "./keys";
import { resolveWorkload, type Workload } from "../plan/workload";

function resolveCluster(d: Deployment): ResolvedCluster {
  if (d.cluster === "kubeconfig") return { mode: "kubeconfig" };
  if (d.cluster.startsWith("eks:")) return { mode: "eks", name: d.cluster.slice("eks:".length), nodeSubnetIds: d.nodeSubnetIds ?? [] };
  const endpoint: EndpointAccess =
    d.clusterEndpointAccess === "public"
      ? { access: "public", publicAccessCidrs: d.clusterPublicAccessCidrs ?? [] }
      : { access: "private" };
  return { mode: "create", endpoint, adminPrincipalArns: d.clusterAdminPrincipalArns ?? [], supportType: d.kubernetesSupportType };
}

function resolveCapacity(d: Deployment): ResolvedCapacity {
  if (d.capacityType === "capacity-block")
    return { type: "capacity-block", reservationId: d.capacityReservationId ?? "", zoneId: d.capacityReservationZoneId ?? "" };
  return { type: d.capacityType };
}

const clusterModeOf = (cluster: string | undefined): ClusterMode =>
  cluster?.startsWith("eks:") ? "eks" : cluster === "kubeconfig" ? "kubeconfig" : "create";

/**
 * Resolves every stack setting, or throws one PlanInputError (exit 2) listing every problem with
 * its config path. An infeasible plan is reported among them, with the planner's numbers.
 * `given` may hold the "unset" markers the Pulumi CLI fills in from Pulumi.yaml's defaults.
 */
export function resolveStackSettings(
  given: Readonly<Record<string, unknown>>,
  region: unknown,
  secrets: SecretPresence,
  /** Problems found before the values were read (configKeyIssues: unknown keys, encrypted plain keys). */
  keyIssues: readonly InputIssue[] = [],
): StackSettings {
  const values = withoutUnsetMarkers(given);
  const { issues: valueIssues, valid } = deploymentIssues(values);
  const issues = [...keyIssues, ...valueIssues];
  issues.push(...plaintextSecretIssues(secrets), ...crossFieldIssues(valid, secrets), ...autoscalingKeyIssues(valid));

  let plan: DeploymentPlan | undefined;
  const request = planRequestFromStackConfig(values, region);
  try {
    plan = planDeployment(request);
  } catch (error) {
    if (error instanceof PlanInputError) issues.push(...error.issues);
    else if (error instanceof InfeasiblePlanError) {
      issues.push({ path: "model", value: values.model, expected: "a plan that fits the allowed GPUs", hint: error.message });
    } else throw error;
  }
  const mode = clusterModeOf(valid.cluster);
  const supportType = valid.kubernetesSupportType ?? DEPLOYMENT_DEFAULTS.kubernetesSupportType;
  let range: ReplicaRange | null = null;
  if (plan) {
    // maxNodes as the planner resolved it: the request resolves, since it planned.
    const scaled = autoscalingRange(plan, valid, resolvePlanRequest(request).maxNodes);
    range = scaled.range;
    issues.push(...scaled.issues);
  }
  const autoscaling = range;
  const cost = plan ? stackCost(plan, mode, plan.region, supportType, autoscaling ?? undefined) : undefined;
  // Only a cluster the stack creates gets the operator by default: an existing one may run its own
  // Prometheus operator, whose CRDs the provider's create would collide with (AlreadyExists).
  const observability = valid.observability ?? ((valid.cluster ?? "create") === "create" ? "prometheus" : "none");
  const images = imageSourceResolution(valid, secrets, { observability, autoscaling });
  issues.push(...images.issues);
  if (plan && cost) issues.push(...planIssues(plan, cost, valid));
  issues.push(...gatedModelIssue(values.model, secrets));
  let workload: Workload | null = null;
  if (valid.workload !== undefined && Object.keys(valid.workload).length > 0) {
    try {
      workload = resolveWorkload(valid.workload, (key) => `workload.${key}`);
    } catch (error) {
      if (!(error instanceof PlanInputError)) throw error;
      issues.push(...error.issues);
    }
  }

  // The queue trigger's per-replica target: what one replica holds within the workload's SLOs.
  const scaling: ServerScaling | null =
    plan && autoscaling
      ? {
          ...autoscaling,
          requestsPerReplica: Math.max(1, performanceFor(plan, workload ?? resolveWorkload({})).maxConcurrentRequestsPerReplica),
        }
      : null;
  const parsed = deploymentSchema.safeParse(valid);
  if (issues.length > 0 || !plan || !cost || !parsed.success) {
    throw new PlanInputError(issues.map(toStackPath), "invalid stack configuration; nothing was created");
  }
  const d = parsed.data;
  return {
    region: plan.region,
    plan,
    cost,
    capacity: resolveCapacity(d),
    cluster: resolveCluster(d),
    vllmImage: d.vllmImage,
    efa: d.efa,
    maxHourlyUsd: d.maxHourlyUsd ?? null,
    namespace: d.namespace,
    exposure: d.exposure,
    benchmark: d.benchmark,
    observability,
    autoscaling: scaling,
    allowedClientNamespaces: d.allowedClientNamespaces ?? [],
    workload,
    hfTokenSet: secrets.hfToken === "secret",
    images: images.images,
  };
}
