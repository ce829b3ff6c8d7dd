/**
 * TTFT and ITL percentiles at a load: a small, deterministic simulation of one replica's vLLM
 * scheduler, step by step, with the step model's step times. Requests arrive as a Poisson process
 * at a rate (open loop, as production traffic and `vllm bench serve --request-rate` do) or from
 * a fixed number of clients that each send the next request when the last one finishes (closed
 * loop, `--max-concurrency`).
 *
 * Each step follows the V1 scheduler's order (vllm/v1/core/sched/scheduler.py at the pinned
 * release): running requests first — one token each for those decoding, the next chunk for those
 * still prefilling — then waiting requests in arrival order, while the step's token budget
 * (`--max-num-batched-tokens`), `--max-num-seqs` and free KV blocks last. The first output token
 * comes from the step that finishes the prompt. Arrival times come from a fixed-seed generator,
 * so the same inputs always give the same percentiles.
 */
import { type ServingShape } from "./serving-shape";
import { type Calibration, type RequestShape } from "./steady-state";
import { stepTime } from "./step-time";

export type Arrivals = { kind: "poisson"; requestsPerSecond: number } | { kind: "closed-loop"; concurrentRequests: number };

export interface SimulatedLatency {
  requests: number;
  ttftMs: { p50: number; p95: number };
  itlMs: { p50: number; p95: number };
  outputTokensPerSecond: number;
  /** Mean requests in the replica (running or waiting): Little's law's L. */
  meanConcurrentRequests: number;
  /** Whether the queue kept growing: the load exceeds what the replica completes. */
  overloaded: boolean;
}

/** mulberry32: a tiny deterministic generator (https://gist.github.com/tommyettinger/46a874533244883189143505d203312c). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Latency samples as a histogram: value (ms, to the microsecond) → how many observations. A decode
 * step gives every running request the same interval, so a step adds one entry, not one per request.
 */
class Histogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  add(valueMs: number, weight = 1): void {
    const key = Math.round(valueMs * 1000) / 1000;
    this.counts.set(key, (this.counts.get(key) ?? 0) + weight);
    this.total += weight;
  }
  /** The q-quantile (nearest rank); 0 without samples. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    let last = 0;
    for (const value of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(value) ?? 0;
      last = value;
      if (seen >= rank) return value;
    }
    return last;
  }
}

/**
 * Request lengths vary around their mean, uniformly: to the given 95th percentile, or ±50 % of the
 * mean without one (an assumption). Fixed lengths would keep closed-loop clients in lockstep —
 * every request finishing in the same step — which real traffic never does.
 */
export const DEFAULT_LENGTH_SPREAD = 0.5;

function lengthDistribution(mean: number, p95: number | undefined): (u: number) => number {
  const halfWidth = p95 !== undefined && p95 > mean ? Math.min(mean - 1, (p95 - mean) / 0.9) : mean * DEFAULT_LENGTH_SPREAD;
  return (u) => Math.max(1, Math.round(mean - halfWidth + 2 * halfWidth * u));
}

interface Request {
  index: number;
  arrival: number;
  promptLeft: number;
  outputLeft: number;
  context: number;
  lastToken: number;
}

/**
 * Requests simulated: at least this many, and at least twice the requests in flight, so the
 * measured window is a steady state rather than the first burst. The first and last WARM_UP are
 * left out (the replica starts empty and drains at the end).
 */
export const SIMULATED_REQUESTS = 300;
const WARM_UP = 40;
const MAX_SIMULATED_REQUESTS = 5000;

/** Output tokens a simulation may generate in all: bounds its time for long outputs (fewer, longer requests). */
const MAX_SIMULATED_OUTPUT_TOKENS = 400_000;

/** Requests to simulate for a load with about `inFlight` requests in the replica. */
export const requestsFor = (inFlight: number, outputTokens: number) =>
  Math.min(
    MAX_SIMULATED_REQUESTS,
    Math.max(
      // Twice the requests in flight always: fewer would measure the first burst, not a steady state.
      Math.ceil(2 * inFlight) + 2 * WARM_UP,
      // Beyond that, long outputs get fewer requests.
      Math.max(3 * WARM_UP, Math.min(SIMULATED_REQUESTS, Math.floor(MAX_SIMULATED_OUTPUT_TOKENS / outputTokens))),
    ),
  );

