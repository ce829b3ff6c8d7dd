/** Tables of the catalog: `llm-stack models` and the README's default-plan table. */
import { MODEL_IDS, MODELS } from "../../infra/catalog";
import { countParameters, InfeasiblePlanError, planDeployment } from "../../infra/plan";
import { textTable } from "./format";

const billions = (value: number): string => `${(value / 1e9).toFixed(1)}B`;

export function renderModelsList(): string {
  const header = ["id", "params (total / active)", "max context", "license", "variants"];
  const rows = MODEL_IDS.map((id) => {
    const model = MODELS[id];
    const params = countParameters(model.architecture);
    return [
      id,
      `${billions(params.total)} / ${billions(params.active)}`,
      model.architecture.maxContextTokens.toLocaleString("en-US"),
      `${model.license}${model.gated ? " (gated)" : ""}`,
      model.variants.map((v) => `${v.id}`).join(", "),
    ];
  });
  return textTable([header, ...rows]).join("\n") + "\n";
}

/** Markdown table of every model's default plan on H100 (the README embeds it; a test compares). */
export function renderDefaultPlansMarkdown(): string {
  const lines = [
    "| model | variant | instance | GPUs (TP × PP) | max context | KV tokens / replica | weights / GPU (GiB) | $/hour | $/month |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const id of MODEL_IDS) {
    try {
      const plan = planDeployment({ model: id }, { suggestAlternatives: false });
      lines.push(
        `| ${id} | ${plan.variant} | ${plan.nodes} × ${plan.instanceType} | ${plan.gpusPerReplica} (${plan.tensorParallelSize} × ${plan.pipelineParallelSize}) | ${plan.maxModelLen} | ${plan.kvCacheTokens} | ${plan.memory.perGpuGiB.weights.toFixed(1)} | ${plan.cost.hourlyUsd.toFixed(2)} | ${plan.cost.monthlyUsd.toFixed(2)} |`,
      );
    } catch (error) {
      if (!(error instanceof InfeasiblePlanError)) throw error;
      lines.push(`| ${id} | — | infeasible: ${error.reason.replace(/\|/g, "/")} | | | | | | |`);
    }
  }
  return lines.join("\n") + "\n";
}
