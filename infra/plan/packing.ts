/**
 * Packing planner: places a stack's set of models (each already planned on its own by planDeployment)
 * on the cheapest GPU nodes. Pure and deterministic; nothing here imports @pulumi/*.
 *
 * Every model keeps its own replicas. A model is placed WHOLE: all its replicas go to one node, and a
 * model is never split across shared nodes. The reason is the real scheduler: kube-scheduler scores
 * nodes with NodeResourcesFit (enabled in the default plugin set, kubernetes/kubernetes
 * pkg/scheduler/apis/config/v1/default_plugins.go), whose scoring strategy defaults to LeastAllocated
 * (SetDefaults_NodeResourcesFitArgs in pkg/scheduler/apis/config/v1/defaults.go; the scorer lives in
 * pkg/scheduler/framework/plugins/noderesources/fit.go and least_allocated.go). LeastAllocated prefers
 * the emptiest node, so it spreads pods; a replica-level packing (two replicas of A here, one there
 * beside B) could not be reproduced by it, and a replica could land where another model's replica was
 * planned and leave that one pending. A node group that holds all the replicas of its models and
 * nothing it is not planned for always fits them, in any order of arrival.
 *
 * Dedicated, not packed (each gets its own node group, sized as its own plan sized it):
 *  - a model whose replicas × gpusPerReplica exceed the largest offer of its GPU;
 *  - a multi-node replica (nodesPerReplica > 1);
 *  - an autoscaled or scale-to-zero model: its nodes must come and go with its replicas.
 * A dedicated model's nodes: replicas × nodesPerReplica for a multi-node replica, else
 * ceil(replicas / floor(gpuCount / gpusPerReplica)) (infra/plan/candidates.ts nodesFor), on the
 * instance type its own plan chose (`dedicatedInstanceType`).
 *
 * Packed models are partitioned into shared nodes (bins), one node each, one GPU type each (H100 and
 * H200 never mix). A bin's instance type is the cheapest offer of its GPU with at least the bin's
 * GPUs (the sum of replicas × gpusPerReplica of its models). The partition minimises the total hourly
 * price, exactly (dynamic programming over subsets, per GPU type); ties go to fewer nodes, then to the
 * partition whose first node (the one with the first packed model in input order) takes the earliest
 * models it can, then the same for the next node among the models left. Prices are compared in whole
 * micro-dollars (Math.round(hourlyUsd × 10^6)), so sums of equal prices tie exactly.
 *
 * Money: every number is kept unrounded; only text rounds to cents. A node's price is split by GPUs:
 * a model is charged hourlyUsd × its GPUs / the node's GPUs, and the idle GPUs' part
 * (hourlyUsd × idleGpus / gpuCount, as serving.ts idleHourlyUsd) is reported as idle, charged to no
 * model. So Σ perModel + idleHourlyUsd = hourlyUsd in exact arithmetic (in floating point, to the
 * last bits of the sums).
 *
 * Node group names are short RFC 1123 labels: `shared-<n>` for shared nodes (n counts shared groups
 * in output order) and the model's name for a dedicated group, lower-cased, every run of characters
 * other than a-z, 0-9 cut to one "-", at most MAX_NODE_GROUP_NAME_CHARS characters, with "-2", "-3"…
 * appended when two groups would share a name.
 */
import { z } from "zod";
import {
  findHourlyPriceUsd,
  GPU_IDS,
  gpuIdSchema,
  INSTANCE_TYPES,
  INSTANCES,
  instanceTypeSchema,
  type GpuId,
  type InstanceType,
  type Region,
} from "../catalog";
import { type DeploymentPlan } from "./deployment-plan";
import { type InputIssue, PlanInputError } from "./errors";
import { roundTo } from "./rounding";

/** The most models packed onto shared nodes at once: the exact search grows as 3^n. */
export const MAX_PACKED_MODELS = 16;

/**
 * The most models a stack serves: its gateway's one HTTPRoute holds at most 16 rules (Gateway API
 * v1.6.1 HTTPRouteSpec.rules maxItems 16), one per model and one for GET /v1/models.
 */
export const MAX_SET_MODELS = 15;

/**
 * Longest node group name: an EKS node group name has at most 63 characters, and a
 * nodeGroupNamePrefix gets a 26-character generated suffix, so a prefix holds 37; the GPU pool's
 * `llm-gpu-<name>-` (infra/components/gpu/gpu-node-pool.ts) leaves 28 for the name.
 */
