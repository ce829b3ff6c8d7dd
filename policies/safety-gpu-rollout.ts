/**
 * llm-stack-safety-gpu-rollout (advisory): GPU workloads roll out with maxSurge 0 or Recreate, so a
 * rollout never asks for GPUs the node pool does not have (a surge pod stays Pending forever).
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { workloadView } from "./lib/stack-view";

export const safetyGpuRollout: ResourceValidationPolicy = {
  name: "llm-stack-safety-gpu-rollout",
  description: "Deployments that request GPUs use maxSurge 0 or the Recreate strategy.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const workload = workloadView(deployment, args.urn);
    if (!workload.containers.some((c) => c.gpuLimit > 0)) return;
    const strategy = workload.deployment.spec?.strategy;
    if (strategy?.type === "Recreate") return;
    // Kubernetes defaults maxSurge to 25% (rounded up: at least one extra pod).
    const maxSurge = strategy?.rollingUpdate?.maxSurge ?? "25%";
    if (maxSurge === 0 || maxSurge === "0" || maxSurge === "0%") return;
    reportViolation(`${workload.label} requests GPUs but rolls out with maxSurge ${maxSurge}: the surge pod needs GPUs the node pool does not have. Fix: set strategy.rollingUpdate.maxSurge to 0 (maxUnavailable 1) or use Recreate.`);
  }),
};
