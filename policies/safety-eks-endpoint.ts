/**
 * llm-stack-safety-eks-endpoint (mandatory): a public EKS API endpoint is limited to a narrow
 * allowlist (infra/plan/cidr.ts allowlistProblem, the rule the stack's own config is refused by): no
 * block wider than a /16, at most sixteen /16s of public addresses in all, never the whole internet
 * (0.0.0.0/0, or 0.0.0.0/1 + 128.0.0.0/1).
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { allowlistProblem } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

export const safetyEksEndpoint: ResourceValidationPolicy = {
  name: "llm-stack-safety-eks-endpoint",
  description:
    "The EKS API endpoint is private, or public only to a narrow allowlist: no block wider than a /16, at most sixteen /16s of public addresses.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
    readPolicyConfig(safetyEksEndpoint, args.getConfig);
    const vpc = cluster.vpcConfig;
    // EKS defaults to a public endpoint open to 0.0.0.0/0 when these are unset.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = vpc.publicAccessCidrs ?? ["0.0.0.0/0"];
    const problem = allowlistProblem(cidrs);
    if (problem !== null) {
      reportViolation(
        `EKS cluster ${args.name} exposes its API endpoint too widely: publicAccessCidrs ${problem}. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).`,
      );
    }
  }),
};
