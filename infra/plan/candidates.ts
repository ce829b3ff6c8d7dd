/**
 * Every deployment shape the planner may choose from, for one variant: single-node shapes at each
 * valid TP on each allowed instance type, and — only when none of those fits — multi-node shapes
 * with TP = GPUs per node and PP = nodes (vLLM's guidance for models larger than one node).
 */
import { GPUS, INSTANCES, findHourlyPriceUsd, type InstanceType, type Variant } from "../catalog";
import { replicaMemory, type ReplicaMemory } from "./memory";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./overhead";
import { tensorParallelProblem, validTensorParallelSizes } from "./parallelism";
import { type ResolvedPlanRequest } from "./request";

/**
 * Upper bound on nodes per replica. vLLM's multi-node examples (Llama 3.1 405B bf16, Maverick bf16)
 * use two 8-GPU nodes; every catalog model at its default context fits in two. Beyond four,
 * pipeline bubbles and cross-node traffic make a replica slower than buying a bigger GPU.
 */
export const MAX_NODES_PER_REPLICA = 4;

export interface Candidate {
  variant: Variant;
  instanceType: InstanceType;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  nodesPerReplica: number;
  memory: ReplicaMemory;
  /** The KV cache holds maxModelLen × concurrency tokens per replica. */
  fits: boolean;
  /** Nodes for all replicas (single-node replicas are packed onto shared nodes). */
  nodes: number;
  hourlyUsd: number;
}

export const tokensRequired = (request: ResolvedPlanRequest): number => request.maxModelLen * request.concurrency;

/** Nodes needed for `replicas` replicas of `gpusPerReplica` GPUs on `type`, packing replicas whole onto nodes. */
export function nodesFor(type: InstanceType, gpusPerReplica: number, nodesPerReplica: number, replicas: number): number {
  if (nodesPerReplica > 1) return replicas * nodesPerReplica;
  return Math.ceil(replicas / Math.floor(INSTANCES[type].gpuCount / gpusPerReplica));
}

export function evaluateShape(
  request: ResolvedPlanRequest,
  variant: Variant,
  instanceType: InstanceType,
  tensorParallelSize: number,
  pipelineParallelSize: number,
): Candidate {
  const memory = replicaMemory(request.model.architecture, variant, GPUS[request.gpu], {
    tensorParallelSize,
    pipelineParallelSize,
    gpuMemoryUtilization: request.gpuMemoryUtilization,
    kvCacheDtype: request.kvCacheDtype,
    maxNumBatchedTokens: DEFAULT_MAX_NUM_BATCHED_TOKENS,
  });
  const nodesPerReplica = pipelineParallelSize > 1 ? pipelineParallelSize : 1;
  const nodes = nodesFor(instanceType, tensorParallelSize, nodesPerReplica, request.replicas);
  const price = findHourlyPriceUsd(instanceType, request.region);
  if (price === undefined) throw new Error(`no price for ${instanceType} in ${request.region}: resolvePlanRequest should have excluded it`);
  return {
    variant,
    instanceType,
    tensorParallelSize,
    pipelineParallelSize,
    nodesPerReplica,
    memory,
    fits: memory.kvCacheTokens >= tokensRequired(request),
    nodes,
    hourlyUsd: nodes * price,
  };
}

/** Every shape evaluated for `variant`, fitting or not (the misses explain infeasible plans). */
export function evaluateVariant(request: ResolvedPlanRequest, variant: Variant): Candidate[] {
  const arch = request.model.architecture;
  const singleNode: Candidate[] = [];
  for (const type of request.instanceTypes) {
    const gpusPerNode = INSTANCES[type].gpuCount;
    const sizes = request.tensorParallelSize !== null ? [request.tensorParallelSize] : validTensorParallelSizes(arch, gpusPerNode);
    for (const tp of sizes) if (tp <= gpusPerNode) singleNode.push(evaluateShape(request, variant, type, tp, 1));
  }
  if (singleNode.some((candidate) => candidate.fits)) return singleNode;

  const multiNode: Candidate[] = [];
  for (const type of request.instanceTypes) {
    const tp = INSTANCES[type].gpuCount;
    if (tensorParallelProblem(arch, tp) !== null) continue;
    if (request.tensorParallelSize !== null && request.tensorParallelSize !== tp) continue;
    for (let pp = 2; pp <= Math.min(MAX_NODES_PER_REPLICA, arch.hiddenLayers); pp++) {
      const candidate = evaluateShape(request, variant, type, tp, pp);
      multiNode.push(candidate);
      if (candidate.fits) break;
    }
  }
  return [...singleNode, ...multiNode];
}

/**
 * Cheapest first; then the catalog's variant order (bf16 before fp8: a tie keeps the original
 * weights), fewer GPUs per replica, more KV tokens, catalog instance order.
 */
export function compareCandidates(a: Candidate, b: Candidate, variantOrder: readonly Variant[], instanceOrder: readonly InstanceType[]): number {
  return (
    a.hourlyUsd - b.hourlyUsd ||
    variantOrder.indexOf(a.variant) - variantOrder.indexOf(b.variant) ||
    a.tensorParallelSize * a.pipelineParallelSize - b.tensorParallelSize * b.pipelineParallelSize ||
    b.memory.kvCacheTokens - a.memory.kvCacheTokens ||
    instanceOrder.indexOf(a.instanceType) - instanceOrder.indexOf(b.instanceType)
  );
}
