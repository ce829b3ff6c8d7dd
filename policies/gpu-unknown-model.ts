/**
 * llm-stack-gpu-unknown-model (advisory by default; set enforcementLevel to mandatory in the pack
 * config to forbid them): a vLLM workload serves a model the catalog does not know, so its memory
 * fit cannot be proven.
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { vllmContainerOf, workloadView } from "./lib/stack-view";
import { servedModelOf } from "./lib/vllm-memory";

export const gpuUnknownModel: ResourceValidationPolicy = {
  name: "llm-stack-gpu-unknown-model",
  description: "vLLM workloads serve a model variant from the llm-stack catalog, so their GPU memory can be checked.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const workload = workloadView(deployment, args.urn);
    const container = vllmContainerOf(workload);
    if (!container || servedModelOf(container)) return;
    const quantization = container.args.quantization ? ` with --quantization ${container.args.quantization}` : "";
    reportViolation(
      `${workload.label} serves ${container.args.model ?? "(no --model)"}${quantization}, which is not in the llm-stack catalog: its GPU memory fit cannot be checked. Fix: serve a catalog variant (llm-stack models) or add the model to infra/catalog/models.ts.`,
    );
  }),
};
