/**
 * A plan's performance at a workload: what one replica sustains saturated, what it does at the
 * workload's load (TTFT and ITL percentiles from the simulation), how many replicas the load
 * needs within the SLOs, the error band of the prediction and the published measurement nearest
 * to it. The numbers `plan --json` prints as `performance` and `compare` ranks by.
 */
import { MODELS, isModelId } from "../../catalog";
import { SERVING_MEASUREMENTS, type ServingMeasurement } from "../../catalog/serving-measurements";
import { type DeploymentPlan } from "../deployment-plan";
import { roundTo } from "../rounding";
import { type Workload } from "../workload";
import { CALIBRATION, ERROR_BAND } from "./calibration";
import { concurrencyAtRate, predictMeasurement, type EngineCalibration } from "./predict";
import { architectureOf, servingShapeOf, type ServingShape } from "./serving-shape";
import { MAX_SIMULATED_REQUESTS, SIMULATED_REQUESTS, requestsFor, simulateLatency, type SimulatedLatency } from "./simulate";
import { atConcurrency, endToEndSeconds, kvBoundBatch, saturatedThroughput, type RequestShape } from "./steady-state";

/**
 * Without SLOs a replica is sized to run at most this busy: at 90 % of saturation queues stay
 * finite in the simulation; beyond it, waits grow without bound (any queue, as utilization → 1).
 */
export const MAX_UTILIZATION_WITHOUT_SLO = 0.9;
/** The most replicas the sizing search tries before calling a load unservable by this shape. */
const MAX_REPLICAS_SEARCHED = 256;

export interface NearestMeasurement {
  id: string;
  metric: string;
  measured: number;
  predicted: number;
  /** predicted / measured − 1. */
  error: number;
  source: string;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
}

export interface Performance {
  /** The workload the numbers are for, with the defaults it took. */
  workload: Workload;
  /** All requests queued (as offline benchmarks measure), at the workload's prompt and output lengths. */
  saturatedOutputTokensPerSecondPerReplica: number;
  /** Requests one replica holds at once within the SLOs (the KV-bound batch without SLOs). */
  maxConcurrentRequestsPerReplica: number;
  /**
   * Output tokens/s one replica sustains within the SLOs (at that concurrency), or at
   * MAX_UTILIZATION_WITHOUT_SLO of saturation without SLOs: the capacity $/M and break-even use.
   */
  sloFeasibleOutputTokensPerSecondPerReplica: number;
  atLoad: {
    /** Mean requests in one replica (running and waiting). */
    concurrentRequestsPerReplica: number;
    outputTokensPerSecondPerReplica: number;
    ttftMs: LatencyPercentiles;
    itlMs: LatencyPercentiles;
  };
  replicasNeeded: number;
  sloMet: boolean;
  /** Why the SLOs are missed, in the user's terms; empty when met. */
  sloMisses: string[];
  /** Relative error band of the throughput prediction: 4 in 5 published measurements lie within it (calibration.ts ERROR_BAND). */
  errorBand: number;
  nearestMeasurement: NearestMeasurement | null;
}

/** Whether the workload sets any latency SLO. */
export const hasSlo = (workload: Workload) => workload.ttftP95Ms !== null || workload.itlP95Ms !== null;

export const requestOf = (workload: Workload): RequestShape => ({
  inputTokens: workload.inputTokens,
  outputTokens: workload.outputTokens,
  inputTokensP95: workload.inputTokensP95,
  outputTokensP95: workload.outputTokensP95,
  prefixCacheHitRate: workload.prefixCacheHit,
});

function misses(workload: Workload, latency: SimulatedLatency): string[] {
  const out: string[] = [];
  if (latency.overloaded) out.push("the load exceeds what the replicas complete (the queue keeps growing)");
  if (workload.ttftP95Ms !== null && latency.ttftMs.p95 > workload.ttftP95Ms)
    out.push(`TTFT p95 ${Math.round(latency.ttftMs.p95)} ms > ${workload.ttftP95Ms} ms`);
  if (workload.itlP95Ms !== null && latency.itlMs.p95 > workload.itlP95Ms)
    out.push(`ITL p95 ${latency.itlMs.p95.toFixed(1)} ms > ${workload.itlP95Ms} ms`);
  return out;
}

