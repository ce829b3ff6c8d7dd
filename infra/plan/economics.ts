/**
 * Unit economics of a plan: output tokens per second per replica, $ per million output tokens at a
 * given utilization, and the break-even against a hosted API. A first-order model, every assumption
 * printed next to the number it produces:
 *
 * - Decode is bound by HBM bandwidth: each step every GPU reads its weights (for MoE, the experts
 *   the batch touches) and the batch's KV cache. step = bytes / (bandwidth × MBU). Source of MBU:
 *   Databricks, "LLM Inference Performance Engineering: Best Practices" (2023-10-12,
 *   https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices), which
 *   measures ~55–60 % memory-bandwidth utilization for batched decode on A100/H100.
 * - Prefill is bound by compute: 2 × active parameters FLOPs per token at an assumed MFU.
 * - Pipeline stages are assumed perfectly overlapped (throughput of one stage); TP traffic is ignored.
 */
import { GPUS, MODELS, cheapestHostedPrice } from "../catalog";
import { allDecoderLayers, countParameters } from "./parameters";
import { type DeploymentPlan, type Economics, type EconomicsAssumptions } from "./deployment-plan";

export type { Economics, EconomicsAssumptions } from "./deployment-plan";
import { roundTo as round } from "./rounding";
import { BYTES_PER_GIB } from "./weights";

export const DEFAULT_ECONOMICS: Omit<EconomicsAssumptions, "hosted" | "maxBatchSequences"> = {
  memoryBandwidthUtilization: 0.6,
  prefillMfu: 0.5,
  averageContextTokens: 2048,
  inputTokensPerOutputToken: 2,
  utilization: 0.5,
};

/** The defaults above, the plan's own --max-num-seqs as the batch cap, and the cheapest current hosted offer of the model. */
export function defaultAssumptions(plan: Pick<DeploymentPlan, "model" | "maxNumSeqs">): EconomicsAssumptions {
  return {
    ...DEFAULT_ECONOMICS,
    maxBatchSequences: plan.maxNumSeqs,
    hosted: cheapestHostedPrice(plan.model, DEFAULT_ECONOMICS.inputTokensPerOutputToken) ?? null,
  };
}

export function economicsFor(
  plan: Omit<DeploymentPlan, "economics" | "timeToReady">,
  assumptions: EconomicsAssumptions = defaultAssumptions(plan),
): Economics {
  const model = MODELS[plan.model];
  const gpu = GPUS[plan.gpu];
  const params = countParameters(model.architecture);
  const moe = model.architecture.moe;

  const batchSequences = Math.max(
    1,
    Math.min(assumptions.maxBatchSequences, Math.floor(plan.kvCacheTokens / assumptions.averageContextTokens)),
  );
  // Share of the weights in routed experts, and how many of them a batch touches (uniform routing).
  const routedParams = allDecoderLayers(model.architecture).reduce((sum, layer) => sum + layer.routedExperts, 0);
  const routedShare = routedParams / params.total;
  const touched = moe ? 1 - (1 - moe.expertsPerToken / moe.routedExperts) ** batchSequences : 1;
  const weightBytes = plan.memory.perGpuGiB.weights * BYTES_PER_GIB * (1 - routedShare + routedShare * touched);
  const kvBytes = batchSequences * assumptions.averageContextTokens * plan.kvCacheBytesPerTokenPerGpu;
  const stepSeconds = (weightBytes + kvBytes) / (gpu.memoryBandwidthTBps * 1e12 * assumptions.memoryBandwidthUtilization);
  const decodeTokensPerSecond = batchSequences / stepSeconds;

  const tflops = plan.quantization === "fp8" ? gpu.denseFp8Tflops : gpu.denseBf16Tflops;
  const prefillTokensPerSecond = (plan.gpusPerReplica * tflops * 1e12 * assumptions.prefillMfu) / (2 * params.active);
  const output = 1 / (1 / decodeTokensPerSecond + assumptions.inputTokensPerOutputToken / prefillTokensPerSecond);

  const hourlyPerReplica = plan.cost.hourlyUsd / plan.replicas;
  const outputPerHour = output * 3600 * assumptions.utilization;
  const usdPerMillionOutputTokens = (hourlyPerReplica / outputPerHour) * 1e6;
  const hosted = assumptions.hosted;
  const hostedPerMillion = hosted ? hosted.outputUsdPerMillion + assumptions.inputTokensPerOutputToken * hosted.inputUsdPerMillion : null;
  const breakEven = hostedPerMillion !== null ? hourlyPerReplica / ((output * 3600 * hostedPerMillion) / 1e6) : null;
  return {
    assumptions,
    batchSequences,
    decodeStepMs: round(stepSeconds * 1000, 2),
    decodeTokensPerSecond: round(decodeTokensPerSecond, 0),
    prefillTokensPerSecond: round(prefillTokensPerSecond, 0),
    outputTokensPerSecondPerReplica: round(output, 0),
    usdPerMillionOutputTokens: round(usdPerMillionOutputTokens, 3),
    hostedUsdPerMillionOutputTokens: hostedPerMillion === null ? null : round(hostedPerMillion, 3),
    breakEvenUtilization: breakEven === null ? null : round(breakEven, 3),
  };
}
