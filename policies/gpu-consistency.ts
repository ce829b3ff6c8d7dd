/**
 * llm-stack-gpu-consistency (mandatory): a vLLM workload's GPU limit matches its parallelism, its
 * TP obeys vLLM's divisibility rules, its node selector matches a node group in the stack, and the
 * node groups hold enough GPUs for every replica.
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { tensorParallelProblem, validTensorParallelSizes } from "../infra/plan";
import { nodeGroupsFor, nodeGroupsOf, placementOf } from "./lib/stack-view";
import { servedWorkloadsOf } from "./lib/vllm-memory";

export const gpuConsistency: StackValidationPolicy = {
  name: "llm-stack-gpu-consistency",
  description: "GPU limit = TP × PP ÷ nodes per replica, TP valid for the model, node selector backed by a node group with enough GPUs.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const nodeGroups = nodeGroupsOf(args.resources);
    for (const { workload, container, served, shape } of servedWorkloadsOf(args.resources)) {
      // A replica spans nodes only on Ray, one pipeline stage per node.
      const nodesPerReplica = container.args["distributed-executor-backend"] === "ray" ? shape.pipelineParallelSize : 1;
      const gpusPerPod = (shape.tensorParallelSize * shape.pipelineParallelSize) / nodesPerReplica;
      if (container.gpuLimit !== gpusPerPod) {
        reportViolation(
          `${workload.label}: nvidia.com/gpu is ${container.gpuLimit} but --tensor-parallel-size ${shape.tensorParallelSize} × --pipeline-parallel-size ${shape.pipelineParallelSize} over ${nodesPerReplica} node(s) needs ${gpusPerPod} GPU(s) per pod. Fix: set the GPU limit to ${gpusPerPod}.`,
          workload.urn,
        );
      }
      const placement = placementOf(workload, nodeGroups);
      const problem = tensorParallelProblem(served.model.architecture, shape.tensorParallelSize);
      if (problem !== null) {
        const valid = validTensorParallelSizes(served.model.architecture, placement?.gpusPerNode ?? 8).join(", ");
        reportViolation(`${workload.label}: --tensor-parallel-size ${shape.tensorParallelSize} is invalid for ${served.modelId}: ${problem}. Fix: use one of ${valid}.`, workload.urn);
      }
      // Clusters reached by kubeconfig bring their own nodes: nothing in the stack to match.
      if (nodeGroups.length === 0) continue;
      const groups = nodeGroupsFor(workload, nodeGroups);
      if (groups.length === 0) {
        reportViolation(
          `${workload.label}: its node selector ${JSON.stringify(workload.nodeSelector)} matches no node group in the stack (${nodeGroups.map((g) => `${g.name}: ${g.instanceType}`).join(", ")}). Fix: select the GPU node group's instance type and labels.`,
          workload.urn,
        );
        continue;
      }
      if (!placement) continue;
      // Single-node replicas pack whole onto nodes; a multi-node replica takes nodesPerReplica nodes of its own.
      const podsPerNode = Math.floor(placement.gpusPerNode / gpusPerPod);
      const nodesNeeded = nodesPerReplica > 1 ? workload.replicas * nodesPerReplica : podsPerNode > 0 ? Math.ceil(workload.replicas / podsPerNode) : Number.POSITIVE_INFINITY;
      const nodesHeld = groups.reduce((sum, g) => sum + g.desiredSize, 0);
      if (nodesHeld < nodesNeeded) {
        reportViolation(
          `${workload.label}: ${workload.replicas} replica(s) × ${gpusPerPod} GPU(s) need ${nodesNeeded} × ${placement.instanceType} (${placement.gpusPerNode} GPUs each), but the matching node groups hold ${nodesHeld} node(s). Fix: size the GPU node group to ${nodesNeeded} nodes or lower the replicas.`,
          workload.urn,
        );
      }
    }
  },
};
