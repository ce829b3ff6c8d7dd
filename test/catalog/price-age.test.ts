/**
 * The price table's rows carry their date: one older than PRICE_MAX_AGE_DAYS fails this test until
 * it is re-read or marked `stale` — and then every output that uses it says so, as it says when a
 * row was assumed from another region rather than read for its own.
 */
import { describe, expect, it } from "vitest";
import { PRICE_MAX_AGE_DAYS, PRICE_TABLE, PRICES, priceCaveats } from "../../infra/catalog";
import { describeCost, priceItems } from "../../infra/plan";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the price table's age", () => {
  it(`has no row older than ${PRICE_MAX_AGE_DAYS} days that is not marked stale`, () => {
    const today = Date.now();
    const old = PRICES.filter((row) => (today - Date.parse(row.source.readOn)) / DAY_MS > PRICE_MAX_AGE_DAYS && row.stale !== true).map(
      (row) => `${row.instanceType} ${row.region} read ${row.source.readOn}`,
    );
    expect(old).toEqual([]);
  });

  it("names a stale row and a row assumed from another region in every cost breakdown", () => {
    const stale = {
      ...PRICE_TABLE,
      "p5.48xlarge": { ...PRICE_TABLE["p5.48xlarge"], "us-east-1": { ...PRICE_TABLE["p5.48xlarge"]["us-east-1"], stale: true as const } },
    };
    expect(priceCaveats(["p5.48xlarge"], "us-east-1", stale)).toEqual([
      `p5.48xlarge in us-east-1: its price was read ${PRICE_TABLE["p5.48xlarge"]["us-east-1"].source.readOn}, over ${PRICE_MAX_AGE_DAYS} days ago (stale)`,
    ]);
    // us-west-2's P5 rows are us-east-1's, not read for the region (infra/catalog/prices.ts).
    const cost = priceItems([{ kind: "node-group", name: "gpu", instanceType: "p5.48xlarge", desiredSize: 1, maxSize: 1 }], "us-west-2");
    expect(cost.caveats).toEqual(["p5.48xlarge in us-west-2 is priced as in us-east-1 (not read for us-west-2)"]);
    expect(describeCost(cost)).toBe(
      "1 × GPU nodes p5.48xlarge $55.040/h; p5.48xlarge in us-west-2 is priced as in us-east-1 (not read for us-west-2)",
    );
    // A row read for its own region and fresh: nothing to say.
    expect(priceCaveats(["p5.48xlarge", "m7i.xlarge"], "us-east-1")).toEqual([]);
  });
});
