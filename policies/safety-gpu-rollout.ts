/**
 * llm-stack-safety-gpu-rollout (advisory): GPU workloads roll out without surge pods, so a rollout
 * never asks for GPUs the node pool does not have (a surge pod stays Pending forever). Deployments
 * surge 25% by default; DaemonSets and LeaderWorkerSets only when maxSurge is set; StatefulSets,
 * Jobs and Pods never surge.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { validateWorkloads, type WorkloadView } from "./lib/workloads";

/** The surge a rollout of this workload may add: Kubernetes' default where unset; undefined for kinds that never surge. */
function maxSurgeOf(workload: WorkloadView): number | string | undefined {
  const spec = workload.props.spec ?? {};
  switch (workload.kind) {
    case "Deployment":
      return spec.strategy?.type === "Recreate" ? 0 : (spec.strategy?.rollingUpdate?.maxSurge ?? "25%");
    case "DaemonSet":
      return spec.updateStrategy?.type === "OnDelete" ? 0 : (spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0);
    case "LeaderWorkerSet":
      return spec.rolloutStrategy?.rollingUpdateConfiguration?.maxSurge ?? 0;
    default:
      return undefined;
  }
}

export const safetyGpuRollout: ResourceValidationPolicy = {
  name: "llm-stack-safety-gpu-rollout",
  description: "Workloads that request GPUs roll out without surge pods (maxSurge 0 or Recreate).",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyGpuRollout, args.getConfig);
    if (!workload.templates.some((t) => t.containers.some((c) => c.gpus > 0))) return;
    const maxSurge = maxSurgeOf(workload);
    if (maxSurge === undefined || maxSurge === 0 || maxSurge === "0" || maxSurge === "0%") return;
    const fix =
      workload.kind === "Deployment" ? "set strategy.rollingUpdate.maxSurge to 0 (maxUnavailable 1) or use Recreate" : "set maxSurge to 0";
    reportViolation(
      `${workload.label} requests GPUs but rolls out with maxSurge ${maxSurge}: the surge pod needs GPUs the node pool does not have. Fix: ${fix}.`,
    );
  }),
};
