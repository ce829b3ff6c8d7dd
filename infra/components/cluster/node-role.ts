/** NodeRole: the IAM role EKS managed nodes run as (EKS creates their access entries itself). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The managed policies worker nodes need (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html). */
const NODE_POLICIES = {
  worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  cni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ecr: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
} as const;

export class NodeRole extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  /** @param inlinePolicy a policy document of the stack's own the nodes also get (the image cache's), or null */
  constructor(name: string, args: { inlinePolicy: Record<string, unknown> | null }, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:compute:NodeRole", name, {}, opts);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    const attachments = Object.entries(NODE_POLICIES).map(
      ([suffix, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-${suffix}`, { role: role.name, policyArn }, { parent: this }),
    );
    const inline = args.inlinePolicy
      ? [new aws.iam.RolePolicy(`${name}-inline`, { role: role.name, policy: JSON.stringify(args.inlinePolicy) }, { parent: this })]
      : [];
    // Consumers see the ARN only once every policy is attached, so nodes never join without them.
    this.arn = pulumi.all([role.arn, ...attachments.map((a) => a.id), ...inline.map((p) => p.id)]).apply(([arn]) => arn as string);
    this.registerOutputs({ arn: this.arn });
  }
}
