/** llm-stack-safety-eks-secrets-encrypted (advisory): Kubernetes Secrets (the HF token, the API key) are envelope-encrypted with KMS. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

export const safetyEksSecretsEncrypted: ResourceValidationPolicy = {
  name: "llm-stack-safety-eks-secrets-encrypted",
  description: "EKS clusters encrypt Kubernetes Secrets with a KMS key.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
    readPolicyConfig(safetyEksSecretsEncrypted, args.getConfig);
    const config = cluster.encryptionConfig;
    if (!config?.provider?.keyArn || !(config.resources ?? []).includes("secrets")) {
      reportViolation(
        `EKS cluster ${args.name} does not encrypt Kubernetes Secrets with KMS. Fix: set encryptionConfig { provider.keyArn, resources: ["secrets"] }.`,
      );
    }
  }),
};
