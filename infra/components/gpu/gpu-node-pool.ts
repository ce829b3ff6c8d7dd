/**
 * GpuNodePool: the managed node group that carries the plan's GPUs — instance type and node count
 * straight from the plan, the NVIDIA AL2023 AMI, a taint that keeps everything but GPU workloads
 * off, and a root volume sized for the image and the model's weights.
 */
import * as aws from "@pulumi/aws";
import { EKS_CAPACITY_TYPES, INSTANCES } from "../../catalog";
import * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT, type GpuPoolShape, type ReplicaRange } from "../../plan";
import { type ResolvedCapacity } from "../../settings";
import { launchTemplateArgs } from "../launch-template";
import { CLUSTER_AUTOSCALER_GPU_LABEL, gpuNodeGroupTemplateTags } from "../../manifests/autoscaling/cluster-autoscaler";
import { gpuNodeConfig, nodeadmUserDataBase64 } from "../../manifests/gpu/node-user-data";

/** Node labels and taint the vLLM pods select and tolerate; the device plugin's values select the same label. */
export const GPU_POOL_LABEL = "llm-stack/gpu-pool";
/** The stack that owns a GPU node: several stacks can add pools to one existing cluster. */
export const STACK_LABEL = "llm-stack/stack";

export interface GpuNodePoolArgs {
  /** What the group carries: one model's plan (poolShapeOf) or a set's packed node group (setPoolShape). */
  pool: GpuPoolShape;
  clusterName: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  /**
   * Only subnets in AZs that offer the plan's instance type (infra/plan/placement.ts). A replica over
   * several nodes gets one: a cluster placement group lives in one AZ.
   */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  capacity: ResolvedCapacity;
  /** The Pulumi stack: labels the nodes so this stack's pods select only its own pool. */
  stack: string;
  /** EFA on every network card (settings efa), with what its security group needs; null: none. */
  efa: { vpcId: pulumi.Input<string>; clusterSecurityGroupId: pulumi.Input<string> } | null;
  /** The replicas' range when autoscaled (the group spans its nodes; Cluster Autoscaler sets the size); null: the plan's nodes, fixed. */
  autoscaling: ReplicaRange | null;
}

/**
 * The launch template's network interfaces for EFA on every network card, as the EC2 user guide
 * lays them out for accelerated instances ("Maximize network bandwidth on accelerated instance
 * types", efa-acc-inst-types): network card 0, device 0 an `efa` interface (EFA with ENA: the
 * node's primary IP traffic); every other card one `efa-only` interface at device index 1. Each
 * carries the EFA security group and the cluster's (a launch template that names interfaces gets
 * no security group from EKS).
 */
export function efaNetworkInterfaces(
  efaInterfaces: number,
  securityGroups: pulumi.Input<string>[],
): aws.types.input.ec2.LaunchTemplateNetworkInterface[] {
  return Array.from({ length: efaInterfaces }, (_, card) => ({
    networkCardIndex: card,
    deviceIndex: card === 0 ? 0 : 1,
    interfaceType: card === 0 ? "efa" : "efa-only",
    securityGroups,
    deleteOnTermination: "true",
  }));
}

/** The labels that select this stack's GPU nodes (the device plugin and vLLM use them). */
export function gpuPoolSelector(stack: string): Record<string, string> {
  return { [GPU_POOL_LABEL]: "true", [STACK_LABEL]: stack };
}

export function gpuNodeLabels(pool: GpuPoolShape, stack: string): Record<string, string> {
  return { ...gpuPoolSelector(stack), ...pool.labels };
}

