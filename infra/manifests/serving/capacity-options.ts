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
import { gpuNodeGroups } from "../../settings/served-models";

export function capacityOptionRecords(settings: StackSettings): CapacityOptionRecord[] {
  return settings.capacityOptions.map(({ option, deployed, settings: o }) => ({
    option,
    deployed,
    capacityType: EKS_CAPACITY_TYPES[o.capacity.type],
    nodeGroups: gpuNodeGroups(o).map((group) => ({
      instanceType: group.instanceType,
      minSize: group.minNodes,
      desiredSize: group.nodes,
      maxSize: group.maxNodes,
    })),
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
