/**
 * Reading the AWS Price List bulk API's per-region CSV offer file one line at a time and picking the
 * one plain Linux on-demand row per instance type — the on-demand half of the EC2 price generator
 * (tools/prices/generate-prices.ts). No I/O here: the caller feeds lines.
 *
 * The offer file's layout, as public parsers of it read it:
 * - five metadata lines, each a quoted key and value — "FormatVersion", "Disclaimer", "Publication
 *   Date", "Version", "OfferCode" — then the header line (first column "SKU"), then one line per
 *   price dimension (skypilot-org/skypilot sky/catalog/data_fetchers/fetch_aws.py reads it with
 *   `pd.read_csv(url, skiprows=5)`; the same five lines head the Version 20250912225308 sample
 *   quoted in public docs of the file, and opencost/opencost's fixtures carry the same keys).
 * - every non-empty field is double-quoted and an empty one is bare (`"Dedicated",,"Windows"` in
 *   that sample), so the file is RFC 4180 CSV: a comma inside quotes is data ("Linux/UNIX (Amazon
 *   VPC), c6i.large reserved instance applied") and `""` inside quotes is one quote.
 * - header names used here: SKU, TermType, PriceDescription, Unit, PricePerUnit, Currency,
 *   Instance Type, Tenancy, Operating System, License Model, usageType, operation, CapacityStatus,
 *   MarketOption, Pre Installed S/W, Region Code (the 20250912225308 header; fetch_aws.py filters on
 *   TermType, Operating System, Pre Installed S/W, CapacityStatus, Tenancy and PricePerUnit).
 */
import { type InstanceType, type PriceRow, type Region } from "../../infra/catalog/schema";
import { type PriceProblem } from "./price-list";

