/**
 * llm-stack-safety-probes (advisory): GPU server containers have startup, readiness and liveness
 * probes, and the startup probe allows at least the configured time for download and load (a
 * liveness probe that fires while weights still load restarts the pod forever).
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { MIN_STARTUP_SECONDS } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { serverContainersOf, validateWorkloads, type ProbeShape } from "./lib/workloads";

export interface ProbesConfig {
  minimumStartupSeconds: number;
}

/** Seconds a startup probe tolerates before Kubernetes restarts the container (Kubernetes defaults: period 10, threshold 3). */
export const startupSeconds = (probe: ProbeShape): number =>
  (probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);

export const safetyProbes: ResourceValidationPolicy = {
  name: "llm-stack-safety-probes",
  description: "vLLM containers have startup, readiness and liveness probes, with a startup budget above a minimum.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema({
    minimumStartupSeconds: {
      type: "integer",
      default: MIN_STARTUP_SECONDS,
      minimum: 0,
      description: "Least time the startup probe must allow.",
    },
  }),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    const { minimumStartupSeconds } = readPolicyConfig<ProbesConfig>(safetyProbes, args.getConfig);
    for (const { container } of serverContainersOf(workload)) {
      // A headless worker of a multi-node replica serves no HTTP (vLLM --headless): its group's leader
      // carries the probes, and LeaderWorkerSet recreates the group when a worker fails.
      if (container.args.headless !== undefined && container.args.headless !== "false") continue;
      const { startupProbe, readinessProbe, livenessProbe } = container.raw;
      const missing = Object.entries({ startupProbe, readinessProbe, livenessProbe })
        .filter(([, probe]) => probe === undefined)
        .map(([name]) => name);
      if (missing.length > 0) {
        reportViolation(
          `${workload.label}: container ${container.name} has no ${missing.join(", ")}. Fix: probe GET /health with a startup probe sized for download and load, then readiness and liveness.`,
        );
      }
      if (startupProbe && startupSeconds(startupProbe) < minimumStartupSeconds) {
        reportViolation(
          `${workload.label}: container ${container.name}'s startup probe allows ${startupSeconds(startupProbe)} s, less than the minimum ${minimumStartupSeconds} s for downloading and loading weights. Fix: raise failureThreshold × periodSeconds.`,
        );
      }
    }
  }),
};
