/**
 * llm-stack-observability-vllm-metrics (mandatory): an autoscaler, alert or recording rule reads
 * only `vllm:` series the pinned vLLM emits (infra/catalog/vllm-metrics.ts). A query on a removed
 * metric (e.g. vllm:gpu_cache_usage_perc, removed in PR #29330) returns nothing: the autoscaler
 * never scales and the alert never fires, silently. Reads KEDA ScaledObjects' prometheus triggers
 * and PrometheusRules' expressions.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { REMOVED_VLLM_METRICS, VLLM_RELEASE, unknownVllmSeries } from "../infra/catalog";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

interface Query {
  where: string;
  promql: string;
}

function queriesOf(type: string, props: Record<string, any>): Query[] {
  if (type === "kubernetes:keda.sh/v1alpha1:ScaledObject") {
    return (props.spec?.triggers ?? [])
      .filter((t: any) => t?.type === "prometheus" && typeof t.metadata?.query === "string")
      .map((t: any, i: number) => ({ where: `trigger ${i} (prometheus)`, promql: t.metadata.query as string }));
  }
  if (type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule") {
    return (props.spec?.groups ?? []).flatMap((g: any) =>
      (g?.rules ?? [])
        .filter((r: any) => typeof r?.expr === "string")
        .map((r: any) => ({ where: `rule ${r.alert ?? r.record ?? "?"} in group ${g.name ?? "?"}`, promql: r.expr as string })),
    );
  }
  return [];
}

const replacementOf = (name: string): string => {
  const removed = REMOVED_VLLM_METRICS[name];
  if (!removed) return "no such vLLM metric";
  return `${removed.removedBy}${removed.replacement ? `; use ${removed.replacement}` : ""}`;
};

export const observabilityVllmMetrics: ResourceValidationPolicy = {
  name: "llm-stack-observability-vllm-metrics",
  description: "Autoscalers and alert rules query only vllm: metrics the pinned vLLM emits.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: (args, reportViolation) => {
    readPolicyConfig(observabilityVllmMetrics, args.getConfig);
    const label = `${String(args.props.kind ?? args.type.split(":").at(-1))} ${args.props.metadata?.namespace ?? ""}/${args.props.metadata?.name ?? args.name}`;
    for (const query of queriesOf(args.type, args.props)) {
      for (const name of unknownVllmSeries(query.promql)) {
        reportViolation(
          `${label}: ${query.where} queries ${name}, which vLLM ${VLLM_RELEASE.image.tag} does not emit (${replacementOf(name)}): it would never match. Fix: query a metric from infra/catalog/vllm-metrics.ts.`,
        );
      }
    }
  },
};
