/**
 * The generator's reductions besides the offer file (tools/prices/price-list.ts): spot history to a
 * row, Capacity Block offerings to a rate, and the snapshot's assembly. Each expected value is worked
 * by hand from the answers typed below.
 */
import { describe, expect, it } from "vitest";
import { priceSnapshotSchema } from "../../../infra/catalog/schema";
import { assembleSnapshot, capacityBlockRow, cheapestBlockRate, renderSnapshot, spotRow } from "../../../tools/prices/price-list";

describe("spotRow", () => {
  it("keeps each AZ's newest price", () => {
    const row = spotRow(
      "p5.48xlarge",
      "us-east-1",
      [
        { AvailabilityZoneId: "use1-az2", SpotPrice: "29.000000", Timestamp: new Date("2026-12-07T09:00:00Z") },
        { AvailabilityZoneId: "use1-az1", SpotPrice: "31.200000", Timestamp: new Date("2026-12-07T11:00:00Z") },
        { AvailabilityZoneId: "use1-az1", SpotPrice: "30.100000", Timestamp: new Date("2026-12-07T10:00:00Z") },
      ],
      new Date("2026-12-07T12:00:00Z"),
    );
    expect(row).toEqual({
      instanceType: "p5.48xlarge",
      region: "us-east-1",
      zones: [
        { zoneId: "use1-az1", hourlyUsd: 31.2 },
        { zoneId: "use1-az2", hourlyUsd: 29 },
      ],
      observedAt: "2026-12-07T12:00:00.000Z",
      source: {
        ref: "EC2 DescribeSpotPriceHistory in us-east-1 (Linux/UNIX, StartTime 2026-12-07T12:00:00.000Z): the newest price per AZ id",
        readOn: "2026-12-07",
      },
    });
  });

  it("gives no row when no AZ has a price", () => {
    expect(spotRow("m7i.xlarge", "us-west-2", [], new Date("2026-12-07T12:00:00Z"))).toBeNull();
  });
});

describe("cheapestBlockRate", () => {
  it("divides each fee by instances × the block's own hours and keeps the cheapest", () => {
    // 755.04 / (1 × 24) = 31.46; 734.375 / (1 × 23.5) = 31.25; 1520 / (2 × 24) = 31.666…; the EUR and dedicated ones are skipped.
    expect(
      cheapestBlockRate([
        { InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "755.04", CurrencyCode: "USD" },
        { InstanceCount: 1, CapacityBlockDurationHours: 23, CapacityBlockDurationMinutes: 30, UpfrontFee: "734.375", CurrencyCode: "USD" },
        { InstanceCount: 2, CapacityBlockDurationHours: 24, UpfrontFee: "1520", CurrencyCode: "USD" },
        { InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "600", CurrencyCode: "EUR" },
        { InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "600", CurrencyCode: "USD", Tenancy: "dedicated" },
      ]),
    ).toEqual({ hourlyUsdPerInstance: 31.25, offerings: 3 });
  });

  it("gives no rate without a usable offering", () => {
    expect(cheapestBlockRate([])).toBeNull();
    expect(cheapestBlockRate([{ InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "n/a" }])).toBeNull();
  });

  it("names the API and the offerings in the row's source", () => {
    const row = capacityBlockRow(
      "p5en.48xlarge",
      "us-east-1",
      [{ InstanceCount: 1, CapacityBlockDurationHours: 24, UpfrontFee: "1098.48" }],
      new Date("2026-12-07T12:00:00Z"),
    );
    // 1098.48 / 24 = 45.77
    expect(row?.hourlyUsdPerInstance).toBe(45.77);
    expect(row?.source.ref).toBe(
      "EC2 DescribeCapacityBlockOfferings in us-east-1 at 2026-12-07T12:00:00.000Z (1 instance, 24 h): cheapest of 1 offerings, UpfrontFee / instance-hours (the offer file lists Capacity Blocks at $0.00/h)",
    );
  });
});

describe("assembleSnapshot", () => {
  const source = { ref: "fixture row, typed by hand", readOn: "2026-12-07" };

  it("sorts rows by instance type then region and renders two-space JSON with a trailing newline", () => {
    const { snapshot, problems } = assembleSnapshot({
      readOn: "2026-12-07",
      readBy: "a test of the assembly",
      onDemand: [
        { source, region: "us-west-2", instanceType: "p5.48xlarge", onDemandHourlyUsd: 54.99 },
        { instanceType: "m7i.xlarge", region: "us-west-2", onDemandHourlyUsd: 0.2017, source },
        { instanceType: "p5.48xlarge", region: "us-east-1", onDemandHourlyUsd: 55.04, source },
      ],
      spot: [],
      capacityBlock: [],
    });
    expect(problems).toEqual([]);
    expect(snapshot?.onDemand.map((r) => `${r.instanceType} ${r.region}`)).toEqual([
      "m7i.xlarge us-west-2",
      "p5.48xlarge us-east-1",
      "p5.48xlarge us-west-2",
    ]);
    const text = renderSnapshot(snapshot!);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain(
      '    {\n      "instanceType": "p5.48xlarge",\n      "region": "us-west-2",\n      "onDemandHourlyUsd": 54.99,\n      "source": {\n',
    );
    expect(priceSnapshotSchema.parse(JSON.parse(text))).toEqual(snapshot);
  });

  it("fails with the row's type and region when the schema rejects it", () => {
    const { snapshot, problems } = assembleSnapshot({
      readOn: "2026-12-07",
      readBy: "a test of the assembly",
      onDemand: [{ instanceType: "p5.4xlarge", region: "us-east-1", onDemandHourlyUsd: -1, source }],
      spot: [],
      capacityBlock: [],
    });
    expect(snapshot).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ instanceType: "p5.4xlarge", region: "us-east-1" });
    expect(problems[0]?.found).toContain("priceSnapshotSchema rejects onDemand.0.onDemandHourlyUsd");
  });
});
