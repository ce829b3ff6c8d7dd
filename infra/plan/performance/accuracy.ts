/**
 * How far the step model lands from every published measurement: signed and absolute error per
 * row, summarised per engine, model family and GPU, and leave-one-family-out (fit on every other
 * family, predict the held-out one) — the numbers `npm run bench` prints and the tests hold to
 * the targets. Errors are relative: predicted / measured − 1.
 */
import { SERVING_MEASUREMENTS, type ServingMeasurement } from "../../catalog/serving-measurements";
import { CALIBRATION, fitCalibration, fittableRows } from "./calibration";
import { predictMeasurement, type EngineCalibration } from "./predict";

export interface PerformanceAccuracyRow {
  measurement: ServingMeasurement;
  predicted: number;
  /** predicted / measured − 1. */
  error: number;
}

export const isThroughput = (m: ServingMeasurement) =>
  m.metric === "outputTokensPerSecondPerGpu" || m.metric === "totalTokensPerSecondPerGpu";
/** A model family is the catalog model (or calibration architecture) the row measured. */
export const familyOf = (m: ServingMeasurement) => m.model;

export function accuracyOf(rows: readonly ServingMeasurement[], calibration: EngineCalibration = CALIBRATION): PerformanceAccuracyRow[] {
  return rows.map((measurement) => {
    const predicted = predictMeasurement(measurement, calibration);
    return { measurement, predicted, error: predicted / measurement.value - 1 };
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ErrorSummary {
  group: string;
  rows: number;
  medianSignedError: number;
  medianAbsoluteError: number;
}

export function summarise(rows: readonly PerformanceAccuracyRow[], groupOf: (m: ServingMeasurement) => string): ErrorSummary[] {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const key = groupOf(row.measurement);
    groups.set(key, [...(groups.get(key) ?? []), row.error]);
  }
  return [...groups.entries()].map(([group, errors]) => ({
    group,
    rows: errors.length,
    medianSignedError: median(errors),
    medianAbsoluteError: median(errors.map(Math.abs)),
  }));
}

/** Every family held out in turn: the committed fit's procedure run on the other families' comparable rows. */
export function leaveOneFamilyOut(all: readonly ServingMeasurement[] = SERVING_MEASUREMENTS): ErrorSummary[] {
  const comparable = fittableRows(all);
  const families = [...new Set(comparable.map(familyOf))];
  return families.map((family) => {
    const heldOut = comparable.filter((m) => familyOf(m) === family);
    const calibration = fitCalibration(comparable.filter((m) => familyOf(m) !== family));
    const errors = accuracyOf(heldOut, calibration).map((r) => r.error);
    return { group: family, rows: errors.length, medianSignedError: median(errors), medianAbsoluteError: median(errors.map(Math.abs)) };
  });
}
