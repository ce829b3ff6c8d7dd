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
  efaIssues,
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
  type ModelSetSettings,
  type SecretPresence,
  type StackSettings,
  type StackSettingsBase,
} from "./deployment";
import { performanceFor } from "../plan/performance";
import { clusterItems, priceItems } from "../plan/stack-cost";
import { modelSetNodeGroups, resolveModelSet, type ModelSet } from "./model-set";
import { withoutUnsetMarkers } from "./keys";
import { resolveCapacityOptions } from "./capacity-options";
import { resolveWorkload, type Workload } from "../plan/workload";
import { packingPricedAsBought, pricedAsBought } from "../plan/priced-as-bought";
import { type CapacityType } from "../catalog";

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
    return {
      type: "capacity-block",
      reservationId: d.capacityReservationId ?? "",
      zoneId: d.capacityReservationZoneId ?? "",
      startDate: d.capacityReservationStartDate ?? "",
      endDate: d.capacityReservationEndDate ?? "",
    };
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
  return resolveCapacityOptions(withoutUnsetMarkers(given), region, secrets, keyIssues, resolveOneOption);
}

/** One capacity option's stack: every setting resolved, or one PlanInputError listing every problem. */
function resolveOneOption(
  values: Readonly<Record<string, unknown>>,
  region: unknown,
  secrets: SecretPresence,
  keyIssues: readonly InputIssue[],
): StackSettings {
  const { issues: valueIssues, valid } = deploymentIssues(values);
  const issues = [...keyIssues, ...valueIssues];
  issues.push(...plaintextSecretIssues(secrets), ...crossFieldIssues(valid, secrets, values, region));
  if (valid.models !== undefined && valid.models.length > 0) return resolveModelSetSettings(values, region, secrets, valid, issues);
  issues.push(...autoscalingKeyIssues(valid));

  let plan: DeploymentPlan | undefined;
  const request = planRequestFromStackConfig(values, region);
  try {
    // Neither form given: the Pulumi CLI requires neither key (each has an unset default), so this is where it is said.
    if (values.model === undefined) throw new PlanInputError([MISSING_MODEL_ISSUE]);
    plan = planDeployment(request);
  } catch (error) {
    if (error instanceof PlanInputError) issues.push(...error.issues);
    else if (error instanceof InfeasiblePlanError) {
      issues.push({ path: "model", value: values.model, expected: "a plan that fits the allowed GPUs", hint: error.message });
    } else throw error;
  }
  const mode = clusterModeOf(valid.cluster);
  const supportType = valid.kubernetesSupportType ?? DEPLOYMENT_DEFAULTS.kubernetesSupportType;
  // The plan priced as its nodes are bought, so its cost, $/M tokens and the benchmark's price are the stack's.
  if (plan) plan = pricedAsBought(plan, valid.capacityType ?? DEPLOYMENT_DEFAULTS.capacityType);
  let range: ReplicaRange | null = null;
  if (plan) {
    // maxNodes as the planner resolved it: the request resolves, since it planned.
    const scaled = autoscalingRange(plan, valid, resolvePlanRequest(request).maxNodes);
    range = scaled.range;
    issues.push(...scaled.issues);
  }
  const autoscaling = range;
  const capacityType = valid.capacityType ?? DEPLOYMENT_DEFAULTS.capacityType;
  const cost = plan ? stackCost(plan, mode, plan.region, supportType, autoscaling ?? undefined, capacityType) : undefined;
  // Only a cluster the stack creates gets the operator by default: an existing one may run its own
  // Prometheus operator, whose CRDs the provider's create would collide with (AlreadyExists).
  const observability = valid.observability ?? ((valid.cluster ?? "create") === "create" ? "prometheus" : "none");
  const images = imageSourceResolution(valid, secrets, { observability, autoscaling, inferenceGateway: autoscaling?.minReplicas === 0 });
  issues.push(...images.issues);
  if (plan && cost) issues.push(...planIssues(plan, cost, valid));
  issues.push(...gatedModelIssue(values, secrets));
  const workload = stackWorkload(valid, issues);

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
    ...commonSettings(d, secrets, observability, images.images, workload),
    capacityOptions: [],
    region: plan.region,
    modelSet: null,
    plan,
    cost,
    autoscaling: scaling,
  };
}

/** A set priced as bought (infra/plan/priced-as-bought.ts): its packing, and each model's plan. */
function setPricedAsBought(set: ModelSet, capacityType: CapacityType): ModelSet {
  return {
    models: set.models.map((model) => ({ ...model, plan: pricedAsBought(model.plan, capacityType) })),
    packing: packingPricedAsBought(set.packing, set.models[0]!.plan.region, capacityType),
  };
}

/** A stack that names no model at all: it serves `model`, or the set in `models`. */
const MISSING_MODEL_ISSUE: InputIssue = {
  path: "model",
  value: undefined,
  expected: "a catalog model id (or a list of models in models)",
  hint: "Run `pulumi config set model llama-3.1-8b-instruct` (`npm run -s cli -- models` lists the ids), or list a set of models under models.",
};

