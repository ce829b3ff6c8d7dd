/**
 * planDeployment: for a model variant, GPU and context, the cheapest deployment that really fits,
 * as plain data with the reasons behind every choice.
 */
import {
  GPUS,
  GPU_IDS,
  HOURS_PER_MONTH,
  VLLM_RELEASE,
  INSTANCES,
  INSTANCE_TYPES,
  PRICE_TABLE_DATE,
  findHourlyPriceUsd,
  type GpuId,
  type InstanceType,
  type ModelId,
  type Quantization,
  type Region,
  type Variant,
} from "../catalog";
import {
  compareCandidates,
  evaluateShape,
  evaluateVariant,
  nodesFor,
  selectableCandidates,
  tokensRequired,
  type Candidate,
} from "./candidates";
import { InfeasiblePlanError, PlanInputError, type PlanAlternative } from "./errors";
import { type KvCacheDtype } from "./kv-cache";
import { type PerGpuMemoryGiB } from "./memory";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./overhead";
import { validTensorParallelSizes } from "./parallelism";
import { resolvePlanRequest, type MultiNodePolicy, type PlanRequest, type ResolvedPlanRequest } from "./request";
import { renderVllmArgs, type VllmArgsInput } from "./vllm-args";
import { streamerConfig } from "./model-cache";
import { podResources } from "./serving";
import { BYTES_PER_GIB, totalWeightBytes } from "./weights";
import { buildReasons } from "./reasons";
import { roundTo } from "./rounding";
import { timeToReady } from "./time-to-ready";
import { type DeploymentPlan } from "./deployment-plan";

export type { DeploymentPlan } from "./deployment-plan";

export interface PlanOptions {
  /** Search for the nearest feasible alternatives when the request does not fit (default true). */
  suggestAlternatives?: boolean;
  /** Who pinned the quantization when the user did not (the workload search): the reason says so instead of "as asked". */
  quantizationChosenBy?: string;
  /** The name clients send as `model` (vLLM's --served-model-name); default the catalog id. A set's models are served under their entries' names. */
  servedModelName?: string;
  /**
   * Raise TP onto the node's otherwise idle GPUs (default true). A set's packed models keep their
   * smallest shape instead: the packing fills those GPUs with other models.
   */
  fillIdleGpus?: boolean;
}

const round = (value: number, digits = 2): number => roundTo(value, digits);

/** The variants `auto` weighs (bf16 and the first fp8), or the first of the asked quantization. */
export function variantsToConsider(request: ResolvedPlanRequest): Variant[] {
  const { variants } = request.model;
  const first = (q: Quantization) => variants.find((v) => v.quantization === q);
  const wanted: Quantization[] =
    request.quantization === "auto" ? (GPUS[request.gpu].supportsFp8 ? ["bf16", "fp8"] : ["bf16"]) : [request.quantization];
  return wanted.map(first).filter((v): v is Variant => v !== undefined);
}

/**
 * Paid GPUs are not left idle: when the chosen node has GPUs no replica uses, TP is raised to the
 * largest valid size that needs no extra node. A larger TP gives each replica more KV cache and
 * lower per-token latency at the same price; adding replicas instead would change the replica count
 * the user set. GPUs that still cannot be used are reported with their cost.
 */
function useIdleGpus(request: ResolvedPlanRequest, chosen: Candidate): Candidate {
  if (request.tensorParallelSize !== null || chosen.nodesPerReplica > 1) return chosen;
  const gpusPerNode = INSTANCES[chosen.instanceType].gpuCount;
  const larger = validTensorParallelSizes(request.model.architecture, gpusPerNode)
    .filter((tp) => tp > chosen.tensorParallelSize && nodesFor(chosen.instanceType, tp, 1, request.replicas) === chosen.nodes)
    .reverse();
  for (const tp of larger) {
    const raised = evaluateShape(request, chosen.variant, chosen.instanceType, tp, 1);
    if (raised.fits) return raised;
  }
  return chosen;
}

