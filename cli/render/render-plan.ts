/** Human-readable rendering of a plan: a summary table, a per-GPU memory bar and the reasons. */
import { type StackFileConfig } from "../../infra/settings/stack-file";
import { costRange, usd } from "./format";
import { GPUS, INSTANCES, priceCaveats } from "../../infra/catalog";
import { blockTermsOf, capacityOptionRows, dearestOption, describeBlock, renderCapacityOptionsText } from "./capacity-options";
import { type DeploymentPlan } from "../../infra/plan";
import { renderMemoryBar } from "./memory-bar";
import { describeTimeToReady } from "./time-to-ready-text";
import { describeWeightsDownload } from "./weights-download-text";
import { type StackSettings } from "../../infra/settings";
import { UNCACHEABLE_REGISTRIES } from "../../infra/catalog/registries";

export function renderPlan(plan: DeploymentPlan): string {
  const instance = INSTANCES[plan.instanceType];
  const rows: Array<[string, string]> = [
    ["model", `${plan.model} (${plan.variant}: ${plan.repo})`],
    ["quantization", plan.quantization],
    ["nodes", `${plan.nodes} × ${plan.instanceType} (${instance.gpuCount} × ${GPUS[plan.gpu].displayName} each) in ${plan.region}`],
    [
      "replicas",
      `${plan.replicas} × ${plan.gpusPerReplica} GPU${plan.gpusPerReplica > 1 ? "s" : ""} (TP ${plan.tensorParallelSize} × PP ${plan.pipelineParallelSize}, ${plan.nodesPerReplica} node${plan.nodesPerReplica > 1 ? "s" : ""} per replica)`,
    ],
    ["idle GPUs", String(plan.idleGpus)],
    ["max model len", `${plan.maxModelLen.toLocaleString("en-US")} tokens`],
    [
      "KV cache",
      `${plan.kvCacheTokens.toLocaleString("en-US")} tokens per replica (${plan.kvCacheDtype}); ${plan.maxConcurrentFullContext} full-context sequences`,
    ],
    ["memory util", plan.gpuMemoryUtilization.toFixed(2)],
    [
      "cost",
      `${usd(plan.cost.hourlyUsd)}/h, ${usd(plan.cost.monthlyUsd)}/month (${plan.cost.hoursPerMonth} h; ${plan.cost.capacityType ?? "on-demand"} prices of ${plan.cost.priceTableDate}${priceCaveats(
        [{ instanceType: plan.instanceType, capacityType: plan.cost.capacityType ?? "on-demand" }],
        plan.region,
      )
        .map((caveat) => `; ${caveat}`)
        .join("")})`,
    ],
    ["weights", describeWeightsDownload(plan)],
    ["time to ready", describeTimeToReady(plan)],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  return [
    ...rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`),
    "",
    "memory per GPU",
    ...renderMemoryBar(plan.memory.perGpuGiB).map((line) => `  ${line}`),
    "",
    "why",
    ...plan.reasons.map((reason) => `  - ${reason}`),
    "",
    "vllm args",
    ...plan.vllmArgs.map((arg) => `  ${arg}`),
    "",
  ].join("\n");
}

/** What `plan --stack` adds: the whole stack's cost, the budget it is compared with, and operator values taken as set. */
export function renderStackSettings(
  stack: string,
  settings: StackSettings,
  missing: readonly string[],
  file: Pick<StackFileConfig, "region" | "regionFrom" | "environments">,
): string {
  const { cost } = settings;
  const options = capacityOptionRows(settings);
  const dearest = dearestOption(options);
  const budget =
    settings.maxHourlyUsd === null
      ? "no maxHourlyUsd set"
      : options.length > 1
        ? `maxHourlyUsd ${usd(settings.maxHourlyUsd)}/h, compared with every capacity option at maximum node-group size, the dearest option ${dearest.option}'s ${usd(dearest.maxHourlyUsd)}/h: within budget`
        : `maxHourlyUsd ${usd(settings.maxHourlyUsd)}/h, compared with the stack's ${usd(cost.maxHourlyUsd)}/h at maximum node-group size: within budget`;
  const block = blockTermsOf(settings);
  const lines = [
    `stack ${stack} (validated as \`pulumi up\` would)`,
    `  cluster        ${settings.cluster.mode}${settings.cluster.mode === "create" ? `, endpoint ${settings.cluster.endpoint.access}` : ""}; capacity ${settings.capacity.type}`,
    `  stack cost     ${usd(cost.hourlyUsd)}/h, ${usd(cost.monthlyUsd)}/month: what the stack costs (${cost.lineItems.map((l) => `${l.quantity} × ${l.item}`).join(" + ") || "nothing it creates: the cluster and its GPU nodes are the kubeconfig's"}); the plan's cost above is its GPU nodes alone`,
    `  images         ${describeImages(settings.images)}`,
    ...cost.caveats.map((caveat) => `  prices         ${caveat}`),
    ...(block ? [`  capacity block ${describeBlock(block)}`] : []),
    ...renderCapacityOptionsText(options),
  ];
  const scaling = settings.modelSet ? null : settings.autoscaling;
  if (settings.modelSet?.models.some((model) => model.autoscaling !== null)) {
    lines.push(
      `  autoscaling    ${settings.modelSet.models
        .filter((model) => model.autoscaling !== null)
        .map(
          (model) =>
            `${model.name} ${model.autoscaling!.minReplicas}–${model.autoscaling!.maxReplicas} replicas (${model.autoscaling!.minNodes}–${model.autoscaling!.maxNodes} × ${model.plan.instanceType})${model.autoscaling!.minReplicas === 0 ? ", from zero: its endpoint picker holds a request while it wakes" : ""}`,
        )
        .join("; ")} (KEDA; Cluster Autoscaler)`,
      `  cost range     ${costRange(cost)}`,
    );
  }
  if (scaling && !settings.modelSet) {
    lines.push(
      `  autoscaling    ${scaling.minReplicas}–${scaling.maxReplicas} replicas on vLLM's queue (KEDA), ${scaling.minNodes}–${scaling.maxNodes} × ${settings.plan.instanceType} (Cluster Autoscaler)${scaling.minReplicas === 0 ? "; at zero it sits behind the inference gateway, whose endpoint picker holds a request while it wakes" : ""}`,
      `  cost range     ${costRange(cost)}`,
    );
  }
  lines.push(`  budget         ${budget}`);
  if (file.regionFrom !== "aws:region")
    lines.push(`  region         aws:region is not set: ${String(file.region)} from ${file.regionFrom}, as the AWS provider would read it`);
  if (file.environments.length > 0)
    lines.push(
      `  environment    imports Pulumi ESC ${file.environments.join(", ")}: the values it supplies are unknown offline; planned without them (\`pulumi config\` shows them resolved)`,
    );
  if (missing.length > 0)
    lines.push(
      `  not set yet    ${missing.join(", ")}: each operator adds ${missing.length === 1 ? "it" : "them"} before \`pulumi up\` (taken as set here)`,
    );
  return `${lines.join("\n")}\n`;
}

function describeImages(images: StackSettings["images"]): string {
  if (images.source === "upstream") return "pulled from each image's own registry (imageSource upstream)";
  const logins = [images.dockerHub ? "Docker Hub" : null, images.github ? "GHCR" : null].filter((l) => l !== null);
  return `through the stack's ECR pull-through cache in its region${logins.length > 0 ? ` (${logins.join(" and ")} with the operator's login)` : ""}; ${Object.keys(UNCACHEABLE_REGISTRIES).join(", ")} directly (ECR cannot cache it)`;
}