export function simulateLatency(
  shape: ServingShape,
  request: RequestShape,
  calibration: Calibration,
  arrivals: Arrivals,
  requests = requestsFor(arrivals.kind === "closed-loop" ? arrivals.concurrentRequests : SIMULATED_REQUESTS / 3, request.outputTokens),
): SimulatedLatency {
  const random = generator(0x5eed);
  const lengths = generator(0x1e57);
  const inputLength = lengthDistribution(request.inputTokens, request.inputTokensP95);
  const outputLength = lengthDistribution(request.outputTokens, request.outputTokensP95);
  const efficiency = calibration.perGpu[shape.gpu];
  const stages = shape.pipelineParallelSize;
  const newRequest = (arrival: number): Request => {
    const input = inputLength(lengths());
    const prompt = Math.max(1, Math.round(input * (1 - request.prefixCacheHitRate)));
    return { index: sent, arrival, promptLeft: prompt, outputLeft: outputLength(lengths()), context: input - prompt, lastToken: arrival };
  };

  const waiting: Request[] = [];
  let sent = 0;
  let nextArrival = 0;
  let measuredFrom = 0;
  let measuredTo = 0;
  let measuring = false;
  // The replica drains once the last request is sent: throughput is counted until then, and
  // latencies only of requests sent before the drain (the last `drainRequests`).
  const drainRequests = Math.max(WARM_UP, arrivals.kind === "closed-loop" ? arrivals.concurrentRequests : 0);
  const measured = (r: Request) => r.index >= WARM_UP && r.index < requests - drainRequests;
  const send = (at: number) => {
    waiting.push(newRequest(at));
    sent++;
    if (sent === requests && measuring) ((measuring = false), (measuredTo = at));
  };
  if (arrivals.kind === "closed-loop") for (let i = 0; i < Math.min(arrivals.concurrentRequests, requests); i++) send(0);

  const running: Request[] = [];
  const ttft = new Histogram();
  const itl = new Histogram();
  let now = 0;
  let finished = 0;
  let outputTokens = 0;
  let inSystemArea = 0;
  let maxWaiting = 0;
  while (finished < requests) {
    if (arrivals.kind === "poisson") {
      while (sent < requests && nextArrival <= now) {
        send(nextArrival);
        nextArrival += -Math.log(1 - random()) / arrivals.requestsPerSecond;
      }
      if (running.length === 0 && waiting.length === 0) {
        now = nextArrival;
        continue;
      }
    }
    // Nothing to prefill: every running request decodes until the first of them finishes (or, open
    // loop, until the next arrival), in one stride at the stride's mean context.
    if (waiting.length === 0 && running.length > 0 && running.every((r) => r.promptLeft === 0)) {
      const meanContext = running.reduce((sum, r) => sum + r.context, 0) / running.length;
      const load = {
        decodeSequences: running.length / stages,
        decodeContextTokens: meanContext,
        prefillTokens: 0,
        prefillContextTokens: 0,
      };
      const first = stages * stepTime(shape, load, efficiency, calibration.globals).seconds;
      let steps = Math.min(...running.map((r) => r.outputLeft));
      if (arrivals.kind === "poisson" && sent < requests) steps = Math.max(1, Math.min(steps, Math.floor((nextArrival - now) / first)));
      const seconds =
        stages * stepTime(shape, { ...load, decodeContextTokens: meanContext + (steps - 1) / 2 }, efficiency, calibration.globals).seconds;
      inSystemArea += running.length * steps * seconds;
      now += steps * seconds;
      for (const r of [...running]) {
        r.context += steps;
        r.outputLeft -= steps;
        r.lastToken = now;
        if (measured(r)) itl.add(seconds * 1000, steps);
        if (measuring) outputTokens += steps;
        if (r.outputLeft > 0) continue;
        running.splice(running.indexOf(r), 1);
        finished++;
        if (finished === WARM_UP) ((measuring = true), (measuredFrom = now));
        if (arrivals.kind === "closed-loop" && sent < requests) send(now);
      }
      continue;
    }
    // Schedule: running requests first, then waiting ones, within the token budget, seat and KV limits.
    let budget = shape.maxNumBatchedTokens;
    let kvUsed = running.reduce((sum, r) => sum + r.context, 0);
    const step: { request: Request; prefill: number }[] = [];
    for (const r of running) {
      if (budget <= 0) break;
      const tokens = r.promptLeft > 0 ? Math.min(r.promptLeft, budget) : 1;
      step.push({ request: r, prefill: r.promptLeft > 0 ? tokens : 0 });
      budget -= tokens;
    }
    while (budget > 0 && waiting.length > 0 && running.length < shape.maxNumSeqs) {
      const next = waiting[0] as Request;
      if (kvUsed + next.context + Math.min(next.promptLeft, budget) > shape.kvCacheTokens && running.length > 0) break;
      waiting.shift();
      running.push(next);
      const tokens = Math.min(next.promptLeft, budget);
      step.push({ request: next, prefill: tokens });
      budget -= tokens;
      kvUsed += next.context + tokens;
    }
    maxWaiting = Math.max(maxWaiting, waiting.length);
    const decoding = step.filter((s) => s.prefill === 0);
    const prefilling = step.filter((s) => s.prefill > 0);
    const prefillTokens = prefilling.reduce((sum, s) => sum + s.prefill, 0);
    const decodeContext = decoding.length ? decoding.reduce((sum, s) => sum + s.request.context, 0) / decoding.length : 0;
    const prefillContext = prefillTokens
      ? prefilling.reduce((sum, s) => sum + s.prefill * (s.request.context + s.prefill / 2), 0) / prefillTokens
      : 0;
    const seconds =
      stages *
      stepTime(
        shape,
        {
          decodeSequences: decoding.length / stages,
          decodeContextTokens: decodeContext,
          prefillTokens: prefillTokens / stages,
          prefillContextTokens: prefillContext,
        },
        efficiency,
        calibration.globals,
      ).seconds;
    inSystemArea += (running.length + waiting.length) * seconds;
    now += seconds;

    // Decoding requests mostly share their previous token's step: their intervals are added in runs.
    let runValue = -1;
    let runCount = 0;
    for (const { request: r, prefill } of step) {
      r.context += prefill > 0 ? prefill : 1;
      if (prefill > 0) {
        r.promptLeft -= prefill;
        if (r.promptLeft > 0) continue;
        if (measured(r)) ttft.add((now - r.arrival) * 1000 + calibration.globals.requestOverheadMs);
      } else if (measured(r)) {
        const interval = (now - r.lastToken) * 1000;
        if (interval !== runValue) {
          if (runCount > 0) itl.add(runValue, runCount);
          runValue = interval;
          runCount = 0;
        }
        runCount++;
      }
      r.lastToken = now;
      r.outputLeft--;
      if (measuring) outputTokens++;
      if (r.outputLeft > 0) continue;
      running.splice(running.indexOf(r), 1);
      finished++;
      // Throughput is counted between warm-up and cool-down (the last requests drain an emptying replica).
      if (finished === WARM_UP) ((measuring = true), (measuredFrom = now));
      if (arrivals.kind === "closed-loop" && sent < requests) send(now);
    }
    if (runCount > 0) itl.add(runValue, runCount);
  }
  const measuredSeconds = Math.max(1e-9, (measuredTo || now) - measuredFrom);
  return {
    requests,
    ttftMs: { p50: ttft.quantile(0.5), p95: ttft.quantile(0.95) },
    itlMs: { p50: itl.quantile(0.5), p95: itl.quantile(0.95) },
    outputTokensPerSecond: outputTokens / measuredSeconds,
    meanConcurrentRequests: inSystemArea / Math.max(1e-9, now),
    overloaded: arrivals.kind === "poisson" && maxWaiting > Math.max(8, requests / 4),
  };
}
