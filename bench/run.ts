/**
 * `npm run bench`: (1) time to plan the whole catalog across quantizations, contexts and GPUs;
 * (2) the offline preview (`llm-stack cost`) time per committed stack; (3) the accuracy table: the
 * planner's figures next to published measurements, with the ratio, and the performance model's
 * signed and absolute error per engine, family and GPU with leave-one-family-out. Medians of several runs; speed
 * goals are judged here, never in tests. (4) The time-to-ready comparison of the two weight paths.
 * (5) The published bin as whole processes — wall and CPU time, median of several runs — next to
 * `node -e ''` measured in the same run, against the targets. It runs compiled (`npm run bench`
 * builds first), so the previews load the program as the bin does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MODEL_IDS, MODELS } from "../infra/catalog";
import { PROJECT_ROOT } from "../infra/project-root";
import { workingTreeStacks } from "../cli/cost/stack-files";
import { evaluateStack } from "../cli/cost/stack-report";
import { accuracyRows, InfeasiblePlanError, planDeployment, type PlanRequest } from "../infra/plan";
import { SERVING_MEASUREMENTS, type ServingMeasurement } from "../infra/catalog/serving-measurements";
import { accuracyOf, fitCalibration, isThroughput, leaveOneFamilyOut, summarise, type ErrorSummary } from "../infra/plan/performance";
import { renderTimeToReadyComparison, timeToReadyComparison } from "../cli/render/time-to-ready-text";

const SWEEPS = 7;
const requests: PlanRequest[] = [];
for (const model of MODEL_IDS) {
  const max = MODELS[model].architecture.maxContextTokens;
  const quantizations = ["auto", ...new Set(MODELS[model].variants.map((v) => v.quantization))] as const;
  for (const quantization of quantizations) {
    for (const maxModelLen of [4096, 8192, 32768, 131072, max].filter((len, i, all) => len <= max && all.indexOf(len) === i)) {
      for (const gpu of ["h100", "h200"] as const) requests.push({ model, quantization, maxModelLen, gpu });
    }
  }
}

function sweep(): { feasible: number; infeasible: number } {
  let feasible = 0;
  let infeasible = 0;
  for (const request of requests) {
    try {
      planDeployment(request);
      feasible++;
    } catch (error) {
      if (!(error instanceof InfeasiblePlanError)) throw error;
      infeasible++;
    }
  }
  return { feasible, infeasible };
}

const timings: number[] = [];
let counts = { feasible: 0, infeasible: 0 };
for (let i = 0; i < SWEEPS; i++) {
  process.stderr.write(`\rplanning the catalog: sweep ${i + 1} of ${SWEEPS}…`);
  const start = process.hrtime.bigint();
  counts = sweep();
  timings.push(Number(process.hrtime.bigint() - start) / 1e6);
}
process.stderr.write("\n");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const sweepMedian = median(timings);
timings.sort((a, b) => a - b);
console.log(
  `plan the catalog: ${requests.length} requests (${counts.feasible} feasible, ${counts.infeasible} infeasible with alternatives)`,
);
console.log(
  `  median of ${SWEEPS} sweeps: ${sweepMedian.toFixed(1)} ms (${((sweepMedian / requests.length) * 1000).toFixed(0)} µs per plan); min ${timings[0]?.toFixed(1)} ms, max ${timings[timings.length - 1]?.toFixed(1)} ms`,
);
console.log(`  heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);

const PREVIEW_RUNS = 5;

async function benchPreviews(): Promise<void> {
  const root = PROJECT_ROOT;
  // The first run pays for loading the AWS and Kubernetes SDKs; it is reported apart.
  const warmStart = process.hrtime.bigint();
  await evaluateStack("dev", readFileSync(join(root, "Pulumi.dev.yaml"), "utf8"), { freshRun: true });
  console.log(
    `offline preview (program under mocks + policy pack + pricing), ${PREVIEW_RUNS} runs per stack after a first, cold run of ${(Number(process.hrtime.bigint() - warmStart) / 1e6).toFixed(0)} ms:`,
  );
  for (const file of workingTreeStacks(root)) {
    const runs: number[] = [];
    let resources = 0;
    for (let i = 0; i < PREVIEW_RUNS; i++) {
      process.stderr.write(`\r  ${file.stack}: run ${i + 1} of ${PREVIEW_RUNS}…`);
      const start = process.hrtime.bigint();
      const report = await evaluateStack(file.stack, file.text, { freshRun: true });
      runs.push(Number(process.hrtime.bigint() - start) / 1e6);
      resources = report.instances.length;
    }
    process.stderr.write("\r");
    console.log(
      `  ${file.stack.padEnd(10)} median ${median(runs).toFixed(0)} ms (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)}; ${resources} node groups priced)`,
    );
  }
}

function printAccuracy(): void {
  console.log("accuracy: the planner vs published measurements (ratio = planner / published)");
  const rows = accuracyRows();
  const width = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) {
    console.log(
      `  ${r.id.padEnd(width)}  ${r.quantity.padEnd(66)} published ${String(r.published).padStart(9)}  planner ${String(r.planned).padStart(9)}  ratio ${r.ratio.toFixed(3)}`,
    );
    console.log(`  ${"".padEnd(width)}  ${r.note}; ${r.source}`);
  }
}

/** The step model against every published measurement: per engine, family and GPU, then leave-one-family-out. */
function printPerformanceAccuracy(): void {
  const all = accuracyOf(SERVING_MEASUREMENTS);
  const comparable = all.filter((r) => r.measurement.notComparable === undefined);
  const pct = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;
  const table = (title: string, summaries: ErrorSummary[]) => {
    console.log(`  ${title}`);
    for (const s of summaries)
      console.log(
        `    ${s.group.padEnd(58)} ${String(s.rows).padStart(4)} rows  median signed ${pct(s.medianSignedError).padStart(7)}  median |error| ${pct(s.medianAbsoluteError).padStart(7)}`,
      );
  };
  const kind = (m: ServingMeasurement) => (isThroughput(m) ? "throughput" : "latency");
  console.log("performance model vs published measurements (error = predicted / measured − 1), comparable rows:");
  table(
    "per engine and metric",
    summarise(comparable, (m) => `${m.engine} ${kind(m)}`),
  );
  table(
    "per model family, GPU and engine",
    summarise(comparable, (m) => `${m.model} ${m.gpu} ${m.engine}`),
  );
  table("leave-one-family-out (fitted without the family)", leaveOneFamilyOut());
  const excluded = all.filter((r) => r.measurement.notComparable !== undefined);
  console.log(`  not comparable to the pinned release (${excluded.length} rows, printed, not fitted):`);
  for (const r of excluded) console.log(`    ${pct(r.error).padStart(8)}  ${r.measurement.id}`);
  const refit = fitCalibration(SERVING_MEASUREMENTS);
  console.log(
    `  refit (commit into CALIBRATION when the dataset changes): ${JSON.stringify(refit, (_, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(3)) : v))}`,
  );
}

