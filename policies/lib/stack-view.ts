/**
 * The stack's node groups as the policies read them from the resources, and where a workload's
 * pods land: the instance type (and so the GPU) from its node selector or the node groups that
 * match it.
 */
import * as aws from "@pulumi/aws";
import { type PolicyResource } from "@pulumi/policy";
import { GPUS, INSTANCES, isInstanceType, type GpuId, type InstanceType } from "../../infra/catalog";
import { type PodTemplateView } from "./workloads";

export interface NodeGroupView {
  name: string;
  urn: string;
  /** Every instance type the group may launch. */
  instanceTypes: string[];
  /** The first of them, as messages and the cost tool name the group. */
  instanceType: string | undefined;
  desiredSize: number;
  maxSize: number;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
}

export function nodeGroupView(
  name: string,
  urn: string,
  props: {
    instanceTypes?: string[];
    scalingConfig?: { desiredSize?: number; maxSize?: number };
    labels?: Record<string, string>;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  },
): NodeGroupView {
  const instanceTypes = props.instanceTypes ?? [];
  return {
    name,
    urn,
    instanceTypes,
    instanceType: instanceTypes[0],
    desiredSize: props.scalingConfig?.desiredSize ?? 0,
    maxSize: props.scalingConfig?.maxSize ?? props.scalingConfig?.desiredSize ?? 0,
    labels: props.labels ?? {},
    taints: props.taints ?? [],
  };
}

export function nodeGroupsOf(resources: readonly PolicyResource[]): NodeGroupView[] {
  const views: NodeGroupView[] = [];
  for (const r of resources) {
    const group = r.asType(aws.eks.NodeGroup);
    if (group) views.push(nodeGroupView(r.name, r.urn, group));
  }
  return views;
}

/** How messages list node groups: "llm-gpu-ng: p5.4xlarge". */
export const describeNodeGroups = (groups: readonly NodeGroupView[]) =>
  groups.map((g) => `${g.name}: ${g.instanceTypes.join(" | ") || "(no instance type)"}`).join(", ");

const INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";

/** The node groups a pod template may land on: those whose labels (and instance types) hold its node selector. */
export function nodeGroupsFor(template: PodTemplateView, nodeGroups: readonly NodeGroupView[]): NodeGroupView[] {
  return nodeGroups.filter((group) =>
    Object.entries(template.nodeSelector).every(([key, value]) =>
      key === INSTANCE_TYPE_LABEL ? group.instanceTypes.includes(value) : group.labels[key] === value,
    ),
  );
}

export interface Placement {
  instanceType: InstanceType;
  gpu: GpuId;
  gpusPerNode: number;
}

/**
 * The instance type a pod template lands on: its node selector's, else its node groups'. Where
 * the groups offer several GPU types, the one with the least GPU memory, then the fewest GPUs:
 * a fit must hold on any node the scheduler may pick.
 */
export function placementOf(template: PodTemplateView, nodeGroups: readonly NodeGroupView[]): Placement | undefined {
  const selected = template.nodeSelector[INSTANCE_TYPE_LABEL];
  const types = selected !== undefined ? [selected] : nodeGroupsFor(template, nodeGroups).flatMap((g) => g.instanceTypes);
  const candidates = types.filter(isInstanceType).flatMap((type) => {
    const { gpu, gpuCount } = INSTANCES[type];
    return gpu ? [{ instanceType: type, gpu, gpusPerNode: gpuCount }] : [];
  });
  return candidates.sort((a, b) => GPUS[a.gpu].memoryGiB - GPUS[b.gpu].memoryGiB || a.gpusPerNode - b.gpusPerNode)[0];
}
