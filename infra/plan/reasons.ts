/**
 * The human-readable "why" of a plan: one sentence per decision, with the numbers behind it.
 */
import { GPUS, INSTANCES, type Variant } from "../catalog";
import { type Candidate } from "./candidates";
import { activationProfile, DEFAULT_MAX_NUM_BATCHED_TOKENS, estimateOverhead } from "./overhead";
import { type DeploymentPlan } from "./planner";
import { type ResolvedPlanRequest } from "./request";

const gib = (value: number): string => `${value.toFixed(1)} GiB`;
const usd = (value: number): string => `$${value.toFixed(2)}/h`;
const int = (value: number): string => value.toLocaleString("en-US");

export interface ReasonInput {
  request: ResolvedPlanRequest;
  plan: Omit<DeploymentPlan, "economics">;
  /** The chosen shape after idle GPUs were put to use. */
  chosen: Candidate;
  /** The cheapest fitting shape before that. */
  minimal: Candidate;
  evaluated: Candidate[];
}

function quantizationReason({ request, evaluated, chosen }: ReasonInput): string {
  const bestOf = (variant: Variant) => evaluated.filter((c) => c.variant === variant && c.fits).sort((a, b) => a.hourlyUsd - b.hourlyUsd)[0];
  const label = (v: Variant) => `${v.quantization} (${v.repo}${v.vllmQuantizationFlag ? `, --quantization ${v.vllmQuantizationFlag}` : ""})`;
  if (request.quantization !== "auto") return `quantization ${request.quantization} as asked: ${label(chosen.variant)}, ${chosen.variant.method}.`;
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

function instanceReason({ request, minimal, evaluated }: ReasonInput): string {
  const others = request.instanceTypes
    .filter((type) => type !== minimal.instanceType)
    .map((type) => {
      const best = evaluated.filter((c) => c.instanceType === type && c.variant === minimal.variant && c.fits).sort((a, b) => a.hourlyUsd - b.hourlyUsd)[0];
      return best ? `${type} ${usd(best.hourlyUsd)}` : `${type} (${INSTANCES[type].gpuCount} GPU${INSTANCES[type].gpuCount > 1 ? "s" : ""}) cannot hold a replica`;
    });
  const rest = others.length > 0 ? ` (${others.join("; ")})` : "";
  const span = minimal.nodesPerReplica > 1
    ? ` A replica fits on no single allowed ${request.gpu} node, so it spans ${minimal.nodesPerReplica} nodes: TP = ${minimal.tensorParallelSize} GPUs per node, PP = ${minimal.pipelineParallelSize} nodes, run on Ray.`
    : "";
  return `${minimal.instanceType} in ${request.region} is the cheapest allowed instance type that fits: ${minimal.nodes} node${minimal.nodes > 1 ? "s" : ""} for ${request.replicas} replica${request.replicas > 1 ? "s" : ""}, ${usd(minimal.hourlyUsd)}${rest}.${span}`;
}

function idleReason({ plan, chosen, minimal }: ReasonInput): string {
  const gpusPerNode = INSTANCES[plan.instanceType].gpuCount;
  const raised = chosen.tensorParallelSize !== minimal.tensorParallelSize
    ? `TP raised from ${minimal.tensorParallelSize} to ${chosen.tensorParallelSize} to use GPUs the node already pays for: KV cache grows from ${int(minimal.memory.kvCacheTokens)} to ${int(chosen.memory.kvCacheTokens)} tokens per replica and each token is computed on more GPUs, at the same price. `
    : "";
  const paid = plan.nodes * gpusPerNode;
  if (plan.idleGpus === 0) return `${raised}Every paid GPU (${paid}) serves a replica.`;
  const idleCost = (plan.idleGpus / gpusPerNode) * plan.cost.instanceHourlyUsd;
  return `${raised}${plan.idleGpus} of ${paid} GPUs stay idle (${usd(idleCost)} of the bill): no valid TP uses them without another node; add replicas to use them.`;
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
    `overhead ${gib(o.totalGiB)} per GPU = ${activationProfile(request.model.architecture)} activation peak ${o.activationPeakGiB.toFixed(2)} GiB at ${plan.maxNumBatchedTokens} batched tokens + non-torch ${o.nonTorchGiB.toFixed(2)} GiB + CUDA graphs ${o.cudaGraphGiB.toFixed(2)} GiB (llm-d H100 measurements).`
  );
}

export function buildReasons(input: ReasonInput): string[] {
  const { request } = input;
  const reasons: string[] = [];
  if (request.maxModelLenDefaulted) {
    reasons.push(`maxModelLen defaulted to ${int(request.maxModelLen)} tokens (the model supports ${int(request.model.architecture.maxContextTokens)}); set maxModelLen to change it.`);
  }
  reasons.push(quantizationReason(input), sizingReason(input), instanceReason(input), idleReason(input), kvReason(input), overheadReason(input));
  const chunked = request.model.architecture.chunkedLocalAttention;
  if (chunked) {
    reasons.push(
      `Llama 4's chunked-local layers (3 of every ${chunked.globalLayerInterval}, chunk ${chunked.chunkSizeTokens}) are sized as full attention: vLLM disables the hybrid KV cache manager for chunked local attention by default, so every layer caches the whole context.`,
    );
  }
  return reasons;
}
