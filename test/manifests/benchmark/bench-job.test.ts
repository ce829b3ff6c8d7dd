/**
 * The benchmark Job (infra/manifests/benchmark/bench-job.ts): `vllm bench serve`'s arguments derived
 * from the workload, checked by hand against vLLM's flag semantics (vllm/benchmarks/serve.py and
 * datasets/ at the pinned release), the object against the Kubernetes schema, and the API key kept
 * to a Secret reference.
 */
import { Job } from "kubernetes-models/batch/v1/Job";
import { describe, expect, it } from "vitest";
import { benchmarkArgs, benchmarkJob, benchmarkJobName, type BenchmarkJobInput } from "../../../infra/manifests/benchmark/bench-job";
import { resolveWorkload } from "../../../infra/plan/workload";

const input = (workload: Record<string, unknown>): BenchmarkJobInput => ({
  name: "vllm",
  namespace: "llm",
  image: "vllm/vllm-openai:v0.33.0",
  plan: {
    model: "llama-3.1-8b-instruct",
    repo: "meta-llama/Llama-3.1-8B-Instruct",
    vllmArgs: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama-3.1-8b-instruct"],
  },
  workload: resolveWorkload(workload),
  secretName: "vllm-secrets",
  hfTokenSet: true,
  nodeSelector: { "llm-stack/pool": "system" },
  readyTimeoutSeconds: 1932,
  hourlyUsd: 6.88,
  s3: { bucket: "llm-stack-dev-123456789012-us-east-1", region: "us-east-1" },
  metricsSeconds: 60,
});