function toPlan(
  request: ResolvedPlanRequest,
  chosen: Candidate,
  minimal: Candidate,
  evaluated: Candidate[],
  quantizationChosenBy?: string,
  servedModelName?: string,
): DeploymentPlan {
  const gpusPerReplica = chosen.tensorParallelSize * chosen.pipelineParallelSize;
  const gpusPerNode = INSTANCES[chosen.instanceType].gpuCount;
  const instanceHourlyUsd = findHourlyPriceUsd(chosen.instanceType, request.region) ?? 0;
  const { perGpuGiB } = chosen.memory;
  const argsInput: VllmArgsInput = {
    modelId: servedModelName ?? request.modelId,
    model: request.model,
    variant: chosen.variant,
    tensorParallelSize: chosen.tensorParallelSize,
    pipelineParallelSize: chosen.pipelineParallelSize,
    nodesPerReplica: chosen.nodesPerReplica,
    maxModelLen: request.maxModelLen,
    maxNumBatchedTokens: DEFAULT_MAX_NUM_BATCHED_TOKENS,
    maxNumSeqs: VLLM_RELEASE.apiServerBatchDefaults.maxNumSeqs,
    gpuMemoryUtilization: request.gpuMemoryUtilization,
    kvCacheDtype: request.kvCacheDtype,
    streamer:
      request.weightsSource === "s3"
        ? streamerConfig({ ...chosen, gpusPerReplica }, podResources({ ...chosen, gpusPerReplica }).memoryGiB)
        : null,
  };
  const plan: Omit<DeploymentPlan, "timeToReady"> = {
    model: request.modelId,
    variant: chosen.variant.id,
    repo: chosen.variant.repo,
    quantization: chosen.variant.quantization,
    gpu: request.gpu,
    instanceType: chosen.instanceType,
    region: request.region,
    nodesPerReplica: chosen.nodesPerReplica,
    gpusPerReplica,
    tensorParallelSize: chosen.tensorParallelSize,
    pipelineParallelSize: chosen.pipelineParallelSize,
    replicas: request.replicas,
    nodes: chosen.nodes,
    idleGpus: chosen.nodes * gpusPerNode - request.replicas * gpusPerReplica,
    maxModelLen: request.maxModelLen,
    maxNumBatchedTokens: argsInput.maxNumBatchedTokens,
    maxNumSeqs: argsInput.maxNumSeqs,
    multiNode: request.multiNode,
    weightsSource: request.weightsSource,
    concurrency: request.concurrency,
    kvCacheDtype: request.kvCacheDtype,
    gpuMemoryUtilization: request.gpuMemoryUtilization,
    memory: {
      perGpuGiB: {
        capacity: round(perGpuGiB.capacity),
        budget: round(perGpuGiB.budget),
        weights: round(perGpuGiB.weights),
        activationAndOverhead: round(perGpuGiB.activationAndOverhead),
        kvCache: round(perGpuGiB.kvCache),
      },
      weightsPerReplicaGiB: round(totalWeightBytes(request.model.architecture, chosen.variant) / BYTES_PER_GIB),
      loadPeakPerGpuGiB: round(chosen.memory.loadPeakGiB),
    },
    kvCacheBytesPerTokenPerGpu: chosen.memory.kvBytesPerTokenPerGpu,
    kvCacheTokens: chosen.memory.kvCacheTokens,
    maxConcurrentFullContext: Math.floor(chosen.memory.kvCacheTokens / request.maxModelLen),
    cost: {
      hourlyUsd: round(chosen.hourlyUsd, 3),
      monthlyUsd: round(chosen.hourlyUsd * HOURS_PER_MONTH, 2),
      instanceHourlyUsd,
      hoursPerMonth: HOURS_PER_MONTH,
      priceTableDate: PRICE_TABLE_DATE,
    },
    vllmArgs: renderVllmArgs(argsInput),
    vllmWorkerArgs: chosen.nodesPerReplica > 1 ? renderVllmArgs(argsInput, "worker") : null,
    reasons: [],
  };
  plan.reasons = buildReasons({
    request,
    plan,
    chosen,
    minimal,
    evaluated,
    selectable: selectableCandidates(evaluated, request.multiNode),
    ...(quantizationChosenBy !== undefined ? { quantizationChosenBy } : {}),
  });
  return { ...plan, timeToReady: timeToReady(plan) };
}

function describeShape(c: Candidate): string {
  const nodes = c.nodesPerReplica > 1 ? `${c.nodesPerReplica} × ${c.instanceType}` : c.instanceType;
  return `${nodes} (TP ${c.tensorParallelSize}, PP ${c.pipelineParallelSize})`;
}

function infeasibleReason(request: ResolvedPlanRequest, evaluated: Candidate[]): string {
  const label = `${request.modelId} at maxModelLen ${request.maxModelLen} × concurrency ${request.concurrency} on ${GPUS[request.gpu].displayName}`;
  if (evaluated.length === 0) return `${label}: no allowed instance type can hold a replica at the requested tensor parallel size.`;
  const best = [...evaluated].sort((a, b) => b.memory.perGpuGiB.kvCache - a.memory.perGpuGiB.kvCache)[0] as Candidate;
  const m = best.memory.perGpuGiB;
  const at = `on ${describeShape(best)} (${best.variant.id}) at gpu-memory-utilization ${request.gpuMemoryUtilization.toFixed(2)}`;
  if (m.kvCache <= 0) {
    return (
      `${label} does not fit: ${m.weights.toFixed(1)} GiB of weights + ${m.activationAndOverhead.toFixed(1)} GiB of activations and overhead per GPU ` +
      `exceed the ${m.budget.toFixed(1)} GiB budget ${at}, leaving no memory for the KV cache.`
    );
  }
  if (!best.memory.loadFits) {
    return `${label} does not fit: loading the weights peaks at ${best.memory.loadPeakGiB.toFixed(1)} GiB on one GPU ${at}, more than its ${m.capacity.toFixed(2)} GiB.`;
  }
  const neededGiB = (tokensRequired(request) * best.memory.kvBytesPerTokenPerGpu) / BYTES_PER_GIB;
  const longest = Math.floor(best.memory.kvCacheTokens / request.concurrency);
  return (
    `${label} does not fit: ${tokensRequired(request)} tokens of KV cache need ${neededGiB.toFixed(1)} GiB per GPU, ` +
    `larger than the ${m.kvCache.toFixed(1)} GiB available ${at}. ` +
    `Based on the available memory, the longest context is ${longest} tokens.`
  );
}

