/**
 * The taint the kit puts on its GPU nodes and the toleration its GPU pods carry: one definition for
 * the node groups (components/gpu/gpu-node-pool.ts), the pods and device plugins that tolerate it
 * (program.ts, manifests/gpu/device-plugins.ts) and the policy pack that decides which pods can land
 * on a GPU node (policies/lib/workloads.ts). The key is the extended resource's name, the convention
 * Kubernetes' ExtendedResourceToleration admission plugin relies on to tolerate it for pods that
 * request nvidia.com/gpu (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/,
 * "Nodes with Special Hardware").
 */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present" } as const;

/** What a pod that may run on a GPU node tolerates: the taint, whatever its value. */
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" } as const;
