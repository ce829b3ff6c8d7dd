/**
 * llm-stack-safety-shm (advisory): a GPU server with more than one GPU per pod mounts a
 * memory-backed /dev/shm; NCCL's shared-memory transport fails on the container runtime's 64 MiB
 * default.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { numericFlag } from "../infra/vllm";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { serverContainersOf, validateWorkloads } from "./lib/workloads";

export const safetyShm: ResourceValidationPolicy = {
  name: "llm-stack-safety-shm",
  description: "Multi-GPU vLLM pods mount a memory-backed emptyDir at /dev/shm.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(safetyShm, args.getConfig);
    for (const { template, container } of serverContainersOf(workload)) {
      const tp = numericFlag(container.args, "tensor-parallel-size");
      const gpus = Math.max(Number.isFinite(tp) ? tp : 1, container.gpus);
      if (gpus <= 1) continue;
      const mount = (container.raw.volumeMounts ?? []).find((m) => m.mountPath === "/dev/shm");
      const volume = mount && (template.spec.volumes ?? []).find((v) => v.name === mount.name);
      if (volume?.emptyDir?.medium !== "Memory") {
        reportViolation(
          `${workload.label}: container ${container.name} runs vLLM on ${gpus} GPUs without a memory-backed /dev/shm. Fix: mount an emptyDir with medium Memory at /dev/shm.`,
        );
      }
    }
  }),
};
