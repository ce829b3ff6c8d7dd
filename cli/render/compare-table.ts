/** `compare`'s table: one line per candidate, then the workload, the hosted offers and how sure the numbers are. */
import { type CompareRow, type Performance } from "../../infra/plan/performance";
import { type Workload } from "../../infra/plan/workload";
import { count, textTable, tokens, usd } from "./format";
import { describeWorkload } from "./performance-text";

/** Where no provider sells the model any more: who retired it, and for what. */
function retiredText(row: CompareRow): string {
  const successor = row.hostedRetired.find((r) => r.successor !== null);
  if (successor) return `retired at ${successor.provider}; successor ${successor.successor}`;
  return row.hostedRetired.length > 0 ? `retired at ${row.hostedRetired.map((r) => r.provider).join(", ")}` : "—";
}

const breakEven = (row: CompareRow) =>
  row.breakEvenTokensPerMonth === null
    ? "no hosted price"
    : row.breakEvenTokensPerMonth === "never"
      ? "never"
      : `${tokens(row.breakEvenTokensPerMonth)}/month`;

export function renderCompare(rows: readonly CompareRow[], workload: Workload): string {
  const header = [
    "model",
    "quant",
    "gpu",
    "deployment",
    "$/month",
    "$/M out",
    "$/M all",
    "util",
    "SLO",
    "TTFT p95",
    "ITL p95",
    "ready",
    "hosted (cheapest)",
    "break-even",
  ];
  const lines = rows.map((r) => [
    r.model,
    r.quantization,
    r.gpu,
    `${r.replicas} × TP ${r.tensorParallelSize} on ${r.nodes} × ${r.instanceType}`,
    usd(r.monthlyUsd),
    usd(r.usdPerMillionOutputTokens),
    usd(r.usdPerMillionTokens),
    `${Math.round(r.utilization * 100)}%`,
    r.sloMet ? "met" : "missed",
    `${count(Math.round(r.ttftMs.p95))} ms`,
    `${r.itlMs.p95} ms`,
    `${Math.round(r.timeToReadySeconds / 60)} min`,
    r.hosted ? `${r.hosted.provider} ${usd(r.hosted.inputUsdPerMillion)}/${usd(r.hosted.outputUsdPerMillion)}` : retiredText(r),
    breakEven(r),
  ]);
  const workloadLines = describeWorkload({ workload } as Performance);
  const missed = rows.filter((r) => !r.sloMet).map((r) => `${r.model} ${r.quantization} ${r.gpu}: ${r.sloMisses.join("; ")}`);
  return [
    ...textTable([header, ...lines]),
    "",
    "workload",
    ...workloadLines.map((l) => `  - ${l}`),
    "",
    "how to read it",
    "  - $/month and $/M are GPU nodes on demand; $/M at the utilization the load gives the deployment (without a load: at its SLO-feasible maximum).",
    `  - throughput and latency are the calibrated step model's (error band ±${Math.round((rows[0]?.errorBand ?? 0) * 100)}%: 4 in 5 published measurements lie within it; \`npm run bench\` prints every error).`,
    "  - break-even: prompt + output tokens a month at which one node (with every replica it holds) costs what the cheapest current hosted offer does; never: a full node's SLO-feasible capacity is worth less at the hosted price than the node costs.",
    "  - hosted prices are dated rows (infra/catalog/hosted-prices.ts); retired offers are not compared.",
    ...(missed.length ? ["", "SLO missed", ...missed.map((m) => `  - ${m}`)] : []),
    "",
  ].join("\n");
}
