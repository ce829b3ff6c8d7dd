/**
 * The human-readable "why" of a plan: one sentence per decision, with the numbers behind it.
 */
import { idleHourlyUsd } from "./serving";
import { GPUS, INSTANCES, VLLM_RELEASE, type Variant } from "../catalog";
import { MAX_NODES_PER_REPLICA, type Candidate } from "./candidates";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS, estimateOverhead } from "./overhead";
import { type DeploymentPlan } from "./deployment-plan";
import { type ResolvedPlanRequest } from "./request";

const gib = (value: number): string => `${value.toFixed(1)} GiB`;
const usd = (value: number): string => `$${value.toFixed(2)}/h`;
const int = (value: number): string => value.toLocaleString("en-US");

export interface ReasonInput {
  request: ResolvedPlanRequest;
  plan: Omit<DeploymentPlan, "timeToReady">;
  /** The chosen shape after idle GPUs were put to use. */
  chosen: Candidate;
  /** The cheapest fitting shape before that. */
  minimal: Candidate;
  evaluated: Candidate[];
  /** The fitting candidates the multiNode policy allows. */
  selectable: Candidate[];
  /** Who pinned the quantization when the user did not (planner.ts PlanOptions). */
  quantizationChosenBy?: string;
}

function quantizationReason({ request, evaluated, selectable, chosen, quantizationChosenBy }: ReasonInput): string {
  const bestOf = (variant: Variant) => selectable.filter((c) => c.variant === variant).sort((a, b) => a.hourlyUsd - b.hourlyUsd)[0];
  const label = (v: Variant) =>
    `${v.quantization} (${v.repo}${v.vllmQuantizationFlag ? `, --quantization ${v.vllmQuantizationFlag}` : ""})`;
  if (request.quantization !== "auto")
    return `quantization ${request.quantization} ${quantizationChosenBy ?? "as asked"}: ${label(chosen.variant)}, ${chosen.variant.method}.`;
  const considered = [...new Set(evaluated.map((c) => c.variant))];
  const costs = considered.map((v) => {
    const best = bestOf(v);
    return best ? `${v.quantization} ${usd(best.hourlyUsd)}` : `${v.quantization} does not fit`;
  });
  const tie = considered.length > 1 && considered.every((v) => bestOf(v)?.hourlyUsd === chosen.hourlyUsd);
  const why = tie
    ? "a tie keeps the original bf16 weights"
    : chosen.variant.quantization === "fp8"
      ? "fp8 is cheaper and near-lossless on Hopper"
      : "bf16 is the cheapest";
  return `quantization auto weighed ${costs.join(" vs ")}: ${label(chosen.variant)} chosen, ${why}.`;
}

function sizingReason({ request, minimal, evaluated }: ReasonInput): string {
  const m = minimal.memory.perGpuGiB;
  const sameFamily = evaluated.filter((c) => c.variant === minimal.variant && c.instanceType === minimal.instanceType && !c.fits);
  const smaller = sameFamily
    .filter((c) => c.tensorParallelSize * c.pipelineParallelSize < minimal.tensorParallelSize * minimal.pipelineParallelSize)
    .sort((a, b) => b.tensorParallelSize * b.pipelineParallelSize - a.tensorParallelSize * a.pipelineParallelSize)[0];
  const fitted = `${minimal.variant.quantization} weights need ${gib(m.weights)} per GPU at TP ${minimal.tensorParallelSize} × PP ${minimal.pipelineParallelSize}`;
  if (!smaller) return `${fitted}, the smallest shape vLLM accepts for this model; it fits.`;
  const s = smaller.memory.perGpuGiB;
  const miss =
    s.kvCache <= 0
      ? `TP ${smaller.tensorParallelSize} × PP ${smaller.pipelineParallelSize} would hold ${gib(s.weights)} of weights + ${gib(s.activationAndOverhead)} of overhead per GPU, over the ${gib(s.budget)} budget`
      : `TP ${smaller.tensorParallelSize} × PP ${smaller.pipelineParallelSize} would leave KV cache for only ${int(smaller.memory.kvCacheTokens)} of the ${int(request.maxModelLen * request.concurrency)} tokens needed`;
  return `${fitted}; ${miss}.`;
}

