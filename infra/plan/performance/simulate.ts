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
import { prefilledTokens, type Calibration, type RequestShape } from "./steady-state";
import { stepTimer } from "./step-time";

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
  /** Requests preempted when the KV cache ran out (each recomputes its prompt and output so far). */
  preemptions: number;
  /** The most KV tokens any step held (at most the cache, unless one request alone exceeds it). */
  peakKvTokens: number;
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
    // To 10 µs: far finer than any SLO, and few distinct values to sort.
    const key = Math.round(valueMs * 100) / 100;
    this.counts.set(key, (this.counts.get(key) ?? 0) + weight);
    this.total += weight;
  }
  /** The q-quantiles (nearest rank), one sort for all of them; 0 without samples. */
  quantiles(qs: readonly number[]): number[] {
    if (this.total === 0) return qs.map(() => 0);
    const values = [...this.counts.keys()].sort((a, b) => a - b);
    const ranks = qs.map((q) => Math.max(1, Math.ceil(q * this.total)));
    const out = qs.map(() => values[values.length - 1] ?? 0);
    let seen = 0;
    let next = 0;
    const order = ranks.map((rank, i) => ({ rank, i })).sort((a, b) => a.rank - b.rank);
    for (const value of values) {
      seen += this.counts.get(value) ?? 0;
      while (next < order.length && seen >= (order[next] as { rank: number }).rank)
        ((out[(order[next] as { i: number }).i] = value), next++);
      if (next === order.length) break;
    }
    return out;
  }
}

/**
 * Request lengths vary around their mean, uniformly: to the given 95th percentile, or ±50 % of the
 * mean without one (an assumption). Fixed lengths would keep closed-loop clients in lockstep —
 * every request finishing in the same step — which real traffic never does.
 */
export const DEFAULT_LENGTH_SPREAD = 0.5;

/** Half the width of the uniform length distribution around `mean` (its longest draw is mean + this). */
export const lengthHalfWidth = (mean: number, p95: number | undefined): number =>
  p95 !== undefined && p95 > mean ? Math.min(mean - 1, (p95 - mean) / 0.9) : mean * DEFAULT_LENGTH_SPREAD;

function lengthDistribution(mean: number, p95: number | undefined): (u: number) => number {
  const halfWidth = lengthHalfWidth(mean, p95);
  return (u) => Math.max(1, Math.round(mean - halfWidth + 2 * halfWidth * u));
}

interface Request {
  index: number;
  arrival: number;
  promptLeft: number;
  outputLeft: number;
  /** Tokens in its KV cache (cached prefix, prefilled prompt, generated output). */
  context: number;
  /** Set once preempted: its first token was already out, and when its last one came. */
  resumedAfter?: number;
}

/** A decoding request: it emits one token every step until `finishStep`. */
interface Decoder {
  finishStep: number;
  /** Its context when it joined, at `joinStep`: it grows by one per step after. */
  contextAtJoin: number;
  joinStep: number;
  measured: boolean;
  request: Request;
  /** Preempted decoders stay in the heap until they reach its top (lazy deletion). */
  preempted: boolean;
}

/** A binary min-heap of decoders by finishing step: the next to finish in O(1), each finish in O(log n). */
class DecoderHeap {
  readonly items: Decoder[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Decoder | undefined {
    return this.items[0];
  }
  push(item: Decoder): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as Decoder).finishStep <= item.finishStep) break;
      a[i] = a[parent] as Decoder;
      i = parent;
    }
    a[i] = item;
  }
  pop(): Decoder | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= a.length) break;
      const right = left + 1;
      const child = right < a.length && (a[right] as Decoder).finishStep < (a[left] as Decoder).finishStep ? right : left;
      if ((a[child] as Decoder).finishStep >= last.finishStep) break;
      a[i] = a[child] as Decoder;
      i = child;
    }
    a[i] = last;
    return top;
  }
}

/**
 * Requests simulated: at least this many, and at least twice the requests in flight, so the
 * measured window is a steady state rather than the first burst. The first and last WARM_UP are
 * left out (the replica starts empty and drains at the end).
 */
export const SIMULATED_REQUESTS = 240;
const WARM_UP = 40;
export const MAX_SIMULATED_REQUESTS = 5000;

