/**
 * Reading the offer file (tools/prices/offer-file.ts) on a fixture in the real file's layout in the real file's layout (five
 * metadata lines, the Version 20250912225308 header, every non-empty field quoted, empty fields
 * bare). The fixture's prices are its own numbers, typed by hand into
 * test/tools/prices/fixtures/*.index.csv: each expected value below is read off that file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OfferFileScanner, onDemandRows, parseCsvLine, rejectReason, type OfferRow } from "../../../tools/prices/offer-file";

const FIXTURES = join(__dirname, "fixtures");
/** What the fixture files price (the catalog's lists may grow; the fixture stays as typed). */
const TYPES = ["p5.4xlarge", "p5.48xlarge", "p5en.48xlarge", "m7i.xlarge"] as const;
const REGIONS = ["us-east-1", "us-west-2"] as const;
const fixtureLines = (region: string) => readFileSync(join(FIXTURES, `${region}.index.csv`), "utf8").split("\n");

function scan(region: string, lines = fixtureLines(region)) {
  const scanner = new OfferFileScanner(region, TYPES);
  for (const line of lines) scanner.push(line);
  return scanner.finish();
}

/** The fixture row with this SKU, by column name. */
function fixtureRow(region: string, sku: string): OfferRow {
  const lines = fixtureLines(region);
  const header = parseCsvLine(lines[5] as string);
  const line = lines.find((l) => l.startsWith(`"${sku}"`));
  if (!line) throw new Error(`no fixture row ${sku}`);
  const fields = parseCsvLine(line);
  return Object.fromEntries(header.map((column, i) => [column, fields[i] ?? ""])) as unknown as OfferRow;
}

describe("parseCsvLine", () => {
  it("reads quoted fields with commas and doubled quotes, and bare empty fields", () => {
    expect(parseCsvLine('"a","b, c",,"say ""hi""",plain,""')).toEqual(["a", "b, c", "", 'say "hi"', "plain", ""]);
  });

  it("reads a line that ends with an empty field", () => {
    expect(parseCsvLine('"a",')).toEqual(["a", ""]);
  });

  it("fails when a line ends inside a quoted field", () => {
    expect(() => parseCsvLine('"a","b')).toThrow("a line ends inside a quoted field");
  });

  it("fails on text after a closing quote", () => {
    expect(() => parseCsvLine('"a"b,"c"')).toThrow("text after a closing quote at column 4");
  });
});

describe("rejectReason", () => {
  it.each([
    ["FIXRESERVED0001", 'TermType "Reserved"'],
    ["FIXWINDOWS00001", 'Operating System "Windows"'],
    ["FIXDEDICATED001", 'Tenancy "Dedicated"'],
    ["FIXSQLSTD000001", 'Pre Installed S/W "SQL Std"'],
    ["FIXUNUSEDCR0001", 'CapacityStatus "UnusedCapacityReservation"'],
    ["FIXALLOCCR00001", 'CapacityStatus "AllocatedCapacityReservation"'],
    ["FIXCAPBLOCK0001", 'operation "RunInstances:CB"'],
    ["FIXRHEL00000001", 'Operating System "RHEL"'],
    ["FIXLOCALZONE001", 'Region Code "us-east-1-dfw-2"'],
  ])("rejects decoy %s for %s", (sku, reason) => {
    expect(rejectReason(fixtureRow("us-east-1", sku), "us-east-1")).toBe(reason);
  });

  it("accepts the plain Linux on-demand row", () => {
    expect(rejectReason(fixtureRow("us-east-1", "FIXP548XLUSE1OD"), "us-east-1")).toBeNull();
    expect(rejectReason(fixtureRow("us-west-2", "FIXP548XLUSW2OD"), "us-west-2")).toBeNull();
  });

  it("rejects a Capacity Block row by MarketOption even where its operation were plain", () => {
    const row = { ...fixtureRow("us-east-1", "FIXCAPBLOCK0001"), operation: "RunInstances" };
    expect(rejectReason(row, "us-east-1")).toBe('MarketOption "CapacityBlock"');
  });

  it("rejects a row whose usage type is not a box hour", () => {
    const row = { ...fixtureRow("us-east-1", "FIXP548XLUSE1OD"), usageType: "HostBoxUsage:p5.48xlarge" };
    expect(rejectReason(row, "us-east-1")).toBe('usageType "HostBoxUsage:p5.48xlarge"');
  });

  it("accepts a file without the MarketOption column", () => {
    const row: Partial<OfferRow> = { ...fixtureRow("us-east-1", "FIXP548XLUSE1OD") };
    delete row.MarketOption;
    expect(rejectReason(row as OfferRow, "us-east-1")).toBeNull();
  });
});

