/**
 * llm-stack-safety-model-routes (mandatory): every route to a model reaches that model and no other.
 * A Gateway API route's backendRef to an InferencePool (Gateway API Inference Extension,
 * inference.networking.k8s.io) names a pool the stack declares; the pool selects the pods of exactly
 * one served model (vLLM's --served-model-name, read as vLLM reads its flags: infra/vllm); a rule
 * that matches the model header the gateway sets from the request's `model` sends it to the pool
 * serving that name; and a gateway's directResponse list of models (GET /v1/models) names exactly
 * the models the routes serve. A request is otherwise answered by the wrong model, or by none.
 *
 * The header is `X-Gateway-Model-Name`, the name the Inference Extension's body-based routing uses
 * and the kit's gateway sets (infra/manifests/gateway/inference-gateway.ts); a pool's selector is
 * matched against pod template labels as a Service's is (lib/workloads.ts `selects`).
 */
import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { objectLabel } from "./lib/exposure";
import { INFERENCE_POOL_TYPE, poolSelector } from "./lib/gateway-routes";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { isGpuServer, selects, serverContainersOf, workloadsOf, type WorkloadView } from "./lib/workloads";

type Json = Record<string, any>;

const ROUTE_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:(HTTP|GRPC)Route$/;
const AGENTGATEWAY_POLICY_TYPE = /^kubernetes:agentgateway\.dev\/[^:]+:AgentgatewayPolicy$/;
export const MODEL_HEADER = "x-gateway-model-name";

const nameOf = (r: PolicyResource) => String(r.props.metadata?.name ?? r.name);
const namespaceOf = (r: PolicyResource) => String(r.props.metadata?.namespace ?? "default");
const kindOf = (r: PolicyResource) => r.type.split(":").at(-1)!;

/**
 * The names a server answers to: each serving container's --served-model-name, else its --model
 * (vLLM's default). A LeaderWorkerSet's leaders serve; without a leader template its workers'
 * template is the leaders' (LWS v0.10.0 api/leaderworkerset/v1/leaderworkerset_types.go, LeaderTemplate).
 */
function servedNames(server: WorkloadView): string[] {
  const hasLeader = server.templates.some((template) => template.role === "leader");
  return [
    ...new Set(
      serverContainersOf(server)
        .filter(({ template }) => template.role !== "worker" || !hasLeader)
        .map(({ container }) => container.args["served-model-name"] ?? container.args.model ?? container.vllm.model ?? "")
        .filter((name) => name !== ""),
    ),
  ];
}

/** The servers a pool selects, and the model names they serve. */
function poolTargets(pool: PolicyResource, servers: readonly WorkloadView[]): { servers: WorkloadView[]; names: string[] } {
  const selector = poolSelector(pool);
  const selected = servers.filter((s) => s.namespace === namespaceOf(pool) && s.templates.some((t) => selects(selector, t)));
  return { servers: selected, names: [...new Set(selected.flatMap(servedNames))].sort() };
}

/** The model a rule matches on: its Exact header match on the model header, when every match of the rule has one. */
function ruleModel(rule: Json): string | undefined {
  const values = ((rule.matches ?? []) as Json[]).map(
    (match) =>
      ((match.headers ?? []) as Json[]).find((h) => String(h.name).toLowerCase() === MODEL_HEADER && (h.type ?? "Exact") === "Exact")
        ?.value as string | undefined,
  );
  return values.length > 0 && values.every((v) => v !== undefined && v === values[0]) ? values[0] : undefined;
}

export const safetyModelRoutes: StackValidationPolicy = {
  name: "llm-stack-safety-model-routes",
  description:
    "Every route to an InferencePool reaches a pool the stack declares, each pool selects the pods of exactly one served model, a rule on the model header reaches that model, and the gateway's model list names exactly the routed models.",
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateStack: (args, reportViolation) => {
    readPolicyConfig(safetyModelRoutes, args.getConfig);
    const servers = workloadsOf(args.resources).filter(isGpuServer);
    const pools = args.resources.filter((r) => INFERENCE_POOL_TYPE.test(r.type));
    for (const pool of pools) {
      const label = objectLabel("InferencePool", pool.props.metadata, pool.name);
      const { servers: selected, names } = poolTargets(pool, servers);
      if (selected.length === 0) {
        reportViolation(
          `${label} selects no GPU server in the stack (selector ${JSON.stringify(poolSelector(pool))}): requests routed to it find no endpoint. Fix: select the labels of one model's serving pods.`,
          pool.urn,
        );
      } else if (names.length !== 1) {
        reportViolation(
          `${label} selects pods of ${names.length === 0 ? "servers whose model cannot be read" : `several models (${names.join(", ")})`}: ${selected.map((s) => s.label).join(", ")}. A request for one model would reach another. Fix: select one model's pods only (its instance label).`,
          pool.urn,
        );
      }
    }
    const routedNames = new Set<string>();
    for (const route of args.resources.filter((r) => ROUTE_TYPE.test(r.type))) {
      const label = objectLabel(kindOf(route), route.props.metadata, route.name);
      for (const rule of (route.props.spec?.rules ?? []) as Json[]) {
        const model = ruleModel(rule);
        for (const ref of (rule.backendRefs ?? []) as Json[]) {
          if (ref.kind !== "InferencePool") continue;
          const namespace = String(ref.namespace ?? namespaceOf(route));
          const pool = pools.find((p) => nameOf(p) === ref.name && namespaceOf(p) === namespace);
          if (!pool) {
            reportViolation(
              `${label} routes${model ? ` model ${model}` : ""} to InferencePool ${namespace}/${String(ref.name)}, which the stack does not declare: a model it does not serve. Fix: route only to the stack's pools, or add the model to models.`,
              route.urn,
            );
            continue;
          }
          const { names } = poolTargets(pool, servers);
          if (model !== undefined) {
            routedNames.add(model);
            if (names.length === 1 && names[0] !== model)
              reportViolation(
                `${label} sends requests for model ${model} to InferencePool ${namespace}/${String(ref.name)}, whose pods serve ${names[0]}. Fix: route ${model} to its own pool.`,
                route.urn,
              );
          }
        }
      }
    }
    // GET /v1/models answered by the gateway: the list must be what the routes serve.
    for (const policy of args.resources.filter((r) => AGENTGATEWAY_POLICY_TYPE.test(r.type))) {
      const body = policy.props.spec?.traffic?.directResponse?.body;
      if (typeof body !== "string" || !body.includes('"object":"list"')) continue;
      let listed: string[];
      try {
        listed = ((JSON.parse(body) as { data?: Array<{ id?: string }> }).data ?? []).map((m) => String(m.id)).sort();
      } catch {
        reportViolation(
          `${objectLabel("AgentgatewayPolicy", policy.props.metadata, policy.name)} answers with a model list that is not JSON.`,
          policy.urn,
        );
        continue;
      }
      const routed = [...routedNames].sort();
      if (JSON.stringify(listed) !== JSON.stringify(routed))
        reportViolation(
          `${objectLabel("AgentgatewayPolicy", policy.props.metadata, policy.name)} lists models [${listed.join(", ")}] but the routes serve [${routed.join(", ")}]: clients would ask for a model no route serves, or miss one. Fix: list exactly the routed models.`,
          policy.urn,
        );
    }
  },
};
