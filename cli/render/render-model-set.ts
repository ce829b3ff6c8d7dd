/**
 * A set of models as `plan --stack` and `cost` show it: each model (the name clients send, its plan,
 * its node group, its share of the bill and its $/M at its workload), the packing of the set onto
 * node groups with its idle GPUs priced, and the total.
 */
import { HOURS_PER_MONTH } from "../../infra/catalog";
import { type ModelSet, type ServedModel } from "../../infra/settings/model-set";
import { type ModelSetRow } from "../cost/set-rows";
import { textTable, usd } from "./format";

const replicasText = (model: ServedModel): string =>
  model.autoscaling
    ? `${model.autoscaling.minReplicas}–${model.autoscaling.maxReplicas} (${model.plan.replicas} expected)`
    : String(model.plan.replicas);

export function renderModelSet(set: ModelSet, rows: readonly ModelSetRow[]): string {
  const table = textTable([
    ["name (the request's model)", "model", "quant", "TP×PP", "context", "replicas", "node group", "$/h", "$/month", "$/M output"],
    ...rows.map(({ model, hourlyUsd, monthlyUsd, economics, workloadDeclared }) => [
      model.name,
      model.plan.model,
      model.plan.quantization,
      `${model.plan.tensorParallelSize}×${model.plan.pipelineParallelSize}`,
      model.plan.maxModelLen.toLocaleString("en-US"),
      replicasText(model),
      `${model.nodeGroup} (${model.plan.instanceType})`,
      usd(hourlyUsd),
      usd(monthlyUsd),
      `${usd(economics.usdPerMillionOutputTokens)}${workloadDeclared ? "" : "*"}`,
    ]),
  ]);
  const { packing } = set;
  const groups = textTable([
    ["node group", "nodes", "models", "GPUs used", "idle", "$/h"],
    ...packing.nodeGroups.map((group) => [
      group.name,
      `${group.nodes} × ${group.instanceType}`,
      group.models.join(", "),
      `${group.usedGpus} of ${group.usedGpus + group.idleGpus}`,
      group.idleGpus > 0 ? `${group.idleGpus} (${usd(group.idleHourlyUsd)}/h)` : "0",
      usd(group.hourlyUsd),
    ]),
  ]);
  const anyDefault = rows.some((row) => !row.workloadDeclared);
  return [
    `model set: ${set.models.length} models behind one endpoint (the inference gateway routes each request to the InferencePool of its \`model\`)`,
    ...table.map((line) => `  ${line}`),
    ...(anyDefault ? ["  * at vllm bench serve's default lengths and no load: the entry declares no workload (nor does the stack)"] : []),
    "",
    "packing (whole models per node, cheapest node groups; checked against every partition of the set)",
    ...groups.map((line) => `  ${line}`),
    `  GPU nodes ${usd(packing.hourlyUsd)}/h (${usd(packing.hourlyUsd * HOURS_PER_MONTH)}/month), of which idle GPUs ${usd(packing.idleHourlyUsd)}/h`,
    "",
    "why",
    ...packing.reasons.map((reason) => `  - ${reason}`),
    "",
  ].join("\n");
}

/** The `plan --stack --json` and `cost --json` shape of a set. */
export function modelSetJson(set: ModelSet, rows: readonly ModelSetRow[]) {
  return {
    models: rows.map(({ model, hourlyUsd, monthlyUsd, performance, economics }) => ({
      name: model.name,
      nodeGroup: model.nodeGroup,
      autoscaling: model.autoscaling,
      hourlyUsd,
      monthlyUsd,
      plan: model.plan,
      performance: { ...performance, economics },
    })),
    packing: set.packing,
  };
}
