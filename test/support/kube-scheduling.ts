/**
 * Whether a pod spec can be scheduled on a node, by the rules the Kubernetes scheduler applies —
 * written from its source, not from our code:
 * - nodeSelector: every key/value must be among the node's labels (NodeAffinity filter plugin,
 *   pkg/scheduler/framework/plugins/nodeaffinity; component-helpers/scheduling/corev1/nodeaffinity).
 * - requiredDuringSchedulingIgnoredDuringExecution: the terms are ORed, the expressions of a term
 *   ANDed; operators In, NotIn, Exists, DoesNotExist (same package).
 * - taints with effect NoSchedule or NoExecute must each be tolerated (TaintToleration plugin);
 *   a toleration matches when its effect is empty or equal, and either its key is empty with
 *   operator Exists (matches every taint), or keys are equal and the operator is Exists, or
 *   Equal (the default) with equal values (k8s.io/api/core/v1/toleration.go, ToleratesTaint).
 */
type Labels = Record<string, string>;
interface Taint {
  key: string;
  value?: string;
  effect: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}
interface Expression {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeView {
  labels: Labels;
  taints: Taint[];
}

/** EKS node group taint effects are the API's enum (NO_SCHEDULE, …); nodes carry Kubernetes' names. */
export function eksTaint(taint: Taint): Taint {
  const effects: Record<string, string> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };
  return { ...taint, effect: effects[taint.effect] ?? taint.effect };
}

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const operator = toleration.operator ?? "Equal";
  if (!toleration.key) return operator === "Exists";
  if (toleration.key !== taint.key) return false;
  return operator === "Exists" || (operator === "Equal" && (toleration.value ?? "") === (taint.value ?? ""));
}

function matches(expression: Expression, labels: Labels): boolean {
  const has = expression.key in labels;
  switch (expression.operator) {
    case "In":
      return has && (expression.values ?? []).includes(labels[expression.key]!);
    case "NotIn":
      return !has || !(expression.values ?? []).includes(labels[expression.key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false;
  }
}

/** Why `pod` cannot run on `node`; empty when it can. */
export function schedulingProblems(pod: { nodeSelector?: Labels; tolerations?: Toleration[]; affinity?: any }, node: NodeView): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(pod.nodeSelector ?? {})) {
    if (node.labels[key] !== value) problems.push(`nodeSelector ${key}=${value} does not match the node's labels`);
  }
  const terms: Array<{ matchExpressions?: Expression[] }> | undefined =
    pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((term) => (term.matchExpressions ?? []).every((expression) => matches(expression, node.labels)))) {
    problems.push("no required node affinity term matches the node's labels");
  }
  for (const taint of node.taints.filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) {
    if (!(pod.tolerations ?? []).some((toleration) => tolerates(toleration, taint)))
      problems.push(`taint ${taint.key}=${taint.value ?? ""}:${taint.effect} is not tolerated`);
  }
  return problems;
}
