/**
 * Whether CIDR allowlists, taken together, admit the whole internet: 0.0.0.0/0, but also
 * 0.0.0.0/1 + 128.0.0.0/1, or any set whose union covers every globally reachable address. The
 * internet is IPv4 minus the special-purpose ranges that are not globally reachable (IANA IPv4
 * Special-Purpose Address Registry, RFC 6890 and its updates, read 2026-11-27), and IPv6's global
 * unicast space 2000::/3 (RFC 4291 §2.4).
 */

interface Range {
  start: bigint;
  end: bigint;
}

interface Cidr extends Range {
  family: 4 | 6;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** A CIDR (or a bare address, as one host) as the range of addresses it admits; undefined if unreadable. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0) return undefined;
  const family = address.includes(":") ? 6 : 4;
  const bits = family === 4 ? 32n : 128n;
  const value = family === 4 ? parseIpv4(address) : parseIpv6(address);
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? BigInt(prefixText) : -1n;
  if (value === undefined || prefix < 0n || prefix > bits) return undefined;
  // Host bits are ignored, as AWS and Kubernetes read the network: 1.2.3.4/0 admits everything.
  const size = 1n << (bits - prefix);
  const start = (value / size) * size;
  return { family, start, end: start + size - 1n };
}

const NOT_GLOBAL_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
].map((c) => parseCidr(c)!);

/** The complement of `holes` within [start, end]. */
function complement(start: bigint, end: bigint, holes: readonly Range[]): Range[] {
  const ranges: Range[] = [];
  let next = start;
  for (const hole of [...holes].sort((a, b) => (a.start < b.start ? -1 : 1))) {
    if (hole.start > next) ranges.push({ start: next, end: hole.start - 1n });
    if (hole.end + 1n > next) next = hole.end + 1n;
  }
  if (next <= end) ranges.push({ start: next, end });
  return ranges;
}

const INTERNET: Record<4 | 6, Range[]> = {
  4: complement(0n, (1n << 32n) - 1n, NOT_GLOBAL_V4),
  6: [parseCidr("2000::/3")!],
};

/** Sorted, merged ranges. */
function union(ranges: readonly Range[]): Range[] {
  const merged: Range[] = [];
  for (const range of [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else merged.push({ ...range });
  }
  return merged;
}

/** True when the allowlist admits every globally reachable IPv4 address, or every IPv6 one. */
export function coversInternet(cidrs: readonly string[]): boolean {
  const parsed = cidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return ([4, 6] as const).some((family) => {
    const covered = union(parsed.filter((c) => c.family === family));
    return INTERNET[family].every((block) => covered.some((r) => r.start <= block.start && r.end >= block.end));
  });
}