/** The value after `flag` in the argument list, or undefined when the flag is absent. */
const valueOf = (args: readonly string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

describe("benchmark Job", () => {
  it("drives the stack's Service with the workload's lengths, its ±50 % default spread, and its peak rate for five minutes", () => {
    const args = benchmarkArgs(input({ inputTokens: 1000, outputTokens: 200, requestsPerSecond: 2 }));
    expect(args.slice(0, 2)).toEqual(["bench", "serve"]);
    expect(valueOf(args, "--base-url")).toBe("http://vllm.llm.svc.cluster.local:8000");
    expect(valueOf(args, "--endpoint")).toBe("/v1/completions");
    // Requests name the served model; the tokenizer is the checkpoint's.
    expect([valueOf(args, "--served-model-name"), valueOf(args, "--tokenizer")]).toEqual([
      "llama-3.1-8b-instruct",
      "meta-llama/Llama-3.1-8B-Instruct",
    ]);
    expect([valueOf(args, "--random-input-len"), valueOf(args, "--random-output-len")]).toEqual(["1000", "200"]);
    // No p95 given: the simulation's uniform ±50 % around each mean, i.e. vLLM's range ratio 0.5.
    expect(JSON.parse(valueOf(args, "--random-range-ratio")!)).toEqual({ input: 0.5, output: 0.5 });
    // 2 requests/s × 300 s = 600 prompts, Poisson arrivals (burstiness 1).
    expect([valueOf(args, "--request-rate"), valueOf(args, "--burstiness"), valueOf(args, "--num-prompts")]).toEqual(["2", "1", "600"]);
    expect(valueOf(args, "--max-concurrency")).toBeUndefined();
    // p95 is printed only when asked for (vLLM's default is 99).
    expect(valueOf(args, "--metric-percentiles")).toBe("50,95,99");
    expect(valueOf(args, "--ready-check-timeout-sec")).toBe("1932");
  });

  it("puts the prefix-cache hits in a shared prefix, keeping each prompt at its length", () => {
    // 25 % of 1,000 prompt tokens shared: prefix 250 + random 750 (vLLM: total = prefix_len + input_len);
    // the spread stays ±500 tokens, 500 / 750 = 0.667 of the random part.
    const args = benchmarkArgs(input({ inputTokens: 1000, outputTokens: 200, prefixCacheHit: 0.25 }));
    expect([valueOf(args, "--random-prefix-len"), valueOf(args, "--random-input-len")]).toEqual(["250", "750"]);
    expect(JSON.parse(valueOf(args, "--random-range-ratio")!)).toEqual({ input: 0.667, output: 0.5 });
  });

  it("uses the given p95s for the spread: (p95 − mean) / 0.9 is the uniform half-width", () => {
    // Input p95 1,450 over a mean of 1,000: half-width 500, ratio 0.5; output p95 218 over 200: 20, ratio 0.1.
    const args = benchmarkArgs(input({ inputTokens: 1000, outputTokens: 200, inputTokensP95: 1450, outputTokensP95: 218 }));
    expect(JSON.parse(valueOf(args, "--random-range-ratio")!)).toEqual({ input: 0.5, output: 0.1 });
  });

  it("runs a closed loop of C clients for ten requests each, and a saturated run of vLLM's default 1,000 without a load", () => {
    const closed = benchmarkArgs(input({ concurrentRequests: 64 }));
    expect([valueOf(closed, "--max-concurrency"), valueOf(closed, "--num-prompts"), valueOf(closed, "--request-rate")]).toEqual([
      "64",
      "640",
      undefined,
    ]);
    const saturated = benchmarkArgs(input({}));
    // vllm bench serve's defaults: 1,024 / 128 tokens, every request at once (--request-rate inf).
    expect([valueOf(saturated, "--random-input-len"), valueOf(saturated, "--random-output-len")]).toEqual(["1024", "128"]);
    expect([valueOf(saturated, "--num-prompts"), valueOf(saturated, "--request-rate"), valueOf(saturated, "--max-concurrency")]).toEqual([
      "1000",
      undefined,
      undefined,
    ]);
  });

  it("is a valid Job that reads the API key from the server's Secret and is admitted as a client", () => {
    const job = benchmarkJob(input({ inputTokens: 1000, outputTokens: 200, requestsPerSecond: 2 }));
    expect(() => new Job(job as never).validate()).not.toThrow();
    const pod = (job as any).spec.template;
    const container = pod.spec.containers[0];
    // run-benchmark.py runs the client and publishes its result (test/manifests/benchmark/run-benchmark.test.ts).
    expect(container.command).toEqual(["python3", "/opt/llm-stack/run-benchmark.py", "/work/results", "--", "vllm"]);
    // The S3 path: its own service account (the Pod Identity role that may write benchmarks/ only), the key under that prefix.
    expect(pod.spec.serviceAccountName).toBe("vllm-benchmark");
    const key = container.env.find((e: { name: string }) => e.name === "LLM_STACK_KEY");
    expect(key.value).toBe(`benchmarks/${(job as any).metadata.name}.json`);
    // The gauges' port, named as the PodMonitor scrapes it.
    expect(container.ports).toEqual([{ name: "metrics", containerPort: 9400 }]);
    expect(container.env.find((e: { name: string }) => e.name === "OPENAI_API_KEY")).toEqual({
      name: "OPENAI_API_KEY",
      valueFrom: { secretKeyRef: { name: "vllm-secrets", key: "api-key" } },
    });
    // The NetworkPolicy admits pods with this label (manifests/serving/vllm.ts CLIENT_LABEL).
    expect(pod.metadata.labels["llm-stack/client"]).toBe("true");
    expect(pod.spec.nodeSelector).toEqual({ "llm-stack/pool": "system" });
    expect((job as any).metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect((job as any).spec.backoffLimit).toBe(0);
  });

  it("is a new Job when the workload changes, the same one when it does not", () => {
    const a = benchmarkArgs(input({ inputTokens: 1000, outputTokens: 200, requestsPerSecond: 2 }));
    const b = benchmarkArgs(input({ inputTokens: 1000, outputTokens: 200, requestsPerSecond: 3 }));
    expect(benchmarkJobName("vllm", a)).toBe(benchmarkJobName("vllm", [...a]));
    expect(benchmarkJobName("vllm", a)).not.toBe(benchmarkJobName("vllm", b));
    expect(benchmarkJobName("vllm", a)).toMatch(/^vllm-bench-[0-9a-f]{10}$/);
  });
});
