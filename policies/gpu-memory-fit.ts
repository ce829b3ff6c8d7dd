/**
 * llm-stack-gpu-memory-fit (mandatory): every GPU server's weights, activations and overhead plus
 * the KV cache of one full-context sequence fit its GPUs, at a gpu-memory-utilization no higher
 * than the configured maximum — whatever kind runs it and however its flags are spelt.
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { GPUS } from "../infra/catalog";
import { DEFAULTS } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { nodeGroupsOf, placementOf } from "./lib/stack-view";
import {
  MEMORY_OPTIONS_NOT_MODELLED,
  PP_LAYER_PARTITION_ENV,
  memoryOf,
  memorySettingsNotModelled,
  oneSequenceGiB,
  servedWorkloadsOf,
  smallestFittingTensorParallelSize,
  unreadableFlags,
} from "./lib/vllm-memory";

export interface GpuMemoryFitConfig {
  maxGpuMemoryUtilization: number;
  vouchedSettings: string[];
}

const gib = (value: number) => `${value.toFixed(1)} GiB`;

export const gpuMemoryFit: StackValidationPolicy = {
  name: "llm-stack-gpu-memory-fit",
  description:
    "vLLM workloads fit their GPUs: weights + overhead + one full-context sequence of KV cache, at an allowed gpu-memory-utilization.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema({
    maxGpuMemoryUtilization: {
      type: "number",
      default: 0.95,
      minimum: 0.5,
      maximum: 1,
      description: "Highest --gpu-memory-utilization allowed.",
    },
    vouchedSettings: {
      type: "array",
      items: { type: "string", enum: [...MEMORY_OPTIONS_NOT_MODELLED, PP_LAYER_PARTITION_ENV] },
      default: [],
      description: "Memory-relevant vLLM options (or VLLM_PP_LAYER_PARTITION) the team vouches for: not refused as unmodelled.",
    },
  }),
  validateStack: (args, reportViolation) => {
    const { maxGpuMemoryUtilization, vouchedSettings } = readPolicyConfig<GpuMemoryFitConfig>(gpuMemoryFit, args.getConfig);
    const nodeGroups = nodeGroupsOf(args.resources);
    for (const { workload, template, container, served, shape } of servedWorkloadsOf(args.resources)) {
      // vLLM reads more flags from a --config YAML file (vllm/utils/argparse_utils.py _pull_args_from_config), out of the pack's sight.
      if (container.args.config !== undefined) {
        reportViolation(
          `${workload.label} reads vLLM flags from ${container.args.config} (--config), which the policy pack cannot see: its GPU memory fit cannot be proven. Fix: pass the flags in the container's args.`,
          workload.urn,
        );
        continue;
      }
      const notModelled = memorySettingsNotModelled(container, vouchedSettings);
      if (notModelled.length > 0) {
        reportViolation(
          `${workload.label} sets ${notModelled.join(", ")}, which change its GPU memory in ways the fit model does not read: its fit cannot be proven. Fix: remove ${notModelled.length === 1 ? "it" : "them"} (the kit sizes the KV cache from --gpu-memory-utilization and splits layers evenly), or vouch for ${notModelled.length === 1 ? "it" : "them"} in this policy's vouchedSettings.`,
          workload.urn,
        );
        continue;
      }
      const unreadable = unreadableFlags(container, shape);
      if (unreadable.length > 0) {
        reportViolation(
          `${workload.label}: vLLM would refuse ${unreadable.join(", ")} (not a number its parser reads), so its GPU memory fit cannot be checked. Fix: write plain numbers, e.g. --tensor-parallel-size=2.`,
          workload.urn,
        );
        continue;
      }
      if (shape.gpuMemoryUtilization > maxGpuMemoryUtilization) {
        reportViolation(
          `${workload.label}: --gpu-memory-utilization ${shape.gpuMemoryUtilization} is above the allowed ${maxGpuMemoryUtilization}, leaving too little room for the CUDA context, NCCL buffers and fragmentation. Fix: set it to ${maxGpuMemoryUtilization} or less (the planner uses ${DEFAULTS.gpuMemoryUtilization.toFixed(2)}) and add GPUs if the KV cache no longer fits.`,
          workload.urn,
        );
      }
      const placement = placementOf(template, nodeGroups);
      if (!placement) {
        reportViolation(
          `${workload.label} serves ${container.vllm.model} but its GPU cannot be determined: the node selector ${JSON.stringify(template.nodeSelector)} names no catalog GPU instance type and matches no node group in the stack. Fix: select the GPU nodes by node.kubernetes.io/instance-type.`,
          workload.urn,
        );
        continue;
      }
      const memory = memoryOf(served, placement, shape);
      if (memory.kvCacheTokens >= shape.maxModelLen) continue;
      const m = memory.perGpuGiB;
      const fittingTp = smallestFittingTensorParallelSize(served, placement, shape);
      const fix =
        fittingTp !== undefined && fittingTp > shape.tensorParallelSize
          ? `--tensor-parallel-size ${fittingTp} with nvidia.com/gpu ${fittingTp * shape.pipelineParallelSize} (the smallest TP that fits on one ${placement.instanceType})`
          : memory.kvCacheTokens > 0
            ? `--max-model-len ${memory.kvCacheTokens} or less, or more GPUs`
            : "more GPUs per replica or an fp8/int4 variant";
      reportViolation(
        `${workload.label} serves ${served.variant.repo} (${served.modelId}, ${served.variant.quantization}) on ${GPUS[placement.gpu].displayName} at TP ${shape.tensorParallelSize} × PP ${shape.pipelineParallelSize}, gpu-memory-utilization ${shape.gpuMemoryUtilization}: ` +
          `${gib(m.weights)} of weights + ${gib(m.activationAndOverhead)} of activations and overhead per GPU leave ${gib(m.kvCache)} of the ${gib(m.budget)} budget for the KV cache, ` +
          `but one ${shape.maxModelLen}-token sequence needs ${gib(oneSequenceGiB(memory, shape))}. Fix: ${fix}.`,
        workload.urn,
      );
    }
  },
};
