/**
 * Reads the text `vllm bench serve` prints at the end of a run (vllm/benchmarks/serve.py at the
 * pinned release: "============ Serving Benchmark Result ============", then one `Name (unit): value`
 * line per figure, sections for TTFT, TPOT, ITL and E2EL with Mean, Median and the P<n> percentiles
 * asked for with --metric-percentiles) and turns a run into rows of the measurement dataset
 * (infra/catalog/serving-measurements.ts) for the setup the caller names.
 */
import { servingMeasurementSchema, type ServingMeasurement } from "../../infra/catalog/serving-measurements-schema";

export interface LatencyFigures {
  mean: number | null;
  median: number | null;
  /** P<n> lines: percentile → ms. */
  percentiles: Record<number, number>;
}

export interface BenchServeResult {
  requests: number;
  /** --max-concurrency, when the run set one (closed loop). */
  maxConcurrency: number | null;
  /** --request-rate, when finite (Poisson arrivals). */
  requestRate: number | null;
  durationSeconds: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  outputTokensPerSecond: number;
  ttftMs: LatencyFigures;
  tpotMs: LatencyFigures;
  itlMs: LatencyFigures;
}

const HEADER = /=+ Serving Benchmark Result =+/;

/** Every `Name: value` line of the result block, by name. */
function figures(text: string): Map<string, string> {
  const start = text.search(HEADER);
  if (start < 0) throw new Error('no "Serving Benchmark Result" block: is this the output of `vllm bench serve`?');
  const lines = new Map<string, string>();
  for (const line of text.slice(start).split(/\r?\n/).slice(1)) {
    if (/^=+\s*$/.test(line.trim())) break;
    const match = /^([^:]+):\s*(\S+)\s*$/.exec(line);
    if (match) lines.set((match[1] as string).trim(), match[2] as string);
  }
  return lines;
}

export function parseBenchServe(text: string): BenchServeResult {
  const lines = figures(text);
  const number = (name: string): number | null => {
    const raw = lines.get(name);
    if (raw === undefined || raw === "inf") return null;
    const value = Number(raw);
    return Number.isFinite(value) ? value : null;
  };
  const required = (name: string): number => {
    const value = number(name);
    if (value === null) throw new Error(`the result block has no "${name}" line`);
    return value;
  };
  const latency = (metric: "TTFT" | "TPOT" | "ITL"): LatencyFigures => {
    const percentiles: Record<number, number> = {};
    for (const [name, raw] of lines) {
      const match = new RegExp(`^P(\\d+(?:\\.\\d+)?) ${metric} \\(ms\\)$`).exec(name);
      if (match) percentiles[Number(match[1])] = Number(raw);
    }
    return { mean: number(`Mean ${metric} (ms)`), median: number(`Median ${metric} (ms)`), percentiles };
  };
  return {
    requests: required("Successful requests"),
    maxConcurrency: number("Maximum request concurrency"),
    requestRate: number("Request rate configured (RPS)"),
    durationSeconds: required("Benchmark duration (s)"),
    totalInputTokens: required("Total input tokens"),
    totalOutputTokens: required("Total generated tokens"),
    outputTokensPerSecond: required("Output token throughput (tok/s)"),
    ttftMs: latency("TTFT"),
    tpotMs: latency("TPOT"),
    itlMs: latency("ITL"),
  };
}

/** The setup the output does not state: what ran, where, and where the output was published. */
export type MeasuredSetup = Pick<
  ServingMeasurement,
  "engineVersion" | "model" | "variant" | "gpu" | "tensorParallelSize" | "pipelineParallelSize" | "kvCacheDtype" | "source"
> & { id: string };

/**
 * The dataset rows of one run: output tokens/s per GPU and the mean and median TTFT, TPOT and ITL
 * (the dataset's metrics), at the run's mean prompt and output lengths and its load.
 */
export function measurementRows(result: BenchServeResult, setup: MeasuredSetup): ServingMeasurement[] {
  const gpus = setup.tensorParallelSize * (setup.pipelineParallelSize ?? 1);
  const load: ServingMeasurement["load"] =
    result.maxConcurrency !== null
      ? { kind: "concurrency", requests: result.maxConcurrency }
      : result.requestRate !== null
        ? { kind: "rate", requestsPerSecond: result.requestRate }
        : { kind: "saturated" };
  const base = {
    engine: "vllm" as const,
    engineVersion: setup.engineVersion,
    model: setup.model,
    variant: setup.variant,
    gpu: setup.gpu,
    tensorParallelSize: setup.tensorParallelSize,
    ...(setup.pipelineParallelSize !== undefined ? { pipelineParallelSize: setup.pipelineParallelSize } : {}),
    kvCacheDtype: setup.kvCacheDtype,
    inputTokens: Math.round(result.totalInputTokens / result.requests),
    outputTokens: Math.round(result.totalOutputTokens / result.requests),
    load,
    source: setup.source,
    note: `vllm bench serve: ${result.requests} requests in ${result.durationSeconds} s; lengths are the run's means`,
  };
  const candidates: Array<[ServingMeasurement["metric"], number | null]> = [
    ["outputTokensPerSecondPerGpu", Math.round((result.outputTokensPerSecond / gpus) * 1000) / 1000],
    ["ttftMsMean", result.ttftMs.mean],
    ["ttftMsMedian", result.ttftMs.median],
    ["tpotMsMean", result.tpotMs.mean],
    ["tpotMsMedian", result.tpotMs.median],
    ["itlMsMean", result.itlMs.mean],
    ["itlMsMedian", result.itlMs.median],
  ];
  return candidates
    .filter((c): c is [ServingMeasurement["metric"], number] => c[1] !== null && c[1] > 0)
    .map(([metric, value]) => servingMeasurementSchema.parse({ ...base, id: `${setup.id} ${metric}`, metric, value }));
}
