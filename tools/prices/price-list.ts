/**
 * The pure half of the EC2 price generator (tools/prices/generate-prices.ts) besides the offer file
 * (offer-file.ts): reduce spot history and Capacity Block offerings to rates, and assemble the
 * dated snapshot infra/catalog/ec2-prices.json. No I/O here: the caller feeds answers.
 */
import {
  priceSnapshotSchema,
  type CapacityBlockRateRow,
  type InstanceType,
  type PriceRow,
  type PriceSnapshot,
  type Region,
  type SpotPriceRow,
} from "../../infra/catalog/schema";
import { newestSpotPricePerZone, type SpotPriceHistoryEntry } from "../../infra/catalog/spot-history";
import { SHORTEST_CAPACITY_BLOCK_HOURS, offeringHours, perInstanceHourUsd } from "../../infra/catalog/capacity-blocks";

/** What the generator names itself in readBy. */
export const GENERATOR = "tools/prices/generate-prices.ts";

/** One thing that keeps the snapshot from being written, in the reader's terms. */
export interface PriceProblem {
  instanceType: string;
  region: string;
  /** What was found (or not). */
  found: string;
  /** What to do about it. */
  fix: string;
}

export function formatProblem(p: PriceProblem): string {
  return `${p.instanceType} in ${p.region}: ${p.found} — ${p.fix}`;
}

/** A spot row from the type's DescribeSpotPriceHistory answers (every page), or null when no AZ has a price. */
export function spotRow(
  instanceType: InstanceType,
  region: Region,
  history: readonly SpotPriceHistoryEntry[],
  observedAt: Date,
): SpotPriceRow | null {
  const zones = newestSpotPricePerZone(history);
  if (zones.length === 0) return null;
  const at = observedAt.toISOString();
  return {
    instanceType,
    region,
    zones,
    observedAt: at,
    source: {
      ref: `EC2 DescribeSpotPriceHistory in ${region} (Linux/UNIX, StartTime ${at}): the newest price per AZ id`,
      readOn: at.slice(0, 10),
    },
  };
}

/** One Capacity Block offering as DescribeCapacityBlockOfferings returns it (the fields the rate needs). */
export interface BlockOffering {
  InstanceCount?: number | undefined;
  CapacityBlockDurationHours?: number | undefined;
  CapacityBlockDurationMinutes?: number | undefined;
  UpfrontFee?: string | undefined;
  CurrencyCode?: string | undefined;
  Tenancy?: string | undefined;
}

/**
 * The cheapest offering's USD per instance-hour: UpfrontFee / (InstanceCount × the block's own hours,
 * CapacityBlockDurationHours + CapacityBlockDurationMinutes / 60 — a block that starts soon may be a
 * little shorter than asked). USD and default tenancy only. Rounded to 1e-6 USD: the division's
 * float noise past that carries nothing. Null when no usable offering was returned.
 */
export function cheapestBlockRate(offerings: readonly BlockOffering[]): { hourlyUsdPerInstance: number; offerings: number } | null {
  const rates = offerings
    .filter((o) => (o.CurrencyCode ?? "USD") === "USD" && (o.Tenancy ?? "default") === "default")
    .map((o) => {
      const hours = offeringHours(o.CapacityBlockDurationHours ?? 0, o.CapacityBlockDurationMinutes ?? 0);
      return perInstanceHourUsd(Number(o.UpfrontFee), o.InstanceCount ?? 1, hours);
    })
    .filter((rate) => Number.isFinite(rate) && rate > 0);
  if (rates.length === 0) return null;
  return { hourlyUsdPerInstance: Math.round(Math.min(...rates) * 1e6) / 1e6, offerings: rates.length };
}

export function capacityBlockRow(
  instanceType: InstanceType,
  region: Region,
  offerings: readonly BlockOffering[],
  readAt: Date,
): CapacityBlockRateRow | null {
  const cheapest = cheapestBlockRate(offerings);
  if (cheapest === null) return null;
  const at = readAt.toISOString();
  return {
    instanceType,
    region,
    hourlyUsdPerInstance: cheapest.hourlyUsdPerInstance,
    source: {
      // The offer file lists Capacity Block products at $0.00 per hour (offer-file.ts, rejectReason): the price
      // is each offering's upfront fee, so the rate comes from the offerings AWS has at the time.
      ref: `EC2 DescribeCapacityBlockOfferings in ${region} at ${at} (1 instance, ${SHORTEST_CAPACITY_BLOCK_HOURS} h): cheapest of ${cheapest.offerings} offerings, UpfrontFee / instance-hours (the offer file lists Capacity Blocks at $0.00/h)`,
      readOn: at.slice(0, 10),
    },
  };
}

const byTypeThenRegion = (a: { instanceType: string; region: string }, b: { instanceType: string; region: string }) =>
  a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : a.region < b.region ? -1 : a.region > b.region ? 1 : 0;

/** Rebuilds a row with its keys in one fixed order, so the JSON is byte-stable whatever built it. */
function orderedSource(s: { ref: string; readOn: string }) {
  return { ref: s.ref, readOn: s.readOn };
}
function optional<T extends object>(row: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  return Object.fromEntries(keys.filter((k) => row[k] !== undefined).map((k) => [k, row[k]])) as Partial<T>;
}

/**
 * The snapshot: rows sorted by instance type then region and keys in schema order, validated with
 * priceSnapshotSchema. Every schema issue becomes a problem; the snapshot is returned only without any.
 */
export function assembleSnapshot(input: PriceSnapshot): { snapshot: PriceSnapshot | null; problems: PriceProblem[] } {
  const snapshot: PriceSnapshot = {
    readOn: input.readOn,
    readBy: input.readBy,
    onDemand: [...input.onDemand].sort(byTypeThenRegion).map((r) => ({
      instanceType: r.instanceType,
      region: r.region,
      onDemandHourlyUsd: r.onDemandHourlyUsd,
      ...optional(r, ["assumedFrom", "stale"]),
      source: orderedSource(r.source),
    })),
    spot: [...input.spot].sort(byTypeThenRegion).map((r) => ({
      instanceType: r.instanceType,
      region: r.region,
      zones: r.zones.map((z) => ({ zoneId: z.zoneId, hourlyUsd: z.hourlyUsd })),
      observedAt: r.observedAt,
      ...optional(r, ["stale"]),
      source: orderedSource(r.source),
    })),
    capacityBlock: [...input.capacityBlock].sort(byTypeThenRegion).map((r) => ({
      instanceType: r.instanceType,
      region: r.region,
      hourlyUsdPerInstance: r.hourlyUsdPerInstance,
      ...optional(r, ["assumedFrom", "stale"]),
      source: orderedSource(r.source),
    })),
  };
  const parsed = priceSnapshotSchema.safeParse(snapshot);
  if (parsed.success) return { snapshot, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const [section, index] = issue.path as [string | undefined, number | undefined];
    const row =
      section && typeof index === "number"
        ? (snapshot as unknown as Record<string, Array<Record<string, string>>>)[section]?.[index]
        : undefined;
    return {
      instanceType: row?.instanceType ?? "(snapshot)",
      region: row?.region ?? "(all regions)",
      found: `priceSnapshotSchema rejects ${issue.path.join(".") || "the snapshot"}: ${issue.message}`,
      fix: "fix what the generator read (or the schema in infra/catalog/schema.ts, if AWS's data is right and the schema is not)",
    };
  });
  return { snapshot: null, problems };
}

/** The file's bytes: two-space JSON and a trailing newline. */
export function renderSnapshot(snapshot: PriceSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
