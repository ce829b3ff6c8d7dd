/** llm-stack-safety-eks-endpoint (advisory): a public EKS API endpoint is limited to an allowlist narrower than 0.0.0.0/0. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

export const safetyEksEndpoint: ResourceValidationPolicy = {
  name: "llm-stack-safety-eks-endpoint",
  description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
    const vpc = cluster.vpcConfig;
    // EKS defaults to a public endpoint open to 0.0.0.0/0 when these are unset.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = vpc.publicAccessCidrs ?? ["0.0.0.0/0"];
    if (cidrs.includes("0.0.0.0/0")) {
      reportViolation(`EKS cluster ${args.name} exposes its API endpoint to 0.0.0.0/0. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs.`);
    }
  }),
};
