/**
 * A real preview of a stack with capacity fallbacks carries the program's record of its options
 * (ConfigMap llm-stack-capacity-options): `cost --from-preview` prices each in place of the deployed
 * GPU group and shows them in the table and the PR comment. By hand (infra/catalog/ec2-prices.json,
 * us-east-1): the deployed group 0–2 × p5.48xlarge at $55.04 = $110.08 at most; the H200 option
 * 0–2 × p5en.48xlarge at $63.296 = $126.592; the preview holds nothing else priced.
 */
import { describe, expect, it } from "vitest";
import { pricePreview } from "../../../cli/cost/from-preview";
import { renderPreviewTable } from "../../../cli/render/render-table";
import { renderPreviewMarkdown } from "../../../cli/render/render-markdown";

const RECORD = [
  {
    option: 1,
    deployed: true,
    capacityType: "ON_DEMAND",
    nodeGroups: [{ instanceType: "p5.48xlarge", minSize: 0, desiredSize: 1, maxSize: 2 }],
  },
  {
    option: 2,
    deployed: false,
    capacityType: "ON_DEMAND",
    nodeGroups: [{ instanceType: "p5en.48xlarge", minSize: 0, desiredSize: 1, maxSize: 2 }],
  },
];

const step = (type: string, name: string, inputs: Record<string, unknown>) => ({
  op: "create",
  urn: `urn:pulumi:scout::llm-stack::${type}::${name}`,
  newState: { type, inputs },
});

const PREVIEW = {
  steps: [
    step("pulumi:providers:aws", "default_7_48_0", { region: "us-east-1" }),
    step("aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng", {
      instanceTypes: ["p5.48xlarge"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 2 },
    }),
    step("kubernetes:core/v1:ConfigMap", "llm-capacity-options", {
      metadata: { name: "llm-stack-capacity-options", namespace: "llm" },
      data: { "options.json": JSON.stringify(RECORD) },
    }),
  ],
};

describe("a preview's capacity options", () => {
  const preview = pricePreview(PREVIEW, "us-east-1");

  it("prices each recorded option in place of the deployed GPU group", () => {
    expect(preview.capacityOptions.map((o) => ("unreadable" in o ? o.unreadable : [o.option, o.deployed, o.cost.maxHourlyUsd]))).toEqual([
      [1, true, 110.08],
      [2, false, 126.592],
    ]);
  });

  it("shows them in the table and the PR comment", () => {
    expect(renderPreviewTable(preview)).toContain("  capacity option 2 (on-demand p5en.48xlarge) $126.59/h at most");
    expect(renderPreviewMarkdown(preview)).toContain(
      "Capacity options (capacityOption switches between them; the budget holds the dearest): option 1 (on-demand p5.48xlarge) (deployed) $110.08/h at most; option 2 (on-demand p5en.48xlarge) $126.59/h at most.",
    );
  });
});
