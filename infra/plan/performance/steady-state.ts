/**
 * Steady-state throughput and latency of one replica from the step model, in closed form:
 *
 * - Saturated (every request queued, as offline benchmarks measure): the batch is the smaller of
 *   `--max-num-seqs` and what the KV cache holds at the mean sequence length (prompt + half the
 *   output); each step decodes d sequences and prefills d × input/output prompt tokens (what keeps
 *   the batch full), within `--max-num-batched-tokens`. Output tokens/s = d / step.
 * - At C concurrent requests (closed loop, as `vllm bench serve --max-concurrency` drives): the
 *   other C − 1 requests' prompts share the steps a request decodes in; a request's TTFT is its
 *   prompt in chunks beside them; throughput follows from Little's law, C × output / (TTFT + the
 *   rest of the output).
 * - Pipeline stages run one micro-batch each: a token passes all stages (its latency is stages ×
 *   stage step), while the replica completes a micro-batch per stage step.
 */
import { type ServingShape } from "./serving-shape";
import { stepTimer, type StepEfficiency, type StepGlobals, type StepLoad } from "./step-time";

export interface RequestShape {
  /** Means per request. */
  inputTokens: number;
  outputTokens: number;
  /** 95th percentiles where known (the simulation draws lengths to match them). */
  inputTokensP95?: number;
  outputTokensP95?: number;
  /** Share of each prompt found in vLLM's prefix cache (not prefilled again). */
  prefixCacheHitRate: number;
}

export interface Calibration {
  perGpu: Record<ServingShape["gpu"], StepEfficiency>;
  globals: StepGlobals;
}

const efficiencyOf = (shape: ServingShape, calibration: Calibration) => calibration.perGpu[shape.gpu];

/** One step of the whole replica: its seconds per token of latency and the output tokens it completes per second. */
/** Each shape's step timer for the calibration it was last used with (the fit changes calibration every evaluation). */
const timers = new WeakMap<ServingShape, { calibration: Calibration; timer: ReturnType<typeof stepTimer> }>();

function timerOf(shape: ServingShape, calibration: Calibration): ReturnType<typeof stepTimer> {
  const cached = timers.get(shape);
  if (cached && cached.calibration === calibration) return cached.timer;
  const timer = stepTimer(shape, efficiencyOf(shape, calibration), calibration.globals);
  timers.set(shape, { calibration, timer });
  return timer;
}

/**
 * One step of the whole replica. Decodes split into one micro-batch per pipeline stage; prompt
 * tokens split too when they stand for the steady stream of many requests' prefills (`splitPrefill`),
 * but one request's prompt chunk passes every stage whole.
 */
function replicaStep(
  shape: ServingShape,
  load: StepLoad,
  calibration: Calibration,
  splitPrefill = true,
): { latencySeconds: number; tokensPerSecond: number } {
  const stages = shape.pipelineParallelSize;
  const micro: StepLoad = {
    ...load,
    decodeSequences: load.decodeSequences / stages,
    prefillTokens: splitPrefill ? load.prefillTokens / stages : load.prefillTokens,
  };
  const stage = timerOf(shape, calibration)(
    micro.decodeSequences,
    micro.decodeContextTokens,
    micro.prefillTokens,
    micro.prefillContextTokens,
  ).seconds;
  return { latencySeconds: stages * stage, tokensPerSecond: micro.decodeSequences / stage };
}

/** Prompt tokens a request prefills: those the prefix cache does not hold, at least one. */
export const prefilledTokens = (request: Pick<RequestShape, "inputTokens" | "prefixCacheHitRate">) =>
  Math.max(1, Math.round(request.inputTokens * (1 - request.prefixCacheHitRate)));

/** Sequences the KV cache holds at once at the mean length (prompt + half the output), at most --max-num-seqs. */
export function kvBoundBatch(shape: ServingShape, request: RequestShape): number {
  const meanLength = request.inputTokens + request.outputTokens / 2;
  return Math.max(1, Math.min(shape.maxNumSeqs, Math.floor(shape.kvCacheTokens / meanLength)));
}

export interface Saturated {
  outputTokensPerSecond: number;
  batchSequences: number;
  decodeSequencesPerStep: number;
  prefillTokensPerStep: number;
}

export function saturatedThroughput(shape: ServingShape, request: RequestShape, calibration: Calibration): Saturated {
  const batch = kvBoundBatch(shape, request);
  const prefillPerOutput = prefilledTokens(request) / request.outputTokens;
  const decode = Math.max(1, Math.min(batch, shape.maxNumBatchedTokens / (1 + prefillPerOutput)));
  const load: StepLoad = {
    decodeSequences: decode,
    decodeContextTokens: request.inputTokens + request.outputTokens / 2,
    prefillTokens: decode * prefillPerOutput,
    prefillContextTokens: request.inputTokens / 2,
  };
  return {
    outputTokensPerSecond: replicaStep(shape, load, calibration).tokensPerSecond,
    batchSequences: batch,
    decodeSequencesPerStep: decode,
    prefillTokensPerStep: load.prefillTokens,
  };
}

