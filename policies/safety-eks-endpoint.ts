/**
 * llm-stack-safety-eks-endpoint (advisory): a public EKS API endpoint is limited to an allowlist
 * that does not, taken together, admit the whole internet (0.0.0.0/0, or 0.0.0.0/1 + 128.0.0.0/1).
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { coversInternet } from "./lib/cidr";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

export const safetyEksEndpoint: ResourceValidationPolicy = {
  name: "llm-stack-safety-eks-endpoint",
  description: "The EKS API endpoint is private, or public only to listed CIDRs that do not together cover the internet.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
    readPolicyConfig(safetyEksEndpoint, args.getConfig);
    const vpc = cluster.vpcConfig;
    // EKS defaults to a public endpoint open to 0.0.0.0/0 when these are unset.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = vpc.publicAccessCidrs ?? ["0.0.0.0/0"];
    if (coversInternet(cidrs)) {
      reportViolation(
        `EKS cluster ${args.name} exposes its API endpoint to the whole internet: publicAccessCidrs [${cidrs.join(", ")}] together cover every public address. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs.`,
      );
    }
  }),
};