function nearestAlternatives(input: PlanRequest, request: ResolvedPlanRequest, evaluated: Candidate[]): PlanAlternative[] {
  const tries: Array<{ change: string; patch: Partial<PlanRequest> }> = [];
  const has = (q: Quantization) => request.model.variants.some((v) => v.quantization === q);
  if (request.quantization !== "fp8" && request.quantization !== "int4" && has("fp8"))
    tries.push({ change: "quantization fp8", patch: { quantization: "fp8" } });
  if (request.quantization !== "int4" && has("int4")) tries.push({ change: "quantization int4", patch: { quantization: "int4" } });
  if (request.kvCacheDtype === "auto") tries.push({ change: "kvCacheDtype fp8", patch: { kvCacheDtype: "fp8" } });
  if (request.tensorParallelSize !== null)
    tries.push({ change: "tensorParallelSize unset (derived)", patch: { tensorParallelSize: undefined } });
  if (request.multiNode === "never")
    tries.push({ change: "multiNode when-needed (a replica over several nodes)", patch: { multiNode: "when-needed" } });
  const allWithGpu = INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu === request.gpu);
  if (input.allowedInstanceTypes !== undefined && request.instanceTypes.length < allWithGpu.length) {
    tries.push({ change: `allow every ${request.gpu} instance type`, patch: { allowedInstanceTypes: undefined } });
  }
  // Every GPU of the catalog with more memory than this one (h100 → h200), from the catalog itself.
  for (const gpu of GPU_IDS.filter((id) => GPUS[id].memoryGiB > GPUS[request.gpu].memoryGiB)) {
    tries.push({ change: `gpu ${gpu}`, patch: { gpu, allowedInstanceTypes: undefined } });
  }
  const longest = Math.max(0, ...evaluated.map((c) => Math.floor(c.memory.kvCacheTokens / request.concurrency)));
  const shorter = Math.floor(longest / 1024) * 1024;
  if (shorter >= 1024 && shorter < request.maxModelLen) tries.push({ change: `maxModelLen ${shorter}`, patch: { maxModelLen: shorter } });

  const alternatives: PlanAlternative[] = [];
  for (const { change, patch } of tries) {
    try {
      const plan = planDeployment({ ...input, ...patch }, { suggestAlternatives: false });
      alternatives.push({
        change,
        summary: `${plan.nodes} × ${plan.instanceType}, ${plan.variant}, TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize}, maxModelLen ${plan.maxModelLen}`,
        hourlyUsd: plan.cost.hourlyUsd,
      });
    } catch {
      // Not feasible either: not an alternative.
    }
  }
  return alternatives.sort((a, b) => a.hourlyUsd - b.hourlyUsd);
}

/**
 * Plans a deployment. Throws PlanInputError (exit 2) for an invalid request and
 * InfeasiblePlanError (exit 3), with the numbers and the nearest alternatives, when nothing fits.
 */
export function planDeployment(input: PlanRequest, options: PlanOptions = {}): DeploymentPlan {
  const request = resolvePlanRequest(input);
  const variants = variantsToConsider(request);
  const evaluated = variants.flatMap((variant) => evaluateVariant(request, variant));
  const feasible = selectableCandidates(evaluated, request.multiNode).sort((a, b) =>
    compareCandidates(a, b, request.model.variants, INSTANCE_TYPES),
  );
  const minimal = feasible[0];
  if (!minimal) {
    const alternatives = options.suggestAlternatives === false ? [] : nearestAlternatives(input, request, evaluated);
    const allowedShapes = request.multiNode === "never" ? evaluated.filter((c) => c.nodesPerReplica === 1) : evaluated;
    throw new InfeasiblePlanError(infeasibleReason(request, allowedShapes), alternatives);
  }
  const chosen = options.fillIdleGpus === false ? minimal : useIdleGpus(request, minimal);
  const plan = toPlan(request, chosen, minimal, evaluated, options.quantizationChosenBy, options.servedModelName);
  if (plan.nodes > request.maxNodes) {
    throw new PlanInputError([
      {
        path: "replicas",
        value: request.replicas,
        expected: `a plan of at most maxNodes ${request.maxNodes} GPU nodes; this one needs ${plan.nodes} × ${plan.instanceType} ($${plan.cost.hourlyUsd.toFixed(2)}/h)`,
        hint: `Lower replicas, or raise maxNodes to ${plan.nodes} if you mean it.`,
      },
    ]);
  }
  return plan;
}
