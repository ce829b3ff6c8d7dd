/**
 * The planner with a workload: the cheapest deployment that carries the load within the SLOs —
 * replicas × TP × PP × instance type, H100 or H200, bf16, fp8 or int4 weights, bf16 or fp8 KV
 * cache — and what it costs per million tokens at the utilization the load gives it.
 *
 * Every fitting shape of every (quantization, GPU, KV dtype) the request allows is a candidate
 * (the single-model planner's own candidate grid, candidates.ts). Each gets a lower bound on its
 * cost from its saturated throughput alone (closed form); candidates are then simulated cheapest
 * bound first, and the search stops once the next bound exceeds the best cost found. The result
 * equals the brute-force minimum over the grid (test/plan/performance/workload-plan.test.ts).
 * Without a load the planner's own choice stands (labelled as such) and only its performance is added.
 */
import {
  GPU_IDS,
  GPUS,
  HOURS_PER_MONTH,
  INSTANCES,
  findHourlyPriceUsd,
  type GpuId,
  type InstanceType,
  type Quantization,
} from "../../catalog";
import { nodesFor, selectableCandidates, evaluateVariant } from "../candidates";
import { type DeploymentPlan } from "../deployment-plan";
import { KV_CACHE_DTYPES, type KvCacheDtype } from "../kv-cache";
import { planDeployment, variantsToConsider } from "../planner";
import { resolvePlanRequest, type PlanRequest } from "../request";
import { roundTo } from "../rounding";
import { idleHourlyUsd, replicasFittingNode } from "../serving";
import { SECONDS_PER_MONTH, tokensPerOutputToken, type Workload } from "../workload";
import { CALIBRATION } from "./calibration";
import {
  performanceFor,
  performanceOf,
  replicasLowerBound,
  requestOf,
  sloConcurrencyEstimate,
  withinReplicas,
  type Performance,
} from "./performance";
import { type EngineCalibration } from "./predict";
import { servingShapeOfCandidate } from "./serving-shape";
import { lengthHalfWidth } from "./simulate";
import { saturatedThroughput } from "./steady-state";

export interface WorkloadOption {
  quantization: Quantization;
  variant: string;
  gpu: GpuId;
  kvCacheDtype: KvCacheDtype;
  instanceType: InstanceType;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  nodesPerReplica: number;
  replicas: number;
  nodes: number;
  /** GPU nodes only (the stack's fixed costs are the same for every option). */
  hourlyUsd: number;
  monthlyUsd: number;
  /** GPUs paid for and used by no replica, and their share of the bill. */
  idleGpus: number;
  idleHourlyUsd: number;
  performance: Performance;
}

export interface WorkloadEconomics {
  /** Output tokens the deployment generates a month at the workload's load (its SLO-feasible maximum without a load). */
  outputTokensPerMonth: number;
  usdPerMillionOutputTokens: number;
  /** Per million prompt + output tokens. */
  usdPerMillionTokens: number;
  /** Share of the deployment's SLO-feasible capacity the load uses (1 without a load: the numbers are at that capacity). */
  utilization: number;
  /** GPUs the nodes carry that no replica uses, and their share of the hourly bill (inside the $/M above). */
  idleGpus: number;
  idleHourlyUsd: number;
  /** $/M output tokens with the idle GPUs running replicas too (null when none are idle): what packing the node would cost. */
  usdPerMillionOutputTokensPacked: number | null;
}

/** What the search cost: how many candidates were bounded and how many simulated. */
export interface SearchEffort {
  candidates: number;
  simulated: number;
}

interface Bounded {
  quantization: Quantization;
  gpu: GpuId;
  kvCacheDtype: KvCacheDtype;
  candidate: ReturnType<typeof evaluateVariant>[number];
  /** Fewest replicas the load could need (performance.ts replicasLowerBound, from the closed-form bounds). */
  replicasAtLeast: number;
  costAtLeast: number;
}

function replicaCost(instanceType: InstanceType, gpusPerReplica: number, nodesPerReplica: number, replicas: number, hourly: number) {
  const nodes = nodesFor(instanceType, gpusPerReplica, nodesPerReplica, replicas);
  return { nodes, hourlyUsd: nodes * hourly };
}

