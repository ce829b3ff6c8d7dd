/**
 * The `models` key: a stack that serves a set of models behind one endpoint. Each entry is planned
 * as a one-model stack is (the same planner, the stack's shared sizing keys — gpu, region,
 * allowedInstanceTypes, kvCacheDtype, … — plus the entry's own), then the set is packed onto the
 * cheapest GPU node groups (infra/plan/packing.ts) and each packed model is planned again on the
 * node type the packing gave it, so its flags, pod resources and node selector follow where it runs.
 * Every problem of every entry is reported at once, each under its path (`models[1].maxModelLen`).
 */
import {
  InfeasiblePlanError,
  PlanInputError,
  planDeployment,
  resolvePlanRequest,
  type DeploymentPlan,
  type GpuNodeGroupSize,
  type InputIssue,
  type PlanRequest,
  type ServerScaling,
} from "../plan";
import {
  MAX_SET_MODELS,
  dedicatedReasons,
  instanceOffers,
  packingItemOf,
  packModels,
  type PackingItem,
  type PackingPlan,
} from "../plan/packing";
import { performanceFor } from "../plan/performance";
import { resolveWorkload, type Workload } from "../plan/workload";
import { planRequestFromStackConfig } from "./coerce";
import { autoscalingRange } from "./cross-field";
import { type Deployment } from "./deployment";
import { coerceNumber, coerceObject } from "./keys";

/** What one entry of `models` may say; everything else is the stack's, shared by the set. */
export const MODEL_ENTRY_KEYS = [
  "model",
  "name",
  "quantization",
  "maxModelLen",
  "replicas",
  "minReplicas",
  "maxReplicas",
  "workload",
] as const;
type ModelEntryKey = (typeof MODEL_ENTRY_KEYS)[number];

/**
 * Keys that belong to one model: with `models`, each entry says them. The stack-level `workload`
 * is the exception: it is every entry's traffic unless the entry declares its own.
 */
export const PER_MODEL_STACK_KEYS = ["model", "quantization", "maxModelLen", "minReplicas", "maxReplicas", "tensorParallelSize"] as const;

/**
 * The served name is the `model` clients send and the prefix of the model's Kubernetes objects
 * (`<name>`, `<name>-epp`, `<name>-secrets`): an RFC 1035 label (a Service name must be one) short
 * enough that the longest suffix the kit adds still fits 63 characters.
 */
export const SERVED_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const SERVED_NAME_ACCEPTS = "a lowercase name of letters, digits and hyphens, starting with a letter, at most 40 characters";

/** The most models one stack serves (the gateway's route's rule limit: infra/plan/packing.ts). */
export const MAX_MODELS = MAX_SET_MODELS;

/**
 * Names a model cannot take: its objects would be another's — `llm-gateway` is the gateway's proxy
 * (Deployment, Service), `models` the route's /v1/models rule, `<name>-epp` a model's endpoint picker.
 */
const RESERVED_NAMES = /^(llm-gateway|models)$|-epp$/;

export interface ServedModel {
  /** The `model` clients send; names the model's objects. */
  name: string;
  plan: DeploymentPlan;
  /** KEDA's range for this model; null: its replicas, fixed. */
  autoscaling: ServerScaling | null;
  /** The entry's traffic (or the stack's); null when neither declares one. */
  workload: Workload | null;
  /** The node group of the packing plan it runs on. */
  nodeGroup: string;
}

export interface ModelSet {
  models: ServedModel[];
  packing: PackingPlan;
}

/** A default served name from a catalog id or repo id: `meta-llama/Llama-3.1-8B-Instruct` → `llama-3-1-8b-instruct`. */
export function defaultServedName(model: string): string {
  const base = model.split("/").pop() ?? model;
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^([0-9])/, "m-$1");
  return name.length > 40 ? name.slice(0, 40).replace(/-+$/, "") : name;
}

const entryPath = (index: number, key?: string) => (key ? `models[${index}].${key}` : `models[${index}]`);

