/** Every policy of the pack, in the order the README documents them. */
import { type Policies } from "@pulumi/policy";
import { costBudget } from "./cost-budget";
import { costWeightsNat } from "./cost-weights-nat";
import { gpuConsistency } from "./gpu-consistency";
import { gpuMemoryFit } from "./gpu-memory-fit";
import { gpuUnknownModel } from "./gpu-unknown-model";
import { observabilityVllmMetrics } from "./observability-vllm-metrics";
import { safetyEksEndpoint } from "./safety-eks-endpoint";
import { safetyEksSecretsEncrypted } from "./safety-eks-secrets-encrypted";
import { safetyGpuRollout } from "./safety-gpu-rollout";
import { safetyGpuNamespaces } from "./safety-gpu-namespaces";
import { safetyGpuNodePods } from "./safety-gpu-node-pods";
import { safetyGpuTaint } from "./safety-gpu-taint";
import { safetyImagePinned } from "./safety-image-pinned";
import { safetyImdsv2 } from "./safety-imdsv2";
import { safetyNoHostNamespaces } from "./safety-no-host-namespaces";
import { safetyNoHostPath } from "./safety-no-host-path";
import { safetyNoPrivileged } from "./safety-no-privileged";
import { safetyNoPublicIngress } from "./safety-no-public-ingress";
import { safetyNoPublicLb } from "./safety-no-public-lb";
import { safetyNoSecretArgs } from "./safety-no-secret-args";
import { safetyProbes } from "./safety-probes";
import { safetyNoSystemNamespace } from "./safety-no-system-namespace";
import { safetyShm } from "./safety-shm";
import { safetyUnverifiableWorkloads } from "./safety-unverifiable-workloads";
import { safetyModelRoutes } from "./safety-model-routes";

export const POLICIES: Policies = [
  gpuMemoryFit,
  gpuConsistency,
  costBudget,
  costWeightsNat,
  gpuUnknownModel,
  safetyImagePinned,
  safetyNoSecretArgs,
  safetyNoPublicLb,
  safetyNoPublicIngress,
  safetyModelRoutes,
  safetyNoPrivileged,
  safetyNoHostPath,
  safetyNoHostNamespaces,
  safetyNoSystemNamespace,
  safetyGpuNodePods,
  safetyGpuNamespaces,
  safetyUnverifiableWorkloads,
  safetyProbes,
  safetyGpuRollout,
  safetyShm,
  safetyImdsv2,
  safetyEksEndpoint,
  safetyEksSecretsEncrypted,
  safetyGpuTaint,
  observabilityVllmMetrics,
];
