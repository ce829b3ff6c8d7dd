/**
 * The opt-in benchmark Job (stack key `benchmark: after-deploy`), as plain data: `vllm bench serve`
 * from the pinned vLLM image drives the stack's own endpoint with the stack's workload once the
 * server is ready, and prints vLLM's "Serving Benchmark Result" block — the text
 * `measurements/<stack>.txt` holds for `llm-stack cost` (planned vs measured) and
 * `llm-stack measurement` turns into a dataset row.
 *
 * Every argument is derived from the plan and the workload the performance model predicted for, so
 * the run measures exactly what was planned. Flags and defaults are vLLM's
 * (vllm/benchmarks/serve.py, vllm/benchmarks/datasets/ at the pinned release):
 * - `--dataset-name random` draws each prompt and output length uniformly from
 *   [floor(L·(1−r)), ceil(L·(1+r))] with `--random-range-ratio` r < 1 (promptArgs below), and vLLM
 *   forces ignore_eos for random prompts, so outputs run to their drawn length.
 * - The load: `--request-rate` (Poisson, `--burstiness 1`) at the workload's peak rate, the rate
 *   the plan is sized for; `--max-concurrency` C with every request queued for a closed loop; with
 *   neither, every request at once (vLLM's `--request-rate inf` default), the saturated figure.
 * - `--percentile-metrics ttft,tpot,itl,e2el --metric-percentiles 50,95,99`: vLLM prints only p99
 *   by default; the SLOs are p95.
 * - `--ready-check-timeout-sec`: vLLM skips its ready check by default (0); the Job waits up to the
 *   plan's rollout for the endpoint instead of failing on a server still loading.
 * The client runs under run-benchmark.py (shipped in a ConfigMap, as the copy Job's script is), which
 * saves vLLM's JSON result, prices it ($ per million output tokens at the plan's GPU-node price),
 * writes it to the stack's bucket under benchmarks/ (S3 weights path: the bucket exists, and the
 * Job's own service account may write only that prefix) and serves it as Prometheus gauges long
 * enough for a PodMonitor to scrape (stacks with monitoring).
 * The API key reaches the client as OPENAI_API_KEY (the only place vLLM's OpenAI backend reads it,
 * vllm/benchmarks/lib/endpoint_request_func.py) from the server's Secret, never as a value; the
 * tokenizer is the checkpoint's, from Hugging Face, with the token file the server has.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../project-root";
import { servedModelNameOf, VLLM_PORT, type DeploymentPlan } from "../../plan";
import { lengthHalfWidth } from "../../plan/performance/simulate";
import { type Workload } from "../../plan/workload";
import { awsRegionEnv, hfTokenFile, restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import { SCRAPE_INTERVAL_SECONDS } from "../observability/vllm-monitoring";
import { CLIENT_LABEL, SECRET_KEYS, VLLM_UID } from "../serving/vllm";

type Json = Record<string, unknown>;

/** vLLM's --num-prompts default (vllm/benchmarks/datasets DEFAULT_NUM_PROMPTS): the saturated run's size. */
export const DEFAULT_NUM_PROMPTS = 1000;
/** An open-loop run lasts about this long at the peak rate, so steady state dominates the start-up burst. */
export const OPEN_LOOP_SECONDS = 300;
/** At least this many requests in any run, and ten per closed-loop client: enough for a p95 of each. */
export const MIN_PROMPTS = 200;
const CLOSED_LOOP_REQUESTS_PER_CLIENT = 10;
const WORK_MOUNT = "/work";
const SCRIPT_MOUNT = "/opt/llm-stack";

