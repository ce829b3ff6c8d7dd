/**
 * THE price tables: what an EC2 instance costs by the hour, by instance type and region, for each
 * way of buying it (on-demand, spot, Capacity Block). The rows are infra/catalog/ec2-prices.json, a
 * dated snapshot written by tools/prices/generate-prices.ts (or read by hand, as its `readBy` says);
 * every row says where it was read and when, and nothing else in the repo holds an EC2 price.
 */
import snapshotJson from "./ec2-prices.json";
import {
  INSTANCE_TYPES,
  REGIONS,
  priceSnapshotSchema,
  type CapacityBlockRateRow,
  type CapacityType,
  type InstanceType,
  type PriceRow,
  type PriceSnapshot,
  type Region,
  type SpotPriceRow,
} from "./schema";
import { spotRateUsd } from "./spot-history";

/** The snapshot, parsed: a malformed file stops every entry point at import, naming the field. */
export const PRICE_SNAPSHOT: PriceSnapshot = priceSnapshotSchema.parse(snapshotJson);

/** The date the snapshot was taken; shown next to every cost the tool prints. */
export const PRICE_TABLE_DATE = PRICE_SNAPSHOT.readOn;

/** A section's row for a type in a region: every lookup of the snapshot goes through here. */
function rowOf<T extends { instanceType: string; region: string }>(
  rows: readonly T[],
  instanceType: string,
  region: string,
): T | undefined {
  return rows.find((r) => r.instanceType === instanceType && r.region === region);
}

/**
 * On-demand, every instance type in every region, in catalog order: a gap throws here, naming each
 * missing row, so nothing is priced at $0 by omission (the snapshot is data, so the compiler cannot
 * check it).
 */
export const PRICES: readonly PriceRow[] = (() => {
  const missing = INSTANCE_TYPES.flatMap((type) =>
    REGIONS.filter((region) => !rowOf(PRICE_SNAPSHOT.onDemand, type, region)).map((region) => `${type} in ${region}`),
  );
  if (missing.length > 0)
    throw new Error(
      `infra/catalog/ec2-prices.json has no on-demand price for ${missing.join(", ")}: run npm run prices:generate, or add each row with its source`,
    );
  return INSTANCE_TYPES.flatMap((type) => REGIONS.map((region) => rowOf(PRICE_SNAPSHOT.onDemand, type, region)!));
})();

/** The spot snapshot's row for a type in a region, or undefined where AWS had no spot price for it. */
export function findSpotRow(instanceType: InstanceType, region: Region): SpotPriceRow | undefined {
  return rowOf(PRICE_SNAPSHOT.spot, instanceType, region);
}

/** The Capacity Block rate row for a type in a region, or undefined where none was read (AWS may not sell it as a block). */
export function findCapacityBlockRow(instanceType: InstanceType, region: Region): CapacityBlockRateRow | undefined {
  return rowOf(PRICE_SNAPSHOT.capacityBlock, instanceType, region);
}

/**
 * How old a price row may be before it must be re-read or marked `stale` (then every output that
 * uses it says so): AWS changes GPU prices a few times a year — its June 2025 cut ("Announcing up to
 * 45% price reduction for Amazon EC2 NVIDIA GPU-accelerated instances", AWS News Blog 2025-06-05) — so a quarter and a month is the longest a number here is trusted unmarked. A choice.
 */
export const PRICE_MAX_AGE_DAYS = 120;

/** An instance type bought one way: what a cost line item is priced as. */
export interface InstancePurchase {
  instanceType: InstanceType;
  capacityType: CapacityType;
}

/**
 * USD per instance-hour of `instanceType` in `region` bought as `capacityType`, or undefined where
 * the snapshot has no row (the caller refuses to price it). Spot: the dearest AZ of the snapshot
 * (spotRateUsd: a node pays its own AZ's price and the group does not choose the cheapest AZ).
 * Capacity Block: the block's rate per instance-hour.
 */
export function instanceHourlyUsd(
  instanceType: InstanceType,
  region: Region,
  capacityType: CapacityType,
  snapshot: PriceSnapshot = PRICE_SNAPSHOT,
): number | undefined {
  const find = <T extends { instanceType: string; region: string }>(rows: readonly T[]) => rowOf(rows, instanceType, region);
  const onDemand = find(snapshot.onDemand)?.onDemandHourlyUsd;
  if (capacityType === "on-demand") return onDemand;
  if (capacityType === "spot") {
    // Without a snapshot row, the most a spot instance can cost: its maximum price defaults to the
    // on-demand price ("If you don't specify a maximum price, the default maximum price is the
    // On-Demand price": EC2 user guide, using-spot-instances-request, read 2026-12-06).
    const row = find(snapshot.spot);
    return row ? spotRateUsd(row.zones) : onDemand;
  }
  return find(snapshot.capacityBlock)?.hourlyUsdPerInstance;
}

const usd = (value: number) => `$${value.toFixed(2)}/h`;

/**
 * What every output priced with these purchases in `region` must say about its prices: a row
 * assumed from another region, a row marked stale, and what spot and Capacity Block prices mean.
 * Empty when every row is on-demand, read for the region and fresh.
 */