export const MAX_NODE_GROUP_NAME_CHARS = 28;

/** An instance type that carries `gpu`, with its price in the stack's region. */
export interface InstanceOffer {
  instanceType: InstanceType;
  gpu: GpuId;
  gpuCount: number;
  hourlyUsd: number;
}

/** One model entry of the stack, as its own plan shaped it. */
export interface PackingItem {
  /** The served model name; unique within the set. */
  name: string;
  gpu: GpuId;
  gpusPerReplica: number;
  nodesPerReplica: number;
  /** Replicas the model's nodes are sized for. */
  replicas: number;
  scalesToZeroOrAutoscaled: boolean;
  /** The instance type the model's own plan chose: required when the model is dedicated, unused when it is packed. */
  dedicatedInstanceType?: InstanceType;
}

export type NodeGroupKind = "shared" | "dedicated";

export interface PackedNodeGroup {
  name: string;
  instanceType: InstanceType;
  gpu: GpuId;
  nodes: number;
  /** Served model names, in input order. */
  models: string[];
  kind: NodeGroupKind;
  usedGpus: number;
  idleGpus: number;
  hourlyUsd: number;
  idleHourlyUsd: number;
}

export interface PackingPlan {
  /** Ordered by each group's first model in input order. */
  nodeGroups: PackedNodeGroup[];
  placements: Record<string, { nodeGroup: string; instanceType: InstanceType }>;
  hourlyUsd: number;
  nodes: number;
  idleGpus: number;
  idleHourlyUsd: number;
  /** Each model's GPUs' share of its node's price; idle GPUs are in idleHourlyUsd, charged to no model. */
  perModel: Record<string, { hourlyUsd: number }>;
  reasons: string[];
}

/** The priced instance types carrying a GPU (or one of `gpus`) in `region`, in catalog order; unpriced ones are left out. */
export function instanceOffers(region: Region, gpus: readonly GpuId[] = GPU_IDS): InstanceOffer[] {
  return INSTANCE_TYPES.flatMap((instanceType) => {
    const { gpu, gpuCount } = INSTANCES[instanceType];
    const hourlyUsd = findHourlyPriceUsd(instanceType, region);
    return gpu !== null && gpus.includes(gpu) && hourlyUsd !== undefined ? [{ instanceType, gpu, gpuCount, hourlyUsd }] : [];
  });
}

/** A model entry from its own plan: its shape, with the plan's instance type for a dedicated group. */
export function packingItemOf(name: string, plan: DeploymentPlan, scalesToZeroOrAutoscaled: boolean): PackingItem {
  return {
    name,
    gpu: plan.gpu,
    gpusPerReplica: plan.gpusPerReplica,
    nodesPerReplica: plan.nodesPerReplica,
    replicas: plan.replicas,
    scalesToZeroOrAutoscaled,
    dedicatedInstanceType: plan.instanceType,
  };
}

const positiveInt = z.number().int().positive();
const itemSchema = z.object({
  name: z.string().min(1),
  gpu: gpuIdSchema,
  gpusPerReplica: positiveInt,
  nodesPerReplica: positiveInt,
  replicas: positiveInt,
  scalesToZeroOrAutoscaled: z.boolean(),
  dedicatedInstanceType: instanceTypeSchema.optional(),
});
const offerSchema = z.object({
  instanceType: instanceTypeSchema,
  gpu: gpuIdSchema,
  gpuCount: positiveInt,
  hourlyUsd: z.number().positive(),
});

const usd = (value: number): string => `$${roundTo(value, 2).toFixed(2)}/h`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const MICRO = 1e6;
const micro = (hourlyUsd: number): number => Math.round(hourlyUsd * MICRO);

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function zodIssues(error: z.ZodError, input: unknown, prefix: string): InputIssue[] {
  return error.issues.map((issue) => {
    let value: unknown = input;
    for (const key of issue.path)
      value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    return { path: [prefix, ...issue.path.map(String)].join("."), value, expected: issue.message, hint: "Fix the value." };
  });
}

