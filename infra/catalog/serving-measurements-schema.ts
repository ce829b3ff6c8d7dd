/**
 * The shape of one published serving measurement (throughput or latency of an engine on a GPU at a
 * workload), validated once at import like every catalog table. The rows live in
 * serving-measurements.ts; the step model is fitted to them (infra/plan/performance/calibration.ts)
 * and `npm run bench` prints how far it lands from each.
 */
import { z } from "zod";
import { calibrationModelIdSchema } from "./calibration-models";
import { gpuIdSchema, modelIdSchema, sourceSchema } from "./schema";

export const SERVING_ENGINES = ["vllm", "tensorrt-llm"] as const;
export type ServingEngine = (typeof SERVING_ENGINES)[number];

export const SERVING_METRICS = [
  /** Generated tokens per second divided by the GPUs serving them. */
  "outputTokensPerSecondPerGpu",
  /** Prompt and generated tokens per second divided by the GPUs (what `benchmark_throughput.py` printed as tokens/s). */
  "totalTokensPerSecondPerGpu",
  "ttftMsMean",
  "ttftMsMedian",
  /** vLLM bench's TPOT: (end-to-end − TTFT) / (output tokens − 1), per request. */
  "tpotMsMean",
  "tpotMsMedian",
  /** Time between consecutive streamed tokens. */
  "itlMsMean",
  "itlMsMedian",
] as const;
export type ServingMetric = (typeof SERVING_METRICS)[number];

const positiveInt = z.number().int().positive();

export const servingLoadSchema = z.discriminatedUnion("kind", [
  /** Every request queued at once (offline throughput benchmarks, MLPerf Offline). */
  z.object({ kind: z.literal("saturated") }),
  /** A fixed number of clients, each sending its next request when the last one completes. */
  z.object({ kind: z.literal("concurrency"), requests: positiveInt }),
  /** Poisson arrivals at a mean rate. */
  z.object({ kind: z.literal("rate"), requestsPerSecond: z.number().positive() }),
]);
export type ServingLoad = z.infer<typeof servingLoadSchema>;

export const servingMeasurementSchema = z.object({
  id: z.string().min(3),
  engine: z.enum(SERVING_ENGINES),
  engineVersion: z.string(),
  /**
   * The catalog model the measurement's checkpoint is (or shares its architecture with; the note
   * says which), or an architecture kept only for calibration (catalog/calibration-models.ts).
   */
  model: z.union([modelIdSchema, calibrationModelIdSchema]),
  /** The catalog variant with the measured precision. */
  variant: z.string(),
  gpu: gpuIdSchema,
  tensorParallelSize: positiveInt,
  pipelineParallelSize: positiveInt.optional(),
  kvCacheDtype: z.enum(["auto", "fp8"]),
  /** Mean prompt and output tokens per request. */
  inputTokens: positiveInt,
  outputTokens: positiveInt,
  load: servingLoadSchema,
  /** Scheduler limits where the source states them (else the pinned release's defaults). */
  maxNumSeqs: positiveInt.optional(),
  maxNumBatchedTokens: positiveInt.optional(),
  /** Share of GPU memory the engine may use (vLLM --gpu-memory-utilization; TensorRT-LLM's KV-cache free-memory fraction); else 0.9. */
  gpuMemoryUtilization: z.number().min(0.5).max(0.95).optional(),
  /** The server's --max-model-len where stated (else input + output tokens). */
  maxModelLen: positiveInt.optional(),
  metric: z.enum(SERVING_METRICS),
  value: z.number().positive(),
  source: sourceSchema,
  /** How the row was read from the source, and anything that makes it differ from a plain run. */
  note: z.string(),
  /**
   * Why the row does not describe the pinned release's behaviour (an engine build since overtaken,
   * a scheduler mode since removed): such rows are printed by `npm run bench` but neither fitted
   * nor held to the accuracy targets.
   */
  notComparable: z.string().optional(),
  /** Rows of one published head-to-head share it: the same setup run on several engines. */
  comparisonGroup: z.string().optional(),
});
export type ServingMeasurement = z.infer<typeof servingMeasurementSchema>;
