/**
 * Every deployment shape the planner may choose from, for one variant: single-node shapes at each
 * valid TP on each allowed instance type (with a pinned TP, also pipeline stages inside the node),
 * and multi-node shapes with TP inside a node and pipeline stages across nodes (vLLM's guidance for
 * models larger than one node: TP = GPUs per node, PP = nodes). Which of them may be chosen is the
 * request's `multiNode` policy (see selectableCandidates).
 */
import { GPUS, INSTANCES, findHourlyPriceUsd, type InstanceType, type Variant } from "../catalog";
import { replicaMemory, type ReplicaMemory } from "./memory";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./overhead";
import { tensorParallelProblem, validTensorParallelSizes } from "./parallelism";
import { type MultiNodePolicy, type ResolvedPlanRequest } from "./request";

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
  /** The KV cache holds maxModelLen × concurrency tokens per replica, and the weights load without running out of memory. */
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
    maxModelLen: request.maxModelLen,
  });
  const gpusPerReplica = tensorParallelSize * pipelineParallelSize;
  const nodesPerReplica = Math.ceil(gpusPerReplica / INSTANCES[instanceType].gpuCount);
  const nodes = nodesFor(instanceType, gpusPerReplica, nodesPerReplica, request.replicas);
  const price = findHourlyPriceUsd(instanceType, request.region);
  if (price === undefined) throw new Error(`no price for ${instanceType} in ${request.region}: resolvePlanRequest should have excluded it`);
  return {
    variant,
    instanceType,
    tensorParallelSize,
    pipelineParallelSize,
    nodesPerReplica,
    memory,
    fits: memory.kvCacheTokens >= tokensRequired(request) && memory.loadFits,
    nodes,
    hourlyUsd: nodes * price,
  };
}

/** Every shape evaluated for `variant`, fitting or not (the misses explain infeasible plans). */
export function evaluateVariant(request: ResolvedPlanRequest, variant: Variant): Candidate[] {
  const arch = request.model.architecture;
  const candidates: Candidate[] = [];
  for (const type of request.instanceTypes) {
    const gpusPerNode = INSTANCES[type].gpuCount;
    const sizes = request.tensorParallelSize !== null ? [request.tensorParallelSize] : validTensorParallelSizes(arch, gpusPerNode);
    for (const tp of sizes.filter((size) => size <= gpusPerNode)) {
      // A pinned TP that does not fit gets pipeline stages inside the node before any other node.
      const stagesPerNode = request.tensorParallelSize !== null ? Math.min(Math.floor(gpusPerNode / tp), arch.hiddenLayers) : 1;
      for (let pp = 1; pp <= stagesPerNode; pp++) {
        const candidate = evaluateShape(request, variant, type, tp, pp);
        candidates.push(candidate);
        if (candidate.fits) break;
      }
    }
    // Across nodes: TP fills each node (or the pinned TP, stacked gpusPerNode / TP stages per node).
    const tp = request.tensorParallelSize ?? gpusPerNode;
    if (tp > gpusPerNode || gpusPerNode % tp !== 0 || tensorParallelProblem(arch, tp) !== null) continue;
    for (let nodes = 2; nodes <= MAX_NODES_PER_REPLICA && nodes * (gpusPerNode / tp) <= arch.hiddenLayers; nodes++) {
      const candidate = evaluateShape(request, variant, type, tp, nodes * (gpusPerNode / tp));
      candidates.push(candidate);
      if (candidate.fits) break;
    }
  }
  return candidates;
}

/** The fitting candidates the request's multiNode policy lets the planner choose from. */
export function selectableCandidates(evaluated: readonly Candidate[], policy: MultiNodePolicy): Candidate[] {
  const fitting = evaluated.filter((c) => c.fits);
  const singleNode = fitting.filter((c) => c.nodesPerReplica === 1);
  if (policy === "never") return singleNode;
  if (policy === "when-needed" && singleNode.length > 0) return singleNode;
  return fitting;
}

/**
 * Cheapest first; then fewer nodes per replica, the catalog's variant order (bf16 before fp8: a tie keeps the original
 * weights), fewer GPUs per replica, more KV tokens, catalog instance order.
 */
export function compareCandidates(
  a: Candidate,
  b: Candidate,
  variantOrder: readonly Variant[],
  instanceOrder: readonly InstanceType[],
): number {
  return (
    a.hourlyUsd - b.hourlyUsd ||
    a.nodesPerReplica - b.nodesPerReplica ||
    variantOrder.indexOf(a.variant) - variantOrder.indexOf(b.variant) ||
    a.tensorParallelSize * a.pipelineParallelSize - b.tensorParallelSize * b.pipelineParallelSize ||
    b.memory.kvCacheTokens - a.memory.kvCacheTokens ||
    instanceOrder.indexOf(a.instanceType) - instanceOrder.indexOf(b.instanceType)
  );
}
