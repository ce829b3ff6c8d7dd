/**
 * The ConfigMap that records a stack's capacity options for the budget policy and for whoever reads
 * the cluster: each option's GPU node groups and how they are bought
 * (infra/pricing/capacity-options-record.ts has the format and why). Written only when the stack
 * has fallbacks.
 */
import { EKS_CAPACITY_TYPES } from "../../catalog";
import {
  CAPACITY_OPTIONS_CONFIGMAP,
  CAPACITY_OPTIONS_KEY,
  capacityOptionsData,
  type CapacityOptionRecord,
} from "../../pricing/capacity-options-record";
import { type StackSettings } from "../../settings";
import { modelSetNodeGroups } from "../../settings/model-set";

/** An option's GPU node groups as its program would create them: a model's one group, or a set's packing. */
function nodeGroupsOf(settings: StackSettings): CapacityOptionRecord["nodeGroups"] {
  if (settings.modelSet)
    return modelSetNodeGroups(settings.modelSet).map((group) => ({
      instanceType: group.instanceType,
      minSize: group.minNodes,
      desiredSize: group.nodes,
      maxSize: group.maxNodes,
    }));
  const { plan, autoscaling } = settings;
  return [
    {
      instanceType: plan.instanceType,
      minSize: autoscaling?.minNodes ?? plan.nodes,
      desiredSize: plan.nodes,
      maxSize: autoscaling?.maxNodes ?? plan.nodes,
    },
  ];
}

export function capacityOptionRecords(settings: StackSettings): CapacityOptionRecord[] {
  return settings.capacityOptions.map(({ option, deployed, settings: o }) => ({
    option,
    deployed,
    capacityType: EKS_CAPACITY_TYPES[o.capacity.type],
    nodeGroups: nodeGroupsOf(o),
  }));
}

export function capacityOptionsConfigMap(namespace: string, settings: StackSettings) {
  return {
    apiVersion: "v1" as const,
    kind: "ConfigMap" as const,
    metadata: {
      name: CAPACITY_OPTIONS_CONFIGMAP,
      namespace,
      labels: { "app.kubernetes.io/part-of": "llm-stack", "app.kubernetes.io/component": "capacity-options" },
    },
    data: { [CAPACITY_OPTIONS_KEY]: capacityOptionsData(capacityOptionRecords(settings)) },
  };
}