/** A planner issue in the entry's terms: its own keys under `models[i]`, the stack's shared keys as they are. */
function inEntry(index: number, issue: InputIssue): InputIssue {
  const key = issue.path.split(/[.[]/)[0] ?? issue.path;
  return (MODEL_ENTRY_KEYS as readonly string[]).includes(key) ? { ...issue, path: entryPath(index, issue.path) } : issue;
}

function wholeNumber(value: unknown, minimum: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= minimum;
}

interface EntryPlan {
  index: number;
  name: string;
  request: PlanRequest;
  plan: DeploymentPlan;
  range: { minReplicas?: number; maxReplicas?: number };
  workload: Workload | null;
}

/** One entry's checks and plan; its issues under its path. */
function planEntry(
  raw: unknown,
  index: number,
  stackValues: Readonly<Record<string, unknown>>,
  region: unknown,
  stackWorkload: Workload | null,
): { entry: EntryPlan | null; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const given = coerceObject(raw);
  if (given === null || typeof given !== "object" || Array.isArray(given)) {
    return {
      entry: null,
      issues: [
        {
          path: entryPath(index),
          value: raw,
          expected: `a mapping of ${MODEL_ENTRY_KEYS.join(", ")}`,
          hint: "Write each entry as a mapping, e.g. `- model: llama-3.1-8b-instruct`.",
        },
      ],
    };
  }
  const entry = given as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!(MODEL_ENTRY_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: entryPath(index, key),
        value: entry[key],
        expected: `one of the entry keys ${MODEL_ENTRY_KEYS.join(", ")}`,
        hint: "Remove it, or set it at the stack level if it applies to every model (gpu, kvCacheDtype, weightsSource, …).",
      });
    }
  }
  if (typeof entry.model !== "string" || entry.model.trim() === "") {
    issues.push({
      path: entryPath(index, "model"),
      value: entry.model,
      expected: "a catalog model id or the Hugging Face repo id of one of its checkpoints",
      hint: "Give every entry its model, e.g. `model: llama-3.1-8b-instruct` (run `npm run -s cli -- models`).",
    });
    return { entry: null, issues };
  }
  const name = entry.name === undefined ? defaultServedName(entry.model) : entry.name;
  if (typeof name === "string" && RESERVED_NAMES.test(name)) {
    issues.push({
      path: entryPath(index, "name"),
      value: name,
      expected: "a name other than llm-gateway or models, not ending in -epp (the gateway's own objects use them)",
      hint: "Rename it, e.g. `name: llama-8b`.",
    });
  } else if (typeof name !== "string" || !SERVED_NAME_PATTERN.test(name)) {
    issues.push({
      path: entryPath(index, "name"),
      value: name,
      expected: SERVED_NAME_ACCEPTS,
      hint:
        entry.name === undefined
          ? `The name derived from the model id does not fit; give the entry a name, e.g. \`name: ${defaultServedName(entry.model).slice(0, 20).replace(/-+$/, "") || "model-a"}\`.`
          : "Rename it, e.g. `name: llama-8b`; clients send it as the request's `model`.",
    });
  }
  const replicas = coerceNumber(entry.replicas ?? 1);
  const minReplicas = entry.minReplicas === undefined ? undefined : coerceNumber(entry.minReplicas);
  const maxReplicas = entry.maxReplicas === undefined ? undefined : coerceNumber(entry.maxReplicas);
  const counts: Array<[string, unknown, number]> = [
    ["replicas", replicas, 1],
    ["minReplicas", minReplicas, 0],
    ["maxReplicas", maxReplicas, 1],
  ];
  for (const [key, value, minimum] of counts) {
    if (value !== undefined && !wholeNumber(value, minimum)) {
      issues.push({
        path: entryPath(index, key),
        value,
        expected: `a whole number ≥ ${minimum}`,
        hint:
          key === "replicas"
            ? "Give the replicas this model runs, e.g. `replicas: 1`."
            : `Give a whole number, e.g. \`${key}: ${minimum}\`.`,
      });
    }
  }
  if (minReplicas !== undefined && maxReplicas === undefined) {
    issues.push({
      path: entryPath(index, "minReplicas"),
      value: minReplicas,
      expected: "unset unless maxReplicas is set",
      hint: "Set the entry's maxReplicas to autoscale it, or remove minReplicas.",
    });
  }
  let workload = stackWorkload;
  const workloadValue = entry.workload === undefined ? undefined : coerceObject(entry.workload);
  if (workloadValue !== undefined && (workloadValue === null || typeof workloadValue !== "object" || Array.isArray(workloadValue))) {
    issues.push({
      path: entryPath(index, "workload"),
      value: entry.workload,
      expected: "a mapping of workload keys (as the stack's workload)",
      hint: "Write it as a mapping, e.g. `workload: { inputTokens: 1000, outputTokens: 200 }`, or remove it.",
    });
  } else if (workloadValue !== undefined) {
    try {
      workload = resolveWorkload(
        Object.fromEntries(Object.entries(workloadValue as Record<string, unknown>).map(([key, value]) => [key, coerceNumber(value)])),
        (key) => entryPath(index, `workload.${key}`),
      );
    } catch (error) {
      if (!(error instanceof PlanInputError)) throw error;
      issues.push(...error.issues);
    }
  }
  const request = planRequestFromStackConfig(
    {
      ...stackValues,
      model: entry.model,
      replicas,
      ...(entry.quantization !== undefined ? { quantization: entry.quantization } : {}),
      ...(entry.maxModelLen !== undefined ? { maxModelLen: entry.maxModelLen } : {}),
    },
    region,
  );
  let plan: DeploymentPlan | null = null;
  try {
    // Its smallest shape first: whether it packs onto a shared node decides whether idle GPUs are its to use.
    plan = planDeployment(request, { servedModelName: typeof name === "string" ? name : undefined, fillIdleGpus: false });
  } catch (error) {
    if (error instanceof PlanInputError) issues.push(...error.issues.map((issue) => inEntry(index, issue)));
    else if (error instanceof InfeasiblePlanError) {
      issues.push({
        path: entryPath(index, "model"),
        value: entry.model,
        expected: "a plan that fits the allowed GPUs",
        hint: error.message,
      });
    } else throw error;
  }
  if (!plan || issues.length > 0 || typeof name !== "string") return { entry: null, issues };
  const range = {
    ...(wholeNumber(minReplicas, 0) ? { minReplicas } : {}),
    ...(wholeNumber(maxReplicas, 1) ? { maxReplicas } : {}),
  };
  return { entry: { index, name, request, plan, range, workload }, issues };
}

