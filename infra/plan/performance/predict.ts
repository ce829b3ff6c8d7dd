/**
 * The step model's prediction of one published measurement, at the measurement's own setup
 * (model, precision, GPU, TP, KV dtype, context, scheduler limits, workload and load). TensorRT-LLM
 * measurements go through one fitted engine ratio: its throughput is vLLM's × the ratio, its
 * latencies vLLM's ÷ the ratio.
 */
import { type ServingMeasurement } from "../../catalog/serving-measurements-schema";
import { MIN_MAX_MODEL_LEN } from "../request";
import { servingShapeFor, type ServingShape } from "./serving-shape";
import { atConcurrency, endToEndSeconds, saturatedThroughput, type Calibration, type RequestShape } from "./steady-state";

export interface EngineCalibration extends Calibration {
  /** TensorRT-LLM's throughput over vLLM's on the same setup, fitted across the TensorRT-LLM rows. */
  tensorRtLlmOverVllm: number;
}

const shapeCache = new WeakMap<ServingMeasurement, ServingShape>();

export function shapeOfMeasurement(m: ServingMeasurement): ServingShape {
  let shape = shapeCache.get(m);
  if (!shape) {
    shape = servingShapeFor({
      model: m.model,
      variant: m.variant,
      gpu: m.gpu,
      tensorParallelSize: m.tensorParallelSize,
      pipelineParallelSize: m.pipelineParallelSize,
      kvCacheDtype: m.kvCacheDtype,
      maxModelLen: m.maxModelLen ?? Math.max(MIN_MAX_MODEL_LEN, m.inputTokens + m.outputTokens),
      maxNumSeqs: m.maxNumSeqs,
      maxNumBatchedTokens: m.maxNumBatchedTokens,
      gpuMemoryUtilization: m.gpuMemoryUtilization,
    });
    shapeCache.set(m, shape);
  }
  return shape;
}

/**
 * Poisson arrivals at a rate hold, by Little's law, rate × end-to-end latency requests in the
 * replica; the closed-loop concurrency with the same mean is found by fixed-point iteration
 * (`rounds` of it: a caller that only sizes a simulation needs few).
 */
export function concurrencyAtRate(
  shape: ServingShape,
  request: RequestShape,
  calibration: Calibration,
  requestsPerSecond: number,
  rounds = 30,
): number {
  let concurrency = 1;
  for (let i = 0; i < rounds; i++) {
    const at = atConcurrency(shape, request, calibration, Math.max(1, Math.round(concurrency)));
    const next = Math.max(1, requestsPerSecond * endToEndSeconds(at, request.outputTokens));
    if (Math.abs(next - concurrency) < 0.5) return next;
    concurrency = (concurrency + next) / 2;
  }
  return concurrency;
}

export function predictMeasurement(m: ServingMeasurement, calibration: EngineCalibration): number {
  const shape = shapeOfMeasurement(m);
  const request: RequestShape = { inputTokens: m.inputTokens, outputTokens: m.outputTokens, prefixCacheHitRate: 0 };
  const speedup = m.engine === "tensorrt-llm" ? calibration.tensorRtLlmOverVllm : 1;
  const gpus = m.tensorParallelSize * (m.pipelineParallelSize ?? 1);
  const load = m.load;
  if (m.metric === "outputTokensPerSecondPerGpu" || m.metric === "totalTokensPerSecondPerGpu") {
    const saturated = saturatedThroughput(shape, request, calibration).outputTokensPerSecond;
    const perReplica =
      load.kind === "saturated"
        ? saturated
        : load.kind === "concurrency"
          ? atConcurrency(shape, request, calibration, load.requests).outputTokensPerSecond
          : Math.min(load.requestsPerSecond * m.outputTokens, saturated);
    const tokensPerOutput = m.metric === "totalTokensPerSecondPerGpu" ? (m.inputTokens + m.outputTokens) / m.outputTokens : 1;
    return (perReplica * speedup * tokensPerOutput) / gpus;
  }
  const concurrency =
    load.kind === "concurrency"
      ? load.requests
      : load.kind === "rate"
        ? Math.round(concurrencyAtRate(shape, request, calibration, load.requestsPerSecond))
        : shape.maxNumSeqs;
  const at = atConcurrency(shape, request, calibration, concurrency);
  const latency = m.metric.startsWith("ttft") ? at.ttftMs : m.metric === "itlMsMedian" ? at.decodeOnlyItlMs : at.tpotMs;
  return latency / speedup;
}
