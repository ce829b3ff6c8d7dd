/**
 * llm-stack-gpu-consistency (mandatory): a GPU server's GPU request matches its parallelism, its
 * TP obeys vLLM's divisibility rules, its node selector matches a node group in the stack, and the
 * node groups hold enough GPUs for every replica (packed by the planner's own nodesFor).
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { INSTANCE_TYPES, INSTANCES } from "../infra/catalog";
import { tensorParallelProblem, validTensorParallelSizes } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { nodesFor } from "../infra/plan/candidates";
import { describeNodeGroups, nodeGroupsFor, nodeGroupsOf, placementOf } from "./lib/stack-view";
import { servedWorkloadsOf, unreadableFlags } from "./lib/vllm-memory";
import { podGpus, type PodTemplateView } from "./lib/workloads";

/**
 * The autoscalers that target a workload — a KEDA ScaledObject (maxReplicaCount; KEDA's default is
 * 100 when unset: keda-docs reference/scaledobject-spec.md) or an HPA (maxReplicas) — by kind,
 * name and namespace.
 */
function autoscalersOf(
  resources: ReadonlyArray<{ type: string; props: Record<string, any> }>,
  workload: { kind: string; name: string; namespace: string },
): Array<{ label: string; field: string; maxReplicas: number }> {
  const targets = (ref: { kind?: string; name?: string } | undefined, namespace: string | undefined) =>
    ref?.kind === workload.kind && ref.name === workload.name && (namespace ?? "default") === workload.namespace;
  return resources.flatMap((r) => {
    const p = r.props;
    if (r.type === "kubernetes:keda.sh/v1alpha1:ScaledObject" && targets(p.spec?.scaleTargetRef, p.metadata?.namespace)) {
      return [
        {
          label: `ScaledObject ${p.metadata?.namespace ?? "default"}/${p.metadata?.name}`,
          field: "maxReplicaCount",
          maxReplicas: Number(p.spec?.maxReplicaCount ?? 100),
        },
      ];
    }
    if (/^kubernetes:autoscaling\/v\d\w*:HorizontalPodAutoscaler$/.test(r.type) && targets(p.spec?.scaleTargetRef, p.metadata?.namespace)) {
      return [
        {
          label: `HorizontalPodAutoscaler ${p.metadata?.namespace ?? "default"}/${p.metadata?.name}`,
          field: "maxReplicas",
          maxReplicas: Number(p.spec?.maxReplicas),
        },
      ];
    }
    return [];
  });
}

/** The most GPUs one catalog instance holds: the TP bound when a workload's GPU is unknown. */
const MAX_GPUS_PER_NODE = Math.max(...INSTANCE_TYPES.map((type) => INSTANCES[type].gpuCount));

export const gpuConsistency: StackValidationPolicy = {
  name: "llm-stack-gpu-consistency",
  description: "GPU limit = TP × PP ÷ nodes per replica, TP valid for the model, node selector backed by a node group with enough GPUs.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateStack: (args, reportViolation) => {
    readPolicyConfig(gpuConsistency, args.getConfig);
    const nodeGroups = nodeGroupsOf(args.resources);
    // Node checks are a pod's: once per pod template, however many servers it runs.
    const checkedTemplates = new Set<PodTemplateView>();
    for (const { workload, template, container, served, shape } of servedWorkloadsOf(args.resources)) {
      // llm-stack-gpu-memory-fit reports flags vLLM would refuse.
      if (unreadableFlags(container, shape).length > 0) continue;
      // A replica spans nodes as a LeaderWorkerSet group, or on Ray one pipeline stage per node.
      const nodesPerReplica =
        workload.podsPerReplica > 1
          ? workload.podsPerReplica
          : container.args["distributed-executor-backend"] === "ray"
            ? shape.pipelineParallelSize
            : 1;
      const gpusPerPod = (shape.tensorParallelSize * shape.pipelineParallelSize) / nodesPerReplica;
      if (container.gpus !== gpusPerPod) {
        reportViolation(
          `${workload.label}: nvidia.com/gpu is ${container.gpus} but --tensor-parallel-size ${shape.tensorParallelSize} × --pipeline-parallel-size ${shape.pipelineParallelSize} over ${nodesPerReplica} node(s) needs ${gpusPerPod} GPU(s) per pod. Fix: set the GPU limit to ${gpusPerPod}.`,
          workload.urn,
        );
      }
      const placement = placementOf(template, nodeGroups);
      const problem = tensorParallelProblem(served.model.architecture, shape.tensorParallelSize);
      if (problem !== null) {
        const valid = validTensorParallelSizes(served.model.architecture, placement?.gpusPerNode ?? MAX_GPUS_PER_NODE).join(", ");
        reportViolation(
          `${workload.label}: --tensor-parallel-size ${shape.tensorParallelSize} is invalid for ${served.modelId}: ${problem}. Fix: use one of ${valid}.`,
          workload.urn,
        );
      }
      // Clusters reached by kubeconfig bring their own nodes: nothing in the stack to match.
      if (nodeGroups.length === 0 || checkedTemplates.has(template)) continue;
      checkedTemplates.add(template);
      const groups = nodeGroupsFor(template, nodeGroups);
      if (groups.length === 0) {
        reportViolation(
          `${workload.label}: its node selector ${JSON.stringify(template.nodeSelector)} matches no node group in the stack (${describeNodeGroups(nodeGroups)}). Fix: select the GPU node group's instance type and labels.`,
          workload.urn,
        );
        continue;
      }
      // A DaemonSet runs one pod per matching node: it never needs more nodes than there are.
      if (!placement || workload.replicas === undefined) continue;
      // A pod takes the GPUs of all its containers (another server or a GPU sidecar next to this one).
      const podGpuCount = Math.max(gpusPerPod, podGpus(template));
      if (nodesPerReplica === 1 && podGpuCount > placement.gpusPerNode) {
        reportViolation(
          `${workload.label}: one pod takes ${podGpuCount} GPUs, more than one ${placement.instanceType} has (${placement.gpusPerNode}): it can never be scheduled. Fix: request at most ${placement.gpusPerNode} GPU(s) per pod.`,
          workload.urn,
        );
        continue;
      }
      // Packed as the planner packs replicas onto nodes.
      const needed = nodesFor(placement.instanceType, podGpuCount, nodesPerReplica, workload.replicas);
      const held = groups.reduce((sum, g) => sum + g.desiredSize, 0);
      if (held < needed) {
        reportViolation(
          `${workload.label}: ${workload.replicas} replica(s) × ${podGpuCount} GPU(s) need ${needed} × ${placement.instanceType} (${placement.gpusPerNode} GPUs each), but the matching node groups hold ${held} node(s). Fix: size the GPU node group to ${needed} nodes or lower the replicas.`,
          workload.urn,
        );
      }
      // An autoscaler may ask for more: its maximum must fit what the node groups can grow to.
      for (const scaler of autoscalersOf(args.resources, workload)) {
        const neededAtMax = nodesFor(placement.instanceType, podGpuCount, nodesPerReplica, scaler.maxReplicas);
        const canHold = groups.reduce((sum, g) => sum + g.maxSize, 0);
        if (canHold < neededAtMax) {
          reportViolation(
            `${workload.label}: ${scaler.label} may scale it to ${scaler.maxReplicas} replica(s), which need ${neededAtMax} × ${placement.instanceType}, but the matching node groups can grow to ${canHold} node(s): the extra replicas would wait for GPUs forever. Fix: raise the GPU node group's maximum to ${neededAtMax} or lower ${scaler.field} to what it holds.`,
            workload.urn,
          );
        }
      }
    }
  },
};
