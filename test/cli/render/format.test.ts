/** The renderers' number formats (cli/render/format.ts): no negative zero anywhere, thousands separated. */
import { describe, expect, it } from "vitest";
import { signedUsd, tokens, usd } from "../../../cli/render/format";

describe("formats", () => {
  it("prints an amount that rounds to zero as $0.00, whatever its sign", () => {
    // A removed stack's after-cost (−0) and float noise (−0.004) printed "$-0.00" through toLocaleString.
    expect([usd(-0), usd(-0.004), usd(0.004), signedUsd(-0)]).toEqual(["$0.00", "$0.00", "$0.00", "+$0.00"]);
  });

  it("prints dollars to the cent with separators, the sign before the dollar", () => {
    expect([usd(5422.586), usd(-12.5), signedUsd(-35156.8)]).toEqual(["$5,422.59", "-$12.50", "−$35,156.80"]);
  });

  it("prints monthly token volumes in words", () => {
    expect([tokens(22_829_090_909), tokens(850_000_000), tokens(12_345)]).toEqual(["22.8 B", "850 M", "12,345"]);
  });
});