function instanceReason({ request, minimal, evaluated, selectable }: ReasonInput): string {
  const others = request.instanceTypes
    .filter((type) => type !== minimal.instanceType)
    .map((type) => {
      const best = selectable
        .filter((c) => c.instanceType === type && c.variant === minimal.variant)
        .sort((a, b) => a.hourlyUsd - b.hourlyUsd)[0];
      if (best) return `${type} ${usd(best.hourlyUsd)}${best.nodesPerReplica > 1 ? ` over ${best.nodesPerReplica} nodes per replica` : ""}`;
      const gpus = INSTANCES[type].gpuCount;
      return `one ${type} (${gpus} GPU${gpus > 1 ? "s" : ""}) cannot hold a replica${request.tensorParallelSize !== null ? ` at TP ${request.tensorParallelSize}` : ""}`;
    });
  const rest = others.length > 0 ? ` (${others.join("; ")})` : "";
  const span =
    minimal.nodesPerReplica > 1
      ? ` A replica spans ${minimal.nodesPerReplica} nodes (${request.multiNode === "when-cheaper" ? "multiNode when-cheaper: cheaper than any single node that holds it" : "it fits on no single allowed node"}): TP ${minimal.tensorParallelSize} inside each node, PP ${minimal.pipelineParallelSize} stages across them, vLLM's multiprocessing executor between the nodes, over the VPC network (TCP) unless the stack sets efa (stage-to-stage traffic is activations only).`
      : "";
  return `${minimal.instanceType} in ${request.region} is the cheapest allowed instance type that fits: ${minimal.nodes} node${minimal.nodes > 1 ? "s" : ""} for ${request.replicas} replica${request.replicas > 1 ? "s" : ""}, ${usd(minimal.hourlyUsd)}${rest}.${span}${multiNodeAlternative(request, minimal, evaluated)}`;
}

/** The cheaper multi-node shape a single-node plan declined under the default policy, with what it would cost in latency and reliability. */
function multiNodeAlternative(request: ResolvedPlanRequest, minimal: Candidate, evaluated: Candidate[]): string {
  if (minimal.nodesPerReplica > 1 || request.multiNode === "when-cheaper") return "";
  const cheaper = evaluated
    .filter((c) => c.fits && c.nodesPerReplica > 1 && c.hourlyUsd < minimal.hourlyUsd)
    .sort((a, b) => a.hourlyUsd - b.hourlyUsd)[0];
  if (!cheaper) return "";
  return (
    ` Spanning nodes would be cheaper: ${cheaper.nodes} × ${cheaper.instanceType} (${cheaper.variant.quantization}, TP ${cheaper.tensorParallelSize} × PP ${cheaper.pipelineParallelSize}, ${cheaper.nodesPerReplica} nodes per replica) at ${usd(cheaper.hourlyUsd)}, ` +
    `but pipeline stages would talk over the network (slower per token) and a replica would fail with any of its nodes; set multiNode when-cheaper to choose it.`
  );
}

function idleReason({ request, plan, chosen, minimal }: ReasonInput): string {
  const pinned = request.tensorParallelSize !== null;
  const gpusPerNode = INSTANCES[plan.instanceType].gpuCount;
  const raised =
    chosen.tensorParallelSize !== minimal.tensorParallelSize
      ? `TP raised from ${minimal.tensorParallelSize} to ${chosen.tensorParallelSize} to use GPUs the node already pays for: KV cache grows from ${int(minimal.memory.kvCacheTokens)} to ${int(chosen.memory.kvCacheTokens)} tokens per replica and each token is computed on more GPUs, at the same price. `
      : "";
  const paid = plan.nodes * gpusPerNode;
  if (plan.idleGpus === 0) return `${raised}Every paid GPU (${paid}) serves a replica.`;
  const idleCost = idleHourlyUsd(plan.instanceType, plan.idleGpus, plan.cost.instanceHourlyUsd);
  const why =
    plan.tensorParallelSize === plan.gpusPerReplica && plan.pipelineParallelSize === 1 && !pinned
      ? "no valid TP uses them without another node"
      : `a replica takes ${plan.gpusPerReplica} (TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize}${pinned ? ", TP pinned" : ""})`;
  return `${raised}${plan.idleGpus} of ${paid} GPUs stay idle (${usd(idleCost)} of the bill): ${why}; add replicas to use them.`;
}

