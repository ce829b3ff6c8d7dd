/**
 * The Prometheus metrics the pinned vLLM emits on /metrics, as monitors, alert rules, dashboards
 * and autoscalers must spell them; and the ones it no longer emits, each with the PR that removed
 * it. Read from vllm/v1/metrics/loggers.py (PrometheusStatLogger, the newest revision the public code
 * index holds, late 2025) and the 2026 dashboard generator tools/generate_grafana_dashboards.py
 * (commit 0b9faa41), which fails for a metric the code does not define. Counters are declared
 * without the suffix; prometheus_client exposes them with `_total`, which is how they are listed.
 * No file was read at the v0.33.0 tag itself (the repository is too large to mirror here).
 *
 * vLLM's deprecation rule (PR #15458): deprecated in X.Y, hidden in X.Y+1 (shown again with
 * --show-hidden-metrics-for-version=X.Y), removed in X.Y+2 — after which nothing brings it back.
 */
import { type Source } from "./schema";

export const VLLM_METRICS_SOURCE: Source = { ref: "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger) and tools/generate_grafana_dashboards.py at 0b9faa41", readOn: "2026-11-27" };

export type MetricType = "gauge" | "counter" | "histogram";

export interface VllmMetric {
  type: MetricType;
  help: string;
}

/** Emitted by vLLM v0.33.0's V1 engine, labelled `model_name` (the served model name) and `engine`. */
export const VLLM_METRICS = {
  "vllm:num_requests_running": { type: "gauge", help: "requests in model execution batches" },
  "vllm:num_requests_waiting": { type: "gauge", help: "requests waiting to be scheduled" },
  "vllm:kv_cache_usage_perc": { type: "gauge", help: "KV cache usage, 0 to 1 (1 = full)" },
  "vllm:prompt_tokens_total": { type: "counter", help: "prefill tokens processed" },
  "vllm:generation_tokens_total": { type: "counter", help: "generation (output) tokens processed" },
  "vllm:num_preemptions_total": { type: "counter", help: "requests preempted for lack of KV cache" },
  "vllm:request_success_total": { type: "counter", help: "finished requests, by finished_reason" },
  "vllm:prefix_cache_queries_total": { type: "counter", help: "prefix cache queries, in tokens" },
  "vllm:prefix_cache_hits_total": { type: "counter", help: "prefix cache hits, in tokens" },
  "vllm:time_to_first_token_seconds": { type: "histogram", help: "time to first token" },
  "vllm:inter_token_latency_seconds": { type: "histogram", help: "time between output tokens" },
  "vllm:e2e_request_latency_seconds": { type: "histogram", help: "end-to-end request latency" },
  "vllm:request_queue_time_seconds": { type: "histogram", help: "time a request waited in the queue" },
  "vllm:request_prompt_tokens": { type: "histogram", help: "prompt tokens per request" },
  "vllm:request_generation_tokens": { type: "histogram", help: "generated tokens per request" },
  "vllm:request_prefill_time_seconds": { type: "histogram", help: "time a request spent in prefill" },
  "vllm:request_decode_time_seconds": { type: "histogram", help: "time a request spent in decode" },
  "vllm:request_inference_time_seconds": { type: "histogram", help: "time a request spent running" },
  "vllm:request_time_per_output_token_seconds": { type: "histogram", help: "a request's mean time per output token" },
  // A histogram whose name ends in _total (tokens per engine step): its series are _total_bucket, _total_sum, _total_count.
  "vllm:iteration_tokens_total": { type: "histogram", help: "tokens per engine step" },
  "vllm:external_prefix_cache_queries_total": { type: "counter", help: "KV-connector prefix cache queries, in tokens" },
  "vllm:external_prefix_cache_hits_total": { type: "counter", help: "KV-connector prefix cache hits, in tokens" },
  "vllm:mm_cache_queries_total": { type: "counter", help: "multi-modal cache queries" },
  "vllm:mm_cache_hits_total": { type: "counter", help: "multi-modal cache hits" },
  // 2026 additions, seen in the dashboard generator (which fails on a metric the code does not define).
  "vllm:num_requests_waiting_by_reason": { type: "gauge", help: "waiting requests by reason (capacity, deferred)" },
  "vllm:prompt_tokens_by_source_total": { type: "counter", help: "prompt tokens by source (computed, cached)" },
} as const satisfies Record<string, VllmMetric>;

export type VllmMetricName = keyof typeof VLLM_METRICS;

/** Metrics older guides and dashboards use that the pinned vLLM no longer emits, and what replaced them. */
export const REMOVED_VLLM_METRICS: Record<string, { replacement: VllmMetricName | null; removedBy: string }> = {
  "vllm:gpu_cache_usage_perc": { replacement: "vllm:kv_cache_usage_perc", removedBy: "deprecated in PR #18354, hidden in PR #24245, removed in PR #29330 (2025-11)" },
  "vllm:gpu_prefix_cache_queries": { replacement: "vllm:prefix_cache_queries_total", removedBy: "deprecated in PR #18354, removed in PR #29330" },
  "vllm:gpu_prefix_cache_hits": { replacement: "vllm:prefix_cache_hits_total", removedBy: "deprecated in PR #18354, removed in PR #29330" },
  "vllm:time_per_output_token_seconds": { replacement: "vllm:inter_token_latency_seconds", removedBy: "deprecated in PR #24110, removed in PR #32661 (2026-01)" },
  "vllm:num_requests_swapped": { replacement: null, removedBy: "deprecated in PR #14136, removed in PR #18837 (2025-05)" },
  "vllm:cpu_cache_usage_perc": { replacement: null, removedBy: "deprecated in PR #14136, removed in PR #18837" },
  "vllm:cpu_prefix_cache_hit_rate": { replacement: null, removedBy: "deprecated in PR #14136, removed in PR #18837" },
  "vllm:gpu_prefix_cache_hit_rate": { replacement: null, removedBy: "deprecated in PR #14136, removed in PR #18837" },
};

/**
 * Prometheus reads a histogram `h` as `h_bucket`, `h_sum` and `h_count`, and a counter under its
 * `_total` name (and `_created`): the series a query may name for each metric.
 */
export function vllmSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const [name, metric] of Object.entries(VLLM_METRICS) as Array<[string, VllmMetric]>) {
    names.add(name);
    if (metric.type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
    if (metric.type === "counter") names.add(name.replace(/_total$/, "_created"));
  }
  return names;
}

/** The `vllm:` series a PromQL expression names that the pinned vLLM does not emit. */
export function unknownVllmSeries(promql: string): string[] {
  const emitted = vllmSeriesNames();
  const named = [...promql.matchAll(/vllm:[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]);
  return [...new Set(named.filter((name) => !emitted.has(name)))];
}