/** The request for one (GPU, quantization, KV dtype) cell: the caller's instance types only where they carry that GPU. */
const requestFor = (input: PlanRequest, gpu: GpuId, quantization: Quantization, kvCacheDtype: KvCacheDtype): PlanRequest => ({
  ...input,
  quantization,
  gpu,
  kvCacheDtype,
  allowedInstanceTypes: gpu === input.gpu ? input.allowedInstanceTypes : undefined,
});

/** Every fitting candidate shape the request allows across quantization, GPU and KV-cache dtype, with its cost lower bound. */
function boundedCandidates(input: PlanRequest, workload: Workload, calibration: EngineCalibration): Bounded[] {
  const base = resolvePlanRequest({ ...input, replicas: 1 });
  // auto weighs bf16 and fp8, as the planner's auto does; int4 only when asked (README "Choice").
  const quantizations: Quantization[] =
    input.quantization !== undefined && input.quantization !== "auto"
      ? [input.quantization]
      : [...new Set(base.model.variants.map((v) => v.quantization))].filter((q) => q !== "int4");
  const gpus: GpuId[] = input.gpu !== undefined ? [input.gpu] : [...GPU_IDS];
  const kvDtypes: KvCacheDtype[] = input.kvCacheDtype !== undefined ? [input.kvCacheDtype] : [...KV_CACHE_DTYPES];
  const load = workload.load;
  const out: Bounded[] = [];
  for (const gpu of gpus)
    for (const quantization of quantizations) {
      if (quantization === "fp8" && !GPUS[gpu].supportsFp8) continue;
      for (const kvCacheDtype of kvDtypes) {
        const request = resolvePlanRequest({ ...requestFor(input, gpu, quantization, kvCacheDtype), replicas: 1 });
        const evaluated = variantsToConsider(request).flatMap((variant) => evaluateVariant(request, variant));
        for (const candidate of selectableCandidates(evaluated, request.multiNode)) {
          const shape = servingShapeOfCandidate(request.modelId, gpu, kvCacheDtype, request.maxModelLen, candidate);
          const saturated = saturatedThroughput(shape, requestOf(workload), calibration).outputTokensPerSecond;
          const replicasAtLeast =
            load === null
              ? (input.replicas ?? 1)
              : replicasLowerBound(shape, workload, calibration, saturated, sloConcurrencyEstimate(shape, workload, calibration));
          const hourly = findHourlyPriceUsd(candidate.instanceType, request.region) ?? Number.POSITIVE_INFINITY;
          const gpusPerReplica = candidate.tensorParallelSize * candidate.pipelineParallelSize;
          out.push({
            quantization,
            gpu,
            kvCacheDtype,
            candidate,
            replicasAtLeast,
            costAtLeast: replicaCost(candidate.instanceType, gpusPerReplica, candidate.nodesPerReplica, replicasAtLeast, hourly).hourlyUsd,
          });
        }
      }
    }
  return out;
}

function evaluate(bounded: Bounded, input: PlanRequest, workload: Workload, calibration: EngineCalibration): WorkloadOption {
  const { candidate, gpu, kvCacheDtype, quantization } = bounded;
  const resolved = resolvePlanRequest(requestFor(input, gpu, quantization, kvCacheDtype));
  const region = resolved.region;
  const shape = servingShapeOfCandidate(resolved.modelId, gpu, kvCacheDtype, resolved.maxModelLen, candidate);
  const performance = performanceOf(shape, bounded.replicasAtLeast, workload, calibration);
  const replicas = workload.load === null ? bounded.replicasAtLeast : performance.replicasNeeded;
  const gpusPerReplica = candidate.tensorParallelSize * candidate.pipelineParallelSize;
  const hourly = findHourlyPriceUsd(candidate.instanceType, region) ?? Number.POSITIVE_INFINITY;
  const { nodes, hourlyUsd } = replicaCost(candidate.instanceType, gpusPerReplica, candidate.nodesPerReplica, replicas, hourly);
  const idleGpus = nodes * INSTANCES[candidate.instanceType].gpuCount - replicas * gpusPerReplica;
  return {
    quantization,
    variant: candidate.variant.id,
    gpu,
    kvCacheDtype,
    instanceType: candidate.instanceType,
    tensorParallelSize: candidate.tensorParallelSize,
    pipelineParallelSize: candidate.pipelineParallelSize,
    nodesPerReplica: candidate.nodesPerReplica,
    replicas,
    nodes,
    hourlyUsd: roundTo(hourlyUsd, 2),
    monthlyUsd: roundTo(hourlyUsd * HOURS_PER_MONTH, 0),
    idleGpus,
    idleHourlyUsd: roundTo(idleHourlyUsd(candidate.instanceType, idleGpus, hourly), 2),
    performance,
  };
}