/** The script the Job runs around the client, shipped in a ConfigMap. */
export const BENCHMARK_SCRIPT = readFileSync(join(PROJECT_ROOT, "infra", "manifests", "benchmark", "run-benchmark.py"), "utf8");
export const BENCHMARK_SCRIPT_KEY = "run-benchmark.py";
/** The port run-benchmark.py serves its gauges on (a choice: DCGM's exporter convention, unused in the pod). */
export const BENCHMARK_METRICS_PORT = 9400;
/** The prefix of the stack's bucket the benchmark writes to, and the only one its role may write. */
export const BENCHMARK_PREFIX = "benchmarks/";
/** The benchmark Job's ServiceAccount: the identity allowed to write BENCHMARK_PREFIX. */
export const benchmarkServiceAccountName = (serverName: string): string => `${serverName}-benchmark`;

export interface BenchmarkJobInput {
  /** The server's name: its Service, Secret and the Job's name derive from it. */
  name: string;
  namespace: string;
  /** The pinned vLLM image reference (the benchmark client ships in it). */
  image: string;
  plan: Pick<DeploymentPlan, "model" | "repo" | "vllmArgs">;
  workload: Workload;
  /** The server's Secret (its api-key, and hf-token when set). */
  secretName: string;
  hfTokenSet: boolean;
  nodeSelector: Record<string, string>;
  /** How long the client waits for the endpoint to answer before it gives up. */
  readyTimeoutSeconds: number;
  /** The plan's GPU nodes' price: $/M output tokens is this over the measured throughput. */
  hourlyUsd: number;
  /** Where the JSON result goes: the stack's bucket and region (S3 weights path); null: the log and the gauges only. */
  s3: { bucket: string; region: string } | null;
  /** How long the gauges are served for Prometheus to scrape; 0 without monitoring. */
  metricsSeconds: number;
  /**
   * Where clients reach the server when that is not its own Service: the inference gateway in front of a
   * set's model or a server at zero (its NetworkPolicy admits only the gateway). Absent: `http://<name>.<namespace>…:8000`.
   */
  baseUrl?: string;
}

/**
 * Prompt lengths as vLLM's random dataset builds them: a shared prefix of `--random-prefix-len`
 * tokens (the workload's prefix-cache hits) before `--random-input-len` random ones, the prompt
 * being their sum (datasets: total_input_len = prefix_len + input_len). The random part carries
 * the simulation's whole length spread (performance/simulate.ts lengthHalfWidth), as vLLM's
 * `--random-range-ratio` in its JSON form — a ratio below 1, as vLLM requires.
 */
export function promptArgs(workload: Workload): string[] {
  const prefixTokens = Math.min(workload.inputTokens - 1, Math.round(workload.prefixCacheHit * workload.inputTokens));
  const randomTokens = workload.inputTokens - prefixTokens;
  const ratio = (halfWidth: number, of: number) => Math.min(0.999, Math.round((halfWidth / of) * 1000) / 1000);
  const rangeRatio = {
    input: ratio(lengthHalfWidth(workload.inputTokens, workload.inputTokensP95), randomTokens),
    output: ratio(lengthHalfWidth(workload.outputTokens, workload.outputTokensP95), workload.outputTokens),
  };
  return [
    "--random-input-len",
    String(randomTokens),
    "--random-output-len",
    String(workload.outputTokens),
    "--random-range-ratio",
    JSON.stringify(rangeRatio),
    ...(prefixTokens > 0 ? ["--random-prefix-len", String(prefixTokens)] : []),
  ];
}

/** The load flags and how many prompts the run sends. */
export function loadArgs(workload: Workload): { args: string[]; numPrompts: number } {
  const load = workload.load;
  if (load === null) return { args: [], numPrompts: DEFAULT_NUM_PROMPTS };
  if (load.kind === "concurrency")
    return {
      args: ["--max-concurrency", String(load.concurrentRequests)],
      numPrompts: Math.max(MIN_PROMPTS, CLOSED_LOOP_REQUESTS_PER_CLIENT * load.concurrentRequests),
    };
  return {
    args: ["--request-rate", String(load.peakRequestsPerSecond), "--burstiness", "1"],
    numPrompts: Math.max(MIN_PROMPTS, Math.ceil(load.peakRequestsPerSecond * OPEN_LOOP_SECONDS)),
  };
}

