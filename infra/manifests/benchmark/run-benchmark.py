"""Run `vllm bench serve` against the stack's endpoint and publish what it measured (llm-stack's benchmark Job).

Usage: run-benchmark.py RESULT_DIR -- vllm bench serve ARGS...

1. Runs the command after `--` with `--save-result --result-dir RESULT_DIR --result-filename result.json`
   (vllm/benchmarks/serve.py); what it prints, the "Serving Benchmark Result" block, is the Job's log:
   the text `measurements/<stack>.txt` holds for `llm-stack cost` and `llm-stack measurement`.
2. Adds the price of what was measured: LLM_STACK_HOURLY_USD (the plan's GPU nodes, $/h) over the
   measured output tokens per second gives $ per million output tokens; LLM_STACK_PLAN (JSON) and
   LLM_STACK_WORKLOAD (JSON) record what was planned.
3. With LLM_STACK_BUCKET set, writes that JSON to s3://LLM_STACK_BUCKET/LLM_STACK_KEY with boto3 (shipped
   in the vLLM image through runai-model-streamer-s3; Pod Identity credentials).
4. Serves the figures as Prometheus gauges on LLM_STACK_METRICS_PORT for LLM_STACK_METRICS_SECONDS, long
   enough for the PodMonitor to scrape them a few times, then exits with the benchmark's status.
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import time

# vLLM's JSON keys (vllm/benchmarks/serve.py: f"{stat}_{metric}_ms", p{percentile} for --metric-percentiles).
LATENCY_KEYS = [("ttft", "ttft_ms"), ("tpot", "tpot_ms"), ("itl", "itl_ms"), ("e2el", "e2el_ms")]
QUANTILES = [("median", "0.5"), ("p95", "0.95"), ("p99", "0.99")]


def run_benchmark(result_dir, command):
    os.makedirs(result_dir, exist_ok=True)
    full = command + ["--save-result", "--result-dir", result_dir, "--result-filename", "result.json"]
    status = subprocess.call(full)
    path = os.path.join(result_dir, "result.json")
    if status != 0 or not os.path.exists(path):
        return status, None
    with open(path) as f:
        return status, json.load(f)


def enrich(result):
    hourly = float(os.environ["LLM_STACK_HOURLY_USD"])
    output_per_second = float(result.get("output_throughput") or 0)
    result["llm_stack"] = {
        "plan": json.loads(os.environ.get("LLM_STACK_PLAN", "{}")),
        "workload": json.loads(os.environ.get("LLM_STACK_WORKLOAD", "{}")),
        "hourly_usd": hourly,
        "usd_per_million_output_tokens": (hourly / (output_per_second * 3600) * 1e6) if output_per_second > 0 else None,
    }
    return result


def metrics_text(result):
    labels = 'model="%s",job_name="%s"' % (result["llm_stack"]["plan"].get("model", ""), os.environ.get("LLM_STACK_JOB", ""))
    lines = []

    def gauge(name, help_text, samples):
        lines.append("# HELP llm_stack_benchmark_%s %s" % (name, help_text))
        lines.append("# TYPE llm_stack_benchmark_%s gauge" % name)
        for extra, value in samples:
            if value is not None:
                lines.append("llm_stack_benchmark_%s{%s%s} %s" % (name, labels, extra, repr(float(value))))

    gauge("output_tokens_per_second", "Output tokens per second the endpoint sustained.", [("", result.get("output_throughput"))])
    gauge("requests_per_second", "Requests per second completed.", [("", result.get("request_throughput"))])
    gauge("completed_requests", "Requests that completed.", [("", result.get("completed"))])
    gauge("failed_requests", "Requests that failed.", [("", result.get("failed"))])
    for metric, suffix in LATENCY_KEYS:
        samples = [(',quantile="%s"' % q, result.get("%s_%s" % (stat, suffix))) for stat, q in QUANTILES]
        gauge(suffix.replace("_ms", "_milliseconds"), "%s per request, by quantile." % metric.upper(), samples)
    gauge(
        "usd_per_million_output_tokens",
        "The plan's GPU nodes' hourly price over the measured output tokens.",
        [("", result["llm_stack"]["usd_per_million_output_tokens"])],
    )
    return "\n".join(lines) + "\n"


def publish_s3(result):
    bucket = os.environ.get("LLM_STACK_BUCKET")
    if not bucket:
        return
    import boto3

    s3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION"))
    key = os.environ["LLM_STACK_KEY"]
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(result).encode(), ContentType="application/json")
    print("llm-stack: result written to s3://%s/%s" % (bucket, key), flush=True)


def serve_metrics(text):
    port = int(os.environ.get("LLM_STACK_METRICS_PORT", "9400"))
    seconds = float(os.environ.get("LLM_STACK_METRICS_SECONDS", "0"))
    if seconds <= 0:
        return
    body = text.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/metrics":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("llm-stack: metrics on :%d/metrics for %ds" % (port, seconds), flush=True)
    time.sleep(seconds)
    server.shutdown()


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    status, result = run_benchmark(argv[1], argv[3:])
    if result is None:
        print("llm-stack: the benchmark failed (exit %d); nothing published" % status, file=sys.stderr, flush=True)
        return status or 1
    result = enrich(result)
    publish_s3(result)
    serve_metrics(metrics_text(result))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
