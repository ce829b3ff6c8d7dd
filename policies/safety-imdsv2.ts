/**
 * llm-stack-safety-imdsv2 (advisory): launch templates require IMDSv2 with a hop limit of 1, so
 * pods cannot read the node's instance-role credentials.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

export const safetyImdsv2: ResourceValidationPolicy = {
  name: "llm-stack-safety-imdsv2",
  description: "Launch templates require IMDSv2 (httpTokens required) with httpPutResponseHopLimit 1.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
    readPolicyConfig(safetyImdsv2, args.getConfig);
    const options = template.metadataOptions;
    if (options?.httpTokens !== "required") {
      reportViolation(
        `Launch template ${args.name} allows IMDSv1 (httpTokens ${options?.httpTokens ?? "unset"}). Fix: set metadataOptions.httpTokens to "required".`,
      );
    }
    if (options?.httpPutResponseHopLimit !== 1) {
      reportViolation(
        `Launch template ${args.name} has IMDS hop limit ${options?.httpPutResponseHopLimit ?? "unset (default 1 on the template, 2 on EKS-managed ones)"}: pods can reach the node's credentials. Fix: set metadataOptions.httpPutResponseHopLimit to 1.`,
      );
    }
  }),
};
