/**
 * A set's models as the plan, the cost report and the PR comment price them: each model's share of
 * its nodes (its GPUs' part of their price; the set's idle GPUs are the set's), and its performance
 * and $/M at its own workload (its entry's, else the stack's, else vllm bench serve's defaults).
 */
import { HOURS_PER_MONTH } from "../../infra/catalog";
import { economicsAtShare, performanceFor, withinReplicas, type Performance, type WorkloadEconomics } from "../../infra/plan/performance";
import { resolveWorkload, type Workload } from "../../infra/plan/workload";
import { type ModelSet, type ServedModel } from "../../infra/settings/model-set";

export interface ModelSetRow {
  model: ServedModel;
  /** Its GPUs' share of its nodes' price; a set's idle GPUs are the set's, not a model's. */
  hourlyUsd: number;
  monthlyUsd: number;
  performance: Performance;
  economics: WorkloadEconomics;
  /** Whether the model's traffic is declared (its entry's or the stack's `workload`) rather than vllm bench serve's defaults. */
  workloadDeclared: boolean;
}

/** Each model's share of the bill and its performance and $/M at its own workload (or the stack's, or the defaults). */
export function modelSetRows(set: ModelSet, override: Workload | null = null): ModelSetRow[] {
  return set.models.map((model) => {
    const hourlyUsd = set.packing.perModel[model.name]?.hourlyUsd ?? model.plan.cost.hourlyUsd;
    const workload = override ?? model.workload ?? resolveWorkload({});
    const performance = withinReplicas(performanceFor(model.plan, workload), model.autoscaling?.maxReplicas ?? model.plan.replicas);
    return {
      model,
      hourlyUsd,
      monthlyUsd: hourlyUsd * HOURS_PER_MONTH,
      performance,
      economics: economicsAtShare(model.plan, performance, hourlyUsd),
      workloadDeclared: override !== null || model.workload !== null,
    };
  });
}
