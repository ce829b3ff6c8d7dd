/**
 * A preview priced in us-west-2, whose P5 rows are us-east-1's (not read for the region:
 * infra/catalog/prices.ts), says so in the terminal and in the PR comment.
 */
import { describe, expect, it } from "vitest";
import { priceItems } from "../../../infra/plan";
import { renderPreviewTable } from "../../../cli/render/render-table";
import { renderPreviewMarkdown } from "../../../cli/render/render-markdown";
import { type PreviewCost } from "../../../cli/cost/from-preview";

describe("prices assumed from another region, in a preview's cost", () => {
  const gpu = [{ kind: "node-group" as const, name: "gpu", instanceType: "p5.48xlarge", desiredSize: 1, maxSize: 1 }];
  const preview: PreviewCost = {
    region: "us-west-2",
    before: priceItems([], "us-west-2"),
    after: priceItems(gpu, "us-west-2"),
    // 1 × $55.04 × 730 h.
    monthlyDeltaUsd: 40179.2,
    changes: [
      { op: "create", urn: "urn:pulumi:dev::llm-stack::aws:eks/nodeGroup:NodeGroup::llm-gpu-ng", type: "aws:eks/nodeGroup:NodeGroup" },
    ],
    unknowns: [],
    stepCounts: { create: 1 },
  };
  const caveat = "p5.48xlarge in us-west-2 is priced as in us-east-1 (not read for us-west-2)";

  it("names the assumption in the terminal table and in the PR comment", () => {
    expect(renderPreviewTable(preview)).toContain(`  prices: ${caveat}`);
    expect(renderPreviewMarkdown(preview)).toContain(`Prices: ${caveat}.`);
  });
});
