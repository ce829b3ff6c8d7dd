/**
 * A spot plan's price from a spot price history, end to end as the generator and the plan read it:
 * EC2 DescribeSpotPriceHistory answers (a fixture) → the snapshot row (tools/prices/price-list.ts
 * spotRow: each AZ's newest price) → the stack priced at the dearest AZ (spotRateUsd), said so.
 * Other prices: infra/catalog/ec2-prices.json us-east-1 (m7i.xlarge $0.2016, EKS $0.10, NAT $0.045).
 */
import { describe, expect, it } from "vitest";
import { PRICE_SNAPSHOT, priceSnapshotSchema } from "../../infra/catalog";
import { clusterItems, describeCost, priceItems } from "../../infra/plan";
import { spotRow } from "../../tools/prices/price-list";

// p5.48xlarge in us-east-1, three AZs, changes listed out of order as the API may.
const HISTORY = [
  { AvailabilityZoneId: "use1-az4", SpotPrice: "21.400000", Timestamp: new Date("2026-12-05T08:00:00Z") },
  { AvailabilityZoneId: "use1-az2", SpotPrice: "24.750000", Timestamp: new Date("2026-12-05T11:00:00Z") },
  { AvailabilityZoneId: "use1-az6", SpotPrice: "19.850000", Timestamp: new Date("2026-12-05T09:00:00Z") },
  { AvailabilityZoneId: "use1-az4", SpotPrice: "23.100000", Timestamp: new Date("2026-12-05T10:00:00Z") },
  { AvailabilityZoneId: "use1-az2", SpotPrice: "26.000000", Timestamp: new Date("2026-12-04T22:00:00Z") },
];

describe("a spot plan priced from spot history", () => {
  const row = spotRow("p5.48xlarge", "us-east-1", HISTORY, new Date("2026-12-05T12:00:00Z"))!;
  const snapshot = priceSnapshotSchema.parse({ ...PRICE_SNAPSHOT, spot: [row] });

  it("takes each AZ's newest price", () => {
    // az2: 24.75 (11:00 beats 26.00 at 22:00 the day before); az4: 23.10 (10:00 beats 21.40 at 08:00); az6: 19.85.
    expect(row.zones).toEqual([
      { zoneId: "use1-az2", hourlyUsd: 24.75 },
      { zoneId: "use1-az4", hourlyUsd: 23.1 },
      { zoneId: "use1-az6", hourlyUsd: 19.85 },
    ]);
  });

  it("prices the stack's spot GPU nodes at the dearest AZ, and says so", () => {
    const items = clusterItems(
      [{ name: "gpu", instanceType: "p5.48xlarge", nodes: 1, minNodes: 0, maxNodes: 2, capacityType: "spot" }],
      "create",
    );
    const cost = priceItems(items, "us-east-1", snapshot);
    // Expected: 24.75 + 2 × 0.2016 + 0.10 + 0.045 = 25.2982; idle 0.5482. At most, spot is held at its ceiling, the
    // on-demand $55.04 (its default maximum price): 2 × 55.04 + 3 × 0.2016 + 0.145 = 110.8298 — what the budget compares.
    expect([cost.minHourlyUsd, cost.hourlyUsd, cost.maxHourlyUsd]).toEqual([0.5482, 25.2982, 110.8298]);
    // Against on demand ($55.04): 55.04 + 0.5482 = 55.5882 expected — spot saves $30.29/h at this snapshot.
    expect(
      priceItems(clusterItems([{ name: "gpu", instanceType: "p5.48xlarge", nodes: 1, minNodes: 0, maxNodes: 2 }], "create"), "us-east-1")
        .hourlyUsd,
    ).toBe(55.5882);
    expect(describeCost(cost)).toBe(
      "1 × GPU nodes p5.48xlarge (spot) $24.750/h (2 at most at the on-demand ceiling of $55.040/h each: $110.080/h) + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h; p5.48xlarge spot in us-east-1 is priced at $24.75/h, the dearest of 3 AZ(s) at 2026-12-05 12:00 UTC (use1-az2 $24.75/h, use1-az4 $23.10/h, use1-az6 $19.85/h); spot prices move, up to the on-demand price, at which maximums and the budget count it; AWS may reclaim a spot node at two minutes' notice",
    );
  });
});
