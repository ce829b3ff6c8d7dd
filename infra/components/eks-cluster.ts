/**
 * EksCluster: the EKS control plane with API (access-entry) authentication, secrets envelope-
 * encrypted with a customer KMS key, every control-plane log type, an OIDC provider and the Pod
 * Identity agent. Written with @pulumi/aws primitives, not @pulumi/eks: eks.Cluster is a remote
 * component whose children tests and policies cannot see.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderKubeconfig } from "./kubeconfig";

/** EKS Kubernetes version: in standard support on 2026-11-26 (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Extended support costs $0.60/h. */
export const KUBERNETES_VERSION = "1.34";
const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const LOG_RETENTION_DAYS = 30;

export interface EksClusterArgs {
  clusterName: string;
  region: string;
  subnetIds: pulumi.Input<string>[];
  endpointAccess: "private" | "public";
  publicAccessCidrs: string[];
}

const assumeRole = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });

export class EksCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:cluster:EksCluster", name, {}, opts);
    const parent = { parent: this };

    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRole("eks.amazonaws.com") }, parent);
    const policy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" }, parent);
    const key = new aws.kms.Key(`${name}-secrets`, { description: `Envelope encryption of Kubernetes secrets in ${args.clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30 }, parent);
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId }, parent);
    // Created before the cluster so EKS writes into a group with a retention period, not an unbounded one.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: LOG_RETENTION_DAYS }, parent);

    const cluster = new aws.eks.Cluster(`${name}-cluster`, {
      name: args.clusterName,
      version: KUBERNETES_VERSION,
      roleArn: role.arn,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      vpcConfig: {
        subnetIds: args.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: args.endpointAccess === "public",
        publicAccessCidrs: args.endpointAccess === "public" ? args.publicAccessCidrs : undefined,
      },
    }, { parent: this, dependsOn: [policy, logGroup] });

    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
      url: cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? ""),
      clientIdLists: ["sts.amazonaws.com"],
    }, parent);
    new aws.eks.Addon(`${name}-pod-identity`, { clusterName: cluster.name, addonName: "eks-pod-identity-agent" }, parent);
    // The VPC CNI enforces NetworkPolicies only with its network policy agent switched on
    // (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html); taking the
    // add-on over from the cluster's bootstrap install turns it on, so the vLLM NetworkPolicy bites.
    new aws.eks.Addon(`${name}-vpc-cni`, {
      clusterName: cluster.name,
      addonName: "vpc-cni",
      resolveConflictsOnCreate: "OVERWRITE",
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    }, parent);

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.certificateAuthorityData = cluster.certificateAuthority.apply((ca) => ca.data ?? "");
    this.oidcProviderArn = oidc.arn;
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, this.certificateAuthorityData]).apply(([clusterName, endpoint, certificateAuthorityData]) =>
        renderKubeconfig({ clusterName, endpoint, certificateAuthorityData, region: args.region }),
      ),
    );
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, oidcProviderArn: this.oidcProviderArn });
  }
}