/** The cheapest offer of `gpu` holding `gpus` GPUs: lowest price, then fewest GPUs, then input order. */
function cheapestFitting(offers: readonly InstanceOffer[], gpu: GpuId, gpus: number): InstanceOffer | undefined {
  let best: InstanceOffer | undefined;
  for (const offer of offers) {
    if (offer.gpu !== gpu || offer.gpuCount < gpus) continue;
    if (
      !best ||
      micro(offer.hourlyUsd) < micro(best.hourlyUsd) ||
      (micro(offer.hourlyUsd) === micro(best.hourlyUsd) && offer.gpuCount < best.gpuCount)
    )
      best = offer;
  }
  return best;
}

/**
 * The optimal partition of items with `sizes` GPUs into bins, as lists of indexes: least total price
 * (in micro-dollars), then fewest bins, then the first bin taking the earliest items it can, and so on.
 */
function bestPartition(sizes: readonly number[], priceFor: (gpus: number) => number | undefined): number[][] {
  const n = sizes.length;
  const count = 1 << n;
  const gpus = new Int32Array(count);
  const price = new Float64Array(count);
  for (let mask = 1; mask < count; mask++) {
    const low = mask & -mask;
    gpus[mask] = gpus[mask ^ low]! + sizes[31 - Math.clz32(low)]!;
    price[mask] = priceFor(gpus[mask]!) ?? Infinity;
  }
  const bestCost = new Float64Array(count).fill(Infinity);
  const bestBins = new Int32Array(count);
  const bestFirst = new Int32Array(count);
  bestCost[0] = 0;
  for (let mask = 1; mask < count; mask++) {
    const low = mask & -mask;
    const others = mask ^ low;
    let sub = others;
    for (;;) {
      const bin = sub | low;
      const p = price[bin]!;
      if (p !== Infinity) {
        const rest = mask ^ bin;
        const cost = p + bestCost[rest]!;
        const bins = 1 + bestBins[rest]!;
        const current = bestFirst[mask]!;
        const diff = bin ^ current;
        const better =
          cost < bestCost[mask]! ||
          (cost === bestCost[mask]! && (bins < bestBins[mask]! || (bins === bestBins[mask]! && (bin & (diff & -diff)) !== 0)));
        if (better) {
          bestCost[mask] = cost;
          bestBins[mask] = bins;
          bestFirst[mask] = bin;
        }
      }
      if (sub === 0) break;
      sub = (sub - 1) & others;
    }
  }
  const partition: number[][] = [];
  for (let mask = count - 1; mask !== 0; mask ^= bestFirst[mask]!) {
    const bin = bestFirst[mask]!;
    partition.push(sizes.map((_, i) => i).filter((i) => (bin & (1 << i)) !== 0));
  }
  return partition;
}

function dnsLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_NODE_GROUP_NAME_CHARS)
    .replace(/-+$/, "");
  return label === "" ? "model" : label;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 2; taken.has(name); k++) {
    const suffix = `-${k}`;
    name = `${base.slice(0, MAX_NODE_GROUP_NAME_CHARS - suffix.length).replace(/-+$/, "")}${suffix}`;
  }
  taken.add(name);
  return name;
}

interface Group {
  first: number;
  kind: NodeGroupKind;
  items: PackingItem[];
  offer: InstanceOffer;
  nodes: number;
  why: string;
}

/**
 * Places `items` (one per model entry) on nodes of `offers` (the stack region's priced instance
 * types, see instanceOffers). Throws PlanInputError for an invalid set: a bad field, a repeated name,
 * a GPU with no offer, a dedicated model without a fitting, priced `dedicatedInstanceType`, or more
 * than MAX_PACKED_MODELS packed models.
 */
/**
 * Why a model gets its own node group rather than a place on a shared node; empty when it packs.
 * The planner asks before it plans: a model that packs keeps its smallest shape (fillIdleGpus false).
 */
export function dedicatedReasons(
  item: Pick<PackingItem, "gpu" | "replicas" | "gpusPerReplica" | "nodesPerReplica" | "scalesToZeroOrAutoscaled">,
  offers: readonly InstanceOffer[],
): string[] {
  const largest = Math.max(0, ...offers.filter((o) => o.gpu === item.gpu).map((o) => o.gpuCount));
  const total = item.replicas * item.gpusPerReplica;
  return [
    ...(total > largest
      ? [
          `its ${plural(item.replicas, "replica")} × ${item.gpusPerReplica} GPUs = ${total} GPUs exceed the largest ${item.gpu} offer (${largest} GPUs)`,
        ]
      : []),
    ...(item.nodesPerReplica > 1 ? [`each replica spans ${item.nodesPerReplica} nodes`] : []),
    ...(item.scalesToZeroOrAutoscaled ? ["it autoscales, so its nodes must come and go with its replicas"] : []),
  ];
}