export interface AtConcurrency {
  /** Requests running at once (the concurrency, at most the KV-bound batch). */
  runningSequences: number;
  outputTokensPerSecond: number;
  ttftMs: number;
  /** Mean time per output token after the first (vLLM bench's TPOT). */
  tpotMs: number;
  /** A decode step without prompt tokens in it: the median inter-token latency (a step with a prompt chunk when more than half the steps carry one). */
  decodeOnlyItlMs: number;
  /**
   * The 95th-percentile inter-token latency, estimated: prompt chunks start in a step as a Poisson
   * count with the closed loop's mean, and the 95th-percentile step carries that many.
   */
  itlP95MsEstimate: number;
}

/** A request's time in the replica at a concurrency: its TTFT, then the rest of its output at the TPOT. */
export const endToEndSeconds = (at: AtConcurrency, outputTokens: number) => (at.ttftMs + (outputTokens - 1) * at.tpotMs) / 1000;

/** Closed loop: `concurrentRequests` clients, each sending its next request when the last one finishes. */
export function atConcurrency(
  shape: ServingShape,
  request: RequestShape,
  calibration: Calibration,
  concurrentRequests: number,
): AtConcurrency {
  const running = Math.max(1, Math.min(concurrentRequests, kvBoundBatch(shape, request)));
  const prompt = prefilledTokens(request);
  const context = request.inputTokens + request.outputTokens / 2;
  const others = running - 1;
  const othersPrefillPerStep = (others * prompt) / request.outputTokens;
  const withPrefills = replicaStep(
    shape,
    {
      decodeSequences: running,
      decodeContextTokens: context,
      prefillTokens: othersPrefillPerStep,
      prefillContextTokens: request.inputTokens / 2,
    },
    calibration,
  );
  const decodeOnly = replicaStep(
    shape,
    { decodeSequences: running, decodeContextTokens: context, prefillTokens: 0, prefillContextTokens: 0 },
    calibration,
  );
  // The prompt in chunks, each beside the other requests' decodes.
  const chunkTokens = Math.max(1, shape.maxNumBatchedTokens - others);
  const chunks = Math.ceil(prompt / chunkTokens);
  let ttftSeconds = calibration.globals.requestOverheadMs / 1000;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const tokens = Math.min(chunkTokens, prompt - chunk * chunkTokens);
    ttftSeconds += replicaStep(
      shape,
      {
        decodeSequences: others,
        decodeContextTokens: context,
        prefillTokens: tokens,
        // The cached prefix, the chunks before this one, and half of this one.
        prefillContextTokens: request.inputTokens * request.prefixCacheHitRate + chunk * chunkTokens + tokens / 2,
      },
      calibration,
      false,
    ).latencySeconds;
  }
  const cycleSeconds = ttftSeconds + (request.outputTokens - 1) * withPrefills.latencySeconds;
  const littlesLaw = (running * request.outputTokens) / cycleSeconds;
  const saturated = saturatedThroughput(shape, request, calibration).outputTokensPerSecond;
  // Share of steps that carry another request's prompt: each of the others prefills in `chunks` steps per `outputTokens` steps.
  const stepsWithPrefill = Math.min(1, (others * chunks) / request.outputTokens);
  return {
    runningSequences: running,
    outputTokensPerSecond: Math.min(littlesLaw, saturated),
    ttftMs: ttftSeconds * 1000,
    tpotMs: withPrefills.latencySeconds * 1000,
    decodeOnlyItlMs: (stepsWithPrefill >= 0.5 ? withPrefills : decodeOnly).latencySeconds * 1000,
    itlP95MsEstimate:
      replicaStep(
        shape,
        {
          decodeSequences: running,
          decodeContextTokens: context,
          prefillTokens: Math.min(
            Math.max(0, shape.maxNumBatchedTokens - running),
            poissonQuantile((others * chunks) / request.outputTokens, 0.95) * Math.min(prompt, chunkTokens),
          ),
          prefillContextTokens: request.inputTokens / 2,
        },
        calibration,
        false,
      ).latencySeconds * 1000,
  };
}

/** The smallest k with P(Poisson(mean) ≤ k) ≥ q. */
export function poissonQuantile(mean: number, q: number): number {
  if (mean <= 0) return 0;
  let k = 0;
  let term = Math.exp(-mean);
  let cumulative = term;
  while (cumulative < q && k < 10_000) {
    k++;
    term *= mean / k;
    cumulative += term;
  }
  return k;
}