export class GpuNodePool extends pulumi.ComponentResource {
  readonly nodeGroupName: pulumi.Output<string>;
  readonly instanceType: string;
  readonly nodeCount: number;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:compute:GpuNodePool", name, {}, opts);
    const { pool } = args;
    // Capacity Blocks need the market type and the reservation in the launch template
    // (https://docs.aws.amazon.com/eks/latest/userguide/capacity-blocks-mng.html).
    const { capacity } = args;
    const capacityBlock: Partial<aws.ec2.LaunchTemplateArgs> =
      capacity.type === "capacity-block"
        ? {
            instanceMarketOptions: { marketType: "capacity-block" },
            capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: capacity.reservationId } },
          }
        : {};
    // A replica over several nodes talks between pipeline stages on every token: its nodes go into a
    // cluster placement group (same network spine; https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-cluster).
    const placementGroup = pool.spansNodes
      ? new aws.ec2.PlacementGroup(`${name}-pg`, { strategy: "cluster" }, { parent: this })
      : undefined;
    // EFA needs all traffic between the interfaces allowed: a security group that admits itself
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start.html#efa-start-security).
    let efaInterfaces: Partial<aws.ec2.LaunchTemplateArgs> = {};
    if (args.efa) {
      const efaGroup = new aws.ec2.SecurityGroup(
        `${name}-efa`,
        { vpcId: args.efa.vpcId, description: `${name}: EFA traffic between the GPU nodes of one replica` },
        { parent: this },
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-efa-in`,
        {
          securityGroupId: efaGroup.id,
          referencedSecurityGroupId: efaGroup.id,
          ipProtocol: "-1",
          description: "all traffic from the group itself",
        },
        { parent: this },
      );
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-efa-out`,
        {
          securityGroupId: efaGroup.id,
          referencedSecurityGroupId: efaGroup.id,
          ipProtocol: "-1",
          description: "all traffic to the group itself",
        },
        { parent: this },
      );
      efaInterfaces = {
        networkInterfaces: efaNetworkInterfaces(INSTANCES[pool.instanceType].efaInterfaces, [efaGroup.id, args.efa.clusterSecurityGroupId]),
      };
    }
    // Instance-store NVMe, where the type has it, carries kubelet and containerd (see gpuNodeStorage).
    const { storage } = pool;
    const userData = storage.localStorageStrategy ? { userData: nodeadmUserDataBase64(gpuNodeConfig(storage.localStorageStrategy)) } : {};
    const template = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      launchTemplateArgs(name, storage.rootVolume, {
        ...capacityBlock,
        ...efaInterfaces,
        ...userData,
        ...(placementGroup ? { placement: { groupName: placementGroup.name } } : {}),
      }),
      { parent: this },
    );

    const range = args.autoscaling ?? { minNodes: pool.nodes, maxNodes: pool.nodes };
    const autoscaled = args.autoscaling !== null;
    const taints = [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" as const }];
    // Cluster Autoscaler: the label it reads as "GPUs still starting" (so it adds no second node
    // while the device plugin registers them) and the node group tags of what a node offers, read
    // through eks:DescribeNodegroup while the group has no node (manifests/autoscaling/cluster-autoscaler.ts).
    const labels = autoscaled
      ? { ...gpuNodeLabels(pool, args.stack), [CLUSTER_AUTOSCALER_GPU_LABEL]: `nvidia-${pool.gpu}` }
      : gpuNodeLabels(pool, args.stack);
    const tags = autoscaled
      ? gpuNodeGroupTemplateTags({
          gpusPerNode: INSTANCES[pool.instanceType].gpuCount,
          efaInterfacesPerNode: args.efa ? INSTANCES[pool.instanceType].efaInterfaces : 0,
          taints,
        })
      : undefined;
    const group = new aws.eks.NodeGroup(
      `${name}-ng`,
      {
        clusterName: args.clusterName,
        // A generated name: a change of instance type replaces the group without colliding with itself.
        nodeGroupNamePrefix: `${name}-`,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: "AL2023_x86_64_NVIDIA",
        capacityType: EKS_CAPACITY_TYPES[capacity.type],
        instanceTypes: [pool.instanceType],
        scalingConfig: { desiredSize: pool.nodes, minSize: range.minNodes, maxSize: range.maxNodes },
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        labels,
        taints,
        ...(tags ? { tags } : {}),
        // MINIMAL terminates old nodes before launching new ones: an AMI update never holds twice the H100s.
        updateConfig: { maxUnavailable: 1, updateStrategy: "MINIMAL" },
      },
      {
        parent: this,
        // A replacement (new instance type) removes the old pool first: never two GPU pools billed at once,
        // and the account's P-instance vCPU quota is rarely enough for both.
        deleteBeforeReplace: true,
        // Cluster Autoscaler owns the size of an autoscaled group: an update must not reset it to the
        // planned count. EKS: "If you use the Kubernetes Cluster Autoscaler, you shouldn't change the
        // desiredSize value directly" (API_NodegroupScalingConfig); @pulumi/aws eks/nodeGroup.js,
        // "Ignoring Changes to Desired Size", gives this ignoreChanges.
        ignoreChanges: autoscaled ? ["scalingConfig.desiredSize"] : [],
      },
    );
    this.nodeGroupName = group.nodeGroupName;
    this.instanceType = pool.instanceType;
    this.nodeCount = pool.nodes;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName });
  }
}
