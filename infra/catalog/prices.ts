/**
 * THE price table: Linux on-demand USD per hour, by instance type and region. Prices change;
 * every row says where it was read and when, and nothing else in the repo holds a price.
 */
import { type InstanceType, type PriceRow, type Region } from "./schema";

/** One price: a row of PRICE_TABLE without its keys. */
export type PriceEntry = Omit<PriceRow, "instanceType" | "region">;

/** The date this table as a whole was last reviewed; shown next to every cost the tool prints. */
export const PRICE_TABLE_DATE = "2026-11-26";

// After AWS's June 2025 cut ("Announcing up to 45% price reduction for Amazon EC2 NVIDIA
// GPU-accelerated instances", AWS News Blog 2025-06-05, effective 2025-06-01). Blogs still quoting
// p5.48xlarge at $98.32 predate it.
const OFFER_FILE =
  "AWS price list API offer file AmazonEC2 (version 20260924211011), Linux/Shared/On-Demand, via shared/reference/aws-gpu.md";
const SAME_AS_US_EAST_1 =
  "AWS prices P5/P5en/M7i identically in us-east-1 and us-west-2 (offer file as above); us-west-2 row not read separately — re-check before relying on it";

/**
 * Every instance type in every region, as a table keyed by both: a type or region without its row
 * fails to compile, so nothing is priced at $0 by omission.
 */
export const PRICE_TABLE: Record<InstanceType, Record<Region, PriceEntry>> = {
  "p5.4xlarge": {
    "us-east-1": {
      onDemandHourlyUsd: 6.88,
      source: { ref: `${OFFER_FILE}; read 2026-09-29 from the public price list`, readOn: "2026-11-26" },
    },
    "us-west-2": { onDemandHourlyUsd: 6.88, assumedFrom: "us-east-1", source: { ref: SAME_AS_US_EAST_1, readOn: "2026-11-26" } },
  },
  "p5.48xlarge": {
    "us-east-1": { onDemandHourlyUsd: 55.04, source: { ref: OFFER_FILE, readOn: "2026-11-26" } },
    "us-west-2": { onDemandHourlyUsd: 55.04, assumedFrom: "us-east-1", source: { ref: SAME_AS_US_EAST_1, readOn: "2026-11-26" } },
  },
  "p5en.48xlarge": {
    "us-east-1": {
      onDemandHourlyUsd: 63.296,
      source: {
        ref: "dstack PR #4110 (2026-08-06) price table, matching the AWS offer file, via shared/reference/aws-gpu.md",
        readOn: "2026-11-26",
      },
    },
    "us-west-2": { onDemandHourlyUsd: 63.296, assumedFrom: "us-east-1", source: { ref: SAME_AS_US_EAST_1, readOn: "2026-11-26" } },
  },
  "m7i.xlarge": {
    "us-east-1": {
      onDemandHourlyUsd: 0.2016,
      source: { ref: "https://aws.amazon.com/ec2/pricing/on-demand/ (m7i.xlarge, Linux, US East N. Virginia)", readOn: "2026-11-26" },
    },
    "us-west-2": { onDemandHourlyUsd: 0.2016, assumedFrom: "us-east-1", source: { ref: SAME_AS_US_EAST_1, readOn: "2026-11-26" } },
  },
};

/**
 * How old a price row may be before it must be re-read or marked `stale` (then every output that
 * uses it says so): AWS changes GPU prices a few times a year — the June 2025 cut above was up to
 * 45 % — so a quarter and a month is the longest a number here is trusted unmarked. A choice.
 */
export const PRICE_MAX_AGE_DAYS = 120;

/**
 * What every output priced with these types in `region` must say about its prices: a row assumed
 * from another region, and a row marked stale. Empty when every row was read for the region and is
 * fresh.
 */
export function priceCaveats(
  instanceTypes: readonly InstanceType[],
  region: Region,
  table: Readonly<Record<InstanceType, Readonly<Record<Region, PriceEntry>>>> = PRICE_TABLE,
): string[] {
  return [...new Set(instanceTypes)].sort().flatMap((instanceType) => {
    const row = table[instanceType]?.[region];
    if (!row) return [];
    return [
      ...(row.assumedFrom ? [`${instanceType} in ${region} is priced as in ${row.assumedFrom} (not read for ${region})`] : []),
      ...(row.stale
        ? [`${instanceType} in ${region}: its price was read ${row.source.readOn}, over ${PRICE_MAX_AGE_DAYS} days ago (stale)`]
        : []),
    ];
  });
}

/** The same rows as a list (type, region, price, source), for tables and validation. */
export const PRICES: readonly PriceRow[] = (Object.keys(PRICE_TABLE) as InstanceType[]).flatMap((instanceType) =>
  (Object.keys(PRICE_TABLE[instanceType]) as Region[]).map((region) => ({ instanceType, region, ...PRICE_TABLE[instanceType][region] })),
);

/** Hourly line items that are not instances (per cluster, per NAT gateway), same in both regions. */
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
    source: { ref: "https://aws.amazon.com/vpc/pricing/ (NAT gateway $0.045/h, plus $0.045/GB processed)", readOn: "2026-11-26" },
  },
} as const;

/** Per-GB and per-request line items (data a NAT gateway processes, the S3 model cache), same in both regions. */
export const DATA_PRICES = {
  natGatewayDataProcessedUsdPerGB: {
    value: 0.045,
    source: {
      ref: "https://aws.amazon.com/vpc/pricing/ (NAT gateway $0.045 per GB of data processed, us-east-1 and us-west-2)",
      readOn: "2026-11-26",
    },
  },
  /** The cache's objects start in Intelligent-Tiering's Frequent Access tier, priced as S3 Standard: the upper bound. */
  s3StandardStorageUsdPerGBMonth: {
    value: 0.023,
    source: {
      ref: "https://aws.amazon.com/s3/pricing/ (S3 Standard and Intelligent-Tiering Frequent Access, first 50 TB/month, us-east-1 and us-west-2)",
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
