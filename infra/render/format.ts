/** Number formats shared by the cost renderers. */
export const usd = (value: number): string => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const signedUsd = (value: number): string => `${value < 0 ? "−" : "+"}${usd(Math.abs(value))}`;
export const signedPercent = (value: number | null): string => (value === null ? "new" : `${value < 0 ? "−" : "+"}${Math.abs(value).toFixed(1)}%`);
export const count = (value: number): string => value.toLocaleString("en-US");
