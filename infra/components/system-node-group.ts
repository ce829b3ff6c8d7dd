/** SystemNodeGroup: a small CPU node group for CoreDNS, the device plugin and other system pods. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SYSTEM_NODE_GROUP } from "../plan";
import { launchTemplateArgs } from "./launch-template";

export interface SystemNodeGroupArgs {
  clusterName: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
}

export class SystemNodeGroup extends pulumi.ComponentResource {
  readonly nodeGroupName: pulumi.Output<string>;

  constructor(name: string, args: SystemNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:compute:SystemNodeGroup", name, {}, opts);
    const template = new aws.ec2.LaunchTemplate(`${name}-lt`, launchTemplateArgs(name, { sizeGiB: SYSTEM_NODE_GROUP.diskSizeGiB }), { parent: this });
    const group = new aws.eks.NodeGroup(`${name}-ng`, {
      clusterName: args.clusterName,
      nodeGroupNamePrefix: `${name}-`,
      nodeRoleArn: args.nodeRoleArn,
      subnetIds: args.subnetIds,
      amiType: "AL2023_x86_64_STANDARD",
      capacityType: "ON_DEMAND",
      instanceTypes: [SYSTEM_NODE_GROUP.instanceType],
      scalingConfig: { desiredSize: SYSTEM_NODE_GROUP.desiredSize, minSize: SYSTEM_NODE_GROUP.minSize, maxSize: SYSTEM_NODE_GROUP.maxSize },
      launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
      labels: { "llm-stack/system": "true" },
      updateConfig: { maxUnavailable: 1 },
    }, { parent: this });
    this.nodeGroupName = group.nodeGroupName;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName });
  }
}