/** Cheapest first; a tie goes to the lower TTFT p95, then fewer GPUs. */
const byCost = (a: WorkloadOption, b: WorkloadOption) =>
  a.hourlyUsd - b.hourlyUsd ||
  a.performance.atLoad.ttftMs.p95 - b.performance.atLoad.ttftMs.p95 ||
  a.tensorParallelSize * a.pipelineParallelSize - b.tensorParallelSize * b.pipelineParallelSize;

/**
 * The SLO-meeting options for a load, cheapest first. `exhaustive` simulates every candidate
 * (the brute force the pruned search is checked against); otherwise candidates whose cost bound
 * exceeds the best option found are skipped.
 */
export function workloadOptions(
  input: PlanRequest,
  workload: Workload,
  options: { exhaustive?: boolean; calibration?: EngineCalibration } = {},
): { options: WorkloadOption[]; effort: SearchEffort } {
  const calibration = options.calibration ?? CALIBRATION;
  // Cheapest bound first; at an equal bound, the shape likeliest to meet the SLOs (more GPUs per
  // replica, then a larger KV cache) first, so the search stops sooner.
  const bounded = boundedCandidates(input, workload, calibration).sort(
    (a, b) =>
      a.costAtLeast - b.costAtLeast ||
      b.candidate.tensorParallelSize * b.candidate.pipelineParallelSize -
        a.candidate.tensorParallelSize * a.candidate.pipelineParallelSize ||
      b.candidate.memory.kvCacheTokens - a.candidate.memory.kvCacheTokens,
  );
  const { maxNodes } = resolvePlanRequest(input);
  const met: WorkloadOption[] = [];
  let best = Number.POSITIVE_INFINITY;
  let simulated = 0;
  for (const candidate of bounded) {
    // A bound at or above the best cost cannot beat it. Equal-cost options are not searched for: the
    // first found of a cost wins (brute force finds the same cost; test/plan/performance/workload-plan.test.ts).
    if (!options.exhaustive && candidate.costAtLeast >= best) break;
    const option = evaluate(candidate, input, workload, calibration);
    simulated++;
    // A deployment larger than the request's maxNodes is not one the planner may return.
    if (!option.performance.sloMet || option.nodes > maxNodes) continue;
    met.push(option);
    best = Math.min(best, option.hourlyUsd);
  }
  return { options: met.sort(byCost), effort: { candidates: bounded.length, simulated } };
}

export interface WorkloadPlan {
  plan: DeploymentPlan;
  performance: Performance;
  economics: WorkloadEconomics;
  /** "workload": the cheapest deployment meeting the load and SLOs; "planner": no load was given, the planner's own choice. */
  chosenBy: "workload" | "planner";
  effort: SearchEffort;
}

export function economicsAt(
  plan: Pick<DeploymentPlan, "cost" | "replicas" | "idleGpus" | "instanceType" | "nodes" | "gpusPerReplica" | "nodesPerReplica">,
  performance: Performance,
): WorkloadEconomics {
  const workload = performance.workload;
  const load = workload.load;
  const perReplicaAtMaximum = performance.sloFeasibleOutputTokensPerSecondPerReplica;
  const capacity = perReplicaAtMaximum * plan.replicas;
  // What the load asks for, but never more than the deployment's SLO-feasible capacity: a
  // deployment too small for its load is not credited with output it cannot produce.
  const demanded =
    load === null
      ? capacity
      : load.kind === "rate"
        ? load.meanRequestsPerSecond * workload.outputTokens
        : performance.atLoad.outputTokensPerSecondPerReplica * performance.replicasNeeded;
  const outputPerSecond = Math.min(demanded, capacity);
  const outputTokensPerMonth = outputPerSecond * SECONDS_PER_MONTH;
  const monthlyUsd = plan.cost.hourlyUsd * HOURS_PER_MONTH;
  const totalPerOutput = tokensPerOutputToken(workload);
  // The same nodes carrying as many replicas as fit them (single-node replicas pack whole).
  const packedReplicas = plan.nodesPerReplica > 1 ? plan.replicas : plan.nodes * replicasFittingNode(plan);
  // Without a load the packed node runs at its SLO-feasible maximum too.
  const packedOutputPerSecond =
    load === null ? perReplicaAtMaximum * packedReplicas : Math.min(demanded, perReplicaAtMaximum * packedReplicas);
  const usdPerMillionOutputTokensPacked =
    plan.idleGpus > 0 && packedReplicas > plan.replicas
      ? roundTo((monthlyUsd / (packedOutputPerSecond * SECONDS_PER_MONTH)) * 1e6, 3)
      : null;
  return {
    outputTokensPerMonth: Math.round(outputTokensPerMonth),
    usdPerMillionOutputTokens: roundTo((monthlyUsd / outputTokensPerMonth) * 1e6, 3),
    usdPerMillionTokens: roundTo((monthlyUsd / (outputTokensPerMonth * totalPerOutput)) * 1e6, 3),
    utilization: roundTo(capacity > 0 ? outputPerSecond / capacity : 0, 3),
    idleGpus: plan.idleGpus,
    idleHourlyUsd: roundTo(idleHourlyUsd(plan.instanceType, plan.idleGpus, plan.cost.instanceHourlyUsd), 2),
    usdPerMillionOutputTokensPacked,
  };
}