/** The per-region offer file (public, no credentials): https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html. */
export function offerFileUrl(region: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/${region}/index.csv`;
}

/**
 * One CSV record's fields (RFC 4180: quoted fields may hold commas and doubled quotes). The offer
 * file has no line breaks inside fields, so a line that ends inside quotes is an error, not a
 * continuation: the caller fails rather than guess.
 */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let afterQuote = false;
  while (i < line.length) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
      } else field += c;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      afterQuote = false;
    } else if (c === '"' && field === "" && !afterQuote) quoted = true;
    else if (afterQuote) throw new Error(`CSV: text after a closing quote at column ${i + 1}: ${line.slice(0, 120)}`);
    else field += c;
    i++;
  }
  if (quoted) throw new Error(`CSV: a line ends inside a quoted field: ${line.slice(0, 120)}`);
  fields.push(field);
  return fields;
}

/** The metadata lines above the header. */
export interface OfferFileMeta {
  version: string;
  publicationDate: string;
}

const COLUMNS = [
  "SKU",
  "TermType",
  "PriceDescription",
  "Unit",
  "PricePerUnit",
  "Currency",
  "Instance Type",
  "Tenancy",
  "Operating System",
  "License Model",
  "usageType",
  "operation",
  "CapacityStatus",
  "Pre Installed S/W",
  "Region Code",
] as const;
type Column = (typeof COLUMNS)[number] | "MarketOption";
/** A row by column name; MarketOption only where the header has it. */
export type OfferRow = Record<(typeof COLUMNS)[number], string> & { MarketOption?: string };

/**
 * Why a row of one of our instance types is not its plain Linux on-demand price, or null when it is.
 * Every value below is an exact match on the offer file's own text:
 * - TermType "OnDemand" (not "Reserved"); Unit "Hrs"; Currency "USD".
 * - Operating System "Linux", Pre Installed S/W "NA" (no SQL Server), License Model "No License
 *   required", Tenancy "Shared", CapacityStatus "Used" — the filters of fetch_aws.py (which reads
 *   "NA" as pandas' null), less its "Host" tenancy.
 * - operation "RunInstances" exactly: other operating systems and bundles are "RunInstances:0002"
 *   and the like ("RunInstances:0202" for Windows with SQL Web in the 20250912225308 sample), and
 *   Capacity Block products are "RunInstances:CB" (opencost/opencost
 *   pkg/cloud/aws/testdata/pricing-us-east-1.json, offer version 20240528203522).
 * - MarketOption "OnDemand" where the column exists: the same instance type is also listed with
 *   MarketOption "CapacityBlock" under an OnDemand term at $0.00 per hour (that fixture;
 *   opencost/opencost pkg/cloud/aws/provider_test.go "Ensure marketOption=OnDemand").
 * - usageType "BoxUsage:<type>" with an optional region prefix ("USW2-"): a shared-tenancy instance
 *   hour ("BoxUsage:p4d.24xlarge" in that fixture; dedicated is "…DedicatedUsage:…", capacity
 *   reservations "…Reservation:…", e.g. "APE2-DedicatedUsage:r7g.medium" in AWS's savings plan file).
 * - Region Code equal to the file's region, so a Local Zone row in the parent region's file is not taken.
 */
export function rejectReason(row: OfferRow, region: string): string | null {
  const want: Array<[Column, string]> = [
    ["TermType", "OnDemand"],
    ["Region Code", region],
    ["Operating System", "Linux"],
    ["Tenancy", "Shared"],
    ["Pre Installed S/W", "NA"],
    ["CapacityStatus", "Used"],
    ["License Model", "No License required"],
    ["operation", "RunInstances"],
    ["Unit", "Hrs"],
    ["Currency", "USD"],
  ];
  if (row.MarketOption !== undefined) want.push(["MarketOption", "OnDemand"]);
  for (const [column, value] of want) if (row[column] !== value) return `${column} ${JSON.stringify(row[column])}`;
  const boxUsage = new RegExp(`^([A-Z0-9]+-)?BoxUsage:${row["Instance Type"].replace(/\./g, "\\.")}$`);
  if (!boxUsage.test(row.usageType)) return `usageType ${JSON.stringify(row.usageType)}`;
  return null;
}

/** A row that passed every filter. */
export interface OnDemandCandidate {
  sku: string;
  pricePerUnit: string;
  description: string;
}

/** What one region's offer file holds for our instance types. */
export interface OfferFileScan {
  region: string;
  meta: OfferFileMeta;
  /** Rows that passed every filter, per instance type (exactly one each is expected). */
  matches: Map<string, OnDemandCandidate[]>;
  /** Rows of our instance types that were rejected, per instance type (for the error when none matched). */
  rejected: Map<string, number>;
}

/**
 * Reads one region's offer file a line at a time (`push` each line, then `finish`), keeping only
 * what our instance types need: the file is hundreds of MB and is never held whole.
 */
export class OfferFileScanner {
  private readonly metaLines = new Map<string, string>();
  private header: Map<Column, number> | null = null;
  private readonly matches = new Map<string, OnDemandCandidate[]>();
  private readonly rejected = new Map<string, number>();
  private lineNumber = 0;

  constructor(
    readonly region: string,
    /** The catalog's instance types (INSTANCE_TYPES): rows of other types are skipped unread. */
    private readonly instanceTypes: readonly string[],
  ) {}

  push(line: string): void {
    this.lineNumber++;
    if (line === "") return;
    if (this.header === null) {
      const fields = parseCsvLine(line);
      if (fields[0] !== "SKU") {
        if (fields.length !== 2 || this.metaLines.size >= 5)
          throw new Error(`${this.where()}: expected the five metadata lines, then the header starting "SKU"; got ${line.slice(0, 120)}`);
        this.metaLines.set(fields[0] as string, fields[1] as string);
        return;
      }
      this.header = this.readHeader(fields);
      return;
    }
    const fields = parseCsvLine(line);
    const at = (column: Column) => {
      const index = this.header?.get(column);
      return index === undefined ? undefined : fields[index];
    };
    const instanceType = at("Instance Type");
    if (instanceType === undefined || !this.instanceTypes.includes(instanceType)) return;
    const row = Object.fromEntries([...(this.header ?? [])].map(([column, index]) => [column, fields[index] ?? ""])) as OfferRow;
    const reason = rejectReason(row, this.region);
    if (reason !== null) {
      this.rejected.set(instanceType, (this.rejected.get(instanceType) ?? 0) + 1);
      return;
    }
    const list = this.matches.get(instanceType) ?? [];
    list.push({ sku: row.SKU, pricePerUnit: row.PricePerUnit, description: row.PriceDescription });
    this.matches.set(instanceType, list);
  }

  finish(): OfferFileScan {
    if (this.header === null) throw new Error(`${this.where()}: the file ended before its header line (first column "SKU")`);
    const offerCode = this.metaLines.get("OfferCode");
    if (offerCode !== "AmazonEC2") throw new Error(`${this.where()}: OfferCode ${JSON.stringify(offerCode)}, expected "AmazonEC2"`);
    const version = this.metaLines.get("Version");
    const publicationDate = this.metaLines.get("Publication Date");
    if (!version || !publicationDate) throw new Error(`${this.where()}: the metadata lines lack "Version" or "Publication Date"`);
    return { region: this.region, meta: { version, publicationDate }, matches: this.matches, rejected: this.rejected };
  }

  private readHeader(fields: string[]): Map<Column, number> {
    const index = new Map<Column, number>();
    const missing: string[] = [];
    for (const column of COLUMNS) {
      const i = fields.indexOf(column);
      if (i < 0) missing.push(column);
      else index.set(column, i);
    }
    if (missing.length > 0)
      throw new Error(
        `${this.where()}: the header lacks ${missing.map((c) => JSON.stringify(c)).join(", ")} — AWS changed the offer file's columns; update tools/prices/price-list.ts`,
      );
    const market = fields.indexOf("MarketOption");
    if (market >= 0) index.set("MarketOption", market);
    return index;
  }

  private where(): string {
    return `${this.region}/index.csv line ${this.lineNumber}`;
  }
}

