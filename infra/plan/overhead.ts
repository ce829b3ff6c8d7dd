/**
 * Memory vLLM takes from the budget besides weights and KV cache: the activation peak of its
 * profiling forward pass, non-torch allocations (CUDA context, NCCL buffers) and CUDA graphs.
 *
 * Source of every constant: llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md
 * (H100 80GB, vLLM V1, --gpu-memory-utilization 0.9, --max-model-len 16000, vLLM's H100 default of
 * 8192 batched tokens), which found the activation peak constant per kind of model and independent
 * of max-model-len:
 *   dense text   Llama-3.1-8B 4.76, Llama-3.3-70B-FP8 (TP2) 4.84, Qwen3-0.6B 5.56, Qwen3-32B 5.64 GiB
 *   MoE          gpt-oss-20b / gpt-oss-120b 7.38 GiB
 *   multimodal   Mistral-Small-3.2-24B 2.12 GiB (the vision encoder is profiled outside CUDA graphs)
 *   non-torch    0.13 GiB at TP 1, 0.55 GiB at TP 2
 *   CUDA graphs  −0.88 … +1.03 GiB
 * Like llm-d's capacity planner (llm-d-benchmark PR #732, "architecture-aware activation memory
 * estimation"), a model family with its own measurements uses them (the larger where there are two);
 * any other model takes the largest measurement of its kind, so it errs towards less KV cache.
 *
 * Those measurements are of vLLM v0.11.0, which captured CUDA graphs after sizing the KV cache; the
 * pinned release reserves its CUDA-graph estimate before (infra/catalog/vllm-release.ts,
 * cudaGraphMemoryReservedBeforeKvCache), so a CUDA-graph term is subtracted here: the largest
 * capture measured, 1.03 GiB. Against the v0.11.0 figures the planner's KV cache is therefore that
 * much lower by design (test/plan/accuracy.test.ts).
 */
import { VLLM_RELEASE, type Architecture } from "../catalog";

/** vLLM's default `--max-num-batched-tokens` for the OpenAI server on GPUs with ≥ 70 GiB (vllm/engine/arg_utils.py get_batch_defaults). */
export const DEFAULT_MAX_NUM_BATCHED_TOKENS = VLLM_RELEASE.apiServerBatchDefaults.maxNumBatchedTokens;

export type ActivationProfile = "dense-text" | "moe" | "dense-multimodal";

/** Measured activation peaks by Hugging Face architecture class (same source). */
const MEASURED_ACTIVATION_PEAK_GIB: Record<string, number> = {
  /** Llama-3.1-8B 4.76, Llama-3.3-70B-FP8 at TP 2 4.84. */
  LlamaForCausalLM: 4.84,
  /** Mistral-Small-3.2-24B 2.12. */
  Mistral3ForConditionalGeneration: 2.12,
};

const ACTIVATION_PEAK_GIB_AT_DEFAULT_BATCH: Record<ActivationProfile, number> = {
  "dense-text": 5.64,
  moe: 7.38,
  "dense-multimodal": 2.12,
};
const NON_TORCH_GIB_SINGLE_GPU = 0.13;
/** Measured at TP 2; NCCL buffers for larger groups are assumed the same size. */
const NON_TORCH_GIB_MULTI_GPU = 0.55;
const CUDA_GRAPH_RESERVE_GIB = 1.03;

/** MoE routing dominates a model's activation peak, vision or not (Llama 4 is both). */
export function activationProfile(arch: Architecture): ActivationProfile {
  if (arch.moe !== null) return "moe";
  return arch.visionEncoderParams > 0 ? "dense-multimodal" : "dense-text";
}

export interface OverheadEstimate {
  /** What the activation peak comes from: the model family's own measurement, or its kind's largest. */
  activationBasis: string;
  activationPeakGiB: number;
  nonTorchGiB: number;
  cudaGraphGiB: number;
  totalGiB: number;
}

/**
 * The activation peak was measured at 8192 batched tokens; it scales with the tokens of the
 * profiling pass (hidden states and MLP intermediates are per token), so a larger budget scales it
 * linearly. Below the default it is held at the measured floor: part of it (sampler, workspace) does
 * not shrink with fewer tokens.
 */
export function estimateOverhead(arch: Architecture, gpusPerReplica: number, maxNumBatchedTokens: number): OverheadEstimate {
  const scale = Math.max(1, maxNumBatchedTokens / DEFAULT_MAX_NUM_BATCHED_TOKENS);
  const family = MEASURED_ACTIVATION_PEAK_GIB[arch.hfArchitecture];
  const activationBasis = family !== undefined ? `${arch.hfArchitecture} measured` : `${activationProfile(arch)} (largest measured)`;
  const activationPeakGiB = (family ?? ACTIVATION_PEAK_GIB_AT_DEFAULT_BATCH[activationProfile(arch)]) * scale;
  const nonTorchGiB = gpusPerReplica > 1 ? NON_TORCH_GIB_MULTI_GPU : NON_TORCH_GIB_SINGLE_GPU;
  const cudaGraphGiB = CUDA_GRAPH_RESERVE_GIB;
  return { activationBasis, activationPeakGiB, nonTorchGiB, cudaGraphGiB, totalGiB: activationPeakGiB + nonTorchGiB + cudaGraphGiB };
}
