/**
 * The Prometheus metrics the pinned vLLM emits on /metrics, as monitors, alert rules, dashboards
 * and autoscalers must spell them; and the ones it no longer emits, each with the PR that removed
 * it. Read from vllm/v1/metrics/loggers.py (PrometheusStatLogger, the newest revision the public code
 * index holds, late 2025) and the 2026 dashboard generator (vLLM's own tools/generate_grafana_dashboards.py)
 * (commits 0b9faa41 and 8aed4e52), which fails for a metric the code does not define. Counters are declared
 * without the suffix; prometheus_client exposes them with `_total`, which is how they are listed.
 * No file was read at the v0.33.0 tag itself (the repository is too large to mirror here).
 *
 * vLLM's deprecation rule (PR #15458): deprecated in X.Y, hidden in X.Y+1 (shown again with
 * --show-hidden-metrics-for-version=X.Y), removed in X.Y+2 — after which nothing brings it back.
 */
import { type Source } from "./schema";

export const VLLM_METRICS_SOURCE: Source = {
  ref: "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger) and vllm-project/vllm tools/generate_grafana_dashboards.py at 0b9faa41 and 8aed4e52",
  readOn: "2026-11-28",
};

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
  // What vLLM's Instances, KV Cache and Speculative Decoding dashboards read (charts/vllm-dashboards, generator at
  // 8aed4e52, whose check fails on a metric no code under vllm/ defines). Types as the queries read them (_bucket/_sum/
  // _count: histogram; _total: counter) and, where the index holds the defining file, as vLLM declares them: the NIXL
  // histograms and counters in its NixlPromMetrics, the kv_offload counters and histograms in its offloading metrics
  // (OffloadingCounterMetadata / OffloadingHistogramMetadata), vllm:prompt_tokens_cached and vllm:engine_sleep_state in
  // PrometheusStatLogger. Most appear only with their feature on (noted per metric); otherwise their panels stay empty.
  "vllm:prompt_tokens_cached_total": { type: "counter", help: "prompt tokens whose KV was cached (local prefix cache or KV connector)" },
  "vllm:prompt_tokens_cached_by_source_total": {
    type: "counter",
    help: "cached prompt tokens by tier (device, host, disk, p2p, external_unspecified)",
  },
  "vllm:request_prefill_kv_computed_tokens": { type: "histogram", help: "prompt tokens prefill had to compute per request" },
  "vllm:cache_config_info": { type: "gauge", help: "KV cache configuration as labels (info metric, value 1)" },
  "vllm:lora_requests_info": { type: "gauge", help: "running and waiting LoRA adapters and max_lora as labels (LoRA on)" },
  "vllm:engine_sleep_state": { type: "gauge", help: "engine sleep state by sleep_state (awake, weights_offloaded, discard_all)" },
  "vllm:sleep_mode_operation_duration_seconds": { type: "histogram", help: "sleep, wake and KV release calls of the sleep mode API" },
  "vllm:rl_weight_update_operation_duration_seconds": { type: "histogram", help: "weight transfer steps of RL weight updates" },
  "vllm:estimated_flops_per_gpu_total": { type: "counter", help: "estimated floating point operations per GPU (--enable-mfu-metrics)" },
  "vllm:estimated_read_bytes_per_gpu_total": { type: "counter", help: "estimated bytes read from GPU memory (--enable-mfu-metrics)" },
  "vllm:estimated_write_bytes_per_gpu_total": { type: "counter", help: "estimated bytes written to GPU memory (--enable-mfu-metrics)" },
  "vllm:num_requests_kv_fetch_by_stage": { type: "gauge", help: "waiting requests on a KV consumer by async load stage (KV connector)" },
  "vllm:kv_block_lifetime_seconds": { type: "histogram", help: "KV block allocation to eviction (--kv-cache-metrics)" },
  "vllm:kv_block_idle_before_evict_seconds": { type: "histogram", help: "time an evicted KV block went unused (--kv-cache-metrics)" },
  "vllm:kv_block_reuse_gap_seconds": { type: "histogram", help: "time between accesses of a KV block (--kv-cache-metrics)" },
  "vllm:nixl_xfer_time_seconds": { type: "histogram", help: "NIXL KV transfer duration (NixlConnector)" },
  "vllm:nixl_post_time_seconds": { type: "histogram", help: "NIXL transfer post time (NixlConnector)" },
  "vllm:nixl_bytes_transferred": { type: "histogram", help: "bytes per NIXL KV transfer (NixlConnector)" },
  "vllm:nixl_num_descriptors": { type: "histogram", help: "descriptors per NIXL KV transfer (NixlConnector)" },
  "vllm:nixl_num_failed_transfers_total": { type: "counter", help: "failed NIXL KV transfers (NixlConnector)" },
  "vllm:nixl_num_failed_notifications_total": { type: "counter", help: "failed NIXL KV notifications (NixlConnector)" },
  "vllm:nixl_num_kv_expired_reqs_total": { type: "counter", help: "requests whose KV lease expired before transfer (NixlConnector)" },
  "vllm:nixl_num_notifications_after_expiry_total": {
    type: "counter",
    help: "NIXL notifications that arrived after KV expiry (NixlConnector)",
  },
  "vllm:kv_offload_load_bytes_total": { type: "counter", help: "bytes loaded from offload storage to GPU (OffloadingConnector)" },
  "vllm:kv_offload_load_time_total": { type: "counter", help: "seconds spent loading from offload storage (OffloadingConnector)" },
  "vllm:kv_offload_load_size": { type: "histogram", help: "bytes per offload load (OffloadingConnector)" },
  "vllm:kv_offload_store_bytes_total": { type: "counter", help: "bytes stored from GPU to offload storage (OffloadingConnector)" },
  "vllm:kv_offload_store_time_total": { type: "counter", help: "seconds spent storing to offload storage (OffloadingConnector)" },
  "vllm:kv_offload_store_size": { type: "histogram", help: "bytes per offload store (OffloadingConnector)" },
  "vllm:kv_offload_lookup_sync_delay_seconds": { type: "histogram", help: "one offload lookup call (OffloadingConnector)" },
  "vllm:kv_offload_lookup_async_delay_seconds": { type: "histogram", help: "deferred offload lookup until resolved (OffloadingConnector)" },
  "vllm:kv_offload_allocation_failure_total": { type: "counter", help: "offload store allocations that failed (OffloadingConnector)" },
  "vllm:kv_offload_stores_skipped_total": { type: "counter", help: "offload stores below the reuse threshold (OffloadingConnector)" },
  "vllm:kv_offload_cpu_cache_usage_perc": { type: "gauge", help: "CPU KV cache pinned by in-flight transfers (CPU offloading)" },
  "vllm:kv_offload_cpu_cache_write_usage_perc": { type: "gauge", help: "CPU KV cache pinned by stores (CPU offloading)" },
  "vllm:kv_offload_cpu_cache_read_usage_perc": { type: "gauge", help: "CPU KV cache pinned by loads (CPU offloading)" },
  "vllm:simple_kv_offload_save_outcomes_total": {
    type: "counter",
    help: "store admission decisions by outcome (SimpleCPUOffloadConnector)",
  },
  "vllm:simple_kv_offload_load_blocks_total": {
    type: "counter",
    help: "KV blocks restored from the offload pool (SimpleCPUOffloadConnector)",
  },
  "vllm:simple_kv_offload_used_blocks": { type: "gauge", help: "pool blocks pinned by transfers or hits (SimpleCPUOffloadConnector)" },
  "vllm:simple_kv_offload_pending_store_blocks": { type: "gauge", help: "blocks in pending stores (SimpleCPUOffloadConnector)" },
  "vllm:spec_decode_num_drafts_total": { type: "counter", help: "speculative drafts (verification steps) (speculative decoding)" },
  "vllm:spec_decode_num_draft_tokens_total": { type: "counter", help: "draft tokens proposed (speculative decoding)" },
  "vllm:spec_decode_num_accepted_tokens_total": { type: "counter", help: "draft tokens accepted (speculative decoding)" },
  "vllm:spec_decode_num_accepted_tokens_per_pos_total": {
    type: "counter",
    help: "accepted draft tokens by position (speculative decoding)",
  },
} as const satisfies Record<string, VllmMetric>;

export type VllmMetricName = keyof typeof VLLM_METRICS;

/** Metrics older guides and dashboards use that the pinned vLLM no longer emits, and what replaced them. */
export const REMOVED_VLLM_METRICS: Record<string, { replacement: VllmMetricName | null; removedBy: string }> = {
  "vllm:gpu_cache_usage_perc": {
    replacement: "vllm:kv_cache_usage_perc",
    removedBy: "deprecated in PR #18354, hidden in PR #24245, removed in PR #29330 (2025-11)",
  },
  "vllm:gpu_prefix_cache_queries": {
    replacement: "vllm:prefix_cache_queries_total",
    removedBy: "deprecated in PR #18354, removed in PR #29330",
  },
  "vllm:gpu_prefix_cache_hits": { replacement: "vllm:prefix_cache_hits_total", removedBy: "deprecated in PR #18354, removed in PR #29330" },
  "vllm:time_per_output_token_seconds": {
    replacement: "vllm:inter_token_latency_seconds",
    removedBy: "deprecated in PR #24110, removed in PR #32661 (2026-01)",
  },
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
