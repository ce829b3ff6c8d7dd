/**
 * Wiring: which components a stack gets, in what order, for its cluster mode. Everything sized or
 * chosen here comes from the resolved settings and their plan; index.ts only exports the result.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./components/eks-cluster";
import { GPU_POOL_LABEL, GPU_TAINT, GpuNodePool } from "./components/gpu-node-pool";
import { renderKubeconfig } from "./components/kubeconfig";
import { Network, VPC_CIDR } from "./components/network";
import { NodeRole } from "./components/node-role";
import { NvidiaDevicePlugin } from "./components/nvidia-device-plugin";
import { SystemNodeGroup } from "./components/system-node-group";
import { VllmServer } from "./components/vllm-server";
import { type StackConfig } from "./config";

export interface LlmStackOutputs {
  endpoint: string;
  model: string;
  variant: string;
  plan: { instanceType: string; nodes: number; gpus: number; gpusPerReplica: number; tensorParallelSize: number; pipelineParallelSize: number; replicas: number; maxModelLen: number };
  hourlyUsd: number;
  monthlyUsd: number;
  kubeconfig: pulumi.Output<string>;
  apiKey: pulumi.Output<string>;
}

interface ClusterAccess {
  kubeconfig: pulumi.Output<string>;
  gpuPool: GpuNodePool | null;
  dependsOn: pulumi.Resource[];
  vpcCidr: string | null;
}

function createdCluster({ settings }: StackConfig, clusterName: string): ClusterAccess {
  const network = new Network("llm-network", { clusterName });
  const cluster = new EksCluster("llm-cluster", {
    clusterName,
    region: settings.region,
    subnetIds: network.privateSubnetIds,
    endpointAccess: settings.cluster.endpointAccess,
    publicAccessCidrs: settings.cluster.publicAccessCidrs,
  });
  const nodeRole = new NodeRole("llm-nodes");
  const system = new SystemNodeGroup("llm-system", { clusterName: cluster.clusterName, nodeRoleArn: nodeRole.arn, subnetIds: network.privateSubnetIds });
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan, clusterName: cluster.clusterName, nodeRoleArn: nodeRole.arn, subnetIds: network.privateSubnetIds,
    capacityType: settings.capacityType, capacityReservationId: settings.capacityReservationId,
  });
  return { kubeconfig: cluster.kubeconfig, gpuPool, dependsOn: [system, gpuPool], vpcCidr: VPC_CIDR };
}

function existingEksCluster({ settings }: StackConfig, name: string): ClusterAccess {
  const existing = aws.eks.getClusterOutput({ name });
  const nodeRole = new NodeRole("llm-nodes");
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan, clusterName: existing.name, nodeRoleArn: nodeRole.arn, subnetIds: settings.cluster.nodeSubnetIds,
    capacityType: settings.capacityType, capacityReservationId: settings.capacityReservationId,
  });
  const kubeconfig = pulumi.secret(
    pulumi.all([existing.name, existing.endpoint, existing.certificateAuthorities]).apply(([clusterName, endpoint, cas]) =>
      renderKubeconfig({ clusterName, endpoint, certificateAuthorityData: cas[0]?.data ?? "", region: settings.region }),
    ),
  );
  return { kubeconfig, gpuPool, dependsOn: [gpuPool], vpcCidr: null };
}

export function createLlmStack(config: StackConfig): LlmStackOutputs {
  const { settings } = config;
  const { plan } = settings;
  const clusterName = `llm-stack-${pulumi.getStack()}`;

  let access: ClusterAccess;
  if (settings.cluster.mode === "create") access = createdCluster(config, clusterName);
  else if (settings.cluster.mode === "eks") access = existingEksCluster(config, settings.cluster.existingName ?? "");
  else {
    if (!config.kubeconfig) throw new Error("cluster=kubeconfig without a kubeconfig secret: readConfig should have refused it");
    access = { kubeconfig: config.kubeconfig, gpuPool: null, dependsOn: [], vpcCidr: null };
  }

  const provider = new k8s.Provider("llm-k8s", { kubeconfig: access.kubeconfig, enableServerSideApply: true }, { dependsOn: access.dependsOn });
  // A cluster reached by kubeconfig already has GPU nodes and their device plugin.
  const devicePlugin = access.gpuPool ? new NvidiaDevicePlugin("llm-nvidia-device-plugin", { provider, dependsOn: access.dependsOn }) : null;

  const nodeSelector: Record<string, string> = { "node.kubernetes.io/instance-type": plan.instanceType };
  if (access.gpuPool) nodeSelector[GPU_POOL_LABEL] = "true";
  const server = new VllmServer("vllm", {
    namespace: settings.namespace,
    plan,
    image: settings.vllmImage,
    hfTokenSet: settings.hfTokenSet,
    hfToken: config.hfToken,
    nodeSelector,
    tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
    exposure: settings.exposure,
    allowedClientNamespaces: settings.allowedClientNamespaces,
    vpcCidr: access.vpcCidr,
  }, { provider, dependsOn: devicePlugin ? [devicePlugin] : [] });

  return {
    endpoint: server.endpoint,
    model: plan.model,
    variant: plan.variant,
    plan: {
      instanceType: plan.instanceType,
      nodes: plan.nodes,
      gpus: plan.replicas * plan.gpusPerReplica,
      gpusPerReplica: plan.gpusPerReplica,
      tensorParallelSize: plan.tensorParallelSize,
      pipelineParallelSize: plan.pipelineParallelSize,
      replicas: plan.replicas,
      maxModelLen: plan.maxModelLen,
    },
    hourlyUsd: settings.cost.hourlyUsd,
    monthlyUsd: settings.cost.monthlyUsd,
    kubeconfig: pulumi.secret(access.kubeconfig),
    apiKey: server.apiKey,
  };
}
