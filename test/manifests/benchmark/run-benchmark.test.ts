/**
 * The benchmark Job's script (infra/manifests/benchmark/run-benchmark.py), run for real with python3
 * around a stand-in `vllm` (test/fixtures/benchmark-fakes) and the copy Job's stand-in boto3: the
 * arguments the Job's manifest passes, vLLM's result priced, written to S3 and served to Prometheus.
 */
import { spawn, spawnSync } from "node:child_process";
import { get } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { benchmarkJob, type BenchmarkJobInput } from "../../../infra/manifests/benchmark/bench-job";
import { resolveWorkload } from "../../../infra/plan/workload";

const ROOT = join(__dirname, "..", "..", "..");
const SCRIPT = join(ROOT, "infra", "manifests", "benchmark", "run-benchmark.py");
const FAKES = join(ROOT, "test", "fixtures", "benchmark-fakes");
const BOTO3 = join(ROOT, "test", "fixtures", "copy-model-fakes");
const BLOCK = join(ROOT, "test", "fixtures", "vllm-bench-serve", "qwen3-8b-fp8-c8.txt");

const INPUT: BenchmarkJobInput = {
  name: "vllm",
  namespace: "llm",
  image: "vllm/vllm-openai:v0.33.0",
  plan: {
    model: "llama-3.1-8b-instruct",
    repo: "meta-llama/Llama-3.1-8B-Instruct",
    vllmArgs: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama-3.1-8b-instruct"],
  },
  workload: resolveWorkload({ inputTokens: 2000, outputTokens: 128, concurrentRequests: 8 }),
  secretName: "vllm-secrets",
  hfTokenSet: false,
  nodeSelector: {},
  readyTimeoutSeconds: 1932,
  hourlyUsd: 6.88,
  s3: { bucket: "llm-stack-dev-123456789012-us-east-1", region: "us-east-1" },
  metricsSeconds: 0,
};

/** The container's command line and plain env values, as the Job's manifest states them. */
function container(input: BenchmarkJobInput) {
  const c = (benchmarkJob(input) as any).spec.template.spec.containers[0];
  const env = Object.fromEntries(
    (c.env as Array<{ name: string; value?: string }>).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]),
  );
  return { argv: [...c.command, ...c.args] as string[], env };
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(input: BenchmarkJobInput, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "run-benchmark-"));
  scratch.push(dir);
  const { argv, env } = container(input);
  expect(argv.slice(0, 5)).toEqual(["python3", "/opt/llm-stack/run-benchmark.py", "/work/results", "--", "vllm"]);
  const log = join(dir, "calls.jsonl");
  const merged: Record<string, string> = {
    ...env,
    PATH: `${FAKES}:${process.env.PATH}`,
    PYTHONPATH: BOTO3,
    PYTHONDONTWRITEBYTECODE: "1",
    FAKE_LOG: log,
    FAKE_BLOCK: BLOCK,
    ...extraEnv,
  };
  return { log, args: [SCRIPT, join(dir, "results"), ...argv.slice(3)], env: merged };
}

const calls = (log: string) =>
  readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, any>);

describe("the benchmark script", () => {
  it("runs the client with the Job's arguments plus --save-result, prints vLLM's block, and writes the priced result to S3", () => {
    const run = setup(INPUT);
    const result = spawnSync("python3", run.args, { encoding: "utf8", env: run.env });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("============ Serving Benchmark Result ============");
    const [client, s3, put] = calls(run.log);
    expect(client?.argv.slice(0, 2)).toEqual(["bench", "serve"]);
    expect(client?.argv.slice(-5)).toEqual([
      "--save-result",
      "--result-dir",
      expect.stringContaining("results"),
      "--result-filename",
      "result.json",
    ]);
    expect(s3).toEqual({ call: "client", service: "s3", region: "us-east-1" });
    expect(put?.bucket).toBe("llm-stack-dev-123456789012-us-east-1");
    expect(put?.key).toMatch(/^benchmarks\/vllm-bench-[0-9a-f]{10}\.json$/);
    // $6.88/h over 298.07 output tokens/s: 6.88 / (298.07 × 3,600) × 10^6 = $6.4116 per million output tokens.
    expect(put?.body.llm_stack.usd_per_million_output_tokens).toBeCloseTo(6.4116, 3);
    expect(put?.body.output_throughput).toBe(298.07);
    expect(put?.body.llm_stack.plan).toEqual({ model: "llama-3.1-8b-instruct", repo: "meta-llama/Llama-3.1-8B-Instruct" });
  });

  it("publishes nothing and fails with the client when the benchmark fails", () => {
    const run = setup(INPUT, { FAKE_EXIT: "3" });
    const result = spawnSync("python3", run.args, { encoding: "utf8", env: run.env });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("the benchmark failed (exit 3); nothing published");
    expect(calls(run.log).map((c) => c.call)).toEqual(["vllm"]);
  });

  it("serves the figures as Prometheus gauges while the PodMonitor may scrape them", async () => {
    const port = 19000 + Math.floor(Math.random() * 1000);
    const run = setup({ ...INPUT, s3: null, metricsSeconds: 20 }, { LLM_STACK_METRICS_PORT: String(port) });
    const child = spawn("python3", run.args, { env: run.env, stdio: ["ignore", "pipe", "pipe"] });
    const scrape = () =>
      new Promise<string>((resolve, reject) =>
        get(`http://127.0.0.1:${port}/metrics`, (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () => resolve(body));
        }).on("error", reject),
      );
    let text = "";
    try {
      // Poll until the script serves (a bounded wait guarding a hang; no time is asserted).
      for (let attempt = 0; attempt < 150 && text === ""; attempt++) {
        text = await scrape().catch(() => new Promise<string>((resolve) => setTimeout(() => resolve(""), 100)));
      }
    } finally {
      child.kill();
    }
    const label = `model="llama-3.1-8b-instruct",job_name="${run.env.LLM_STACK_JOB}"`;
    expect(text).toContain(`llm_stack_benchmark_output_tokens_per_second{${label}} 298.07`);
    expect(text).toContain(`llm_stack_benchmark_ttft_milliseconds{${label},quantile="0.5"} 455.84`);
    expect(text).toContain(`llm_stack_benchmark_itl_milliseconds{${label},quantile="0.99"} 150.3`);
    expect(text).toMatch(
      new RegExp(`llm_stack_benchmark_usd_per_million_output_tokens\\{${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\} 6\\.411`),
    );
    // No S3 target: nothing written.
    expect(calls(run.log).map((c) => c.call)).toEqual(["vllm"]);
  });
});
