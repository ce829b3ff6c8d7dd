/**
 * Launch template settings every node group shares: IMDSv2 only with a hop limit of 1 (pods cannot
 * reach the node's instance credentials), an encrypted gp3 root volume, and instance Name tags.
 */
import type * as aws from "@pulumi/aws";

/** AL2023 EKS AMIs boot from /dev/xvda. */
const ROOT_DEVICE = "/dev/xvda";

export interface RootVolume {
  sizeGiB: number;
  /** gp3 IOPS and MiB/s; undefined keeps gp3's baseline (3000 IOPS, 125 MiB/s). */
  iops?: number;
  throughputMiBps?: number;
}

export function launchTemplateArgs(
  name: string,
  volume: RootVolume,
  extra: Partial<aws.ec2.LaunchTemplateArgs> = {},
): aws.ec2.LaunchTemplateArgs {
  return {
    description: `${name}: IMDSv2, encrypted gp3 root volume`,
    updateDefaultVersion: true,
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [
      {
        deviceName: ROOT_DEVICE,
        ebs: {
          volumeSize: volume.sizeGiB,
          volumeType: "gp3",
          iops: volume.iops,
          throughput: volume.throughputMiBps,
          encrypted: "true",
          deleteOnTermination: "true",
        },
      },
    ],
    tagSpecifications: [{ resourceType: "instance", tags: { Name: name } }],
    ...extra,
  };
}