/**
 * The largest closed-loop concurrency per replica whose p95s meet the SLOs: bisection on the
 * closed-form estimates (latency grows with concurrency), then the simulation confirms it or
 * bisects below it.
 */
function maxConcurrencyWithinSlo(shape: ServingShape, workload: Workload, calibration: EngineCalibration): number {
  const request = requestOf(workload);
  if (!hasSlo(workload)) return kvBoundBatch(shape, request);
  const low = sloConcurrencyEstimate(shape, workload, calibration);
  // The simulation confirms the estimate, or bisects below it: one request at a time first (a shape
  // that misses even then cannot meet the SLOs), then to within a tenth of the largest that passes.
  const meets = (c: number) =>
    misses(workload, simulateLatency(shape, request, calibration, { kind: "closed-loop", concurrentRequests: c })).length === 0;
  const estimate = Math.max(1, low);
  if (meets(estimate)) return estimate;
  if (!meets(1)) return 0;
  let passing = 1;
  let failing = estimate;
  while (failing - passing > Math.max(1, Math.floor(passing / 10))) {
    const mid = Math.floor((passing + failing) / 2);
    if (meets(mid)) passing = mid;
    else failing = mid;
  }
  return passing;
}

/**
 * The closed-form bound on the SLO-feasible concurrency: the largest concurrency whose estimated
 * p95s (atConcurrency) meet the SLOs. Optimistic, so a valid upper bound for the simulation and a
 * valid lower bound on the replicas a load needs.
 */