/** The settings both forms share, from the validated deployment keys. */
function commonSettings(
  d: Deployment,
  secrets: SecretPresence,
  observability: "prometheus" | "none",
  images: StackSettings["images"],
  workload: Workload | null,
): Omit<StackSettingsBase, "region" | "cost" | "capacityOptions"> {
  return {
    capacity: resolveCapacity(d),
    cluster: resolveCluster(d),
    vllmImage: d.vllmImage,
    efa: d.efa,
    maxHourlyUsd: d.maxHourlyUsd ?? null,
    namespace: d.namespace,
    exposure: d.exposure,
    benchmark: d.benchmark,
    observability,
    allowedClientNamespaces: d.allowedClientNamespaces ?? [],
    workload,
    hfTokenSet: secrets.hfToken === "secret",
    images,
  };
}

/** The stack's `workload` key, resolved, or its issues (named `workload.<key>`). */
function stackWorkload(valid: Partial<Deployment>, issues: InputIssue[]): Workload | null {
  if (valid.workload === undefined || Object.keys(valid.workload).length === 0) return null;
  try {
    return resolveWorkload(valid.workload, (key) => `workload.${key}`);
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    issues.push(...error.issues);
    return null;
  }
}

/**
 * A stack serving the set in `models`: every entry planned, the set packed, the packing's node
 * groups priced as one stack — or every problem at once, as for one model.
 */
function resolveModelSetSettings(
  values: Readonly<Record<string, unknown>>,
  region: unknown,
  secrets: SecretPresence,
  valid: Partial<Deployment>,
  issues: InputIssue[],
): ModelSetSettings {
  const workload = stackWorkload(valid, issues);
  const resolvedSet = resolveModelSet(valid.models ?? [], values, region, valid, workload);
  const set = resolvedSet.set
    ? setPricedAsBought(resolvedSet.set, valid.capacityType ?? DEPLOYMENT_DEFAULTS.capacityType)
    : resolvedSet.set;
  issues.push(...resolvedSet.issues);
  // The set installs the Gateway API and InferencePool CRDs and agentgateway, which an existing
  // cluster may run already (the provider's create would collide with them): a created cluster only.
  if ((valid.cluster ?? DEPLOYMENT_DEFAULTS.cluster) !== "create") {
    issues.push({
      path: "models",
      value: `${(valid.models ?? []).length} models`,
      expected: "cluster create (a set brings its own Gateway API CRDs and inference gateway)",
      hint: "Let the stack create the cluster, or serve one model per stack on an existing cluster.",
    });
  }
  // A Capacity Block reserves one instance type: a set packed onto two cannot launch into it.
  const types = set ? [...new Set(set.packing.nodeGroups.map((group) => group.instanceType))] : [];
  if (valid.capacityType === "capacity-block" && types.length > 1) {
    issues.push({
      path: "capacityType",
      value: "capacity-block",
      expected: `one instance type for the whole set (this packing uses ${types.join(" and ")})`,
      hint: "Restrict the set to the reserved type with allowedInstanceTypes, or buy on-demand.",
    });
  }
  const autoscaled = set?.models.some((model) => model.autoscaling !== null) ?? false;
  const observability = valid.observability ?? ((valid.cluster ?? "create") === "create" ? "prometheus" : "none");
  // The set's ranges stand for the stack's in the image and add-on checks (KEDA, Cluster Autoscaler).
  const firstRange = set?.models.find((model) => model.autoscaling !== null)?.autoscaling ?? null;
  const images = imageSourceResolution(valid, secrets, {
    observability,
    autoscaling: autoscaled ? firstRange : null,
    inferenceGateway: true,
  });
  issues.push(...images.issues);
  issues.push(...gatedModelIssue(values, secrets));
  const mode = clusterModeOf(valid.cluster);
  const supportType = valid.kubernetesSupportType ?? DEPLOYMENT_DEFAULTS.kubernetesSupportType;
  const capacityType = valid.capacityType ?? DEPLOYMENT_DEFAULTS.capacityType;
  const groups = set ? modelSetNodeGroups(set).map((group) => ({ ...group, capacityType })) : [];
  const cost = set ? priceItems(clusterItems(groups, mode, supportType), set.models[0]!.plan.region) : undefined;
  if (set && cost) {
    // The stack's checks once (weights path, budget over the whole set at every model's maximum); EFA for the models that span nodes.
    issues.push(...planIssues(set.models[0]!.plan, cost, { ...valid, efa: false }));
    if (valid.efa) {
      const spanning = set.models.filter((model) => model.plan.nodesPerReplica > 1);
      issues.push(
        ...(spanning.length > 0 ? spanning.flatMap((model) => efaIssues(model.plan, valid)) : efaIssues(set.models[0]!.plan, valid)),
      );
    }
  }
  const parsed = deploymentSchema.safeParse(valid);
  if (issues.length > 0 || !set || !cost || !parsed.success) {
    throw new PlanInputError(issues.map(toStackPath), "invalid stack configuration; nothing was created");
  }
  return {
    ...commonSettings(parsed.data, secrets, observability, images.images, workload),
    capacityOptions: [],
    region: set.models[0]!.plan.region,
    modelSet: set,
    cost,
  };
}
