/**
 * What plan --stack, cost and the PR comment say about capacity options and a Capacity Block, from
 * the snapshot's us-east-1 rows (infra/catalog/ec2-prices.json): p5.48xlarge $55.04/h on demand and
 * $34.61 per instance-hour as a Capacity Block (a stale 2026-05 reading, said so), p5.4xlarge $6.88/h,
 * p5en.48xlarge $63.296/h; system nodes, EKS and NAT as in test/settings/capacity-options.test.ts.
 */
import { describe, expect, it } from "vitest";
import { capacityBlockTerms } from "../../../infra/plan";
import { resolveStackSettings } from "../../../infra/settings";
import {
  blockTermsOf,
  capacityOptionRows,
  describeBlock,
  renderCapacityOptionsMarkdown,
  renderCapacityOptionsText,
} from "../../../cli/render/capacity-options";
import { DEV, SECRETS } from "../../support/stack-settings";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../infra/project-root";
import { readStackFile } from "../../../infra/settings/stack-file";
import { resolveStackFile } from "../../../infra/settings/resolve-stack-file";
import { renderStackSettings } from "../../../cli/render/render-plan";
import { renderGpus } from "../../../cli/render/gpus-table";

describe("a Capacity Block's price", () => {
  it("is its rate × instances × hours up front, and that spread over its hours", () => {
    // 2 × p5.48xlarge for a week: 34.61 × 2 × 168 = 11,628.96 up front; 69.22/h over the block; 2 × 55.04 = 110.08/h on demand.
    const terms = capacityBlockTerms("p5.48xlarge", "us-east-1", 2, "2026-12-10T11:30:00Z", "2026-12-17T11:30:00Z")!;
    expect(terms).toMatchObject({
      hours: 168,
      perInstanceHourUsd: 34.61,
      upfrontUsd: 11628.96,
      hourlyEquivalentUsd: 69.22,
      onDemandHourlyUsd: 110.08,
    });
    // 69.22 / 110.08 = 62.9 %: below that share of the block's hours in use, on demand would have been cheaper.
    expect(describeBlock(terms)).toBe(
      "$11,628.96 up front for 2 × p5.48xlarge, 2026-12-10 11:30 UTC to 2026-12-17 11:30 UTC (168 h at $34.61 per instance-hour): $69.22/h over the block, paid whatever runs; on demand the same nodes are $110.08/h, so the block pays off above 63 % use",
    );
    // AWS sells no p5.4xlarge block (no row): no terms, never a guess.
    expect(capacityBlockTerms("p5.4xlarge", "us-east-1", 1, "2026-12-10T11:30:00Z", "2026-12-11T11:30:00Z")).toBeUndefined();
  });

  it("is read from a Capacity Block stack's dates and its GPU nodes", () => {
    const settings = resolveStackSettings(
      {
        ...DEV,
        model: "llama-3.1-405b-instruct",
        quantization: "bf16",
        maxHourlyUsd: "80",
        capacityType: "capacity-block",
        capacityReservationId: "cr-0123456789abcdef0",
        capacityReservationZoneId: "use1-az4",
        capacityReservationStartDate: "2026-12-10T11:30:00Z",
        capacityReservationEndDate: "2026-12-12T11:30:00Z",
      },
      "us-east-1",
      SECRETS,
    );
    // Llama 3.1 405B bf16 spans two 8 × H100 nodes (TP 8 × PP 2): 34.61 × 2 × 48 h = 3,322.56.
    expect(blockTermsOf(settings)).toMatchObject({ instances: 2, hours: 48, upfrontUsd: 3322.56, hourlyEquivalentUsd: 69.22 });
  });
});