export function sloConcurrencyEstimate(shape: ServingShape, workload: Workload, calibration: EngineCalibration): number {
  const request = requestOf(workload);
  const ceiling = kvBoundBatch(shape, request);
  if (!hasSlo(workload)) return ceiling;
  const estimateMeets = (c: number) => {
    const at = atConcurrency(shape, request, calibration, c);
    return (
      (workload.itlP95Ms === null || at.itlP95MsEstimate <= workload.itlP95Ms) &&
      (workload.ttftP95Ms === null || at.ttftMs <= workload.ttftP95Ms)
    );
  };
  let low = 0;
  let high = ceiling + 1;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (estimateMeets(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** Fewest replicas a load can need: each below saturation and its requests in flight within the estimated SLO-feasible concurrency. */
export function replicasLowerBound(
  shape: ServingShape,
  workload: Workload,
  calibration: EngineCalibration,
  saturated: number,
  sloConcurrency: number,
): number {
  const load = workload.load;
  if (load === null) return 1;
  const request = requestOf(workload);
  if (load.kind === "concurrency") return sloConcurrency > 0 ? Math.ceil(load.concurrentRequests / sloConcurrency) : 1;
  const e2eSeconds = endToEndSeconds(atConcurrency(shape, request, calibration, Math.max(1, sloConcurrency)), workload.outputTokens);
  const bySlo = sloConcurrency > 0 ? Math.ceil((load.peakRequestsPerSecond * e2eSeconds) / sloConcurrency) : 1;
  return Math.max(1, bySlo, Math.ceil((load.peakRequestsPerSecond * workload.outputTokens) / (saturated * MAX_UTILIZATION_WITHOUT_SLO)));
}

/** The measured models that are mixtures of experts. */
const MOE_MODELS = new Set<ServingMeasurement["model"]>(
  SERVING_MEASUREMENTS.map((m) => m.model).filter((model) => isModelId(model) && MODELS[model].architecture.moe !== null),
);

/**
 * The measurement nearest the prediction: a comparable throughput row, of the same model and GPU
 * where there is one, closest in prompt and output length and tensor parallelism.
 */
export function nearestMeasurement(shape: ServingShape, workload: Workload, calibration: EngineCalibration): NearestMeasurement | null {
  const moe = (model: ServingMeasurement["model"]) => (model === shape.model ? shape.architecture.moe !== null : MOE_MODELS.has(model));
  const distance = (m: ServingMeasurement) =>
    (m.model === shape.model ? 0 : 10) +
    // A dense model is nearer another dense one than a mixture of experts, and the reverse.
    (moe(m.model) === (shape.architecture.moe !== null) ? 0 : 5) +
    (m.gpu === shape.gpu ? 0 : 2) +
    (m.engine === "vllm" ? 0 : 0.5) +
    Math.abs(Math.log(m.inputTokens / workload.inputTokens)) +
    Math.abs(Math.log(m.outputTokens / workload.outputTokens)) +
    Math.abs(Math.log(m.tensorParallelSize / shape.tensorParallelSize));
  let best: ServingMeasurement | undefined;
  for (const m of SERVING_MEASUREMENTS) {
    if (m.notComparable !== undefined || (m.metric !== "outputTokensPerSecondPerGpu" && m.metric !== "totalTokensPerSecondPerGpu"))
      continue;
    if (!best || distance(m) < distance(best)) best = m;
  }
  if (!best) return null;
  const predicted = predictMeasurement(best, calibration);
  return {
    id: best.id,
    metric: best.metric,
    measured: best.value,
    predicted: roundTo(predicted, 1),
    error: roundTo(predicted / best.value - 1, 3),
    source: best.source.ref,
  };
}

/** A planned deployment's performance at a workload. */
export function performanceFor(
  plan: Omit<DeploymentPlan, "timeToReady">,
  workload: Workload,
  calibration: EngineCalibration = CALIBRATION,
): Performance {
  return performanceOf(servingShapeOf(plan), plan.replicas, workload, calibration);
}

/** The performance of `replicas` replicas of one shape at a workload (without a load, `replicas` is what the numbers are for). */
export function performanceOf(
  shape: ServingShape,
  replicas: number,
  workload: Workload,
  calibration: EngineCalibration = CALIBRATION,
): Performance {
  const request = requestOf(workload);
  const saturated = saturatedThroughput(shape, request, calibration).outputTokensPerSecond;
  const load = workload.load;
  // Under an open-loop load the simulation at the load checks the SLOs itself; the closed-form bound
  // only sizes the search. A closed loop (or no load) is checked at the concurrency it reports.
  const maxConcurrency =
    load?.kind === "rate" ? sloConcurrencyEstimate(shape, workload, calibration) : maxConcurrencyWithinSlo(shape, workload, calibration);

  let replicasNeeded = replicas;
  let latency: SimulatedLatency;
  if (load === null) {
    latency = simulateLatency(shape, request, calibration, { kind: "closed-loop", concurrentRequests: Math.max(1, maxConcurrency) });
  } else if (load.kind === "concurrency") {
    replicasNeeded = maxConcurrency > 0 ? Math.ceil(load.concurrentRequests / maxConcurrency) : MAX_REPLICAS_SEARCHED;
    latency = simulateLatency(shape, request, calibration, {
      kind: "closed-loop",
      concurrentRequests: Math.ceil(load.concurrentRequests / replicasNeeded),
    });
  } else {
    replicasNeeded = replicasLowerBound(shape, workload, calibration, saturated, maxConcurrency);
    const at = (replicas: number) => {
      const rate = load.peakRequestsPerSecond / replicas;
      // Requests in flight by Little's law, three rounds of the fixed point: only the simulation's length depends on it.
      const inFlight = Math.min(kvBoundBatch(shape, request), concurrencyAtRate(shape, request, calibration, rate, 3));
      // A queue near saturation takes long to reach its steady length (its relaxation time grows as
      // 1 / (1 − utilization)): simulate proportionally more requests there.
      const utilization = Math.min(0.98, (rate * workload.outputTokens) / saturated);
      const requests = Math.max(requestsFor(inFlight, workload.outputTokens), Math.ceil(SIMULATED_REQUESTS / 5 / (1 - utilization)));
      return simulateLatency(
        shape,
        request,
        calibration,
        { kind: "poisson", requestsPerSecond: rate },
        Math.min(requests, MAX_SIMULATED_REQUESTS),
      );
    };
    latency = at(replicasNeeded);
    // More replicas only lower each one's load: search upward by doubling, then bisect. A shape that
    // misses the SLOs even one request at a time cannot be helped by replicas.
    if (maxConcurrency > 0 && misses(workload, latency).length > 0) {
      let failing = replicasNeeded;
      let passing = 0;
      for (let step = 1; passing === 0 && failing < MAX_REPLICAS_SEARCHED; step *= 2) {
        const next = Math.min(MAX_REPLICAS_SEARCHED, failing + step);
        const trial = at(next);
        if (misses(workload, trial).length === 0) ((passing = next), (latency = trial));
        else failing = next;
      }
      if (passing === 0) replicasNeeded = MAX_REPLICAS_SEARCHED;
      else {
        while (passing - failing > 1) {
          const mid = Math.floor((passing + failing) / 2);
          const trial = at(mid);
          if (misses(workload, trial).length === 0) ((passing = mid), (latency = trial));
          else failing = mid;
        }
        replicasNeeded = passing;
      }
    }
  }
  // Requests longer than --max-model-len are refused by vLLM: no latency makes up for that.
  // The fix depends on whether the model could take them: a longer context, or shorter requests.
  const longest = workload.inputTokensP95 + workload.outputTokensP95;
  const modelMaximum = architectureOf(shape.model).maxContextTokens;
  const tooLong =
    longest > shape.maxModelLen
      ? [
          `requests of up to ${longest} tokens (p95 prompt + output) exceed --max-model-len ${shape.maxModelLen}: vLLM refuses them; ${
            longest <= modelMaximum
              ? `raise maxModelLen (the model takes up to ${modelMaximum})`
              : `the model's maximum context is ${modelMaximum} tokens: shorten the prompts or outputs`
          }`,
        ]
      : [];
  const sloMisses = [...tooLong, ...misses(workload, latency)];
  return {
    workload,
    saturatedOutputTokensPerSecondPerReplica: Math.round(saturated),
    maxConcurrentRequestsPerReplica: maxConcurrency,
    sloFeasibleOutputTokensPerSecondPerReplica: Math.round(
      !hasSlo(workload)
        ? saturated * MAX_UTILIZATION_WITHOUT_SLO
        : maxConcurrency > 0
          ? Math.min(saturated, atConcurrency(shape, request, calibration, maxConcurrency).outputTokensPerSecond)
          : 0,
    ),
    atLoad: {
      concurrentRequestsPerReplica: roundTo(latency.meanConcurrentRequests, 1),
      outputTokensPerSecondPerReplica: Math.round(latency.outputTokensPerSecond),
      ttftMs: { p50: roundTo(latency.ttftMs.p50, 1), p95: roundTo(latency.ttftMs.p95, 1) },
      itlMs: { p50: roundTo(latency.itlMs.p50, 2), p95: roundTo(latency.itlMs.p95, 2) },
    },
    replicasNeeded,
    sloMet: sloMisses.length === 0 && maxConcurrency > 0,
    sloMisses: maxConcurrency === 0 ? ["no concurrency meets the SLOs, not even one request at a time", ...sloMisses] : sloMisses,
    errorBand: ERROR_BAND,
    nearestMeasurement: nearestMeasurement(shape, workload, calibration),
  };
}

/**
 * A fixed deployment's view of a performance: when the load needs more replicas than the deployment
 * may run (its replicas, or its autoscaling maximum), the SLOs are missed, and the miss says so.
 */
export function withinReplicas(
  performance: Performance,
  maxReplicas: number,
  why = `the deployment runs at most ${maxReplicas}`,
): Performance {
  if (performance.replicasNeeded <= maxReplicas) return performance;
  return {
    ...performance,
    sloMet: false,
    sloMisses: [`the load needs ${performance.replicasNeeded} replicas; ${why}`, ...performance.sloMisses],
  };
}