/** Stack-level keys that say one model's thing: with `models`, each entry says them instead. */
function perModelKeyIssues(stackValues: Readonly<Record<string, unknown>>): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const key of PER_MODEL_STACK_KEYS) {
    if (stackValues[key] === undefined) continue;
    issues.push({
      path: key,
      value: stackValues[key],
      expected: "unset when models is set",
      hint:
        key === "model"
          ? "Serve one model with `model`, or a set with `models` — not both; move the model into the list."
          : key === "tensorParallelSize"
            ? "Remove it: each model's tensor parallel size is derived from its own entry."
            : `Set it on the entries of models that need it (models[i].${key}), or remove it.`,
    });
  }
  // The CLI applies replicas' default (1); any other stack-level count belongs to an entry.
  if (stackValues.replicas !== undefined && coerceNumber(stackValues.replicas) !== 1) {
    issues.push({
      path: "replicas",
      value: stackValues.replicas,
      expected: "unset (or 1) when models is set",
      hint: "Give each entry of models its own replicas.",
    });
  }
  return issues;
}

/**
 * The set's models, packing and per-model plans, or every problem. `stackValues` are the stack's
 * values without unset markers; `valid` its deployment keys as validated.
 */
export function resolveModelSet(
  entries: readonly unknown[],
  stackValues: Readonly<Record<string, unknown>>,
  region: unknown,
  valid: Partial<Deployment>,
  stackWorkload: Workload | null,
): { set: ModelSet | null; issues: InputIssue[] } {
  const issues: InputIssue[] = [...perModelKeyIssues(stackValues)];
  if (entries.length === 0 || entries.length > MAX_MODELS) {
    issues.push({
      path: "models",
      value: entries.length === 0 ? [] : `${entries.length} entries`,
      expected: `a list of 1 to ${MAX_MODELS} models`,
      hint: entries.length === 0 ? "Add at least one entry, or use `model` for one model." : "Split the set across stacks.",
    });
    return { set: null, issues };
  }
  const shared = Object.fromEntries(
    Object.entries(stackValues).filter(([key]) => !(PER_MODEL_STACK_KEYS as readonly string[]).includes(key) && key !== "replicas"),
  );
  const planned: EntryPlan[] = [];
  entries.forEach((raw, index) => {
    const result = planEntry(raw, index, shared, region, stackWorkload);
    issues.push(...result.issues);
    if (result.entry) planned.push(result.entry);
  });
  const seen = new Map<string, number>();
  for (const entry of planned) {
    const first = seen.get(entry.name);
    if (first !== undefined) {
      issues.push({
        path: entryPath(entry.index, "name"),
        value: entry.name,
        expected: `a name no other entry has (models[${first}] is ${entry.name})`,
        hint: "Give each entry its own name; the same model may be served twice under two names.",
      });
    } else seen.set(entry.name, entry.index);
  }
  if (issues.length > 0) return { set: null, issues: unique(issues) };
  // The types the stack allows (allowedInstanceTypes, the gpu): every entry shares them.
  const allowed = resolvePlanRequest(planned[0]!.request).instanceTypes;
  const offers = instanceOffers(planned[0]!.plan.region).filter((offer) => allowed.includes(offer.instanceType));
  const ranges = new Map<string, ServerScaling | null>();
  for (const entry of planned) {
    const maxNodes = resolvePlanRequest(entry.request).maxNodes;
    // The stack's own checks of a range (a created cluster, Prometheus for KEDA, no Capacity Block), on the entry's range.
    const rangeOf = (plan: DeploymentPlan) =>
      autoscalingRange(plan, { ...valid, minReplicas: entry.range.minReplicas, maxReplicas: entry.range.maxReplicas }, maxNodes);
    let scaled = rangeOf(entry.plan);
    // A model with nodes of its own (autoscaled, too big to share, spanning nodes) is planned as a
    // one-model stack is: TP raised onto its node's otherwise idle GPUs.
    const dedicated = dedicatedReasons({ ...entry.plan, scalesToZeroOrAutoscaled: scaled.range !== null }, offers).length > 0;
    if (dedicated && scaled.issues.length === 0) {
      entry.plan = planDeployment(entry.request, { servedModelName: entry.name });
      scaled = rangeOf(entry.plan);
    }
    issues.push(...scaled.issues.map((issue) => inEntry(entry.index, issue)));
    ranges.set(
      entry.name,
      scaled.range
        ? {
            ...scaled.range,
            requestsPerReplica: Math.max(
              1,
              performanceFor(entry.plan, entry.workload ?? resolveWorkload({})).maxConcurrentRequestsPerReplica,
            ),
          }
        : null,
    );
  }
  if (issues.length > 0) return { set: null, issues: unique(issues) };

  const items: PackingItem[] = planned.map((entry) => packingItemOf(entry.name, entry.plan, ranges.get(entry.name) !== null));
  const packing = packModels(items, offers);
  const models: ServedModel[] = [];
  for (const entry of planned) {
    const placement = packing.placements[entry.name]!;
    // Moved onto another node type (a shared 8-GPU node): planned again there, at the same parallelism.
    let plan = entry.plan;
    if (placement.instanceType !== entry.plan.instanceType) {
      try {
        plan = planDeployment(
          {
            ...entry.request,
            allowedInstanceTypes: [placement.instanceType],
            tensorParallelSize: entry.plan.tensorParallelSize,
            quantization: entry.plan.quantization,
            maxModelLen: entry.plan.maxModelLen,
          },
          { servedModelName: entry.name, fillIdleGpus: false },
        );
      } catch (error) {
        if (!(error instanceof PlanInputError || error instanceof InfeasiblePlanError)) throw error;
        issues.push({
          path: entryPath(entry.index, "model"),
          value: entry.plan.model,
          expected: `a plan on ${placement.instanceType}, where the packing puts it`,
          hint: `${error.message} Restrict the set with allowedInstanceTypes, or serve the model in a stack of its own.`,
        });
        continue;
      }
    }
    models.push({
      name: entry.name,
      plan,
      autoscaling: ranges.get(entry.name) ?? null,
      workload: entry.workload,
      nodeGroup: placement.nodeGroup,
    });
  }
  return issues.length > 0 ? { set: null, issues: unique(issues) } : { set: { models, packing }, issues: [] };
}

/** Each problem once: a stack key every entry plans with is reported once, not once per entry. */
function unique(issues: readonly InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.path, issue.value, issue.expected]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The set's GPU node groups as the cost and the program size them: a shared group's nodes fixed; a
 * dedicated group of an autoscaled model spans its range (Cluster Autoscaler moves it).
 */
export function modelSetNodeGroups(set: ModelSet): GpuNodeGroupSize[] {
  return set.packing.nodeGroups.map((group) => {
    const only = group.kind === "dedicated" ? set.models.find((model) => model.nodeGroup === group.name) : undefined;
    const range = only?.autoscaling ?? null;
    return {
      name: `gpu-${group.name}`,
      instanceType: group.instanceType,
      nodes: group.nodes,
      minNodes: range ? range.minNodes : group.nodes,
      maxNodes: range ? range.maxNodes : group.nodes,
    };
  });
}
