/**
 * Published serving measurements the step model is fitted to and held against
 * (infra/plan/performance/calibration.ts, `npm run bench`). Each row is one number someone
 * measured: engine and release, model and precision, GPU and parallelism, workload, load, metric,
 * value, and where it was read. vLLM rows fit the step model directly; TensorRT-LLM rows only
 * through one fitted vLLM/TensorRT-LLM ratio. They are never inputs to a plan.
 */
import { z } from "zod";
import { type GpuId, type ModelId, type Source } from "./schema";
import { servingMeasurementSchema, type ServingMeasurement } from "./serving-measurements-schema";

export {
  SERVING_ENGINES,
  SERVING_METRICS,
  type ServingEngine,
  type ServingLoad,
  type ServingMeasurement,
  type ServingMetric,
} from "./serving-measurements-schema";

const READ_ON = "2026-12-06";

/**
 * The published head-to-head that fixes TensorRT-LLM's speed over vLLM: its saturated output
 * throughput over vLLM's on one H100, the same model, workload and load.
 */
export const ENGINE_RATIO_GROUP = "gpustack qwen3-32b h100 sharegpt saturated";

/**
 * NVIDIA's TensorRT-LLM "Performance Overview" tables: `trtllm-bench throughput`, every request
 * queued at once (infinite rate), fixed input/output lengths (synthetic dataset, stdev 0), FP8
 * weights on H100 SXM 80GB and H200 SXM 141GB. The v1.0-era and 0.17 tables give output tokens/s
 * summed over the configuration's GPUs; the newest table gives them per GPU.
 */
const TRT_TABLES = {
  V1: {
    version: "v1.0-era (PyTorch backend; the table names no release)",
    perGpu: false,
    ref: "https://github.com/NVIDIA/TensorRT-LLM/blob/00f37686aa854010d68bcbd0f4ab000221541ca6/docs/source/performance/perf-overview.md",
  },
  V017: {
    version: "0.17 ('All data in the table below was generated using version 0.17')",
    perGpu: false,
    ref: "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
  },
  NEW: {
    version: "newest developer-guide table (release not named; 'output tokens per second per GPU')",
    perGpu: true,
    ref: "https://github.com/NVIDIA/TensorRT-LLM/blob/03e27c7d5ff0c6e89f8328838c0a8e64f1b34f9d/docs/source/developer-guide/perf-overview.md",
  },
} as const;
const { V1, V017, NEW } = TRT_TABLES;

/**
 * The tables do not state a batch limit: trtllm-bench derives the maximum batch from the KV cache
 * (its CUDA graphs are captured up to batch 8192), so the batch here is bound by the KV cache.
 * FP8 KV cache: the 0.17 table says FP8 quantization stores the KV cache in FP8; NVIDIA's FP8
 * checkpoints for the later tables quantize it too (hf_quant_config.json kv_cache_quant_algo FP8).
 */
const TRT_MAX_BATCH = 8192;
/** "KV cache memory fraction 0.95 in many cases" (the v1.0-era table's notes): the largest share the memory model takes. */
const TRT_KV_FREE_MEMORY_FRACTION = 0.95;

function trt(
  table: (typeof TRT_TABLES)[keyof typeof TRT_TABLES],
  model: ModelId,
  variant: string,
  gpu: GpuId,
  tensorParallelSize: number,
  inputTokens: number,
  outputTokens: number,
  published: number,
): ServingMeasurement {
  const perGpu = table.perGpu ? published : published / tensorParallelSize;
  return {
    id: `trt-llm ${table === NEW ? "new" : table === V017 ? "0.17" : "v1.0"} ${model} ${gpu} TP${tensorParallelSize} ${inputTokens}/${outputTokens}`,
    engine: "tensorrt-llm",
    engineVersion: table.version,
    model,
    variant,
    gpu,
    tensorParallelSize,
    kvCacheDtype: "fp8",
    inputTokens,
    outputTokens,
    load: { kind: "saturated" },
    maxNumSeqs: TRT_MAX_BATCH,
    gpuMemoryUtilization: TRT_KV_FREE_MEMORY_FRACTION,
    maxModelLen: Math.max(1024, inputTokens + outputTokens),
    metric: "outputTokensPerSecondPerGpu",
    value: Math.round(perGpu * 1000) / 1000,
    source: { ref: table.ref, readOn: READ_ON } satisfies Source,
    note: table.perGpu
      ? `published per GPU: ${published}`
      : `published ${published} tok/s over ${tensorParallelSize} GPU(s), divided by ${tensorParallelSize}`,
  };
}

