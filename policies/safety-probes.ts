/**
 * llm-stack-safety-probes (advisory): vLLM containers have startup, readiness and liveness probes,
 * and the startup probe allows at least the configured time for download and load (a liveness
 * probe that fires while weights still load restarts the pod forever).
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { MIN_STARTUP_SECONDS } from "../infra/plan";
import { isVllmContainer, workloadView, type ProbeShape } from "./lib/stack-view";

export interface ProbesConfig {
  minimumStartupSeconds: number;
}

/** Seconds a startup probe tolerates before Kubernetes restarts the container (Kubernetes defaults: period 10, threshold 3). */
export const startupSeconds = (probe: ProbeShape): number => (probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);

export const safetyProbes: ResourceValidationPolicy = {
  name: "llm-stack-safety-probes",
  description: "vLLM containers have startup, readiness and liveness probes, with a startup budget above a minimum.",
  enforcementLevel: "advisory",
  configSchema: { properties: { minimumStartupSeconds: { type: "integer", default: MIN_STARTUP_SECONDS, minimum: 0, description: "Least time the startup probe must allow." } } },
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const { minimumStartupSeconds } = args.getConfig<ProbesConfig>();
    const workload = workloadView(deployment, args.urn);
    for (const container of workload.containers.filter(isVllmContainer)) {
      const { startupProbe, readinessProbe, livenessProbe } = container.raw;
      const missing = Object.entries({ startupProbe, readinessProbe, livenessProbe }).filter(([, probe]) => probe === undefined).map(([name]) => name);
      if (missing.length > 0) {
        reportViolation(`${workload.label}: container ${container.name} has no ${missing.join(", ")}. Fix: probe GET /health with a startup probe sized for download and load, then readiness and liveness.`);
      }
      if (startupProbe && startupSeconds(startupProbe) < minimumStartupSeconds) {
        reportViolation(`${workload.label}: container ${container.name}'s startup probe allows ${startupSeconds(startupProbe)} s, less than the minimum ${minimumStartupSeconds} s for downloading and loading weights. Fix: raise failureThreshold × periodSeconds.`);
      }
    }
  }),
};
