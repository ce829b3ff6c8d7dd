/**
 * PodIdentityAccess: one IAM role a Kubernetes service account assumes through EKS Pod Identity,
 * its inline policy, and the association that binds them. The pod gets short-lived credentials
 * from the node's Pod Identity agent; no key, token or role ARN travels in the pod spec.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "../../manifests/model-cache/access-policies";

export interface PodIdentityAccessArgs {
  clusterName: pulumi.Input<string>;
  namespace: string;
  serviceAccount: string;
  /** The role's permissions, as a JSON policy document. */
  policy: pulumi.Input<string>;
}

export class PodIdentityAccess extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: PodIdentityAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:model-cache:PodIdentityAccess", name, {}, opts);
    const parent = { parent: this };
    const assumeRolePolicy = pulumi
      .output(args.clusterName)
      .apply((cluster) => JSON.stringify(podIdentityTrustPolicy(cluster, args.namespace, args.serviceAccount)));
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy }, parent);
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: args.policy }, parent);
    new aws.eks.PodIdentityAssociation(
      `${name}-association`,
      {
        clusterName: args.clusterName,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        roleArn: role.arn,
      },
      { parent: this, dependsOn: [policy] },
    );
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