/**
 * vLLM 0.6.0 (2024-09) cut CPU overhead: 2.7× the throughput and 5× lower TPOT for Llama 3 8B on
 * one H100 than 0.5.3 (https://blog.vllm.ai/2024/09/05/perf-update.html). Rows from builds before
 * it say little about the pinned release.
 */
const BEFORE_0_6 =
  "measured on a vLLM build before 0.6.0, whose CPU-overhead work raised Llama 3 8B throughput on H100 2.7× (blog.vllm.ai 2024-09-05)";

/** One vLLM measurement; `id` names the source and the setup. */
const vllm = (row: Omit<ServingMeasurement, "engine" | "source"> & { ref: string }): ServingMeasurement => {
  const { ref, ...rest } = row;
  return { engine: "vllm", ...rest, source: { ref, readOn: READ_ON } };
};

export const VLLM_MEASUREMENTS: readonly ServingMeasurement[] = [
  vllm({
    id: "vllm#7172 llama-3.1-8b bf16 h100 TP1 292/579 saturated",
    engineVersion: "main at PR #7172 (2024-08-05, ~0.5.4)",
    model: "llama-3.1-8b-instruct",
    variant: "bf16",
    gpu: "h100",
    tensorParallelSize: 1,
    kvCacheDtype: "auto",
    inputTokens: 292,
    outputTokens: 579,
    load: { kind: "saturated" },
    metric: "totalTokensPerSecondPerGpu",
    value: 7266.01,
    ref: "https://github.com/vllm-project/vllm/pull/7172",
    notComparable: BEFORE_0_6,
    note: "benchmark_throughput.py, 1000 prompts, 'Llama-3.1-8B-Instruct on 1xH100' (a vLLM committer); 'Throughput: 8.34 requests/s, 7266.01 tokens/s' (prompt + output)",
  }),
  vllm({
    id: "vllm#7117 llama-3-8b bf16 h100 TP1 256/256 saturated",
    engineVersion: "main at PR #7117 (2024-08-04, ~0.5.4)",
    model: "llama-3.1-8b-instruct",
    variant: "bf16",
    gpu: "h100",
    tensorParallelSize: 1,
    kvCacheDtype: "auto",
    inputTokens: 256,
    outputTokens: 256,
    load: { kind: "saturated" },
    metric: "totalTokensPerSecondPerGpu",
    value: 12555.73,
    ref: "https://github.com/vllm-project/vllm/pull/7117",
    notComparable: BEFORE_0_6,
    note: "benchmark_throughput.py --input-len 256 --output-len 256 'On H100' (a vLLM maintainer), first of three trials (12555.73 / 12591.35 / 12667.68); Meta-Llama-3-8B, the same architecture as 3.1 8B",
  }),
  vllm({
    id: "vllm#7798 llama-3-70b fp8 h200 TP1 256/256 saturated, bf16 KV",
    engineVersion: "main at PR #7798 (2024-08-22, ~0.5.5)",
    model: "llama-3.3-70b-instruct",
    variant: "fp8-dynamic",
    gpu: "h200",
    tensorParallelSize: 1,
    kvCacheDtype: "auto",
    inputTokens: 256,
    outputTokens: 256,
    load: { kind: "saturated" },
    metric: "totalTokensPerSecondPerGpu",
    value: 2606.275,
    ref: "https://github.com/vllm-project/vllm/pull/7798",
    notComparable: BEFORE_0_6,
    note: "benchmark_throughput.py, 1024 prompts, neuralmagic/Meta-Llama-3-70B-Instruct-FP8 on H200 (NVIDIA), 'FP8 Quantization + FP16 KVCache' column (xformers); Llama 3 70B has 3.3 70B's architecture",
  }),
  vllm({
    id: "vllm#7798 llama-3-70b fp8 h200 TP1 256/256 saturated, fp8 KV",
    engineVersion: "main at PR #7798 (2024-08-22, ~0.5.5)",
    model: "llama-3.3-70b-instruct",
    variant: "fp8-dynamic",
    gpu: "h200",
    tensorParallelSize: 1,
    kvCacheDtype: "fp8",
    inputTokens: 256,
    outputTokens: 256,
    load: { kind: "saturated" },
    metric: "totalTokensPerSecondPerGpu",
    value: 2210.09,
    ref: "https://github.com/vllm-project/vllm/pull/7798",
    notComparable: BEFORE_0_6,
    note: "as above, 'FP8 Quantization + FP8 KVCache' column (FlashInfer): slower than the bf16 KV cache on that 2024 build",
  }),
  vllm({
    id: "vllm#6913 llama-3-70b fp8 h100 TP4 128 in, batch 1, TPOT",
    engineVersion: "main, late July 2024 (~0.5.3)",
    model: "llama-3.3-70b-instruct",
    variant: "fp8-dynamic",
    gpu: "h100",
    tensorParallelSize: 4,
    kvCacheDtype: "auto",
    inputTokens: 128,
    outputTokens: 128,
    load: { kind: "concurrency", requests: 1 },
    metric: "tpotMsMean",
    value: 19,
    ref: "https://github.com/vllm-project/vllm/issues/6913",
    notComparable: BEFORE_0_6,
    note: "RFC 'Asynchronous Output Processor' (Databricks): 'Llama3-70B, 4xH100, FP8 dynamic scaling, 128 input tokens', batch size 1 → TPOT 19 ms; output length not stated (128 taken; TPOT at batch 1 hardly depends on it)",
  }),
  vllm({
    id: "vllm#6913 llama-3-70b fp8 h100 TP4 128 in, batch 32, TPOT",
    engineVersion: "main, late July 2024 (~0.5.3)",
    model: "llama-3.3-70b-instruct",
    variant: "fp8-dynamic",
    gpu: "h100",
    tensorParallelSize: 4,
    kvCacheDtype: "auto",
    inputTokens: 128,
    outputTokens: 128,
    load: { kind: "concurrency", requests: 32 },
    metric: "tpotMsMean",
    value: 25,
    ref: "https://github.com/vllm-project/vllm/issues/6913",
    notComparable: BEFORE_0_6,
    note: "as above, batch size 32 → TPOT 25 ms",
  }),
  ...(["ttftMsMean", "ttftMsMedian", "tpotMsMean", "tpotMsMedian"] as const).map((metric) =>
    vllm({
      id: `vllm#7921 llama-3.1-8b bf16 h100 TP1 sonnet 955/512 at 10 req/s, ${metric}`,
      engineVersion: "main at PR #7921 (2024-08-27, ~0.5.5), --num-scheduler-steps 8",
      model: "llama-3.1-8b-instruct",
      variant: "bf16",
      gpu: "h100",
      tensorParallelSize: 1,
      kvCacheDtype: "auto",
      inputTokens: 955,
      outputTokens: 512,
      load: { kind: "rate", requestsPerSecond: 10 },
      metric,
      value: { ttftMsMean: 145.21, ttftMsMedian: 138.28, tpotMsMean: 28.1, tpotMsMedian: 29.52 }[metric],
      ref: "https://github.com/vllm-project/vllm/pull/7921",
      notComparable: `${BEFORE_0_6}; run with --num-scheduler-steps 8 (multi-step scheduling, removed in the V1 engine), which holds a new request up to 8 steps before its prefill`,
      note: "benchmark_serving.py sonnet dataset (input 1024 with a 512-token shared prefix, output 512; 191,053 input tokens over 200 prompts = 955 mean), 'Llama3.1 8B on H100 with RPS==10, 8 multi-step' (Red Hat)",
    }),
  ),
];

