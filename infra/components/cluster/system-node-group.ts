/**
 * SystemNodeGroup: a small CPU node group for CoreDNS and other system pods, and the CoreDNS
 * managed add-on that runs on it. The add-on waits for the group: a Deployment without nodes stays
 * DEGRADED, and the provider's create waits for ACTIVE up to 20 minutes
 * (terraform-provider-aws internal/service/eks/addon.go, waitAddonCreated; pulumi/pulumi-eks#1819).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EKS_CAPACITY_TYPES } from "../../catalog";
import { SYSTEM_NODE_GROUP } from "../../plan";
import { launchTemplateArgs } from "../launch-template";

/** The system nodes' label: cluster add-ons (Prometheus) select it. */
export const SYSTEM_NODE_LABELS: Record<string, string> = { "llm-stack/system": "true" };

export interface SystemNodeGroupArgs {
  clusterName: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  /**
   * Whether Cluster Autoscaler runs in the cluster: it resizes this group too (EKS tags every
   * managed node group's Auto Scaling group for its auto-discovery), so Pulumi leaves the size to it.
   */
  sizedByClusterAutoscaler: boolean;
}

export class SystemNodeGroup extends pulumi.ComponentResource {
  readonly nodeGroupName: pulumi.Output<string>;

  constructor(name: string, args: SystemNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:compute:SystemNodeGroup", name, {}, opts);
    const template = new aws.ec2.LaunchTemplate(`${name}-lt`, launchTemplateArgs(name, { sizeGiB: SYSTEM_NODE_GROUP.diskSizeGiB }), {
      parent: this,
    });
    const group = new aws.eks.NodeGroup(
      `${name}-ng`,
      {
        clusterName: args.clusterName,
        nodeGroupNamePrefix: `${name}-`,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: EKS_CAPACITY_TYPES["on-demand"],
        instanceTypes: [SYSTEM_NODE_GROUP.instanceType],
        scalingConfig: {
          desiredSize: SYSTEM_NODE_GROUP.desiredSize,
          minSize: SYSTEM_NODE_GROUP.minSize,
          maxSize: SYSTEM_NODE_GROUP.maxSize,
        },
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        labels: SYSTEM_NODE_LABELS,
        updateConfig: { maxUnavailable: 1 },
      },
      { parent: this, ignoreChanges: args.sizedByClusterAutoscaler ? ["scalingConfig.desiredSize"] : [] },
    );
    new aws.eks.Addon(
      `${name}-coredns`,
      { clusterName: args.clusterName, addonName: "coredns", resolveConflictsOnCreate: "OVERWRITE" },
      { parent: this, dependsOn: [group] },
    );
    this.nodeGroupName = group.nodeGroupName;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName });
  }
}
