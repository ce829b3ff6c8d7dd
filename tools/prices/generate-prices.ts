/**
 * Writes the dated EC2 price snapshot (infra/catalog/ec2-prices.json) from AWS's own data, run by
 * hand (`npm run prices:generate`) and committed with its date, as karpenter-provider-aws does with
 * hack/code/prices_gen:
 * - on-demand: the AWS Price List bulk API's per-region CSV offer file (public; streamed, never held whole);
 * - spot: EC2 DescribeSpotPriceHistory, each AZ's newest Linux/UNIX price;
 * - Capacity Blocks for ML: EC2 DescribeCapacityBlockOfferings, the cheapest offering's rate. The
 *   offer file does list Capacity Block products, but at $0.00 per hour (tools/prices/offer-file.ts,
 *   rejectReason): a block's price is its offering's upfront fee.
 *
 * Usage: tsx tools/prices/generate-prices.ts [--out <path>] [--only-on-demand]
 *   --out             where to write (default infra/catalog/ec2-prices.json)
 *   --only-on-demand  read only the offer files (no AWS credentials needed) and keep the spot and
 *                     capacityBlock sections of the existing file at --out, saying so in readBy
 *
 * Fails closed: a missing or ambiguous on-demand row, an AWS error or a snapshot that
 * priceSnapshotSchema rejects prints every problem, exits 1 and writes nothing. The file is
 * replaced atomically (a temporary file renamed over it).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { parseArgs } from "node:util";
import {
  DescribeCapacityBlockOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import {
  INSTANCE_TYPES,
  REGIONS,
  priceSnapshotSchema,
  type CapacityBlockRateRow,
  type InstanceType,
  type PriceSnapshot,
  type Region,
  type SpotPriceRow,
} from "../../infra/catalog/schema";
import type { SpotPriceHistoryEntry } from "../../infra/catalog/spot-history";
import {
  GENERATOR,
  assembleSnapshot,
  capacityBlockRow,
  formatProblem,
  renderSnapshot,
  spotRow,
  type BlockOffering,
  type PriceProblem,
} from "./price-list";
import { OfferFileScanner, offerFileUrl, onDemandRows, type OfferFileScan } from "./offer-file";
import { SHORTEST_CAPACITY_BLOCK_HOURS } from "../../infra/catalog/capacity-blocks";

/** The committed snapshot, found from this file so the command works from any directory. */
export const DEFAULT_OUT_PATH = join(__dirname, "..", "..", "infra", "catalog", "ec2-prices.json");

/** Everything the generator touches outside itself, so tests run it offline. */
export interface GeneratorDeps {
  /** GETs a URL (Node's global fetch by default). */
  fetch: (url: string) => Promise<Response>;
  /** One EC2 client per region (default credential chain by default). */
  createEc2Client: (region: Region) => EC2Client;
  /** The time of the run: readOn, spot observedAt and the spot history's StartTime. */
  now: () => Date;
  outPath: string;
  /** What to price: INSTANCE_TYPES and REGIONS of infra/catalog/schema.ts on the command line. */
  instanceTypes: readonly InstanceType[];
  regions: readonly Region[];
  /** Read only the offer files and keep the existing file's spot and capacityBlock sections. */
  onlyOnDemand: boolean;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** EC2 clients on the default credential chain, sharing one provider (resolved once, not once per region). */
export function defaultEc2ClientFactory(): (region: Region) => EC2Client {
  // The pinned SDK's Node-version warning would bury the generator's own output (cli/preflight/aws-facts.ts).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const credentials = defaultProvider();
  return (region) => new EC2Client({ region, credentials, maxAttempts: 3 });
}

/** Streams one region's offer file line by line through the scanner. */
export async function readOfferFile(
  fetchUrl: GeneratorDeps["fetch"],
  region: Region,
  instanceTypes: readonly InstanceType[],
): Promise<OfferFileScan> {
  const url = offerFileUrl(region);
  const response = await fetchUrl(url);
  if (!response.ok || response.body === null) throw new Error(`GET ${url}: HTTP ${response.status} ${response.statusText}`);
  const input = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  const scanner = new OfferFileScanner(region, instanceTypes);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) scanner.push(line);
  } finally {
    lines.close();
    input.destroy();
  }
  return scanner.finish();
}

