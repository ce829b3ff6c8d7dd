/**
 * The price generator end to end, offline: the offer files are the fixtures in
 * test/tools/prices/fixtures served through an injected fetch, and EC2 is aws-sdk-client-mock on
 * real SDK clients (so commands and inputs are the SDK's own). Every expected price is typed by
 * hand from those fixtures and the EC2 answers below, with the arithmetic in a comment.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeCapacityBlockOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  type CapacityBlockOffering,
  type SpotPrice,
} from "@aws-sdk/client-ec2";
import { priceSnapshotSchema, type Region } from "../../../infra/catalog/schema";
import { generatePrices, type GeneratorDeps } from "../../../tools/prices/generate-prices";

const FIXTURES = join(__dirname, "fixtures");
// The pinned SDK warns about Node versions after January 2027 (as cli/preflight/aws-facts.ts notes); not this test's subject.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
/** What the fixtures price (the catalog's lists may grow; the fixtures stay as typed). */
const TYPES = ["p5.4xlarge", "p5.48xlarge", "p5en.48xlarge", "m7i.xlarge"] as const;
const REGIONS = ["us-east-1", "us-west-2"] as const;
type FixtureRegion = (typeof REGIONS)[number];
const NOW = new Date("2026-12-07T12:00:00.000Z");
const META = { $metadata: {} };
const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00.000Z`);

/** Spot history pages per region and type: each page is one answer; every page but the last has a NextToken. */
const SPOT: Record<FixtureRegion, Record<string, SpotPrice[][]>> = {
  "us-east-1": {
    "p5.48xlarge": [
      [
        { AvailabilityZoneId: "use1-az1", SpotPrice: "30.100000", Timestamp: at("10:00") },
        { AvailabilityZoneId: "use1-az1", SpotPrice: "31.200000", Timestamp: at("11:00") },
        { AvailabilityZoneId: "use1-az2", SpotPrice: "29.000000", Timestamp: at("09:00") },
      ],
      [
        { AvailabilityZoneId: "use1-az2", SpotPrice: "28.500000", Timestamp: at("10:30") },
        { AvailabilityZoneId: "use1-az4", SpotPrice: "33.000000", Timestamp: at("08:00") },
        { AvailabilityZoneId: "use1-az1", SpotPrice: "35.000000", Timestamp: at("09:30") },
      ],
    ],
    "p5.4xlarge": [[]],
    "p5en.48xlarge": [[{ AvailabilityZoneId: "use1-az6", SpotPrice: "40.100000", Timestamp: at("07:00") }]],
    "m7i.xlarge": [
      [
        { AvailabilityZoneId: "use1-az1", SpotPrice: "0.090000", Timestamp: at("06:00") },
        { AvailabilityZoneId: "use1-az1", SpotPrice: "0.080100", Timestamp: at("11:59") },
      ],
    ],
  },
  "us-west-2": {
    "p5.48xlarge": [[{ AvailabilityZoneId: "usw2-az1", SpotPrice: "27.000000", Timestamp: at("05:00") }]],
    "p5.4xlarge": [[]],
    "p5en.48xlarge": [[]],
    "m7i.xlarge": [[]],
  },
};

/** SupportedUsageClasses per region and type (DescribeInstanceTypes). */
const USAGE_CLASSES: Record<FixtureRegion, Record<string, string[]>> = {
  "us-east-1": {
    "p5.4xlarge": ["capacity-block", "on-demand", "spot"],
    "p5.48xlarge": ["capacity-block", "on-demand", "spot"],
    "p5en.48xlarge": ["capacity-block", "on-demand", "spot"],
    "m7i.xlarge": ["on-demand", "spot"],
  },
  "us-west-2": {
    "p5.4xlarge": ["on-demand", "spot"],
    "p5.48xlarge": ["capacity-block", "on-demand", "spot"],
    "p5en.48xlarge": ["on-demand", "spot"],
    "m7i.xlarge": ["on-demand", "spot"],
  },
};

/** Capacity Block offering pages per region and type. */
const BLOCKS: Record<FixtureRegion, Record<string, CapacityBlockOffering[][]>> = {
  "us-east-1": {
    "p5.48xlarge": [
      [{ InstanceCount: 1, CapacityBlockDurationHours: 24, CapacityBlockDurationMinutes: 0, UpfrontFee: "755.04", CurrencyCode: "USD" }],
      [{ InstanceCount: 1, CapacityBlockDurationHours: 23, CapacityBlockDurationMinutes: 30, UpfrontFee: "734.375", CurrencyCode: "USD" }],
    ],
    "p5.4xlarge": [[]],
    "p5en.48xlarge": [[{ InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "1098.48", CurrencyCode: "USD" }]],
  },
  "us-west-2": {
    "p5.48xlarge": [[{ InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "830.4", CurrencyCode: "USD" }]],
  },
};

/** A page by its NextToken: "<name>-page-<n>" asks for page n (1-based); none asks for page 1. */
function pageOf<T>(pages: T[][], name: string, token: string | undefined): { items: T[]; NextToken?: string } {
  const index = token === undefined ? 0 : Number(token.split("-page-")[1]) - 1;
  const items = pages[index];
  if (!items) throw new Error(`no page ${token} of ${name}`);
  return index + 1 < pages.length ? { items, NextToken: `${name}-page-${index + 2}` } : { items };
}

const mockEc2 = (client: EC2Client) => mockClient(client);
type Ec2Mock = ReturnType<typeof mockEc2>;

interface World {
  clients: Map<Region, Ec2Mock>;
  deps: (overrides?: Partial<GeneratorDeps>) => GeneratorDeps;
  out: string;
  stdout: string[];
  stderr: string[];
}

function world(offerFiles: Partial<Record<FixtureRegion, string>> = {}): World {
  const clients = new Map<Region, Ec2Mock>();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = join(mkdtempSync(join(tmpdir(), "prices-")), "ec2-prices.json");
  const fetchOffer = async (url: string) => {
    const region = REGIONS.find((r) => url === `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/${r}/index.csv`);
    if (!region) return new Response("not found", { status: 404, statusText: "Not Found" });
    return new Response(offerFiles[region] ?? readFileSync(join(FIXTURES, `${region}.index.csv`), "utf8"));
  };
  const createEc2Client = (asked: Region) => {
    const region = asked as FixtureRegion;
    const client = new EC2Client({ region, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });
    const mock = mockEc2(client);
    mock.on(DescribeSpotPriceHistoryCommand).callsFake((input: { InstanceTypes: string[]; NextToken?: string }) => {
      const type = input.InstanceTypes[0] as string;
      const page = pageOf(SPOT[region][type] ?? [[]], `${region}-${type}`, input.NextToken);
      return {
        SpotPriceHistory: page.items.map((e) => ({ ...e, InstanceType: type, ProductDescription: "Linux/UNIX" })),
        NextToken: page.NextToken,
        ...META,
      };
    });
    mock.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => ({
      InstanceTypes: input.InstanceTypes.map((type) => ({ InstanceType: type, SupportedUsageClasses: USAGE_CLASSES[region][type] })),
      ...META,
    }));
    mock.on(DescribeCapacityBlockOfferingsCommand).callsFake((input: { InstanceType: string; NextToken?: string }) => {
      const pages = BLOCKS[region][input.InstanceType];
      if (!pages)
        throw new Error(`DescribeCapacityBlockOfferings asked for ${input.InstanceType} in ${region}, which is not sold as a block`);
      const page = pageOf(pages, `${region}-${input.InstanceType}`, input.NextToken);
      return { CapacityBlockOfferings: page.items, NextToken: page.NextToken, ...META };
    });
    clients.set(region, mock);
    return client;
  };
  const deps = (overrides: Partial<GeneratorDeps> = {}): GeneratorDeps => ({
    fetch: fetchOffer,
    createEc2Client,
    now: () => NOW,
    instanceTypes: TYPES,
    regions: REGIONS,
    outPath: out,
    onlyOnDemand: false,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    ...overrides,
  });
  return { clients, deps, out, stdout, stderr };
}

describe("generatePrices", () => {
  it("writes a snapshot that parses, with the fixture's on-demand prices and EC2's spot and block rates", async () => {
    const w = world();
    expect(await generatePrices(w.deps())).toBe(0);
    expect(w.stderr).toEqual([]);
    const snapshot = priceSnapshotSchema.parse(JSON.parse(readFileSync(w.out, "utf8")));
    expect(snapshot.readOn).toBe("2026-12-07");
    expect(snapshot.readBy).toBe(
      "tools/prices/generate-prices.ts: on-demand from the AWS Price List AmazonEC2 offer files (us-east-1 version 20261120180411, us-west-2 version 20261120180411); spot from EC2 DescribeSpotPriceHistory; capacityBlock from EC2 DescribeCapacityBlockOfferings (the offer file lists Capacity Blocks at $0.00/h)",
    );
    // Sorted by instance type, then region (code-unit order: "p5.48xlarge" < "p5.4xlarge" since "8" < "x").
    expect(snapshot.onDemand.map((r) => [r.instanceType, r.region, r.onDemandHourlyUsd])).toEqual([
      ["m7i.xlarge", "us-east-1", 0.2016],
      ["m7i.xlarge", "us-west-2", 0.2017],
      ["p5.48xlarge", "us-east-1", 55.04],
      ["p5.48xlarge", "us-west-2", 54.99],
      ["p5.4xlarge", "us-east-1", 6.88],
      ["p5.4xlarge", "us-west-2", 6.87],
      ["p5en.48xlarge", "us-east-1", 63.296],
      ["p5en.48xlarge", "us-west-2", 63.3],
    ]);
    expect(snapshot.onDemand[2]?.source).toEqual({
      ref: "AWS Price List AmazonEC2 offer file version 20261120180411 (published 2026-11-20T18:04:11Z), us-east-1/index.csv, SKU FIXP548XLUSE1OD",
      readOn: "2026-12-07",
    });
    // Newest per AZ: az1 31.20 (11:00 beats 10:00 and page 2's 09:30), az2 28.50 (page 2's 10:30 beats 09:00), az4 33.00.
    expect(snapshot.spot.map((r) => [r.instanceType, r.region, r.zones])).toEqual([
      ["m7i.xlarge", "us-east-1", [{ zoneId: "use1-az1", hourlyUsd: 0.0801 }]],
      [
        "p5.48xlarge",
        "us-east-1",
        [
          { zoneId: "use1-az1", hourlyUsd: 31.2 },
          { zoneId: "use1-az2", hourlyUsd: 28.5 },
          { zoneId: "use1-az4", hourlyUsd: 33 },
        ],
      ],
      ["p5.48xlarge", "us-west-2", [{ zoneId: "usw2-az1", hourlyUsd: 27 }]],
      ["p5en.48xlarge", "us-east-1", [{ zoneId: "use1-az6", hourlyUsd: 40.1 }]],
    ]);
    expect(snapshot.spot.every((r) => r.observedAt === "2026-12-07T12:00:00.000Z")).toBe(true);
    // p5.48xlarge us-east-1: 755.04 / 24 = 31.46 (page 1), 734.375 / 23.5 = 31.25 (page 2) → 31.25;
    // us-west-2: 830.4 / 24 = 34.6; p5en.48xlarge: 1098.48 / 24 = 45.77; p5.4xlarge has no offering; m7i.xlarge is not sold as a block.
    expect(snapshot.capacityBlock.map((r) => [r.instanceType, r.region, r.hourlyUsdPerInstance])).toEqual([
      ["p5.48xlarge", "us-east-1", 31.25],
      ["p5.48xlarge", "us-west-2", 34.6],
      ["p5en.48xlarge", "us-east-1", 45.77],
    ]);
    expect(w.stdout).toContain(
      "m7i.xlarge in us-east-1: not sold as a Capacity Block (DescribeInstanceTypes SupportedUsageClasses) — no capacityBlock row",
    );
    expect(w.stdout).toContain("p5.4xlarge in us-east-1: no 24 h Capacity Block offering in USD right now — no capacityBlock row");
    expect(w.stdout).toContain("p5.4xlarge in us-east-1: no spot price in any AZ — no spot row");
  });

  it("asks EC2 as documented and follows NextToken to the last page", async () => {
    const w = world();
    expect(await generatePrices(w.deps())).toBe(0);
    const east = w.clients.get("us-east-1")!;
    const spotCalls = east
      .commandCalls(DescribeSpotPriceHistoryCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.InstanceTypes?.[0] === "p5.48xlarge");
    expect(spotCalls).toEqual([
      { InstanceTypes: ["p5.48xlarge"], ProductDescriptions: ["Linux/UNIX"], StartTime: NOW, NextToken: undefined },
      { InstanceTypes: ["p5.48xlarge"], ProductDescriptions: ["Linux/UNIX"], StartTime: NOW, NextToken: "us-east-1-p5.48xlarge-page-2" },
    ]);
    expect(east.commandCalls(DescribeCapacityBlockOfferingsCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceType: "p5.4xlarge", InstanceCount: 1, CapacityDurationHours: 24, NextToken: undefined },
      { InstanceType: "p5.48xlarge", InstanceCount: 1, CapacityDurationHours: 24, NextToken: undefined },
      { InstanceType: "p5.48xlarge", InstanceCount: 1, CapacityDurationHours: 24, NextToken: "us-east-1-p5.48xlarge-page-2" },
      { InstanceType: "p5en.48xlarge", InstanceCount: 1, CapacityDurationHours: 24, NextToken: undefined },
    ]);
  });

  it("writes the same bytes on every run: sorted, two-space JSON, one trailing newline", async () => {
    const first = world();
    const second = world();
    expect(await generatePrices(first.deps())).toBe(0);
    expect(await generatePrices(second.deps())).toBe(0);
    const text = readFileSync(first.out, "utf8");
    expect(readFileSync(second.out, "utf8")).toBe(text);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(text.endsWith("}\n") && !text.endsWith("\n\n")).toBe(true);
  });

  it("fails when an on-demand row is missing: exit 1, the type and region named, nothing written", async () => {
    const west = readFileSync(join(FIXTURES, "us-west-2.index.csv"), "utf8")
      .split("\n")
      .filter((line) => !line.startsWith('"FIXP5ENUSW2OD01"'))
      .join("\n");
    const w = world({ "us-west-2": west });
    expect(await generatePrices(w.deps())).toBe(1);
    expect(existsSync(w.out)).toBe(false);
    expect(w.stderr[0]).toBe(`tools/prices/generate-prices.ts: 1 problem(s); nothing written to ${w.out}`);
    expect(w.stderr[1]).toContain(
      "p5en.48xlarge in us-west-2: no plain Linux on-demand row in offer file version 20261120180411 (0 other rows of the type) — check that AWS sells p5en.48xlarge on demand in us-west-2",
    );
    expect(w.stderr).toHaveLength(2);
  });

  it("fails when an offer file cannot be read, and when EC2 refuses, naming each region", async () => {
    const w = world();
    const deps = w.deps({
      fetch: async (url) =>
        url.includes("/us-west-2/") ? new Response("denied", { status: 403, statusText: "Forbidden" }) : w.deps().fetch(url),
      createEc2Client: (region) => {
        const client = new EC2Client({ region, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });
        mockClient(client)
          .onAnyCommand()
          .rejects(Object.assign(new Error("AWS was not able to validate the provided access credentials"), { name: "AuthFailure" }));
        return client;
      },
    });
    expect(await generatePrices(deps)).toBe(1);
    expect(existsSync(w.out)).toBe(false);
    const problems = w.stderr.slice(1).join("\n");
    expect(problems).toContain(
      "(every instance type) in us-west-2: reading https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-west-2/index.csv failed: GET https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-west-2/index.csv: HTTP 403 Forbidden",
    );
    expect(problems).toContain(
      "(every instance type) in us-east-1: EC2 DescribeInstanceTypes / DescribeSpotPriceHistory / DescribeCapacityBlockOfferings failed: AWS was not able to validate",
    );
    expect(problems).toContain("or run with --only-on-demand");
  });

  it("--only-on-demand reads no EC2 and keeps the existing spot and capacityBlock sections", async () => {
    const w = world();
    const spot = {
      instanceType: "p5.48xlarge",
      region: "us-east-1",
      zones: [{ zoneId: "use1-az1", hourlyUsd: 30 }],
      observedAt: "2026-11-01T00:00:00.000Z",
      source: { ref: "an earlier generator run", readOn: "2026-11-01" },
    };
    const block = {
      instanceType: "p5.48xlarge",
      region: "us-west-2",
      hourlyUsdPerInstance: 34,
      source: { ref: "an earlier generator run", readOn: "2026-11-01" },
    };
    writeFileSync(
      w.out,
      JSON.stringify({ readOn: "2026-11-01", readBy: "an earlier generator run", onDemand: [], spot: [spot], capacityBlock: [block] }),
    );
    const deps = w.deps({
      onlyOnDemand: true,
      createEc2Client: () => {
        throw new Error("--only-on-demand must not create an EC2 client");
      },
    });
    expect(await generatePrices(deps)).toBe(0);
    const snapshot = priceSnapshotSchema.parse(JSON.parse(readFileSync(w.out, "utf8")));
    expect(snapshot.onDemand).toHaveLength(8);
    expect(snapshot.spot).toEqual([spot]);
    expect(snapshot.capacityBlock).toEqual([block]);
    expect(snapshot.readBy).toBe(
      "tools/prices/generate-prices.ts --only-on-demand: on-demand from the AWS Price List AmazonEC2 offer files (us-east-1 version 20261120180411, us-west-2 version 20261120180411); spot and capacityBlock kept unchanged from the previous snapshot (readOn 2026-11-01), not re-read",
    );
  });

  it("--only-on-demand fails without an existing snapshot to keep sections from", async () => {
    const w = world();
    expect(await generatePrices(w.deps({ onlyOnDemand: true }))).toBe(1);
    expect(existsSync(w.out)).toBe(false);
    expect(w.stderr[1]).toContain(`reading the existing snapshot ${w.out} for its spot and capacityBlock sections failed`);
  });
});
