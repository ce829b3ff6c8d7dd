/** A plan's performance at a workload, in words: the workload and its defaults, throughput, latency, SLOs, $/M and how sure the numbers are. */
import { type HostedComparison, type Performance, type WorkloadEconomics } from "../../infra/plan/performance";
import { type PlannedVsMeasured } from "../cost/measured";
import { type StackPerformance } from "../cost/stack-report";
import { count, tokens, usd } from "./format";

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function describeWorkload(performance: Performance): string[] {
  const w = performance.workload;
  const load =
    w.load === null
      ? "no load given: numbers at one replica's SLO-feasible maximum"
      : w.load.kind === "rate"
        ? `${w.load.peakRequestsPerSecond.toPrecision(3)} requests/s at peak (mean ${w.load.meanRequestsPerSecond.toPrecision(3)}${w.tokensPerMonth !== null ? `; ${count(Math.round(w.tokensPerMonth))} tokens/month` : ""})`
        : `${count(w.load.concurrentRequests)} concurrent requests (closed loop)`;
  const slos = [
    w.ttftP95Ms !== null ? `TTFT p95 ≤ ${count(w.ttftP95Ms)} ms` : null,
    w.itlP95Ms !== null ? `ITL p95 ≤ ${w.itlP95Ms} ms` : null,
  ].filter((s): s is string => s !== null);
  return [
    `${count(w.inputTokens)} prompt + ${count(w.outputTokens)} output tokens per request; ${load}; ${slos.length ? slos.join(", ") : "no latency SLO"}${w.prefixCacheHit > 0 ? `; ${percent(w.prefixCacheHit)} prefix-cache hits` : ""}`,
    ...w.defaults.map((d) => `default ${d.key} ${d.value}: ${d.source}`),
  ];
}

export function describePerformance(performance: Performance, economics: WorkloadEconomics): string[] {
  const at = performance.atLoad;
  const near = performance.nearestMeasurement;
  return [
    ...describeWorkload(performance),
    `saturated: ~${count(performance.saturatedOutputTokensPerSecondPerReplica)} output tokens/s per replica (every request queued, as offline benchmarks measure)`,
    `at the load: ${at.concurrentRequestsPerReplica} requests in flight per replica, ${count(at.outputTokensPerSecondPerReplica)} output tokens/s; TTFT p50 ${count(Math.round(at.ttftMs.p50))} ms / p95 ${count(Math.round(at.ttftMs.p95))} ms; ITL p50 ${at.itlMs.p50} ms / p95 ${at.itlMs.p95} ms`,
    `replicas needed: ${performance.replicasNeeded}; SLO ${performance.sloMet ? "met" : `missed (${performance.sloMisses.join("; ")})`}`,
    `${usd(economics.usdPerMillionOutputTokens)} per million output tokens, ${usd(economics.usdPerMillionTokens)} per million prompt + output tokens, at ${percent(economics.utilization)} of the SLO-feasible capacity (GPU nodes only${economics.idleGpus > 0 ? `; ${economics.idleGpus} idle GPU${economics.idleGpus > 1 ? "s" : ""} cost ${usd(economics.idleHourlyUsd)}/h of it` : ""})${economics.usdPerMillionOutputTokensPacked !== null ? `; with the node packed (replicas on the idle GPUs): ${usd(economics.usdPerMillionOutputTokensPacked)} per million output tokens` : ""}`,
    `error band ±${percent(performance.errorBand)} (4 in 5 published measurements within it)${near ? `; nearest measurement: ${near.id}, measured ${count(near.measured)}, predicted ${count(Math.round(near.predicted))} (${near.error >= 0 ? "+" : ""}${percent(near.error)})` : ""}`,
  ];
}

/**
 * The plan against the cheapest current hosted offer of its model at the workload's prompt/output
 * mix: both prices per million tokens, and the monthly volume at which self-hosting breaks even.
 */
export function describeHosted(hosted: HostedComparison, economics: WorkloadEconomics): string {
  const offer = hosted.offer;
  if (offer === null) {
    const retired = hosted.retired.map(
      (r) => `${r.provider} retired ${r.providerModelId}${r.successor ? ` (successor: ${r.successor})` : ""}`,
    );
    return `no current hosted offer of this model in the dated price table${retired.length ? ` (${retired.join("; ")})` : ""}; nothing to break even against`;
  }
  const verdict =
    hosted.breakEvenTokensPerMonth === "never"
      ? "self-hosting never breaks even: a full node's SLO-feasible output is worth less at this price than the node costs"
      : `self-hosting breaks even at ${tokens(hosted.breakEvenTokensPerMonth ?? 0)} prompt + output tokens/month`;
  return `hosted ${offer.provider} (${offer.providerModelId}): ${usd(offer.inputUsdPerMillion)} in / ${usd(offer.outputUsdPerMillion)} out per million → ${usd(hosted.usdPerMillionTokens ?? 0)} per million prompt + output tokens at this mix, self-hosted ${usd(economics.usdPerMillionTokens)}; ${verdict} (price read ${offer.readOn})`;
}

/** One line for a stack report: $/M and SLO status at the stack's workload (declared, or the defaults). */
export function describeStackWorkload(performance: StackPerformance): string {
  const at = performance.atLoad;
  const [workload] = describeWorkload(performance);
  const slo = performance.sloMet ? "SLO met" : `SLO missed (${performance.sloMisses.join("; ")})`;
  const which = performance.declared ? "the declared workload" : "the default workload (no `workload` key: vllm bench serve's lengths)";
  return `at ${which} (${workload}): ${usd(performance.economics.usdPerMillionOutputTokens)} per million output tokens (${usd(performance.economics.usdPerMillionTokens)} with their prompts) at ${percent(performance.economics.utilization)} of capacity; TTFT p95 ${count(Math.round(at.ttftMs.p95))} ms, ITL p95 ${at.itlMs.p95} ms; ${slo} with ${performance.replicasNeeded} replica${performance.replicasNeeded > 1 ? "s" : ""}; error band ±${percent(performance.errorBand)}`;
}

const signed = (planned: number, measured: number) =>
  `${planned >= measured ? "+" : "−"}${Math.abs(Math.round((planned / measured - 1) * 100))}%`;

/** Planned vs measured, in one line: the model's figures at the measured run's own load, and the run's. */
export function describePlannedVsMeasured(m: PlannedVsMeasured): string {
  const pair = (name: string, planned: number, measured: number | null, unit: string) =>
    measured === null
      ? `${name} ${planned} ${unit} planned (not measured)`
      : `${name} ${planned} ${unit} planned vs ${measured} measured (${signed(planned, measured)})`;
  const figures = [
    pair("output", m.outputTokensPerSecond.planned, m.outputTokensPerSecond.measured, "tok/s"),
    pair("TTFT median", m.ttftMsMedian.planned, m.ttftMsMedian.measured, "ms"),
    pair("ITL median", m.itlMsMedian.planned, m.itlMsMedian.measured, "ms"),
  ];
  return `planned vs measured (${m.file}: ${m.load}, ${count(m.inputTokens)} prompt + ${count(m.outputTokens)} output tokens): ${figures.join("; ")}`;
}
