/**
 * Time to ready, as text: one line per plan for `plan` and the cost preview, and the comparison of
 * the two weight paths for four reference models (`npm run bench`, the README).
 */
import {
  checkpointBytes,
  planDeployment,
  startupBudget,
  timeToReady,
  type DeploymentPlan,
  type PlanRequest,
  type TimeToReady,
  type WeightsSource,
} from "../../infra/plan";

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

export function describeTimeToReady(plan: DeploymentPlan): string {
  const ready = plan.timeToReady;
  const steps = ready.steps
    .map((s) => `${s.step} ${s.seconds} s${s.slowSeconds === undefined ? "" : `, up to ${s.slowSeconds} s`}`)
    .join(" + ");
  const perNode = plan.nodesPerReplica > 1 ? ", each node of a replica in parallel" : "";
  const fill =
    ready.cacheFillSeconds === null ? "" : `; the first deploy of a model revision adds the copy Job's ${minutes(ready.cacheFillSeconds)}`;
  return `${minutes(ready.totalSeconds)} from node launch (${steps}${perNode}); ${minutes(ready.slowTotalSeconds)} if the GPU node boots as slowly as assumed possible (no P5 boot time is published); the startup probe allows ${startupBudget(plan).totalSeconds} s for weights and engine start${fill}`;
}

/** The four models the README compares, at their default plans. */
export const TIME_TO_READY_COMPARISON: ReadonlyArray<{ label: string; request: PlanRequest }> = [
  { label: "Llama 3.1 8B", request: { model: "llama-3.1-8b-instruct" } },
  { label: "Llama 3.3 70B FP8", request: { model: "llama-3.3-70b-instruct", quantization: "fp8" } },
  { label: "Llama 4 Scout", request: { model: "llama-4-scout-17b-16e-instruct" } },
  { label: "Llama 3.1 405B FP8", request: { model: "llama-3.1-405b-instruct", quantization: "fp8" } },
];

export interface TimeToReadyRow {
  label: string;
  plan: DeploymentPlan;
  byPath: Record<WeightsSource, TimeToReady>;
}

export function timeToReadyComparison(): TimeToReadyRow[] {
  return TIME_TO_READY_COMPARISON.map(({ label, request }) => {
    const plan = planDeployment(request, { suggestAlternatives: false });
    return { label, plan, byPath: { s3: timeToReady(plan, "s3"), huggingface: timeToReady(plan, "huggingface") } };
  });
}

const weightsSeconds = (ready: TimeToReady): number =>
  ready.steps.filter((s) => s.step.startsWith("weights")).reduce((t, s) => t + s.seconds, 0);

/**
 * A Markdown table: per model and path, the weights step (the Hugging Face path's download and
 * load), the time from a new node's launch, and a pod restart on a node that is already up (no boot,
 * image cached); and the S3 path's one-time copy.
 */
export function renderTimeToReadyComparison(rows: readonly TimeToReadyRow[]): string {
  const lines = [
    "| model | plan | checkpoint (GB) | S3 + streamer: weights · new node · pod restart | Hugging Face via NAT: weights · new node · pod restart | S3 cache fill (once per revision) |",
    "|---|---|---|---|---|---|",
  ];
  for (const { label, plan, byPath } of rows) {
    const shape = `${plan.variant}, ${plan.nodes} × ${plan.instanceType}, TP ${plan.tensorParallelSize}`;
    const cell = (ready: TimeToReady) => `${weightsSeconds(ready)} s · ${minutes(ready.totalSeconds)} · ${minutes(ready.podStartSeconds)}`;
    lines.push(
      `| ${label} | ${shape} | ${(checkpointBytes(plan) / 1e9).toFixed(1)} | ${cell(byPath.s3)} | ${cell(byPath.huggingface)} | ${minutes(byPath.s3.cacheFillSeconds ?? 0)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
