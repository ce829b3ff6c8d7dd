/** Number formats and the plain-text table shared by the renderers. */
export const usd = (value: number): string => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const signedUsd = (value: number): string => `${value < 0 ? "−" : "+"}${usd(Math.abs(value))}`;
export const signedPercent = (value: number | null): string => (value === null ? "new" : `${value < 0 ? "−" : "+"}${Math.abs(value).toFixed(1)}%`);
export const count = (value: number): string => value.toLocaleString("en-US");

/** Aligned plain-text columns, two spaces apart, trailing blanks trimmed; the first row is the header when there is one. */
export function textTable(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((value, i) => value.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
}