/** Time to ready on both weight paths for the README's four models (infra/plan/time-to-ready.ts, rates in infra/catalog/startup-rates.ts). */
function printTimeToReady(): void {
  console.log("time to ready: S3 model cache + Run:ai streamer vs Hugging Face through the NAT gateway (estimates from published rates)");
  process.stdout.write(renderTimeToReadyComparison(timeToReadyComparison()));
}

const PROCESS_RUNS = 5;

/** Wall and CPU milliseconds of one whole process (CPU as bench/cpu-report.js reports it). */
function timeProcess(args: string[], cwd: string): { wallMs: number; cpuMs: number; status: number | null } {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", join(PROJECT_ROOT, "bench", "cpu-report.js"), ...args], { cwd, encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = /__llm_stack_cpu_ms=([\d.]+)/.exec(run.stderr ?? "");
  return { wallMs, cpuMs: cpu ? Number(cpu[1]) : Number.NaN, status: run.status };
}

/** The bin as users start it, with its targets (issue 22): plan ≤ 0.3 s CPU, cost ≤ 1 s. */
function benchProcesses(): void {
  const root = PROJECT_ROOT;
  if (!existsSync(join(root, "dist", "cli", "main.js"))) {
    console.log("whole processes: skipped — no build under dist/ (npm run build)");
    return;
  }
  const commands: Array<{ label: string; args: string[]; target: string }> = [
    { label: "node -e ''", args: ["-e", ""], target: "baseline" },
    { label: "llm-stack plan --stack dev", args: ["bin/llm-stack.js", "plan", "--stack", "dev"], target: "≤ 300 ms CPU" },
    { label: "llm-stack models", args: ["bin/llm-stack.js", "models"], target: "≤ 300 ms CPU" },
    { label: "llm-stack cost --stack dev", args: ["bin/llm-stack.js", "cost", "--stack", "dev"], target: "≤ 1000 ms wall" },
    ...["chat", "rag", "batch"].map((name) => ({
      label: `llm-stack compare ${name}`,
      args: ["bin/llm-stack.js", "compare", "--workload", `workloads/${name}.json`],
      target: "< 1000 ms wall (issue 23)",
    })),
  ];
  console.log(`whole processes (compiled bin), median of ${PROCESS_RUNS} runs:`);
  let baseline = 0;
  for (const { label, args, target } of commands) {
    const runs = Array.from({ length: PROCESS_RUNS }, () => timeProcess(args, root));
    const wall = median(runs.map((r) => r.wallMs));
    const cpu = median(runs.map((r) => r.cpuMs));
    if (target === "baseline") baseline = wall;
    const ratio = target === "baseline" ? "" : `, ${(wall / baseline).toFixed(1)}× the baseline`;
    console.log(
      `  ${label.padEnd(28)} wall ${wall.toFixed(0).padStart(5)} ms (min ${Math.min(...runs.map((r) => r.wallMs)).toFixed(0)}, max ${Math.max(...runs.map((r) => r.wallMs)).toFixed(0)}), CPU ${cpu.toFixed(0).padStart(5)} ms${ratio}; target ${target}`,
    );
  }
}

printAccuracy();
printPerformanceAccuracy();
printTimeToReady();
benchProcesses();
void benchPreviews();
