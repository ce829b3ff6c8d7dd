/**
 * A preview priced in us-west-2 with a Capacity Block node group, whose rate there is us-east-1's
 * 2026-05 reading (not read for the region, and stale: infra/catalog/ec2-prices.json), says so —
 * and what a block's price means — in the terminal and in the PR comment.
 */
import { describe, expect, it } from "vitest";
import { priceItems } from "../../../infra/plan";
import { renderPreviewTable } from "../../../cli/render/render-table";
import { renderPreviewMarkdown } from "../../../cli/render/render-markdown";
import { type PreviewCost } from "../../../cli/cost/from-preview";

describe("prices assumed from another region, in a preview's cost", () => {
  const gpu = [
    {
      kind: "node-group" as const,
      name: "gpu",
      instanceType: "p5.48xlarge",
      desiredSize: 1,
      maxSize: 1,
      capacityType: "capacity-block" as const,
    },
  ];
  const preview: PreviewCost = {
    region: "us-west-2",
    before: priceItems([], "us-west-2"),
    after: priceItems(gpu, "us-west-2"),
    // 1 × $34.61 × 730 h.
    monthlyDeltaUsd: 25265.3,
    changes: [
      { op: "create", urn: "urn:pulumi:dev::llm-stack::aws:eks/nodeGroup:NodeGroup::llm-gpu-ng", type: "aws:eks/nodeGroup:NodeGroup" },
    ],
    unknowns: [],
    stepCounts: { create: 1 },
    capacityOptions: [],
  };
  const caveats = [
    "p5.48xlarge capacity-block in us-west-2: a Capacity Block is paid up front for every instance and hour of the block, used or not",
    "p5.48xlarge capacity-block in us-west-2 is priced as in us-east-1 (not read for us-west-2)",
    "p5.48xlarge capacity-block in us-west-2: its price was read 2026-05-01, over 120 days ago (stale)",
  ];

  it("names the assumption in the terminal table and in the PR comment", () => {
    expect(renderPreviewTable(preview)).toContain(caveats.map((caveat) => `  prices: ${caveat}`).join("\n"));
    expect(renderPreviewMarkdown(preview)).toContain(`Prices: ${caveats.join("; ")}.`);
  });
});
