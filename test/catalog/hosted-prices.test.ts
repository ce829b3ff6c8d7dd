/** The hosted price table: every catalog model a provider sells, dated; retired offers name their successor. */
import { describe, expect, it } from "vitest";
import { HOSTED_PRICE_TABLE, MODEL_IDS, hostedOffers } from "../../infra/catalog";

describe("hosted prices", () => {
  it("has a row for every catalog model but Phi-3.5-mini, which none of the six providers sells", () => {
    const priced = new Set(HOSTED_PRICE_TABLE.map((row) => row.model));
    expect(MODEL_IDS.filter((id) => !priced.has(id))).toEqual(["phi-3.5-mini-instruct"]);
  });

  it("dates every row and prices it above zero", () => {
    for (const row of HOSTED_PRICE_TABLE) {
      expect(row.source.readOn, `${row.model} ${row.provider}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.inputUsdPerMillion + row.outputUsdPerMillion, `${row.model} ${row.provider}`).toBeGreaterThan(0);
    }
  });

  it("offers no current price for Mistral Large 2411 and names its successor, Mistral Large 3 at $0.50 / $1.50", () => {
    expect(hostedOffers("mistral-large-instruct-2411", 2)).toEqual([]);
    const retired = HOSTED_PRICE_TABLE.filter((row) => row.model === "mistral-large-instruct-2411");
    expect(retired.map((row) => [row.provider, row.retired?.successor, row.inputUsdPerMillion, row.outputUsdPerMillion])).toEqual([
      ["mistral", "Mistral Large 3 (mistral-large-2512 / mistral-large-latest)", 0.5, 1.5],
    ]);
  });

  it("ranks current offers by their blended price: Llama 3.1 8B on Bedrock at $0.22 in and out is dearer than DeepInfra's $0.02/$0.03", () => {
    const offers = hostedOffers("llama-3.1-8b-instruct", 2).map((row) => row.provider);
    expect(offers.indexOf("deepinfra")).toBeLessThan(offers.indexOf("bedrock"));
  });
});
