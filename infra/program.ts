/**
 * Wiring: which components a stack gets, in what order, for its cluster mode. Everything sized or
 * chosen here comes from the resolved settings, their plan and the AZ placement; index.ts only
 * exports the result.
 */
import * as aws from "@pulumi/aws";
import { INSTANCES } from "./catalog";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./components/eks-cluster";
import { GPU_TAINT, GpuNodePool, gpuPoolSelector } from "./components/gpu-node-pool";
import { renderKubeconfig } from "./components/kubeconfig";
import { Network, VPC_CIDR } from "./components/network";
import { NodeRole } from "./components/node-role";
import { LwsController } from "./components/lws-controller";
import { NvidiaDevicePlugin } from "./components/nvidia-device-plugin";
import { SystemNodeGroup } from "./components/system-node-group";
import { VllmServer } from "./components/vllm-server";
import { type StackConfig } from "./config";
import { type Placement } from "./placement-lookup";

export interface LlmStackOutputs {
  endpoint: string;
  model: string;
  variant: string;
  plan: { instanceType: string; nodes: number; gpus: number; gpusPerReplica: number; tensorParallelSize: number; pipelineParallelSize: number; replicas: number; maxModelLen: number };
  /** AZ ids the GPU nodes may launch in (empty for cluster kubeconfig). */
  gpuZoneIds: string[];
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
  gpuZoneIds: string[];
}

function createdCluster({ settings }: StackConfig, cluster: Extract<StackConfig["settings"]["cluster"], { mode: "create" }>, placement: Extract<Placement, { mode: "create" }>, clusterName: string): ClusterAccess {
  const network = new Network("llm-network", { clusterName, zones: placement.vpcZones });
  const clusterSubnetIds = network.privateSubnetIdsIn(placement.clusterZones);
  const eks = new EksCluster("llm-cluster", {
    clusterName,
    region: settings.region,
    subnetIds: clusterSubnetIds,
    endpoint: cluster.endpoint,
    adminPrincipalArns: cluster.adminPrincipalArns,
    supportType: cluster.supportType,
  });
  const nodeRole = new NodeRole("llm-nodes");
  const system = new SystemNodeGroup("llm-system", { clusterName: eks.clusterName, nodeRoleArn: nodeRole.arn, subnetIds: clusterSubnetIds });
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan, clusterName: eks.clusterName, nodeRoleArn: nodeRole.arn,
    subnetIds: network.privateSubnetIdsIn(placement.gpuZones),
    capacity: settings.capacity,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: network.vpcId, clusterSecurityGroupId: eks.clusterSecurityGroupId } : null,
  });
  return { kubeconfig: eks.kubeconfig, gpuPool, dependsOn: [system, gpuPool], vpcCidr: VPC_CIDR, gpuZoneIds: placement.gpuZones.map((zone) => zone.zoneId) };
}

function existingEksCluster({ settings }: StackConfig, name: string, placement: Extract<Placement, { mode: "eks" }>): ClusterAccess {
  const existing = aws.eks.getClusterOutput({ name });
  const nodeRole = new NodeRole("llm-nodes");
  const gpuPool = new GpuNodePool("llm-gpu", {
    plan: settings.plan, clusterName: existing.name, nodeRoleArn: nodeRole.arn, capacity: settings.capacity,
    subnetIds: placement.gpuSubnetIds,
    stack: pulumi.getStack(),
    efa: settings.efa ? { vpcId: existing.vpcConfig.vpcId, clusterSecurityGroupId: existing.vpcConfig.clusterSecurityGroupId } : null,
  });
  const kubeconfig = pulumi.secret(
    pulumi.all([existing.name, existing.endpoint, existing.certificateAuthorities]).apply(([clusterName, endpoint, cas]) =>
      renderKubeconfig({ clusterName, endpoint, certificateAuthorityData: cas[0]?.data ?? "", region: settings.region }),
    ),
  );
  return { kubeconfig, gpuPool, dependsOn: [gpuPool], vpcCidr: null, gpuZoneIds: [] };
}

function clusterAccess(config: StackConfig, placement: Placement, clusterName: string): ClusterAccess {
  const { cluster } = config.settings;
  if (cluster.mode === "create" && placement.mode === "create") return createdCluster(config, cluster, placement, clusterName);
  if (cluster.mode === "eks" && placement.mode === "eks") return existingEksCluster(config, cluster.name, placement);
  if (cluster.mode === "kubeconfig" && config.kubeconfig) return { kubeconfig: config.kubeconfig, gpuPool: null, dependsOn: [], vpcCidr: null, gpuZoneIds: [] };
  throw new Error(`cluster mode ${cluster.mode} with placement ${placement.mode}: lookUpPlacement and readConfig disagree`);
}

export function createLlmStack(config: StackConfig, placement: Placement): LlmStackOutputs {
  const { settings } = config;
  const { plan } = settings;
  const clusterName = `llm-stack-${pulumi.getStack()}`;
  const access = clusterAccess(config, placement, clusterName);

  const provider = new k8s.Provider("llm-k8s", { kubeconfig: access.kubeconfig, enableServerSideApply: true }, { dependsOn: access.dependsOn });
  const poolSelector = gpuPoolSelector(pulumi.getStack());
  const nodeSelector: Record<string, string> = { "node.kubernetes.io/instance-type": plan.instanceType, ...(access.gpuPool ? poolSelector : {}) };
  // A cluster reached by kubeconfig already has GPU nodes and their device plugin.
  const devicePlugin = access.gpuPool
    ? new NvidiaDevicePlugin("llm-nvidia-device-plugin", { nodeSelector: poolSelector, instance: clusterName, efa: settings.efa }, { provider, dependsOn: access.dependsOn })
    : null;

  // A replica over several nodes is a LeaderWorkerSet: its controller first (a kubeconfig cluster must run LWS v0.10.0 or later already).
  const lws = plan.nodesPerReplica > 1 && access.gpuPool ? new LwsController("llm-lws", { provider, dependsOn: access.dependsOn }) : null;
  const server = new VllmServer("vllm", {
    namespace: settings.namespace,
    plan,
    image: settings.vllmImage,
    hfTokenSet: settings.hfTokenSet,
    hfToken: config.hfToken,
    nodeSelector,
    tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
    efaInterfacesPerPod: settings.efa ? INSTANCES[plan.instanceType].efaInterfaces : 0,
    exposure: settings.exposure,
    allowedClientNamespaces: settings.allowedClientNamespaces,
    vpcCidr: access.vpcCidr,
  }, { provider, dependsOn: [...(devicePlugin ? [devicePlugin] : []), ...(lws ? lws.ready : [])] });

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
    gpuZoneIds: access.gpuZoneIds,
    hourlyUsd: settings.cost.hourlyUsd,
    monthlyUsd: settings.cost.monthlyUsd,
    kubeconfig: pulumi.secret(access.kubeconfig),
    apiKey: server.apiKey,
  };
}