/** An issue for each entry whose key an earlier entry has already. */
function repeats<T>(
  entries: readonly T[],
  keyOf: (entry: T) => string,
  pathOf: (i: number) => string,
  expected: string,
  hint: string,
): InputIssue[] {
  const seen = new Set<string>();
  return entries.flatMap((entry, i) => {
    const key = keyOf(entry);
    const repeated = seen.has(key);
    seen.add(key);
    return repeated ? [{ path: pathOf(i), value: key, expected, hint }] : [];
  });
}

export function packModels(items: readonly PackingItem[], offers: readonly InstanceOffer[]): PackingPlan {
  const issues: InputIssue[] = [];
  items.forEach((item, i) => {
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success) issues.push(...zodIssues(parsed.error, item, `models[${i}]`));
  });
  offers.forEach((offer, i) => {
    const parsed = offerSchema.safeParse(offer);
    if (!parsed.success) issues.push(...zodIssues(parsed.error, offer, `offers[${i}]`));
  });
  issues.push(
    ...repeats(
      offers,
      (offer) => offer.instanceType,
      (i) => `offers[${i}].instanceType`,
      "each instance type once",
      "Give one price per instance type.",
    ),
    ...repeats(
      items,
      (item) => item.name,
      (i) => `models[${i}].name`,
      "a served model name no other entry uses",
      "Give each model entry its own name.",
    ),
  );
  if (issues.length > 0) throw new PlanInputError(issues, "invalid packing request");

  const largest = (gpu: GpuId) => Math.max(0, ...offers.filter((o) => o.gpu === gpu).map((o) => o.gpuCount));
  const packed: number[] = [];
  const groups: Group[] = [];
  items.forEach((item, i) => {
    const at = `models[${i}]`;
    const total = item.replicas * item.gpusPerReplica;
    if (largest(item.gpu) === 0) {
      issues.push({
        path: `${at}.gpu`,
        value: item.gpu,
        expected: `a GPU one of the offers carries`,
        hint: `Offer a priced ${item.gpu} instance type in the stack's region.`,
      });
      return;
    }
    const why = dedicatedReasons(item, offers);
    if (why.length === 0) {
      packed.push(i);
      return;
    }
    const type = item.dedicatedInstanceType;
    const offer = offers.find((o) => o.instanceType === type);
    if (type === undefined || offer === undefined || offer.gpu !== item.gpu) {
      issues.push({
        path: `${at}.dedicatedInstanceType`,
        value: type,
        expected: `a priced ${item.gpu} instance type among the offers, because ${item.name} gets its own node group (${why.join("; ")})`,
        hint: "Pass the instance type the model's own plan chose (DeploymentPlan.instanceType).",
      });
      return;
    }
    if (item.gpusPerReplica > item.nodesPerReplica * offer.gpuCount) {
      issues.push({
        path: `${at}.dedicatedInstanceType`,
        value: type,
        expected: `an instance type whose ${item.nodesPerReplica} node(s) hold a replica's ${item.gpusPerReplica} GPUs (${type} has ${offer.gpuCount})`,
        hint: "Pass the instance type the model's own plan chose (DeploymentPlan.instanceType).",
      });
      return;
    }
    const nodes =
      item.nodesPerReplica > 1
        ? item.replicas * item.nodesPerReplica
        : Math.ceil(item.replicas / Math.floor(offer.gpuCount / item.gpusPerReplica));
    groups.push({ first: i, kind: "dedicated", items: [item], offer, nodes, why: why.join("; ") });
  });
  if (packed.length > MAX_PACKED_MODELS)
    issues.push({
      path: "models",
      value: packed.length,
      expected: `at most ${MAX_PACKED_MODELS} models packed onto shared nodes (the exact search grows as 3^n)`,
      hint: `Split the set across stacks, or mark some models autoscaled so they get dedicated node groups: ${packed.length} models would be packed, the limit is ${MAX_PACKED_MODELS}.`,
    });
  if (issues.length > 0) throw new PlanInputError(issues, "invalid packing request");

  const alone = new Map<string, InstanceOffer>();
  for (const gpu of GPU_IDS) {
    const members = packed.filter((i) => items[i]!.gpu === gpu);
    if (members.length === 0) continue;
    const sizes = members.map((i) => items[i]!.replicas * items[i]!.gpusPerReplica);
    const offerFor = new Map<number, InstanceOffer | undefined>();
    const offerOf = (g: number) => {
      if (!offerFor.has(g)) offerFor.set(g, cheapestFitting(offers, gpu, g));
      return offerFor.get(g);
    };
    members.forEach((i, k) => alone.set(items[i]!.name, offerOf(sizes[k]!)!));
    const partition = bestPartition(sizes, (g) => {
      const offer = offerOf(g);
      return offer && micro(offer.hourlyUsd);
    });
    for (const bin of partition) {
      const binItems = bin.map((k) => items[members[k]!]!);
      const offer = offerOf(bin.reduce((t, k) => t + sizes[k]!, 0))!;
      const why = members.length === 1 ? `it is the only ${gpu} model to pack` : "";
      groups.push({ first: members[bin[0]!]!, kind: "shared", items: binItems, offer, nodes: 1, why });
    }
  }
  groups.sort((a, b) => a.first - b.first);

  const taken = new Set<string>();
  let sharedCount = 0;
  const names = groups.map((g) => (g.kind === "shared" ? uniqueName(`shared-${sharedCount++}`, taken) : ""));
  groups.forEach((g, k) => {
    if (g.kind === "dedicated") names[k] = uniqueName(dnsLabel(g.items[0]!.name), taken);
  });

  const nodeGroups: PackedNodeGroup[] = [];
  const placements: PackingPlan["placements"] = {};
  const perModel: PackingPlan["perModel"] = {};
  const reasons: string[] = [];
  groups.forEach((g, k) => {
    const name = names[k]!;
    const { offer, nodes } = g;
    const usedGpus = g.items.reduce((t, item) => t + item.replicas * item.gpusPerReplica, 0);
    const idleGpus = nodes * offer.gpuCount - usedGpus;
    const hourlyUsd = nodes * offer.hourlyUsd;
    const idleHourlyUsd = (offer.hourlyUsd * idleGpus) / offer.gpuCount;
    const models = g.items.map((item) => item.name);
    nodeGroups.push({
      name,
      instanceType: offer.instanceType,
      gpu: offer.gpu,
      nodes,
      models,
      kind: g.kind,
      usedGpus,
      idleGpus,
      hourlyUsd,
      idleHourlyUsd,
    });
    for (const item of g.items) {
      placements[item.name] = { nodeGroup: name, instanceType: offer.instanceType };
      perModel[item.name] = { hourlyUsd: (offer.hourlyUsd * item.replicas * item.gpusPerReplica) / offer.gpuCount };
    }
    const shape = `${nodes > 1 ? `${nodes} × ` : ""}${offer.instanceType}, ${usedGpus} of ${nodes * offer.gpuCount} GPUs used`;
    if (g.kind === "dedicated") reasons.push(`${models[0]} gets its own node group ${name} (${shape}, ${usd(hourlyUsd)}): ${g.why}.`);
    else if (models.length > 1) {
      const apart = g.items.reduce((t, item) => t + alone.get(item.name)!.hourlyUsd, 0);
      reasons.push(`${listNames(models)} share ${name} (${shape}): ${usd(hourlyUsd)} together vs ${usd(apart)} apart.`);
    } else
      reasons.push(
        `${models[0]} runs alone on ${name} (${shape}, ${usd(hourlyUsd)}): ${g.why || `sharing a node with another ${offer.gpu} model would cost no less`}.`,
      );
  });

  const sum = (pick: (g: PackedNodeGroup) => number) => nodeGroups.reduce((t, g) => t + pick(g), 0);
  const plan = {
    nodeGroups,
    placements,
    hourlyUsd: sum((g) => g.hourlyUsd),
    nodes: sum((g) => g.nodes),
    idleGpus: sum((g) => g.idleGpus),
    idleHourlyUsd: sum((g) => g.idleHourlyUsd),
    perModel,
    reasons,
  };
  reasons.push(
    `${plural(plan.nodes, "node")} in ${plural(nodeGroups.length, "node group")} for ${plural(items.length, "model")}: ${usd(plan.hourlyUsd)}` +
      (plan.idleGpus > 0 ? `, of which ${plural(plan.idleGpus, "idle GPU")} stand for ${usd(plan.idleHourlyUsd)}.` : ", no idle GPUs."),
  );
  return plan;
}