function kvReason({ request, plan }: ReasonInput): string {
  const kib = plan.kvCacheBytesPerTokenPerGpu / 1024;
  return (
    `KV cache: ${gib(plan.memory.perGpuGiB.kvCache)} per GPU at ${kib} KiB per token per GPU (${plan.kvCacheDtype === "fp8" ? "fp8" : "bf16"}) holds ${int(plan.kvCacheTokens)} tokens per replica: ` +
    `${plan.maxConcurrentFullContext} full-context sequence${plan.maxConcurrentFullContext === 1 ? "" : "s"} of ${int(plan.maxModelLen)} tokens (asked for ${request.concurrency}).`
  );
}

function overheadReason({ request, plan }: ReasonInput): string {
  const o = estimateOverhead(request.model.architecture, plan.gpusPerReplica, DEFAULT_MAX_NUM_BATCHED_TOKENS);
  return (
    `Budget ${gib(plan.memory.perGpuGiB.budget)} = ${GPUS[plan.gpu].memoryGiB} GiB × gpu-memory-utilization ${plan.gpuMemoryUtilization.toFixed(2)}; ` +
    `overhead ${gib(o.totalGiB)} per GPU = ${o.activationBasis} activation peak ${o.activationPeakGiB.toFixed(2)} GiB at ${plan.maxNumBatchedTokens} batched tokens + non-torch ${o.nonTorchGiB.toFixed(2)} GiB + CUDA graphs ${o.cudaGraphGiB.toFixed(2)} GiB (llm-d H100 measurements).`
  );
}

export function buildReasons(input: ReasonInput): string[] {
  const { request } = input;
  const reasons: string[] = [];
  if (request.maxModelLenDefaulted) {
    reasons.push(
      `maxModelLen defaulted to ${int(request.maxModelLen)} tokens (the model supports ${int(request.model.architecture.maxContextTokens)}); set maxModelLen to change it.`,
    );
  }
  reasons.push(
    quantizationReason(input),
    sizingReason(input),
    instanceReason(input),
    idleReason(input),
    kvReason(input),
    overheadReason(input),
  );
  const chunked = request.model.architecture.chunkedLocalAttention;
  if (chunked) {
    reasons.push(
      `Llama 4's chunked-local layers (3 of every ${chunked.globalLayerInterval}) cache at most chunk ${int(chunked.chunkSizeTokens)} + ${int(input.plan.maxNumBatchedTokens)} batched tokens per request, only the global layers the whole context: vLLM ${VLLM_RELEASE.version} runs its hybrid KV cache manager for chunked local attention by default.`,
    );
  }
  if (input.plan.nodesPerReplica > 1) {
    reasons.push(
      `Multi-node risks at vLLM ${VLLM_RELEASE.version}: pipeline parallelism across nodes has open reports of hangs with CUDA graphs (vllm-project/vllm#17167; add --enforce-eager if a group stalls) and of stage-count limits with Ray (vllm#30128, fixed for Ray by vllm#36836; this kit uses the multiprocessing executor); the planner caps a replica at ${MAX_NODES_PER_REPLICA} nodes, and a replica fails with any of its ${input.plan.nodesPerReplica} nodes (LeaderWorkerSet recreates the group).`,
    );
  }
  if (
    input.plan.memory.loadPeakPerGpuGiB > input.plan.memory.perGpuGiB.weights + 0.05 &&
    input.chosen.variant.vllmQuantizationFlag === "fp8"
  ) {
    reasons.push(
      `Loading peaks at ${gib(input.plan.memory.loadPeakPerGpuGiB)} per GPU (weights + one bf16 layer + non-torch), within the GPU's ${GPUS[input.plan.gpu].memoryGiB} GiB: vLLM ${VLLM_RELEASE.version} quantizes online FP8 layer by layer as the bf16 weights stream in.`,
    );
  }
  return reasons;
}
