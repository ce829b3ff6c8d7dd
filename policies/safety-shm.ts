/**
 * llm-stack-safety-shm (advisory): vLLM with more than one GPU per pod mounts a memory-backed
 * /dev/shm; NCCL's shared-memory transport fails on the container runtime's 64 MiB default.
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { isVllmContainer, workloadView } from "./lib/stack-view";

export const safetyShm: ResourceValidationPolicy = {
  name: "llm-stack-safety-shm",
  description: "Multi-GPU vLLM pods mount a memory-backed emptyDir at /dev/shm.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const workload = workloadView(deployment, args.urn);
    const volumes = workload.deployment.spec?.template?.spec?.volumes ?? [];
    for (const container of workload.containers.filter(isVllmContainer)) {
      const tp = Number(container.args["tensor-parallel-size"] ?? 1);
      if (tp <= 1 && container.gpuLimit <= 1) continue;
      const mount = (container.raw.volumeMounts ?? []).find((m) => m.mountPath === "/dev/shm");
      const volume = mount && volumes.find((v) => v.name === mount.name);
      if (volume?.emptyDir?.medium !== "Memory") {
        reportViolation(`${workload.label}: container ${container.name} runs vLLM on ${Math.max(tp, container.gpuLimit)} GPUs without a memory-backed /dev/shm. Fix: mount an emptyDir with medium Memory at /dev/shm.`);
      }
    }
  }),
};
