/**
 * llm-stack-gpu-unknown-model (advisory by default; set enforcementLevel to mandatory in the pack
 * config to forbid them): a GPU server serves a model the catalog does not know (or none the pack
 * can read), so its memory fit cannot be proven.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { servedModelOf } from "./lib/vllm-memory";
import { serverContainersOf, validateWorkloads } from "./lib/workloads";

export const gpuUnknownModel: ResourceValidationPolicy = {
  name: "llm-stack-gpu-unknown-model",
  description: "vLLM workloads serve a model variant from the llm-stack catalog, so their GPU memory can be checked.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    readPolicyConfig(gpuUnknownModel, args.getConfig);
    for (const { container } of serverContainersOf(workload)) {
      if (servedModelOf(container)) continue;
      const quantization = container.args.quantization ? ` with --quantization ${container.args.quantization}` : "";
      reportViolation(
        `${workload.label} serves ${container.vllm.model ?? "(no --model)"}${quantization}, which is not in the llm-stack catalog: its GPU memory fit cannot be checked. Fix: serve a catalog variant (llm-stack models) or add the model to infra/catalog/models.ts.`,
      );
    }
  }),
};
