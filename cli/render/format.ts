/** Number formats and the plain-text table shared by the renderers. */
/** Dollars to the cent; an amount that rounds to zero is $0.00, never "$-0.00" (toLocaleString keeps the sign of −0 and of −0.001). */
export const usd = (value: number): string => {
  const cents = Math.round(value * 100) / 100;
  return `${cents < 0 ? "-" : ""}$${Math.abs(cents).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
};
export const signedUsd = (value: number): string => `${value < 0 ? "−" : "+"}${usd(Math.abs(value))}`;
export const signedPercent = (value: number | null): string =>
  value === null ? "new" : `${value < 0 ? "−" : "+"}${Math.abs(value).toFixed(1)}%`;
export const count = (value: number): string => value.toLocaleString("en-US");
/** A time to the minute, in UTC: 2026-12-10 11:30 UTC (Capacity Blocks start and end on the minute). */
export const utc = (time: Date | string): string => `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Tokens a month in words: 23.4 B, 850 M. */
export function tokens(value: number): string {
  if (value >= 1e12) return `${(value / 1e12).toFixed(1)} T`;
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)} B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(0)} M`;
  return count(value);
}

/** Aligned plain-text columns, two spaces apart, trailing blanks trimmed; the first row is the header when there is one. */
export function textTable(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

/** The cost an autoscaler moves between: at least, expected (the planned replicas) and at most, per hour and per month. */
export function costRange(cost: {
  minHourlyUsd: number;
  minMonthlyUsd: number;
  hourlyUsd: number;
  monthlyUsd: number;
  maxHourlyUsd: number;
  maxMonthlyUsd: number;
}): string {
  return `min ${usd(cost.minHourlyUsd)}/h (${usd(cost.minMonthlyUsd)}/month) · expected ${usd(cost.hourlyUsd)}/h (${usd(cost.monthlyUsd)}/month) · max ${usd(cost.maxHourlyUsd)}/h (${usd(cost.maxMonthlyUsd)}/month)`;
}

/** Whether an autoscaler can take the cost below the expected (a fixed stack only grows, by its system nodes). */
export const costVaries = (cost: { minHourlyUsd: number; hourlyUsd: number }): boolean => cost.minHourlyUsd !== cost.hourlyUsd;
