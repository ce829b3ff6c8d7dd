/** A Karpenter NodePool of p5.48xlarge for the GPU pods, valid against the vendored v1.14.1 CRD (test/manifests/observability.test.ts checks it). */
export const gpuNodePool = (limits?: Record<string, string>) => ({
  apiVersion: "karpenter.sh/v1",
  kind: "NodePool",
  metadata: { name: "gpu" },
  spec: {
    template: {
      spec: {
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
        requirements: [
          { key: "node.kubernetes.io/instance-type", operator: "In", values: ["p5.48xlarge"] },
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
        ],
        taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
      },
    },
    ...(limits ? { limits } : {}),
  },
});
