/**
 * User data for AL2023 EKS nodes: a MIME multi-part document whose `application/node.eks.aws` part
 * is a nodeadm NodeConfig.
 *
 * What the real tools do with it:
 * - nodeadm reads user data as an RFC 822 message; if its Content-Type is `multipart/*` it walks the
 *   parts and decodes every `application/node.eks.aws` one as a NodeConfig, merging them
 *   (awslabs/amazon-eks-ami `nodeadm/internal/configprovider/mime.go`, read 2026-11-27 at 81fec2e).
 *   A plain shell script is not a NodeConfig and configures nothing.
 * - EKS managed node groups without a custom AMI add their own NodeConfig part (cluster name,
 *   endpoint, CA) to the launch template's user data, which must therefore be MIME multi-part
 *   (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html#launch-template-user-data).
 * - EC2 takes a launch template's user data base64-encoded
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestLaunchTemplateData.html, UserData).
 */
import { stringify } from "yaml";

export const NODE_CONFIG_MEDIA_TYPE = "application/node.eks.aws";
/** Any token absent from the parts (RFC 2046 §5.1.1); the NodeConfig is YAML of our own making. */
const BOUNDARY = "llm-stack-nodeadm-boundary";

/** The NodeConfig fragment a GPU node adds to EKS's own: instance-store NVMe as one RAID0 array for kubelet and containerd. */
export function gpuNodeConfig(localStorageStrategy: "RAID0"): object {
  return {
    apiVersion: "node.eks.aws/v1alpha1",
    kind: "NodeConfig",
    spec: { instance: { localStorage: { strategy: localStorageStrategy } } },
  };
}

/** The MIME document (CRLF line ends, RFC 2046) carrying one NodeConfig. */
export function nodeadmUserData(nodeConfig: object): string {
  const lines = [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    "",
    `--${BOUNDARY}`,
    `Content-Type: ${NODE_CONFIG_MEDIA_TYPE}`,
    "",
    ...stringify(nodeConfig).trimEnd().split("\n"),
    `--${BOUNDARY}--`,
    "",
  ];
  return lines.join("\r\n");
}

/** The launch template's `userData` value: the document base64-encoded. */
export function nodeadmUserDataBase64(nodeConfig: object): string {
  return Buffer.from(nodeadmUserData(nodeConfig), "utf8").toString("base64");
}
