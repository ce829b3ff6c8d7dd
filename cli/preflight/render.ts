/** Text of a preflight run: one line per check (PASS/WARN/FAIL/SKIP, what was found), its fix indented below, a summary. */
import { type StackSettings } from "../../infra/settings";
import { gpuFleet } from "../../infra/settings/served-models";
import { CHECK_NAMES, type CheckResult, type CheckStatus } from "./checks";

const LABELS: Record<CheckStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };
const NAME_WIDTH = Math.max(...Object.values(CHECK_NAMES).map((name) => name.length));
const INDENT = " ".repeat(LABELS.pass.length + 2 + NAME_WIDTH + 2);

/** What the stack deploys, in one line: the subject of every check below it. */
export function describeStack(stack: string, settings: StackSettings): string {
  const { capacity, cluster } = settings;
  const where =
    cluster.mode === "create" ? "a new EKS cluster" : cluster.mode === "eks" ? `EKS cluster ${cluster.name}` : "the kubeconfig's cluster";
  const buying = capacity.type === "capacity-block" ? `capacity-block ${capacity.reservationId}` : capacity.type;
  const serving = settings.modelSet
    ? `${settings.modelSet.models.length} models (${settings.modelSet.models.map((model) => model.name).join(", ")}) on ${gpuFleet(settings)
        .groups.map((group) => `${group.nodes} × ${group.instanceType}`)
        .join(" + ")}`
    : `${settings.plan.model} on ${settings.plan.nodes} × ${settings.plan.instanceType}`;
  return `stack ${stack}: ${serving} (${buying}) in ${settings.region}, ${where}`;
}

export function renderPreflight(stack: string, settings: StackSettings, results: readonly CheckResult[]): string {
  const lines = [`llm-stack preflight — ${describeStack(stack, settings)}`, ""];
  for (const result of results) {
    lines.push(`${LABELS[result.status]}  ${result.name.padEnd(NAME_WIDTH)}  ${result.detail}`);
    if (result.fix) {
      const [first, ...rest] = result.fix.split("\n");
      lines.push(`${INDENT}fix: ${first}`, ...rest.map((line) => `${INDENT}     ${line}`));
    }
  }
  lines.push("", summary(results));
  return `${lines.join("\n")}\n`;
}

function summary(results: readonly CheckResult[]): string {
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  const parts = (["pass", "warn", "fail", "skip"] as const)
    .filter((status) => count(status) > 0)
    .map((status) => `${count(status)} ${LABELS[status].toLowerCase()}`);
  const verdict = count("fail") > 0 ? "fix the failures before `pulumi up`" : "nothing found that AWS would refuse";
  return `${parts.join(", ")}: ${verdict}`;
}