const GPUSTACK_QWEN3_8B =
  "https://github.com/gpustack/gpustack/blob/main/docs/performance-lab/qwen3-8b/h100-latency.md (GPUStack Performance Lab: Qwen3-8B bf16, one H100 SXM, ShareGPT, --max-concurrency 4, each engine's default serving command; `vllm bench serve` output)";
const GPUSTACK_QWEN3_32B =
  "https://github.com/gpustack/gpustack/blob/main/docs/performance-lab/qwen3-32b/h100.md (GPUStack Performance Lab: Qwen3-32B bf16, H100 SXM, ShareGPT 1,000 prompts at request rate inf, each engine's default serving command without tensor parallelism; `vllm bench serve` output)";

/** GPUStack's engine comparisons: vLLM 0.11.0 (V1) and TensorRT-LLM 1.2.0rc1, default settings, the same prompts. */
function gpustack(
  group: "qwen3-8b c4" | "qwen3-32b saturated",
  engine: "vllm" | "tensorrt-llm",
  metric: ServingMeasurement["metric"],
  value: number,
): ServingMeasurement {
  const small = group === "qwen3-8b c4";
  return {
    id: `gpustack ${group} ${engine} ${metric}`,
    engine,
    engineVersion: engine === "vllm" ? "0.11.0" : "1.2.0rc1",
    model: small ? "qwen3-8b" : "qwen3-32b",
    variant: "bf16",
    gpu: "h100",
    tensorParallelSize: 1,
    kvCacheDtype: "auto",
    // ShareGPT means from the published totals: 23,260 / 22,060 tokens over 100 prompts; 217,400 / 201,400 over 1,000.
    inputTokens: small ? 233 : 217,
    outputTokens: small ? 221 : 201,
    load: small ? { kind: "concurrency", requests: 4 } : { kind: "saturated" },
    metric,
    value,
    source: { ref: small ? GPUSTACK_QWEN3_8B : GPUSTACK_QWEN3_32B, readOn: READ_ON },
    note: "ShareGPT prompts vary in length; the row gives their means. GPU count not printed for the 32B run; the commands set no tensor parallelism (one GPU).",
    comparisonGroup: small ? "gpustack qwen3-8b h100 sharegpt c4" : ENGINE_RATIO_GROUP,
  };
}

