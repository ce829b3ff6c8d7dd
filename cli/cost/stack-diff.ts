/** Compares the stack reports of a base ref with the working tree's. */
import { type Violation } from "../offline/policy-run";
import { type StackReport } from "./stack-report";

export interface StackChange {
  stack: string;
  kind: "added" | "removed" | "changed" | "unchanged";
  before: StackReport | null;
  after: StackReport | null;
  monthlyDeltaUsd: number;
  /** null when there is no base to compare with (added) or the base cost zero. */
  percent: number | null;
  newViolations: Violation[];
  resolvedViolations: Violation[];
}

const key = (v: Violation) => `${v.policy}\u0000${v.message}`;
const monthly = (report: StackReport | null) => report?.cost?.monthlyUsd ?? 0;

/** What a report shows a reviewer: model, GPUs, instances, cost, errors and policy results. */
function fingerprint(report: StackReport): string {
  return JSON.stringify([
    report.status,
    report.errors,
    report.model,
    report.variant,
    report.gpu,
    report.instances,
    report.cost,
    report.violations.map(key),
    report.plan?.vllmArgs,
    report.modelSet?.models.map((m) => [m.name, m.vllmArgs, m.nodeGroup, m.hourlyUsd]),
  ]);
}

export function diffStacks(base: readonly StackReport[], head: readonly StackReport[]): StackChange[] {
  const names = [...new Set([...base.map((r) => r.stack), ...head.map((r) => r.stack)])].sort();
  return names.map((stack) => {
    const before = base.find((r) => r.stack === stack) ?? null;
    const after = head.find((r) => r.stack === stack) ?? null;
    const kind = !before ? "added" : !after ? "removed" : fingerprint(before) === fingerprint(after) ? "unchanged" : "changed";
    const beforeKeys = new Set((before?.violations ?? []).map(key));
    const afterKeys = new Set((after?.violations ?? []).map(key));
    const delta = Number((monthly(after) - monthly(before)).toFixed(2));
    return {
      stack,
      kind,
      before,
      after,
      monthlyDeltaUsd: delta,
      percent: before && monthly(before) > 0 ? Number(((delta / monthly(before)) * 100).toFixed(1)) : null,
      newViolations: (after?.violations ?? []).filter((v) => !beforeKeys.has(key(v))),
      resolvedViolations: (before?.violations ?? []).filter((v) => !afterKeys.has(key(v))),
    };
  });
}
