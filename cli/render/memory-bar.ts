/** The per-GPU memory bar the plan and cost outputs share. */
import { type DeploymentPlan } from "../../infra/plan";

const BAR_WIDTH = 60;

/**
 * One GPU's memory as a bar: █ weights | ▓ activations and overhead | ░ KV cache | · outside the
 * gpu-memory-utilization budget.
 */
export function renderMemoryBar(perGpuGiB: DeploymentPlan["memory"]["perGpuGiB"]): string[] {
  const { capacity, weights, activationAndOverhead, kvCache, budget } = perGpuGiB;
  const cells = (gib: number) => Math.max(0, Math.round((gib / capacity) * BAR_WIDTH));
  const w = cells(weights);
  const o = cells(activationAndOverhead);
  const k = Math.max(0, cells(budget) - w - o);
  const free = Math.max(0, BAR_WIDTH - w - o - k);
  return [
    `[${"█".repeat(w)}${"▓".repeat(o)}${"░".repeat(k)}${"·".repeat(free)}]`,
    ` █ weights ${weights.toFixed(1)} GiB | ▓ overhead ${activationAndOverhead.toFixed(1)} GiB | ░ KV ${kvCache.toFixed(1)} GiB | · free ${(capacity - budget).toFixed(1)} GiB of ${capacity.toFixed(1)} GiB`,
  ];
}
