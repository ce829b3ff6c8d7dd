/**
 * Kubernetes quantities as the API server reads them (k8s.io/apimachinery pkg/api/resource,
 * quantity.go ParseQuantity and its suffixes in suffix.go): values worked by hand.
 */
import { describe, expect, it } from "vitest";
import { parseQuantity } from "../../infra/plan";

describe("parseQuantity", () => {
  it("reads plain numbers, decimal SI, binary SI and decimal exponents", () => {
    expect(["8", "1k", "1.5k", "500m", "2Ki", "1Mi", "1e3", "2E-1", "+4", ".5", 16].map(parseQuantity)).toEqual([
      8, 1000, 1500, 0.5, 2048, 1048576, 1000, 0.2, 4, 0.5, 16,
    ]);
  });

  it("refuses what the API server refuses: no number, a unit it does not know, spaces, a lowercase binary suffix", () => {
    expect(["", "k", "1 k", " 1", "1kb", "1ki", "abc", "1.2.3", Number.NaN, null].map(parseQuantity)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