describe("capacity options in the outputs", () => {
  const settings = resolveStackSettings(
    { ...DEV, maxHourlyUsd: "70", capacityFallbacks: [{ capacityType: "spot" }, { gpu: "h200" }] },
    "us-east-1",
    SECRETS,
  );
  const rows = capacityOptionRows(settings);

  it("lists each option with what it deploys, its price and the vLLM arguments that change", () => {
    expect(renderCapacityOptionsText(rows)).toEqual([
      "  capacity options, in order (capacityOption deploys one; `llm-stack preflight` names the first obtainable; the budget holds the dearest):",
      "    1 (deployed) on-demand: 1 × p5.4xlarge, TP 1 × PP 1, bf16, 32,768 tokens; $7.43/h, $7.63/h at most",
      "    2 spot: 1 × p5.4xlarge, TP 1 × PP 1, bf16, 32,768 tokens; $7.43/h, $7.63/h at most",
      // 63.296 + 2 × 0.2016 + 0.10 + 0.045 = 63.8442; 64.0458 with the third system node.
      '    3 on-demand: 1 × p5en.48xlarge, TP 8 × PP 1, bf16, 32,768 tokens; $63.84/h, $64.05/h at most; vLLM args against the deployed option\'s: --model-loader-extra-config={"concurrency":32,"memory_limit":40000000000} → {"concurrency":18,"memory_limit":40000000000}, --tensor-parallel-size=1 → 8',
      "    prices of option 2: p5.4xlarge spot in us-east-1 has no spot snapshot row, so it is priced at the on-demand $6.88/h, the most spot can cost (its default maximum price); npm run prices:generate or preflight reads the spot price; AWS may reclaim a spot node at two minutes' notice",
    ]);
    expect(renderCapacityOptionsMarkdown(rows)[3]).toBe(
      "| 2 | spot | 1 × p5.4xlarge, TP 1 × PP 1, bf16, 32,768 tokens | $7.43 | $7.63 | — |",
    );
  });

  it("re-plans Llama 3.1 405B bf16 from a block of 2 × 8 H100 (TP 8 × PP 2) to one 8 × H200 node (TP 8 × PP 1)", () => {
    // 405B × 2 bytes = 810 GB: two H100 nodes (8 × 80 GB each) with pipeline stages, or one H200 node (8 × 141 GB).
    const block = resolveStackSettings(
      {
        ...DEV,
        model: "llama-3.1-405b-instruct",
        quantization: "bf16",
        maxHourlyUsd: "80",
        capacityType: "capacity-block",
        capacityReservationId: "cr-0123456789abcdef0",
        capacityReservationZoneId: "use1-az4",
        capacityReservationStartDate: "2026-12-10T11:30:00Z",
        capacityReservationEndDate: "2026-12-17T11:30:00Z",
        capacityFallbacks: [{ gpu: "h200" }],
      },
      "us-east-1",
      SECRETS,
    );
    const [own, h200] = capacityOptionRows(block);
    expect([own!.deploys, h200!.deploys]).toEqual([
      "2 × p5.48xlarge, TP 8 × PP 2, bf16, 32,768 tokens",
      "1 × p5en.48xlarge, TP 8 × PP 1, bf16, 32,768 tokens",
    ]);
    expect(h200!.vllmArgsChanged).toEqual(expect.arrayContaining(["--pipeline-parallel-size=2 → 1", "--nnodes (dropped)"]));
    // The block: 34.61 × 2 × 168 h = $11,628.96 up front; the fallback on demand: 63.296 + 0.6048 + 0.145 = $64.05 at most.
    expect(own!.capacityBlock?.upfrontUsd).toBe(11628.96);
    expect(h200!.maxHourlyUsd).toBe(64.0458);
  });

  it("says nothing for a stack of one option", () => {
    const one = resolveStackSettings(DEV, "us-east-1", SECRETS);
    expect(renderCapacityOptionsText(capacityOptionRows(one))).toEqual([]);
    expect(renderCapacityOptionsMarkdown(capacityOptionRows(one))).toEqual([]);
  });
});

describe("the README's worked example", () => {
  it("is what plan --stack scout prints", () => {
    const file = readStackFile("scout", PROJECT_ROOT);
    const { settings, missing } = resolveStackFile(file);
    const printed = renderStackSettings("scout", settings, missing, file).split("\n");
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const block = readme
      .split("`npm run -s cli -- plan --stack scout` prints the three options")[1]!
      .split("```text\n")[1]!
      .split("```")[0]!;
    const lines = block.split("\n").filter((line) => line.trim() !== "");
    expect(lines.length).toBe(5);
    for (const line of lines) expect(printed).toContain(line);
  });
});

describe("llm-stack gpus", () => {
  it("lists each way of buying a type, and what its rate rests on", () => {
    const lines = renderGpus().split("\n");
    // us-west-2's block rate is us-east-1's 2026-05 reading (ec2-prices.json); no spot row yet; AWS sells no p5.4xlarge block.
    expect(lines.find((line) => line.startsWith("p5.48xlarge    us-west-2"))).toMatch(
      /^p5\.48xlarge\s+us-west-2\s+55\.04\s+2026-12-06\s+—\s+34\.61 \(2026-05-01\)\s+block ASSUMED equal to us-east-1; block STALE$/,
    );
    expect(lines.find((line) => line.startsWith("p5.4xlarge     us-east-1"))).toMatch(
      /^p5\.4xlarge\s+us-east-1\s+6\.88\s+2026-12-06\s+—\s+—\s*$/,
    );
  });
});
