/**
 * A Kubernetes resource quantity as the API server reads it (k8s.io/apimachinery
 * pkg/api/resource/quantity.go, ParseQuantity): a signed decimal number, then one suffix — binary
 * SI (Ki, Mi, Gi, Ti, Pi, Ei: powers of 1024), decimal SI (n, u, m, k, M, G, T, P, E) or a decimal
 * exponent (e3, E-2). "1k" GPUs are a thousand, not NaN: a guard that read them with Number() would
 * compare NaN with its limit and pass.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity's value, or undefined when the API server would refuse the text. A number passes as itself. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value.trim() === value ? value : "");
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix in BINARY) return number * BINARY[suffix]!;
  if (suffix in DECIMAL) return number * DECIMAL[suffix]!;
  return number * 10 ** Number(suffix.slice(1));
}