/** Every page of the type's Linux/UNIX spot history from `startTime` (the current price of each AZ). */
async function spotHistory(ec2: EC2Client, instanceType: InstanceType, startTime: Date): Promise<SpotPriceHistoryEntry[]> {
  const entries: SpotPriceHistoryEntry[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: [instanceType as _InstanceType],
        ProductDescriptions: ["Linux/UNIX"],
        StartTime: startTime,
        NextToken: nextToken,
      }),
    );
    entries.push(...(page.SpotPriceHistory ?? []));
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return entries;
}

/**
 * The types AWS sells as Capacity Blocks in the region: DescribeInstanceTypes lists "capacity-block"
 * among SupportedUsageClasses for them (aws/karpenter-provider-aws#4991 shows p5.48xlarge's
 * ["capacity-block", "on-demand", "spot"]). The others get no row rather than an offerings call.
 */
async function blockTypes(ec2: EC2Client, instanceTypes: readonly InstanceType[]): Promise<Set<string>> {
  const sold = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: [...instanceTypes] as _InstanceType[], NextToken: nextToken }),
    );
    for (const info of page.InstanceTypes ?? [])
      if (info.InstanceType && info.SupportedUsageClasses?.includes("capacity-block")) sold.add(info.InstanceType);
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return sold;
}

/** Every page of the offerings for one instance for SHORTEST_CAPACITY_BLOCK_HOURS. */
async function blockOfferings(ec2: EC2Client, instanceType: InstanceType): Promise<BlockOffering[]> {
  const found: BlockOffering[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeCapacityBlockOfferingsCommand({
        InstanceType: instanceType,
        InstanceCount: 1,
        CapacityDurationHours: SHORTEST_CAPACITY_BLOCK_HOURS,
        NextToken: nextToken,
      }),
    );
    found.push(...(page.CapacityBlockOfferings ?? []));
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return found;
}

/** One region's spot and Capacity Block rows, with a notice for each type that gets none. */
async function ec2Rows(
  ec2: EC2Client,
  region: Region,
  instanceTypes: readonly InstanceType[],
  now: Date,
  notices: string[],
): Promise<{ spot: SpotPriceRow[]; capacityBlock: CapacityBlockRateRow[] }> {
  const spot: SpotPriceRow[] = [];
  const capacityBlock: CapacityBlockRateRow[] = [];
  const sold = await blockTypes(ec2, instanceTypes);
  for (const instanceType of instanceTypes) {
    const spotPrices = spotRow(instanceType, region, await spotHistory(ec2, instanceType, now), now);
    if (spotPrices) spot.push(spotPrices);
    else notices.push(`${instanceType} in ${region}: no spot price in any AZ — no spot row`);
    if (!sold.has(instanceType)) {
      notices.push(
        `${instanceType} in ${region}: not sold as a Capacity Block (DescribeInstanceTypes SupportedUsageClasses) — no capacityBlock row`,
      );
      continue;
    }
    const block = capacityBlockRow(instanceType, region, await blockOfferings(ec2, instanceType), now);
    if (block) capacityBlock.push(block);
    else
      notices.push(
        `${instanceType} in ${region}: no ${SHORTEST_CAPACITY_BLOCK_HOURS} h Capacity Block offering in USD right now — no capacityBlock row`,
      );
  }
  return { spot, capacityBlock };
}

function versions(scans: readonly OfferFileScan[]): string {
  return scans.map((s) => `${s.region} version ${s.meta.version}`).join(", ");
}