export const GPUSTACK_MEASUREMENTS: readonly ServingMeasurement[] = [
  gpustack("qwen3-8b c4", "vllm", "outputTokensPerSecondPerGpu", 496.88),
  gpustack("qwen3-8b c4", "vllm", "ttftMsMean", 64.0),
  gpustack("qwen3-8b c4", "vllm", "ttftMsMedian", 60.26),
  gpustack("qwen3-8b c4", "vllm", "tpotMsMean", 7.38),
  gpustack("qwen3-8b c4", "vllm", "tpotMsMedian", 7.4),
  gpustack("qwen3-8b c4", "vllm", "itlMsMedian", 7.37),
  gpustack("qwen3-8b c4", "tensorrt-llm", "outputTokensPerSecondPerGpu", 487.38),
  gpustack("qwen3-8b c4", "tensorrt-llm", "tpotMsMean", 7.67),
  gpustack("qwen3-32b saturated", "vllm", "outputTokensPerSecondPerGpu", 1131.55),
  gpustack("qwen3-32b saturated", "tensorrt-llm", "outputTokensPerSecondPerGpu", 1280.04),
];

export const TENSORRT_LLM_MEASUREMENTS: readonly ServingMeasurement[] = [
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 1000, 1000, 2209),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 8192, 1024, 398),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 2, 1000, 1000, 2587),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 2, 1024, 1024, 2582),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 2, 1024, 8192, 2009),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 2, 8192, 1024, 537),
  trt(NEW, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 2, 32768, 1024, 120),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 128, 128, 31674.49),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 128, 2048, 23496.42),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 128, 4096, 14350.99),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 500, 2000, 18026.27),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 1000, 1000, 16035.66),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 2048, 128, 3642.48),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 2048, 2048, 9958.17),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 5000, 500, 3591.33),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h100", 1, 20000, 2000, 1373.24),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 128, 128, 31938.12),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 128, 2048, 27409.3),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 128, 4096, 18505.03),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 500, 2000, 22354.67),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 1000, 1000, 18426.16),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 2048, 128, 3834.43),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 2048, 2048, 12347.37),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 5000, 500, 4041.59),
  trt(V017, "mistral-7b-instruct-v0.3", "fp8-static", "h200", 1, 20000, 2000, 1822.69),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 128, 128, 15962.49),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 128, 2048, 8290.13),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 128, 4096, 4784.86),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 500, 2000, 6800.6),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 1000, 1000, 6868.52),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 2048, 128, 1892.81),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 2048, 2048, 3983.1),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 5000, 500, 1764.7),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 1, 20000, 2000, 673.7),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 128, 128, 27451.13),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 128, 2048, 22830.08),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 128, 4096, 14237.01),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 500, 2000, 17036.04),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 1000, 1000, 15770.89),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 2048, 128, 3333.68),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 2048, 2048, 10685.85),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 5000, 500, 3646.09),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 2, 20000, 2000, 1757.45),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 128, 128, 41068.23),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 128, 2048, 41164.73),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 128, 4096, 27912.48),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 500, 2000, 34489.34),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 1000, 1000, 27784.74),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 2048, 128, 5234.98),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 2048, 2048, 19432.08),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 5000, 500, 6401.56),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 4, 20000, 2000, 3303.83),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 128, 128, 50849.55),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 128, 2048, 61607.7),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 128, 4096, 48280.37),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 500, 2000, 52583.65),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 1000, 1000, 40631.71),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 2048, 128, 6988.18),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 2048, 2048, 30983.35),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 5000, 500, 9210.11),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h100", 8, 20000, 2000, 5602.43),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 128, 128, 17157.72),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 128, 2048, 15095.21),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 128, 4096, 9534.62),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 500, 2000, 12105.27),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 1000, 1000, 10371.36),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 2048, 128, 2009.67),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 2048, 2048, 6940.32),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 5000, 500, 2309.1),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 1, 20000, 2000, 1151.78),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 128, 128, 27825.34),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 128, 2048, 29584.05),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 128, 4096, 21564.68),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 500, 2000, 23410.63),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 1000, 1000, 19151.19),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 2048, 128, 3383.16),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 2048, 2048, 14007.29),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 5000, 500, 4223.68),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 2, 20000, 2000, 2299.21),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 128, 128, 42551.59),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 128, 2048, 52291.78),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 128, 4096, 39513.73),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 500, 2000, 43818.99),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 1000, 1000, 33580.9),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 2048, 128, 5467.62),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 2048, 2048, 24980.93),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 5000, 500, 7084.94),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 4, 20000, 2000, 4236.84),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 128, 128, 53212.55),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 128, 2048, 68608.45),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 128, 4096, 54827.78),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 500, 2000, 58706.39),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 1000, 1000, 44705.48),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 2048, 128, 7554.38),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 2048, 2048, 36193.64),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 5000, 500, 10271.8),
  trt(V017, "mixtral-8x7b-instruct-v0.1", "fp8-static", "h200", 8, 20000, 2000, 6835.53),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 128, 128, 3627),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 128, 2048, 4340),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 128, 4096, 3116),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 500, 2000, 3994),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 1000, 1000, 2919),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 1000, 2000, 2895),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 2048, 128, 453),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 2048, 2048, 2296),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 5000, 500, 610),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h100", 8, 20000, 2000, 345),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 128, 128, 3814),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 128, 2048, 5348),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 128, 4096, 4741),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 500, 2000, 4724),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 1000, 1000, 3330),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 1000, 2000, 3722),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 2048, 128, 456),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 2048, 2048, 2948),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 5000, 500, 650),
  trt(V1, "llama-3.1-405b-instruct", "fp8-meta", "h200", 8, 20000, 2000, 505),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 128, 128, 28312),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 128, 2048, 22714),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 128, 4096, 14325),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 500, 2000, 17660),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 1000, 1000, 15220),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 1000, 2000, 13899),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 2048, 128, 3450),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 2048, 2048, 9305),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 5000, 500, 3459),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h100", 1, 20000, 2000, 1351),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 128, 128, 27911),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 128, 2048, 26221),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 128, 4096, 18027),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 500, 2000, 20770),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 1000, 1000, 17744),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 1000, 2000, 16828),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 2048, 128, 3538),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 2048, 2048, 12194),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 5000, 500, 3902),
  trt(V1, "llama-3.1-8b-instruct", "fp8-static", "h200", 1, 20000, 2000, 1804),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 128, 128, 6378),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 128, 2048, 6651),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 128, 4096, 4199),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 500, 2000, 5222),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 1000, 1000, 4205),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 1000, 2000, 4146),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 2048, 128, 762),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 2048, 2048, 3082),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 5000, 500, 898),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h100", 2, 20000, 2000, 437),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 128, 128, 3803),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 128, 2048, 4336),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 128, 4096, 2872),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 500, 2000, 3666),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 1000, 1000, 2909),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 1000, 2000, 2994),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 2048, 128, 442),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 2048, 2048, 2003),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 5000, 500, 566),
  trt(V1, "llama-3.3-70b-instruct", "fp8-dynamic", "h200", 1, 20000, 2000, 283),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 128, 2048, 10829),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 128, 4096, 6744),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 500, 2000, 10108),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 1000, 1000, 9677),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 1000, 2000, 9151),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 2048, 2048, 6916),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h100", 8, 5000, 500, 3457),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 128, 128, 63994),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 128, 2048, 40572),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 128, 4096, 24616),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 500, 2000, 37835),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 1000, 1000, 31782),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 1000, 2000, 34734),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 2048, 128, 7307),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 2048, 2048, 20957),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 5000, 500, 8456),
  trt(V1, "llama-4-maverick-17b-128e-instruct", "fp8-meta", "h200", 8, 20000, 2000, 4106),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 128, 2048, 15130),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 128, 4096, 8603),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 500, 2000, 12399),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 1000, 1000, 12129),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 1000, 2000, 9838),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 2048, 128, 3253),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 2048, 2048, 7972),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h100", 4, 5000, 500, 3342),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 128, 128, 30354),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 128, 2048, 34316),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 128, 4096, 21332),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 500, 2000, 24630),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 1000, 1000, 21636),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 1000, 2000, 18499),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 2048, 128, 3699),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 2048, 2048, 14949),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 5000, 500, 4605),
  trt(V1, "llama-4-scout-17b-16e-instruct", "fp8-dynamic", "h200", 4, 20000, 2000, 2105),
];

export const SERVING_MEASUREMENTS: readonly ServingMeasurement[] = [
  ...VLLM_MEASUREMENTS,
  ...GPUSTACK_MEASUREMENTS,
  ...TENSORRT_LLM_MEASUREMENTS,
];

export function tensorRtLlmOverVllmMeasured(rows: readonly ServingMeasurement[] = SERVING_MEASUREMENTS): number {
  const of = (engine: ServingMeasurement["engine"]) =>
    rows.find((m) => m.comparisonGroup === ENGINE_RATIO_GROUP && m.engine === engine && m.metric === "outputTokensPerSecondPerGpu")?.value;
  const trt = of("tensorrt-llm");
  const vllm = of("vllm");
  if (trt === undefined || vllm === undefined) throw new Error(`no vLLM and TensorRT-LLM rows in ${ENGINE_RATIO_GROUP}`);
  return trt / vllm;
}

z.array(servingMeasurementSchema).parse(SERVING_MEASUREMENTS);
for (const [i, m] of SERVING_MEASUREMENTS.entries())
  if (SERVING_MEASUREMENTS.findIndex((other) => other.id === m.id) !== i) throw new Error(`two serving measurements share the id ${m.id}`);
