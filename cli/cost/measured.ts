/**
 * Planned vs measured: a stack's last `vllm bench serve` run, committed beside it as
 * `measurements/<stack>.txt`, next to what the performance model predicts for the same plan at
 * that run's own lengths and load (so the two are comparable, whatever the declared workload).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DeploymentPlan } from "../../infra/plan";
import { performanceFor } from "../../infra/plan/performance";
import { resolveWorkload } from "../../infra/plan/workload";
import { parseBenchServe } from "../measure/bench-serve";

/** Where a stack's last measurement lives, relative to the project. */
export const measurementPath = (stack: string) => join("measurements", `${stack}.txt`);

export interface PlannedVsMeasured {
  file: string;
  load: string;
  inputTokens: number;
  outputTokens: number;
  outputTokensPerSecond: { planned: number; measured: number };
  ttftMsMedian: { planned: number; measured: number | null };
  itlMsMedian: { planned: number; measured: number | null };
}

/** The comparison for a stack, or null when it has no measurement file; a file that is not a bench output is an error. */
export function plannedVsMeasured(directory: string, stack: string, plan: DeploymentPlan): PlannedVsMeasured | null {
  const file = measurementPath(stack);
  if (!existsSync(join(directory, file))) return null;
  const run = parseBenchServe(readFileSync(join(directory, file), "utf8"));
  const inputTokens = Math.round(run.totalInputTokens / run.requests);
  const outputTokens = Math.round(run.totalOutputTokens / run.requests);
  const load =
    run.maxConcurrency !== null
      ? { concurrentRequests: run.maxConcurrency }
      : run.requestRate !== null
        ? { requestsPerSecond: run.requestRate }
        : { concurrentRequests: run.requests };
  const predicted = performanceFor(plan, resolveWorkload({ inputTokens, outputTokens, ...load }));
  // The run drives the whole endpoint: every replica the plan runs shares its load.
  const replicas = Math.max(plan.replicas, predicted.replicasNeeded);
  return {
    file,
    load: "concurrentRequests" in load ? `${load.concurrentRequests} concurrent requests` : `${load.requestsPerSecond} requests/s`,
    inputTokens,
    outputTokens,
    outputTokensPerSecond: {
      planned: Math.round(predicted.atLoad.outputTokensPerSecondPerReplica * replicas),
      measured: run.outputTokensPerSecond,
    },
    ttftMsMedian: { planned: predicted.atLoad.ttftMs.p50, measured: run.ttftMs.median },
    itlMsMedian: { planned: predicted.atLoad.itlMs.p50, measured: run.itlMs.median },
  };
}