/** Writes `text` to a temporary file beside `path` and renames it over `path`: a reader never sees half a file. */
export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Runs the generator; returns the exit code (0 written, 1 nothing written). */
export async function generatePrices(deps: GeneratorDeps): Promise<number> {
  const now = deps.now();
  const readOn = now.toISOString().slice(0, 10);
  const problems: PriceProblem[] = [];
  const fail = (region: string, what: string, error: unknown, fix: string) =>
    problems.push({
      instanceType: "(every instance type)",
      region,
      found: `${what} failed: ${(error as Error).message ?? String(error)}`,
      fix,
    });

  const scans: OfferFileScan[] = [];
  await Promise.all(
    deps.regions.map(async (region) => {
      try {
        scans.push(await readOfferFile(deps.fetch, region, deps.instanceTypes));
      } catch (error) {
        fail(region, `reading ${offerFileUrl(region)}`, error, "check the network path to pricing.us-east-1.amazonaws.com and rerun");
      }
    }),
  );
  scans.sort((a, b) => deps.regions.indexOf(a.region as Region) - deps.regions.indexOf(b.region as Region));
  const onDemand = onDemandRows(scans, readOn, deps.instanceTypes, deps.regions);
  problems.push(...onDemand.problems.filter((p) => scans.some((s) => s.region === p.region)));

  let spot: SpotPriceRow[] = [];
  let capacityBlock: CapacityBlockRateRow[] = [];
  let readBy: string;
  const notices: string[] = [];
  if (deps.onlyOnDemand) {
    let previous: PriceSnapshot | null = null;
    try {
      previous = priceSnapshotSchema.parse(JSON.parse(readFileSync(deps.outPath, "utf8")));
    } catch (error) {
      fail(
        "(all regions)",
        `reading the existing snapshot ${deps.outPath} for its spot and capacityBlock sections`,
        error,
        "run without --only-on-demand (needs AWS credentials) or restore the file",
      );
    }
    spot = previous?.spot ?? [];
    capacityBlock = previous?.capacityBlock ?? [];
    readBy = `${GENERATOR} --only-on-demand: on-demand from the AWS Price List AmazonEC2 offer files (${versions(scans)}); spot and capacityBlock kept unchanged from the previous snapshot (readOn ${previous?.readOn ?? "unknown"}), not re-read`;
  } else {
    await Promise.all(
      deps.regions.map(async (region) => {
        try {
          const rows = await ec2Rows(deps.createEc2Client(region), region, deps.instanceTypes, now, notices);
          spot.push(...rows.spot);
          capacityBlock.push(...rows.capacityBlock);
        } catch (error) {
          fail(
            region,
            "EC2 DescribeInstanceTypes / DescribeSpotPriceHistory / DescribeCapacityBlockOfferings",
            error,
            "check the credentials (aws sts get-caller-identity) and ec2:DescribeInstanceTypes, ec2:DescribeSpotPriceHistory, ec2:DescribeCapacityBlockOfferings permissions, or run with --only-on-demand",
          );
        }
      }),
    );
    readBy = `${GENERATOR}: on-demand from the AWS Price List AmazonEC2 offer files (${versions(scans)}); spot from EC2 DescribeSpotPriceHistory; capacityBlock from EC2 DescribeCapacityBlockOfferings (the offer file lists Capacity Blocks at $0.00/h)`;
  }

  if (problems.length === 0) {
    const assembled = assembleSnapshot({ readOn, readBy, onDemand: onDemand.rows, spot, capacityBlock });
    problems.push(...assembled.problems);
    if (assembled.snapshot) {
      for (const notice of notices.sort()) deps.stdout(notice);
      writeAtomically(deps.outPath, renderSnapshot(assembled.snapshot));
      const s = assembled.snapshot;
      deps.stdout(
        `wrote ${deps.outPath}: ${s.onDemand.length} on-demand, ${s.spot.length} spot, ${s.capacityBlock.length} capacity block rows (${readOn})`,
      );
      return 0;
    }
  }
  deps.stderr(`${GENERATOR}: ${problems.length} problem(s); nothing written to ${deps.outPath}`);
  // Regions are read in parallel; print in the catalog's order so two runs read alike.
  const order = (region: string) => (deps.regions as readonly string[]).indexOf(region);
  for (const problem of [...problems].sort((a, b) => order(a.region) - order(b.region))) deps.stderr(`  ${formatProblem(problem)}`);
  return 1;
}

/** The command line: argv without node and the script. Exit 2 for a usage error. */
export async function main(argv: readonly string[]): Promise<number> {
  let values: { out?: string | undefined; "only-on-demand"?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { out: { type: "string" }, "only-on-demand": { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: tsx tools/prices/generate-prices.ts [--out <path>] [--only-on-demand]\n`);
    return 2;
  }
  return generatePrices({
    fetch: (url) => fetch(url),
    createEc2Client: defaultEc2ClientFactory(),
    now: () => new Date(),
    instanceTypes: INSTANCE_TYPES,
    regions: REGIONS,
    outPath: values.out ?? DEFAULT_OUT_PATH,
    onlyOnDemand: values["only-on-demand"] ?? false,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