/** The on-demand rows for every instance type in every region, or a problem for each gap or doubt. */
export function onDemandRows(
  scans: readonly OfferFileScan[],
  readOn: string,
  instanceTypes: readonly InstanceType[],
  regions: readonly Region[],
): { rows: PriceRow[]; problems: PriceProblem[] } {
  const rows: PriceRow[] = [];
  const problems: PriceProblem[] = [];
  for (const region of regions) {
    const scan = scans.find((s) => s.region === region);
    if (!scan) {
      for (const instanceType of instanceTypes)
        problems.push({ instanceType, region, found: "no offer file was read", fix: `read ${offerFileUrl(region)}` });
      continue;
    }
    for (const instanceType of instanceTypes) {
      const found = scan.matches.get(instanceType) ?? [];
      if (found.length !== 1) {
        problems.push(
          found.length === 0
            ? {
                instanceType,
                region,
                found: `no plain Linux on-demand row in offer file version ${scan.meta.version} (${scan.rejected.get(instanceType) ?? 0} other rows of the type)`,
                fix: `check that AWS sells ${instanceType} on demand in ${region} (aws ec2 describe-instance-type-offerings --region ${region}); if it does not, take it out of INSTANCE_TYPES or REGIONS in infra/catalog/schema.ts; if it does, the offer file's values changed: compare its rows with rejectReason in tools/prices/price-list.ts`,
              }
            : {
                instanceType,
                region,
                found: `${found.length} plain Linux on-demand rows in offer file version ${scan.meta.version}: ${found.map((c) => `SKU ${c.sku} ${c.pricePerUnit} USD/h (${c.description})`).join("; ")}`,
                fix: "compare these SKUs' columns in the offer file and add the one that tells them apart to rejectReason in tools/prices/price-list.ts",
              },
        );
        continue;
      }
      const [candidate] = found as [OnDemandCandidate];
      const price = Number(candidate.pricePerUnit);
      if (!Number.isFinite(price) || price <= 0) {
        problems.push({
          instanceType,
          region,
          found: `SKU ${candidate.sku} has PricePerUnit ${JSON.stringify(candidate.pricePerUnit)}`,
          fix: "a plain on-demand hour has a positive price; read the row in the offer file before trusting it",
        });
        continue;
      }
      rows.push({
        instanceType,
        region,
        onDemandHourlyUsd: price,
        source: {
          ref: `AWS Price List AmazonEC2 offer file version ${scan.meta.version} (published ${scan.meta.publicationDate}), ${region}/index.csv, SKU ${candidate.sku}`,
          readOn,
        },
      });
    }
  }
  return { rows, problems };
}
