/**
 * EksCluster: the EKS control plane with API (access-entry) authentication, cluster admins by
 * access entry, secrets envelope-encrypted with a customer KMS key, every control-plane log type,
 * an explicit upgrade policy, and CoreDNS, kube-proxy and the VPC CNI as managed add-ons (EKS
 * versions and patches them; self-managed copies drift). Written with @pulumi/aws primitives, not
 * @pulumi/eks: eks.Cluster is a remote component whose children tests and policies cannot see.
 *
 * The control-plane log group is not given a customer KMS key: CloudWatch Logs always encrypts log
 * data at rest with service-owned keys (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html),
 * and a customer key would need a key policy granting the regional Logs service principal.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KUBERNETES_VERSION, type EksSupportType } from "../../catalog";
import { type EndpointAccess } from "../../settings";
import { renderKubeconfig } from "../../manifests/cluster/kubeconfig";

/** Access policy that grants cluster-admin (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
/**
 * DaemonSet add-ons EKS manages besides the VPC CNI (https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html):
 * with no node yet they have nothing to wait for, so they turn ACTIVE right after the cluster.
 */
/**
 * eks-pod-identity-agent: the node agent that hands pods the credentials of their Pod Identity
 * association (the S3 model cache's roles); without it an association exists but no pod gets
 * credentials (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html). Its calls
 * (eks-auth:AssumeRoleForPodIdentity) are allowed by AmazonEKSWorkerNodePolicy on the node role.
 */
const MANAGED_ADDONS = ["kube-proxy", "eks-pod-identity-agent"] as const;
const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const LOG_RETENTION_DAYS = 30;

export interface EksClusterArgs {
  clusterName: string;
  region: string;
  subnetIds: pulumi.Input<string>[];
  endpoint: EndpointAccess;
  /** IAM principals given cluster-admin besides the creating identity. */
  adminPrincipalArns: string[];
  supportType: EksSupportType;
}

const assumeRole = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  });

export class EksCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  /** The security group EKS creates for the cluster (control plane ↔ nodes); EFA interfaces must carry it too. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:cluster:EksCluster", name, {}, opts);
    const parent = { parent: this };

    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRole("eks.amazonaws.com") }, parent);
    const policy = new aws.iam.RolePolicyAttachment(
      `${name}-cluster-policy`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" },
      parent,
    );
    const key = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of Kubernetes secrets in ${args.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      parent,
    );
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId }, parent);
    // Created before the cluster so EKS writes into a group with a retention period, not an unbounded one.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: LOG_RETENTION_DAYS },
      parent,
    );

    const cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        version: KUBERNETES_VERSION,
        roleArn: role.arn,
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
        // Said explicitly: without it EKS moves a cluster past standard support into extended support
        // ($0.60/h instead of $0.10/h) silently (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
        upgradePolicy: { supportType: args.supportType === "extended" ? "EXTENDED" : "STANDARD" },
        vpcConfig: {
          subnetIds: args.subnetIds,
          // The private endpoint keeps node-to-control-plane traffic in the VPC; the public one (limited
          // to the allowlist) is how pulumi, kubectl and CI outside the VPC reach the API.
          endpointPrivateAccess: true,
          endpointPublicAccess: args.endpoint.access === "public",
          publicAccessCidrs: args.endpoint.access === "public" ? args.endpoint.publicAccessCidrs : undefined,
        },
      },
      { parent: this, dependsOn: [policy, logGroup] },
    );

    for (const principalArn of args.adminPrincipalArns) {
      // Named by the principal, not its position: removing or reordering one never replaces the others
      // (a replacement would create an entry for a principal that still has one: ResourceInUseException).
      const key = createHash("sha256").update(principalArn).digest("hex").slice(0, 10);
      const entry = new aws.eks.AccessEntry(`${name}-admin-${key}`, { clusterName: cluster.name, principalArn, type: "STANDARD" }, parent);
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${key}`,
        {
          clusterName: cluster.name,
          principalArn: entry.principalArn,
          policyArn: CLUSTER_ADMIN_POLICY_ARN,
          accessScope: { type: "cluster" },
        },
        parent,
      );
    }
    for (const addonName of MANAGED_ADDONS) {
      new aws.eks.Addon(`${name}-${addonName}`, { clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE" }, parent);
    }
    // The VPC CNI enforces NetworkPolicies only with its network policy agent switched on
    // (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html); taking the
    // add-on over from the cluster's bootstrap install turns it on, so the vLLM NetworkPolicy bites.
    new aws.eks.Addon(
      `${name}-vpc-cni`,
      {
        clusterName: cluster.name,
        addonName: "vpc-cni",
        resolveConflictsOnCreate: "OVERWRITE",
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      },
      parent,
    );

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.certificateAuthorityData = cluster.certificateAuthority.apply((ca) => ca.data ?? "");
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, this.certificateAuthorityData])
        .apply(([clusterName, endpoint, certificateAuthorityData]) =>
          renderKubeconfig({ clusterName, endpoint, certificateAuthorityData, region: args.region }),
        ),
    );
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
  }
}
