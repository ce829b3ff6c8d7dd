/**
 * The models a stack serves and the GPU nodes they take, in one shape for both forms of stack: one
 * `model` (its server is named `vllm`) or the set in `models` (each under its served name).
 */
import { type InstanceType } from "../catalog";
import { type DeploymentPlan, type GpuNodeGroupSize, type ServerScaling } from "../plan";
import { type StackSettings } from "./deployment";
import { modelSetNodeGroups } from "./model-set";

/** Each model the stack serves with its plan and range: the one model (named as its server is), or the set's. */
export function servedModels(settings: StackSettings): Array<{ name: string; plan: DeploymentPlan; autoscaling: ServerScaling | null }> {
  return settings.modelSet
    ? settings.modelSet.models
    : [{ name: ONE_MODEL_SERVER_NAME, plan: settings.plan, autoscaling: settings.autoscaling }];
}

/** The server of a one-model stack: its objects' names (`vllm`, `vllm-secrets`, …). */
export const ONE_MODEL_SERVER_NAME = "vllm";

/** The stack's GPU nodes as AWS sees them: what preflight and the placement lookup ask about. */
export interface GpuFleet {
  /** Each instance type once, sorted. */
  instanceTypes: InstanceType[];
  /** "p5.48xlarge", or "p5.48xlarge and p5.4xlarge": the subject of messages. */
  label: string;
  /** Every GPU node group: its nodes expected and at most (an autoscaled group at its maximum). */
  groups: Array<{ instanceType: InstanceType; nodes: number; maxNodes: number }>;
  /** GPU nodes at most, every group at its maximum: what a quota or a Capacity Block must hold. */
  maxNodes: number;
  /** A replica spans nodes: its nodes keep to one AZ (one cluster placement group). */
  singleZone: boolean;
}

/**
 * The stack's GPU node groups as it creates them, sized: a set's packing, or the one model's group
 * (its planned nodes expected, its autoscaled range's ends at least and at most).
 */
export function gpuNodeGroups(settings: StackSettings): GpuNodeGroupSize[] {
  if (settings.modelSet) return modelSetNodeGroups(settings.modelSet);
  const { plan, autoscaling } = settings;
  return [
    {
      name: "gpu",
      instanceType: plan.instanceType,
      nodes: plan.nodes,
      minNodes: autoscaling?.minNodes ?? plan.nodes,
      maxNodes: autoscaling?.maxNodes ?? plan.nodes,
    },
  ];
}

export function gpuFleet(settings: StackSettings): GpuFleet {
  const groups = gpuNodeGroups(settings).map(({ instanceType, nodes, maxNodes }) => ({ instanceType, nodes, maxNodes }));
  const instanceTypes = [...new Set(groups.map((group) => group.instanceType))].sort();
  return {
    instanceTypes,
    label: instanceTypes.join(" and "),
    groups,
    maxNodes: groups.reduce((total, group) => total + group.maxNodes, 0),
    singleZone: servedModels(settings).some((model) => model.plan.nodesPerReplica > 1),
  };
}