describe("OfferFileScanner", () => {
  it("reads the metadata and keeps exactly the plain Linux on-demand row among the decoys", () => {
    const east = scan("us-east-1");
    expect(east.meta).toEqual({ version: "20261120180411", publicationDate: "2026-11-20T18:04:11Z" });
    expect(east.matches.get("p5.48xlarge")).toEqual([
      { sku: "FIXP548XLUSE1OD", pricePerUnit: "55.0400000000", description: "$55.04 per On Demand Linux p5.48xlarge Instance Hour" },
    ]);
    // Reserved, Windows, Dedicated, SQL Std, unused and allocated reservation, Capacity Block, RHEL.
    expect(east.rejected.get("p5.48xlarge")).toBe(8);
    expect(east.rejected.get("p5en.48xlarge")).toBe(1);
    expect(east.matches.has("p4d.24xlarge")).toBe(false);
  });

  it("fails when the header lacks a column it filters on", () => {
    const lines = fixtureLines("us-east-1");
    lines[5] = (lines[5] as string).replace('"CapacityStatus"', '"Capacity Status"');
    expect(() => scan("us-east-1", lines)).toThrow('us-east-1/index.csv line 6: the header lacks "CapacityStatus"');
  });

  it("fails when the file is not the EC2 offer", () => {
    const lines = fixtureLines("us-east-1");
    lines[4] = '"OfferCode","AmazonRDS"';
    expect(() => scan("us-east-1", lines)).toThrow('OfferCode "AmazonRDS", expected "AmazonEC2"');
  });

  it("fails when the file ends before its header", () => {
    expect(() => scan("us-east-1", fixtureLines("us-east-1").slice(0, 5))).toThrow("the file ended before its header line");
  });
});

describe("onDemandRows", () => {
  it("reads one row per instance type and region with the offer file's version and SKU", () => {
    const { rows, problems } = onDemandRows([scan("us-east-1"), scan("us-west-2")], "2026-12-07", TYPES, REGIONS);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.instanceType, r.region, r.onDemandHourlyUsd])).toEqual([
      ["p5.4xlarge", "us-east-1", 6.88],
      ["p5.48xlarge", "us-east-1", 55.04],
      ["p5en.48xlarge", "us-east-1", 63.296],
      ["m7i.xlarge", "us-east-1", 0.2016],
      ["p5.4xlarge", "us-west-2", 6.87],
      ["p5.48xlarge", "us-west-2", 54.99],
      ["p5en.48xlarge", "us-west-2", 63.3],
      ["m7i.xlarge", "us-west-2", 0.2017],
    ]);
    expect(rows[1]?.source).toEqual({
      ref: "AWS Price List AmazonEC2 offer file version 20261120180411 (published 2026-11-20T18:04:11Z), us-east-1/index.csv, SKU FIXP548XLUSE1OD",
      readOn: "2026-12-07",
    });
  });

  it("fails when a type has no row in a region, naming both", () => {
    const west = fixtureLines("us-west-2").filter((l) => !l.startsWith('"FIXP5ENUSW2OD01"'));
    const { rows, problems } = onDemandRows([scan("us-east-1"), scan("us-west-2", west)], "2026-12-07", TYPES, REGIONS);
    expect(rows).toHaveLength(7);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      instanceType: "p5en.48xlarge",
      region: "us-west-2",
      found: "no plain Linux on-demand row in offer file version 20261120180411 (0 other rows of the type)",
    });
    expect(problems[0]?.fix).toContain("aws ec2 describe-instance-type-offerings --region us-west-2");
  });

  it("fails when a type has two rows, listing both SKUs", () => {
    const lines = fixtureLines("us-east-1");
    const match = lines.find((l) => l.startsWith('"FIXM7IUSE1OD001"')) as string;
    lines.push(match.replaceAll("FIXM7IUSE1OD001", "FIXM7IUSE1OD002").replace('"0.2016000000"', '"0.2100000000"'));
    const { problems } = onDemandRows([scan("us-east-1", lines), scan("us-west-2")], "2026-12-07", TYPES, REGIONS);
    expect(problems.map((p) => [p.instanceType, p.region])).toEqual([["m7i.xlarge", "us-east-1"]]);
    expect(problems[0]?.found).toContain("2 plain Linux on-demand rows");
    expect(problems[0]?.found).toContain("SKU FIXM7IUSE1OD001 0.2016000000 USD/h");
    expect(problems[0]?.found).toContain("SKU FIXM7IUSE1OD002 0.2100000000 USD/h");
  });

  it("fails when the only row is priced at zero", () => {
    const lines = fixtureLines("us-west-2").map((l) =>
      l.startsWith('"FIXP54XLUSW2OD1"') ? l.replace('"6.8700000000"', '"0.0000000000"') : l,
    );
    const { problems } = onDemandRows([scan("us-east-1"), scan("us-west-2", lines)], "2026-12-07", TYPES, REGIONS);
    expect(problems).toEqual([
      expect.objectContaining({
        instanceType: "p5.4xlarge",
        region: "us-west-2",
        found: 'SKU FIXP54XLUSW2OD1 has PricePerUnit "0.0000000000"',
      }),
    ]);
  });
});