export function benchmarkArgs(
  input: Pick<BenchmarkJobInput, "name" | "namespace" | "plan" | "workload" | "readyTimeoutSeconds" | "baseUrl">,
): string[] {
  const { workload } = input;
  const load = loadArgs(workload);
  return [
    "bench",
    "serve",
    "--backend",
    "openai",
    "--base-url",
    input.baseUrl ?? `http://${input.name}.${input.namespace}.svc.cluster.local:${VLLM_PORT}`,
    "--endpoint",
    "/v1/completions",
    "--model",
    input.plan.repo,
    "--served-model-name",
    servedModelNameOf(input.plan),
    "--tokenizer",
    input.plan.repo,
    "--dataset-name",
    "random",
    ...promptArgs(workload),
    ...load.args,
    "--num-prompts",
    String(load.numPrompts),
    "--seed",
    "0",
    "--percentile-metrics",
    "ttft,tpot,itl,e2el",
    "--metric-percentiles",
    "50,95,99",
    "--ready-check-timeout-sec",
    String(input.readyTimeoutSeconds),
  ];
}

/**
 * The Job's name carries a hash of everything its pod template is made of — the client's arguments,
 * the image as pulled, the price, where it publishes: a Job's template cannot change in place, and
 * pulumi-kubernetes replaces a Job whose template changed (provider/pkg/provider/diff.go); under the
 * same name it would delete the old one first without awaiting the delete (skipAwait, await.go), and
 * the create could meet the old object still being torn down. A new name is create-then-delete, and
 * each deploy that changes what is served is measured once; re-running `up` keeps the Job.
 */
export function benchmarkJobName(serverName: string, args: readonly string[], pod: unknown = null): string {
  return `${serverName}-bench-${createHash("sha256").update(args.join("\0")).update(JSON.stringify(pod)).digest("hex").slice(0, 10)}`;
}

/** The labels of the benchmark's pods (the PodMonitor selects them). */
export const benchmarkLabels = (serverName: string) => ({
  "app.kubernetes.io/name": "vllm-benchmark",
  "app.kubernetes.io/instance": serverName,
});