/** Output tokens a simulation may generate in all: bounds its time for long outputs (fewer, longer requests). */
const MAX_SIMULATED_OUTPUT_TOKENS = 400_000;

/** Requests to simulate for a load with about `inFlight` requests in the replica. */
export const requestsFor = (inFlight: number, outputTokens: number) =>
  Math.min(
    MAX_SIMULATED_REQUESTS,
    Math.max(
      // Three times the requests in flight always: the first burst and the drain are left out, and a
      // steady window of as many again remains.
      Math.ceil(3 * inFlight) + 3 * WARM_UP,
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
  const timer = stepTimer(shape, efficiency, calibration.globals);
  // Decodes run as one micro-batch per pipeline stage; a prompt chunk passes every stage whole.
  const stepSeconds = (decodes: number, decodeContext: number, prefillTokens: number, prefillContext: number) =>
    stages * timer(decodes / stages, decodeContext, prefillTokens, prefillContext).seconds;

  const waiting: Request[] = [];
  let waitingHead = 0;
  let sent = 0;
  let nextArrival = 0;
  let measuredFrom = 0;
  let measuredTo = 0;
  let measuring = false;
  let sentAtMeasureStart = 0;
  // The replica starts empty and drains once the last request is sent. Closed loop: the first C
  // requests all start at once (a burst no steady state has), so the warm-up is C + WARM_UP requests,
  // and the last C drain an emptying replica. Open loop: the first fifth fill the queue to its
  // steady length, the last tenth drain it. Latencies count only requests between the two;
  // throughput only while they run.
  const closedLoop = arrivals.kind === "closed-loop" ? arrivals.concurrentRequests : 0;
  const warmUpRequests = closedLoop > 0 ? closedLoop + WARM_UP : Math.max(WARM_UP, Math.floor(requests / 5));
  const drainRequests = closedLoop > 0 ? closedLoop : Math.max(WARM_UP, Math.floor(requests / 10));
  const measured = (r: { index: number }) => r.index >= warmUpRequests && r.index < requests - drainRequests;
  const send = (at: number) => {
    // vLLM refuses a request longer than --max-model-len: the drawn lengths stay within it.
    const input = Math.min(inputLength(lengths()), shape.maxModelLen - 1);
    const output = Math.max(1, Math.min(outputLength(lengths()), shape.maxModelLen - input));
    const prompt = prefilledTokens({ inputTokens: input, prefixCacheHitRate: request.prefixCacheHitRate });
    waiting.push({ index: sent, arrival: at, promptLeft: prompt, outputLeft: output, context: input - prompt });
    sent++;
    if (sent === requests && measuring) ((measuring = false), (measuredTo = at));
  };
  if (arrivals.kind === "closed-loop") for (let i = 0; i < Math.min(arrivals.concurrentRequests, requests); i++) send(0);

  const decoders = new DecoderHeap();
  /** Decoders in the order they joined: vLLM preempts the most recent first. */
  let joinOrder: Decoder[] = [];
  let activeDecoders = 0;
  let decoderContext = 0;
  let measuredDecoders = 0;
  let prefilling: Request[] = [];
  const ttft = new Histogram();
  const itl = new Histogram();
  let step = 0;
  let now = 0;
  let finished = 0;
  let outputTokens = 0;
  let inSystemArea = 0;
  let maxWaiting = 0;
  let preemptions = 0;
  let peakKvTokens = 0;
  let finishedInWindow = 0;
  const finish = () => {
    finished++;
    if (measuring) finishedInWindow++;
    if (finished === warmUpRequests) ((measuring = true), (measuredFrom = now), (sentAtMeasureStart = sent));
    if (arrivals.kind === "closed-loop" && sent < requests) send(now);
  };
  /** The next decoder to finish, dropping preempted ones that reached the heap's top. */
  const nextDecoder = (): Decoder | undefined => {
    for (let top = decoders.peek(); top !== undefined; top = decoders.peek()) {
      if (!top.preempted) return top;
      decoders.pop();
    }
    return undefined;
  };
  const retireFinishedDecoders = () => {
    for (let top = nextDecoder(); top !== undefined && top.finishStep <= step; top = nextDecoder()) {
      decoders.pop();
      top.finishStep = -1;
      activeDecoders--;
      decoderContext -= top.contextAtJoin + (step - top.joinStep);
      if (top.measured) measuredDecoders--;
      finish();
    }
  };
  /** Every decoder emits a token in each of `steps` steps of `seconds` each. */
  const advanceDecoders = (steps: number, seconds: number) => {
    if (activeDecoders === 0) return;
    if (measuredDecoders > 0) itl.add(seconds * 1000, measuredDecoders * steps);
    if (measuring) outputTokens += activeDecoders * steps;
    decoderContext += activeDecoders * steps;
  };
  /**
   * When the next step's KV does not fit, vLLM V1 preempts running requests, the most recently
   * scheduled first, freeing their blocks; they go back to the front of the queue and recompute
   * their prompt and output so far (vllm/v1/core/sched/scheduler.py, _preempt_request).
   */
  const preemptUntilFits = (besidesDecoders: number): boolean => {
    let preempted = false;
    while (decoderContext + activeDecoders + besidesDecoders > shape.kvCacheTokens && activeDecoders > 0) {
      const victim = joinOrder.pop();
      if (victim === undefined) break;
      if (victim.preempted || victim.finishStep < 0) continue;
      victim.preempted = true;
      activeDecoders--;
      const context = victim.contextAtJoin + (step - victim.joinStep);
      decoderContext -= context;
      if (victim.measured) measuredDecoders--;
      const r = victim.request;
      r.promptLeft = context;
      r.context = 0;
      r.outputLeft = victim.finishStep - step;
      r.resumedAfter = now;
      if (waitingHead > 0) waiting[--waitingHead] = r;
      else waiting.unshift(r);
      preempted = true;
      preemptions++;
    }
    if (joinOrder.length > 4 * Math.max(1, activeDecoders)) joinOrder = joinOrder.filter((d) => !d.preempted && d.finishStep >= 0);
    return preempted;
  };
  const prefillingContext = () => {
    let sum = 0;
    for (const r of prefilling) sum += r.context;
    return sum;
  };
  const chunkRequests: Request[] = [];
  const chunkTokens: number[] = [];

  while (finished < requests) {
    if (arrivals.kind === "poisson") {
      while (sent < requests && nextArrival <= now) {
        send(nextArrival);
        nextArrival += -Math.log(1 - random()) / arrivals.requestsPerSecond;
      }
      if (activeDecoders === 0 && prefilling.length === 0 && waitingHead === waiting.length) {
        now = nextArrival;
        continue;
      }
    }
    const waitingCount = waiting.length - waitingHead;
    maxWaiting = Math.max(maxWaiting, waitingCount);
    // Nothing to prefill: every decoder emits tokens until the first of them finishes, the KV cache
    // fills or (open loop) the next request arrives, in one stride at the stride's mean context.
    if (prefilling.length === 0 && waitingCount === 0 && activeDecoders > 0) {
      preemptUntilFits(0);
      if (activeDecoders === 0 || waiting.length > waitingHead) continue;
      const count = activeDecoders;
      const meanContext = decoderContext / count;
      let steps = (nextDecoder() as Decoder).finishStep - step;
      steps = Math.max(1, Math.min(steps, Math.floor((shape.kvCacheTokens - decoderContext) / count)));
      if (arrivals.kind === "poisson" && sent < requests)
        steps = Math.max(1, Math.min(steps, Math.floor((nextArrival - now) / stepSeconds(count, meanContext, 0, 0))));
      const seconds = stepSeconds(count, meanContext + (steps - 1) / 2, 0, 0);
      peakKvTokens = Math.max(peakKvTokens, decoderContext + count * steps);
      inSystemArea += count * steps * seconds;
      now += steps * seconds;
      advanceDecoders(steps, seconds);
      step += steps;
      retireFinishedDecoders();
      continue;
    }
    // Schedule: decoders (one token each), then running prefills, then waiting requests in arrival
    // order, within the token budget, --max-num-seqs and the KV cache; no waiting request is
    // admitted in a step that preempted (vLLM V1's rule).
    let budget = shape.maxNumBatchedTokens - activeDecoders;
    // One step's prompt chunks: parallel arrays reused across steps (the simulation runs many steps).
    chunkRequests.length = 0;
    chunkTokens.length = 0;
    let scheduledPrefill = 0;
    for (const r of prefilling) {
      if (budget <= 0) break;
      const tokens = Math.min(r.promptLeft, budget);
      chunkRequests.push(r);
      chunkTokens.push(tokens);
      scheduledPrefill += tokens;
      budget -= tokens;
    }
    const runningPrefill = prefillingContext() + scheduledPrefill;
    const preempted = preemptUntilFits(runningPrefill);
    let kvUsed = decoderContext + activeDecoders + runningPrefill;
    while (!preempted && budget > 0 && waitingHead < waiting.length && activeDecoders + prefilling.length < shape.maxNumSeqs) {
      const next = waiting[waitingHead] as Request;
      const tokens = Math.min(next.promptLeft, budget);
      if (kvUsed + next.context + tokens > shape.kvCacheTokens && activeDecoders + prefilling.length > 0) break;
      waitingHead++;
      prefilling.push(next);
      chunkRequests.push(next);
      chunkTokens.push(tokens);
      budget -= tokens;
      kvUsed += next.context + tokens;
    }
    let prefillTokens = 0;
    let prefillWeighted = 0;
    for (let i = 0; i < chunkRequests.length; i++) {
      const tokens = chunkTokens[i] as number;
      prefillTokens += tokens;
      prefillWeighted += tokens * ((chunkRequests[i] as Request).context + tokens / 2);
    }
    const count = activeDecoders;
    peakKvTokens = Math.max(peakKvTokens, kvUsed);
    const seconds = stepSeconds(
      count,
      count ? decoderContext / count : 0,
      prefillTokens,
      prefillTokens ? prefillWeighted / prefillTokens : 0,
    );
    inSystemArea += (count + prefilling.length + waiting.length - waitingHead) * seconds;
    now += seconds;
    advanceDecoders(1, seconds);
    step++;
    retireFinishedDecoders();
    // Prompts that finish this step emit a token and start (or resume) decoding.
    let done = false;
    for (let i = 0; i < chunkRequests.length; i++) {
      const r = chunkRequests[i] as Request;
      const tokens = chunkTokens[i] as number;
      r.promptLeft -= tokens;
      r.context += tokens;
      if (r.promptLeft > 0) continue;
      done = true;
      const isMeasured = measured(r);
      if (isMeasured) {
        // A first token ends the request's TTFT; a resumed request's token ends the gap its preemption made.
        if (r.resumedAfter === undefined) ttft.add((now - r.arrival) * 1000 + calibration.globals.requestOverheadMs);
        else itl.add((now - r.resumedAfter) * 1000);
      }
      if (measuring) outputTokens++;
      r.outputLeft--;
      r.context++;
      if (r.outputLeft <= 0) {
        finish();
        continue;
      }
      const decoder: Decoder = {
        finishStep: step + r.outputLeft,
        contextAtJoin: r.context,
        joinStep: step,
        measured: isMeasured,
        request: r,
        preempted: false,
      };
      decoders.push(decoder);
      joinOrder.push(decoder);
      activeDecoders++;
      decoderContext += r.context;
      if (isMeasured) measuredDecoders++;
    }
    if (done) prefilling = prefilling.filter((r) => r.promptLeft > 0);
    if (waitingHead > 1024 && waitingHead * 2 > waiting.length) (waiting.splice(0, waitingHead), (waitingHead = 0));
  }
  const measuredSeconds = Math.max(1e-9, (measuredTo || now) - measuredFrom);
  const [ttftP50, ttftP95] = ttft.quantiles([0.5, 0.95]) as [number, number];
  const [itlP50, itlP95] = itl.quantiles([0.5, 0.95]) as [number, number];
  return {
    requests,
    ttftMs: { p50: ttftP50, p95: ttftP95 },
    itlMs: { p50: itlP50, p95: itlP95 },
    outputTokensPerSecond: outputTokens / measuredSeconds,
    meanConcurrentRequests: inSystemArea / Math.max(1e-9, now),
    // Overloaded: the replica completes less than arrives — over the window, its output falls short
    // of what the requests that arrived in it asked for (their count × mean output), or the queue
    // it leaves behind holds half the run.
    preemptions,
    peakKvTokens,
    overloaded:
      arrivals.kind === "poisson" &&
      (outputTokens < 0.9 * (requests - sentAtMeasureStart) * request.outputTokens || maxWaiting > requests / 2),
  };
}
