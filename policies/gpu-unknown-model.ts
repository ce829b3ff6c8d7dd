/**
 * llm-stack-gpu-unknown-model (mandatory: a guard that cannot verify refuses): a GPU server whose
 * served model the pack cannot read (a wrapper script, `eval`, a variable the pod spec does not
 * set) or that the catalog does not know, so its memory fit cannot be proven. A team that vouches
 * for such a server relaxes the policy deliberately, and visibly, in its pack config
 * ({ "enforcementLevel": "advisory" }).
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { servedModelOf } from "./lib/vllm-memory";
import { serverContainersOf, validateWorkloads } from "./lib/workloads";

export const gpuUnknownModel: ResourceValidationPolicy = {
  name: "llm-stack-gpu-unknown-model",
  description:
    "vLLM workloads serve a model variant from the llm-stack catalog, read from their command line, so their GPU memory can be checked.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(gpuUnknownModel, args.getConfig);
    for (const { container } of serverContainersOf(workload)) {
      if (servedModelOf(container)) continue;
      // No model, or one still naming a variable the pod spec does not set (`$CMD`, `${MODEL}`, `$(MODEL)`): unreadable.
      if (container.vllm.model === undefined || container.vllm.model.includes("$")) {
        reportViolation(
          `${workload.label}: container ${container.name} takes GPUs, but which model it serves cannot be read from its command line (${JSON.stringify([...(container.raw.command ?? []), ...(container.raw.args ?? [])].join(" ").slice(0, 120))}): its GPU memory fit cannot be checked. Fix: run \`vllm serve <model> …\` (directly or in \`sh -c\` with its arguments written out), or vouch for it by setting this policy's enforcementLevel to advisory in the pack config.`,
        );
        continue;
      }
      const quantization = container.args.quantization ? ` with --quantization ${container.args.quantization}` : "";
      reportViolation(
        `${workload.label} serves ${container.vllm.model}${quantization}, which is not in the llm-stack catalog: its GPU memory fit cannot be checked. Fix: serve a catalog variant (llm-stack models) or add the model to infra/catalog/models.ts.`,
      );
    }
  }),
};
