/**
 * The price snapshot's rows carry their date: one older than PRICE_MAX_AGE_DAYS fails this test until
 * it is re-read (npm run prices:generate) or marked `"stale": true` in infra/catalog/ec2-prices.json —
 * and then every output that uses it says so, as it says when a row was assumed from another region
 * rather than read for its own, and what a spot or Capacity Block price means.
 */
import { describe, expect, it } from "vitest";
import { PRICE_MAX_AGE_DAYS, PRICE_SNAPSHOT, priceCaveats } from "../../infra/catalog";
import { priceSnapshotSchema, type PriceSnapshot } from "../../infra/catalog/schema";
import { describeCost, priceItems } from "../../infra/plan";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the price snapshot's age", () => {
  it(`has no row older than ${PRICE_MAX_AGE_DAYS} days that is not marked stale`, () => {
    const today = Date.now();
    const rows = [
      ...PRICE_SNAPSHOT.onDemand.map((row) => ({ ...row, section: "onDemand" })),
      ...PRICE_SNAPSHOT.spot.map((row) => ({ ...row, section: "spot" })),
      ...PRICE_SNAPSHOT.capacityBlock.map((row) => ({ ...row, section: "capacityBlock" })),
    ];
    const old = rows
      .filter((row) => (today - Date.parse(row.source.readOn)) / DAY_MS > PRICE_MAX_AGE_DAYS && row.stale !== true)
      .map((row) => `${row.section} ${row.instanceType} ${row.region} read ${row.source.readOn}: re-read it or mark it "stale": true`);
    expect(old).toEqual([]);
  });

  it("names a stale row and a row assumed from another region in every cost breakdown", () => {
    const onDemand = PRICE_SNAPSHOT.onDemand.map((row) =>
      row.instanceType === "p5.48xlarge" && row.region === "us-east-1" ? { ...row, stale: true as const } : row,
    );
    const staleSnapshot: PriceSnapshot = priceSnapshotSchema.parse({ ...PRICE_SNAPSHOT, onDemand });
    const readOn = PRICE_SNAPSHOT.onDemand.find((r) => r.instanceType === "p5.48xlarge" && r.region === "us-east-1")!.source.readOn;
    expect(priceCaveats([{ instanceType: "p5.48xlarge", capacityType: "on-demand" }], "us-east-1", staleSnapshot)).toEqual([
      `p5.48xlarge in us-east-1: its price was read ${readOn}, over ${PRICE_MAX_AGE_DAYS} days ago (stale)`,
    ]);
    // The committed Capacity Block rate for us-west-2 is us-east-1's 2026-05 reading (ec2-prices.json): both said.
    const cost = priceItems(
      [
        {
          kind: "node-group",
          name: "gpu",
          instanceType: "p5.48xlarge",
          desiredSize: 1,
          maxSize: 2,
          minSize: 0,
          capacityType: "capacity-block",
        },
      ],
      "us-west-2",
    );
    expect(cost.caveats).toEqual([
      "p5.48xlarge capacity-block in us-west-2: a Capacity Block is paid up front for every instance and hour of the block, used or not",
      "p5.48xlarge capacity-block in us-west-2 is priced as in us-east-1 (not read for us-west-2)",
      `p5.48xlarge capacity-block in us-west-2: its price was read 2026-05-01, over ${PRICE_MAX_AGE_DAYS} days ago (stale)`,
    ]);
    // A block bills both of its instances whatever the group runs: 2 × $34.61 at desired, minimum and maximum.
    expect([cost.hourlyUsd, cost.minHourlyUsd, cost.maxHourlyUsd]).toEqual([69.22, 69.22, 69.22]);
    expect(describeCost(cost)).toBe(`2 × GPU nodes p5.48xlarge (Capacity Block) $69.220/h; ${cost.caveats.join("; ")}`);
    // Rows read for their own region and fresh, bought on demand: nothing to say.
    expect(
      priceCaveats(
        [
          { instanceType: "p5.48xlarge", capacityType: "on-demand" },
          { instanceType: "m7i.xlarge", capacityType: "on-demand" },
        ],
        "us-west-2",
      ),
    ).toEqual([]);
  });

  it("prices spot at the dearest AZ of the snapshot and says what spot means", () => {
    // A snapshot row of three AZs (hand-typed): the group may launch in any, so $24.13 is what it may pay.
    const snapshot: PriceSnapshot = priceSnapshotSchema.parse({
      ...PRICE_SNAPSHOT,
      spot: [
        {
          instanceType: "p5.48xlarge",
          region: "us-east-1",
          zones: [
            { zoneId: "use1-az4", hourlyUsd: 17.63 },
            { zoneId: "use1-az6", hourlyUsd: 24.13 },
            { zoneId: "use1-az2", hourlyUsd: 19.5 },
          ],
          observedAt: "2026-12-05T09:00:00Z",
          source: { ref: "a test's own snapshot row", readOn: "2026-12-05" },
        },
      ],
    });
    expect(priceCaveats([{ instanceType: "p5.48xlarge", capacityType: "spot" }], "us-east-1", snapshot)).toEqual([
      "p5.48xlarge spot in us-east-1 is priced at $24.13/h, the dearest of 3 AZ(s) at 2026-12-05 09:00 UTC (use1-az4 $17.63/h, use1-az6 $24.13/h, use1-az2 $19.50/h); spot prices move, up to the on-demand price, at which maximums and the budget count it; AWS may reclaim a spot node at two minutes' notice",
    ]);
  });

  it("prices spot with no snapshot row at its ceiling, on-demand, and refuses a Capacity Block with no rate", () => {
    // The committed snapshot has no spot rows yet (ec2-prices.json readBy), and AWS sells no p5.4xlarge Capacity Block.
    const cost = priceItems(
      [
        { kind: "node-group", name: "gpu", instanceType: "p5.48xlarge", desiredSize: 1, maxSize: 1, capacityType: "spot" },
        { kind: "node-group", name: "small", instanceType: "p5.4xlarge", desiredSize: 1, maxSize: 1, capacityType: "capacity-block" },
      ],
      "us-east-1",
    );
    // A spot instance's maximum price defaults to the on-demand price: $55.04 is the most it can cost.
    expect(cost.lineItems.map((l) => [l.item, l.hourlyUsd])).toEqual([["GPU nodes p5.48xlarge (spot)", 55.04]]);
    expect(cost.caveats).toEqual([
      "p5.48xlarge spot in us-east-1 has no spot snapshot row, so it is priced at the on-demand $55.04/h, the most spot can cost (its default maximum price); npm run prices:generate or preflight reads the spot price; AWS may reclaim a spot node at two minutes' notice",
    ]);
    expect(cost.unpriced.map((u) => u.what)).toEqual(["small: p5.4xlarge in us-east-1 has no capacity-block price in the snapshot"]);
    expect(cost.unpriced[0]!.fix).toContain("npm run prices:generate");
  });
});
