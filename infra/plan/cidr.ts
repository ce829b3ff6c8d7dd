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

/**
 * The widest single block an operator's allowlist may name: a /16 (65,536 addresses), the largest
 * network one organisation's egress plausibly needs — and AWS's own ceiling for a VPC's CIDR
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html) — so a wider block admits
 * strangers. IPv6: a /48, a site's allocation (RFC 6177).
 */
export const WIDEST_ALLOWLIST_PREFIX = { 4: 16, 6: 48 } as const;
/** The most globally reachable addresses an allowlist may admit in all: sixteen /16s. */
export const MAX_ALLOWLIST_ADDRESSES = 16n * 65_536n;

/**
 * Why an allowlist of public endpoint CIDRs is too open, or null: a block it cannot read, a block
 * wider than WIDEST_ALLOWLIST_PREFIX, more globally reachable addresses than MAX_ALLOWLIST_ADDRESSES
 * together (0.0.0.0/1 + 128.0.0.0/1 is the whole internet in two halves), or the whole internet.
 * One rule for the stack's config (refused before anything is created) and the policy pack.
 */
export function allowlistProblem(cidrs: readonly string[]): string | null {
  const parsed = cidrs.map((text) => ({ text, cidr: parseCidr(text) }));
  const unreadable = parsed.filter((p) => p.cidr === undefined).map((p) => p.text);
  if (unreadable.length > 0) return `${unreadable.join(", ")} ${unreadable.length === 1 ? "is not a CIDR" : "are not CIDRs"}`;
  if (coversInternet(cidrs)) return `[${cidrs.join(", ")}] together admit every public address`;
  const wide = parsed.filter(({ cidr }) => {
    const bits = cidr!.family === 4 ? 32n : 128n;
    const size = cidr!.end - cidr!.start + 1n;
    return size > 1n << (bits - BigInt(WIDEST_ALLOWLIST_PREFIX[cidr!.family]));
  });
  if (wide.length > 0)
    return `${wide.map((w) => w.text).join(", ")} ${wide.length === 1 ? "is" : "are"} wider than a /${WIDEST_ALLOWLIST_PREFIX[4]} (IPv6 /${WIDEST_ALLOWLIST_PREFIX[6]})`;
  const v4 = union(parsed.map((p) => p.cidr!).filter((c) => c.family === 4));
  const publicAddresses = v4.reduce((total, range) => total + INTERNET[4].reduce((sum, block) => sum + overlap(range, block), 0n), 0n);
  if (publicAddresses > MAX_ALLOWLIST_ADDRESSES)
    return `[${cidrs.join(", ")}] admit ${publicAddresses.toLocaleString("en-US")} public addresses together, over ${MAX_ALLOWLIST_ADDRESSES.toLocaleString("en-US")} (sixteen /16s)`;
  return null;
}

function overlap(a: Range, b: Range): bigint {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  return end >= start ? end - start + 1n : 0n;
}