/**
 * Without an explicit --max-model-len, a workload's longest requests (the longest prompt and output
 * its length distribution draws, simulate.ts) set the context, rounded up to 1,024 tokens, when they
 * exceed the planner's default; the model's own maximum still bounds it.
 */
export function contextFor(input: PlanRequest, workload: Workload): PlanRequest {
  if (input.maxModelLen !== undefined) return input;
  const longest = Math.ceil(
    workload.inputTokens +
      lengthHalfWidth(workload.inputTokens, workload.inputTokensP95) +
      workload.outputTokens +
      lengthHalfWidth(workload.outputTokens, workload.outputTokensP95),
  );
  const resolved = resolvePlanRequest(input);
  if (longest <= resolved.maxModelLen) return input;
  return { ...input, maxModelLen: Math.min(resolved.model.architecture.maxContextTokens, Math.ceil(longest / 1024) * 1024) };
}

/** The plan for a workload: the cheapest SLO-meeting option made a full plan, or the planner's choice without a load. */
export function planForWorkload(given: PlanRequest, workload: Workload, calibration: EngineCalibration = CALIBRATION): WorkloadPlan {
  const input = contextFor(given, workload);
  if (workload.load === null) {
    const plan = planDeployment(input);
    const performance = performanceFor(plan, workload, calibration);
    return { plan, performance, economics: economicsAt(plan, performance), chosenBy: "planner", effort: { candidates: 1, simulated: 1 } };
  }
  const { options, effort } = workloadOptions(input, workload, { calibration });
  const best = options[0];
  if (!best) {
    // Nothing meets the load within the SLOs and maxNodes: the planner's choice, with what it misses.
    const plan = planDeployment(input);
    const { maxNodes } = resolvePlanRequest(input);
    const performance = withinReplicas(
      performanceFor(plan, workload, calibration),
      plan.replicas,
      `no shape carries the load within ${maxNodes} nodes (maxNodes)`,
    );
    return { plan, performance, economics: economicsAt(plan, performance), chosenBy: "workload", effort };
  }
  const asked = input.quantization !== undefined && input.quantization !== "auto";
  const plan = planDeployment(
    {
      ...input,
      quantization: best.quantization,
      gpu: best.gpu,
      kvCacheDtype: best.kvCacheDtype,
      tensorParallelSize: best.tensorParallelSize,
      allowedInstanceTypes: [best.instanceType],
      replicas: best.replicas,
    },
    asked ? {} : { quantizationChosenBy: "chosen for the workload (the cheapest shape that carries it within the SLOs)" },
  );
  return { plan, performance: best.performance, economics: economicsAt(plan, best.performance), chosenBy: "workload", effort };
}

/**
 * A set's model at its share of the nodes it runs on (its GPUs' part of their price: infra/plan/packing.ts
 * perModel): the same economics, with the set's idle GPUs charged to the set rather than to the model.
 */
export function economicsAtShare(
  plan: Pick<DeploymentPlan, "cost" | "replicas" | "idleGpus" | "instanceType" | "nodes" | "gpusPerReplica" | "nodesPerReplica">,
  performance: Performance,
  hourlyUsd: number,
): WorkloadEconomics {
  return economicsAt({ ...plan, cost: { ...plan.cost, hourlyUsd }, idleGpus: 0 }, performance);
}