export function benchmarkConfigMap(input: Pick<BenchmarkJobInput, "name" | "namespace">): Json {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${input.name}-benchmark-script`, namespace: input.namespace, labels: benchmarkLabels(input.name) },
    data: { [BENCHMARK_SCRIPT_KEY]: BENCHMARK_SCRIPT },
  };
}

/** The PodMonitor that scrapes the benchmark's gauges while run-benchmark.py serves them. */
export function benchmarkPodMonitor(input: Pick<BenchmarkJobInput, "name" | "namespace">, selectedBy: Record<string, string>): Json {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: `${input.name}-benchmark`, namespace: input.namespace, labels: selectedBy },
    spec: {
      selector: { matchLabels: benchmarkLabels(input.name) },
      podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
    },
  };
}

export function benchmarkJob(input: BenchmarkJobInput): Json {
  const args = benchmarkArgs(input);
  const labels = benchmarkLabels(input.name);
  const jobName = benchmarkJobName(input.name, args, {
    image: input.image,
    hourlyUsd: input.hourlyUsd,
    s3: input.s3,
    metricsSeconds: input.metricsSeconds,
    hfTokenSet: input.hfTokenSet,
    nodeSelector: input.nodeSelector,
    readyTimeoutSeconds: input.readyTimeoutSeconds,
  });
  const { workload } = input;
  const env: Json[] = [
    { name: "OPENAI_API_KEY", valueFrom: { secretKeyRef: { name: input.secretName, key: SECRET_KEYS.apiKey } } },
    // The vLLM image sets NVIDIA_VISIBLE_DEVICES=all; the client needs no GPU (NVIDIA Container Toolkit: `void` shows none).
    { name: "NVIDIA_VISIBLE_DEVICES", value: "void" },
    { name: "HOME", value: `${WORK_MOUNT}/home` },
    { name: "HF_HOME", value: `${WORK_MOUNT}/huggingface` },
    { name: "HF_HUB_DISABLE_TELEMETRY", value: "1" },
    // What run-benchmark.py publishes beside vLLM's result.
    { name: "LLM_STACK_JOB", value: jobName },
    { name: "LLM_STACK_HOURLY_USD", value: String(input.hourlyUsd) },
    { name: "LLM_STACK_PLAN", value: JSON.stringify({ model: input.plan.model, repo: input.plan.repo }) },
    {
      name: "LLM_STACK_WORKLOAD",
      value: JSON.stringify({
        inputTokens: workload.inputTokens,
        outputTokens: workload.outputTokens,
        load: workload.load,
        prefixCacheHit: workload.prefixCacheHit,
      }),
    },
    { name: "LLM_STACK_METRICS_PORT", value: String(BENCHMARK_METRICS_PORT) },
    { name: "LLM_STACK_METRICS_SECONDS", value: String(input.metricsSeconds) },
    ...(input.s3
      ? [
          ...awsRegionEnv(input.s3.region),
          { name: "LLM_STACK_BUCKET", value: input.s3.bucket },
          { name: "LLM_STACK_KEY", value: `${BENCHMARK_PREFIX}${jobName}.json` },
        ]
      : []),
  ];
  const mounts: Json[] = [
    { name: "work", mountPath: WORK_MOUNT },
    { name: "script", mountPath: SCRIPT_MOUNT, readOnly: true },
  ];
  const volumes: Json[] = [
    { name: "work", emptyDir: { sizeLimit: "2Gi" } },
    { name: "script", configMap: { name: `${input.name}-benchmark-script`, defaultMode: 0o444 } },
  ];
  if (input.hfTokenSet) {
    const token = hfTokenFile(input.secretName, SECRET_KEYS.hfToken);
    env.push(token.env);
    mounts.push(token.mount);
    volumes.push(token.volume);
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName,
      namespace: input.namespace,
      labels,
      annotations: {
        // `pulumi up` does not wait for the measurement (pulumi-kubernetes provider/pkg/await: skipAwait):
        // a benchmark that runs for minutes, or fails, never holds or fails the deploy; its log is the result.
        "pulumi.com/skipAwait": "true",
      },
    },
    spec: {
      // One attempt: a retry would measure a server already warmed by the failed run.
      backoffLimit: 0,
      activeDeadlineSeconds: input.readyTimeoutSeconds + 2 * OPEN_LOOP_SECONDS + 600 + input.metricsSeconds,
      template: {
        // The NetworkPolicy admits the server's clients by this label.
        metadata: { labels: { ...labels, [CLIENT_LABEL]: "true" } },
        spec: {
          // Its own identity: with the S3 path, Pod Identity lets it write benchmarks/ and nothing else.
          ...(input.s3 ? { serviceAccountName: benchmarkServiceAccountName(input.name) } : {}),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          restartPolicy: "Never",
          securityContext: restrictedPodSecurity(VLLM_UID),
          // Off the GPU nodes: the client's tokenization and HTTP would take CPU the server's API process needs.
          nodeSelector: input.nodeSelector,
          containers: [
            {
              name: "bench",
              image: input.image,
              // The image's ENTRYPOINT is `vllm serve`; the client is `vllm bench serve`, run by the publishing script.
              command: ["python3", `${SCRIPT_MOUNT}/${BENCHMARK_SCRIPT_KEY}`, `${WORK_MOUNT}/results`, "--", "vllm"],
              args,
              ports: [{ name: "metrics", containerPort: BENCHMARK_METRICS_PORT }],
              env,
              resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "4Gi" } },
              volumeMounts: mounts,
              securityContext: restrictedContainerSecurity(),
            },
          ],
          volumes,
        },
      },
    },
  };
}