export function priceCaveats(purchases: readonly InstancePurchase[], region: Region, snapshot: PriceSnapshot = PRICE_SNAPSHOT): string[] {
  const seen = new Set<string>();
  return [...purchases]
    .sort((a, b) => a.instanceType.localeCompare(b.instanceType) || a.capacityType.localeCompare(b.capacityType))
    .flatMap(({ instanceType, capacityType }) => {
      const key = `${instanceType} ${capacityType}`;
      if (seen.has(key)) return [];
      seen.add(key);
      const find = <T extends { instanceType: string; region: string }>(rows: readonly T[]) => rowOf(rows, instanceType, region);
      const row =
        capacityType === "on-demand"
          ? find(snapshot.onDemand)
          : capacityType === "spot"
            ? find(snapshot.spot)
            : find(snapshot.capacityBlock);
      const what = capacityType === "on-demand" ? `${instanceType} in ${region}` : `${instanceType} ${capacityType} in ${region}`;
      if (!row) {
        const ceiling = capacityType === "spot" ? find(snapshot.onDemand) : undefined;
        return ceiling
          ? [
              `${what} has no spot snapshot row, so it is priced at the on-demand ${usd(ceiling.onDemandHourlyUsd)}, the most spot can cost (its default maximum price); npm run prices:generate or preflight reads the spot price; AWS may reclaim a spot node at two minutes' notice`,
            ]
          : [];
      }
      const assumedFrom = "assumedFrom" in row ? row.assumedFrom : undefined;
      const meaning =
        "zones" in row
          ? [
              `${what} is priced at ${usd(spotRateUsd(row.zones)!)}, the dearest of ${row.zones.length} AZ(s) at ${row.observedAt.slice(0, 16).replace("T", " ")} UTC (${row.zones.map((z) => `${z.zoneId} ${usd(z.hourlyUsd)}`).join(", ")}); spot prices move, up to the on-demand price, at which maximums and the budget count it; AWS may reclaim a spot node at two minutes' notice`,
            ]
          : capacityType === "capacity-block"
            ? [`${what}: a Capacity Block is paid up front for every instance and hour of the block, used or not`]
            : [];
      return [
        ...meaning,
        ...(assumedFrom ? [`${what} is priced as in ${assumedFrom} (not read for ${region})`] : []),
        ...(row.stale ? [`${what}: its price was read ${row.source.readOn}, over ${PRICE_MAX_AGE_DAYS} days ago (stale)`] : []),
      ];
    });
}

/** Hourly line items that are not instances (per cluster, per NAT gateway), the same in every region of REGIONS. */
export const SERVICE_PRICES = {
  eksControlPlaneHourlyUsd: {
    value: 0.1,
    source: { ref: "https://aws.amazon.com/eks/pricing/ ($0.10 per cluster-hour, standard support)", readOn: "2026-11-26" },
  },
  eksExtendedSupportHourlyUsd: {
    value: 0.6,
    source: {
      ref: "https://aws.amazon.com/eks/pricing/ ($0.60 per cluster-hour for a Kubernetes version in extended support)",
      readOn: "2026-11-27",
    },
  },
  natGatewayHourlyUsd: {
    value: 0.045,
    source: {
      ref: "https://aws.amazon.com/vpc/pricing/ (NAT gateway $0.045/h, plus $0.045/GB processed); us-east-2 the same: https://cloudburn.io/blog/aws-nat-gateway-pricing (2026-02-24, 'US East Ohio … $0.045/hour')",
      readOn: "2026-12-06",
    },
  },
} as const;

/**
 * Per-GB and per-request line items (data a NAT gateway processes, the S3 model cache), the same in
 * every region of REGIONS — S3's us-east-2 rates assumed equal to us-east-1's (not read for it).
 */
export const DATA_PRICES = {
  natGatewayDataProcessedUsdPerGB: {
    value: 0.045,
    source: {
      ref: "https://aws.amazon.com/vpc/pricing/ (NAT gateway $0.045 per GB of data processed, us-east-1 and us-west-2); us-east-2 the same: https://cloudburn.io/blog/aws-nat-gateway-pricing (2026-02-24, '$0.045/GB processed')",
      readOn: "2026-12-06",
    },
  },
  /** The cache's objects start in Intelligent-Tiering's Frequent Access tier, priced as S3 Standard: the upper bound. */
  s3StandardStorageUsdPerGBMonth: {
    value: 0.023,
    source: {
      ref: "https://aws.amazon.com/s3/pricing/ (S3 Standard and Intelligent-Tiering Frequent Access, first 50 TB/month, us-east-1 and us-west-2; us-east-2 assumed equal, not read)",
      readOn: "2026-11-27",
    },
  },
  s3GetRequestsUsdPer1000: {
    value: 0.0004,
    source: {
      ref: "https://aws.amazon.com/s3/pricing/ (GET, SELECT and all other requests, S3 Standard, per 1,000 requests)",
      readOn: "2026-11-27",
    },
  },
  /** Gateway endpoints are free; data from S3 to EC2 in the same region is not charged either. */
  s3GatewayEndpointUsdPerGB: {
    value: 0,
    source: {
      ref: "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html ('There is no additional charge for using gateway endpoints')",
      readOn: "2026-11-27",
    },
  },
} as const;

/** Hours in the month that every monthly figure assumes (8760 h / 12). */
export const HOURS_PER_MONTH = 730;
