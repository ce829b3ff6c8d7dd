/**
 * How `plan --stack fleet`, `cost --stack fleet` and the PR comment show a set: each model with its
 * share of the bill, the packing with its idle GPUs, and the total. Prices by hand from the dated
 * table (us-east-1, 2026-11-26): p5.48xlarge $55.04/h for 8 H100s ($6.88 per GPU), p5.4xlarge $6.88/h;
 * 730 hours a month.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderModelSet } from "../../../cli/render/render-model-set";
import { modelSetRows } from "../../../cli/cost/set-rows";
import { renderStackDetails } from "../../../cli/render/render-markdown";
import { setReportFrom, type StackReport } from "../../../cli/cost/stack-report";
import { resolveStackFile } from "../../../infra/settings/resolve-stack-file";
import { parseStackFile } from "../../../infra/settings/stack-file";

const settings = resolveStackFile(
  parseStackFile("fleet", readFileSync(join(__dirname, "..", "..", "..", "Pulumi.fleet.yaml"), "utf8")),
).settings;
if (!settings.modelSet) throw new Error("Pulumi.fleet.yaml should resolve to a set");
const set = settings.modelSet;

describe("a set as the command line shows it", () => {
  const text = renderModelSet(set, modelSetRows(set));

  it("lists each model with the name clients send, its shape, node group and share of the bill", () => {
    // Mixtral's 2 GPUs of 8 on the shared p5.48xlarge: 55.04 × 2/8 = $13.76; each 1-GPU model $6.88.
    // 13.76 × 730 h = $10,044.80 a month.
    expect(text).toMatch(
      /mixtral\s+mixtral-8x7b-instruct-v0\.1\s+bf16\s+2×1\s+32,768\s+1\s+shared-0 \(p5\.48xlarge\)\s+\$13\.76\s+\$10,044\.80/,
    );
    expect(text).toMatch(/llama-8b\s+llama-3\.1-8b-instruct\s+bf16\s+1×1\s+32,768\s+1\s+shared-0 \(p5\.48xlarge\)\s+\$6\.88/);
    expect(text).toMatch(
      /mistral-7b\s+mistral-7b-instruct-v0\.3\s+bf16\s+1×1\s+32,768\s+0–1 \(1 expected\)\s+mistral-7b \(p5\.4xlarge\)\s+\$6\.88/,
    );
  });

  it("shows the packing, its idle GPUs priced, and the GPU total", () => {
    // 4 of 8 GPUs used on the shared node: 4 idle × $6.88 = $27.52/h. GPU nodes: 55.04 + 6.88 = $61.92/h, × 730 = $45,201.60.
    expect(text).toMatch(/shared-0\s+1 × p5\.48xlarge\s+mixtral, llama-8b, phi-mini\s+4 of 8\s+4 \(\$27\.52\/h\)\s+\$55\.04/);
    expect(text).toContain("GPU nodes $61.92/h ($45,201.60/month), of which idle GPUs $27.52/h");
    expect(text).toContain("$55.04/h together vs $68.80/h apart");
  });

  it("puts each model's share, the idle GPUs and the reasons in the PR comment", () => {
    const report: StackReport = {
      stack: "fleet",
      status: "ok",
      errors: [],
      model: "4 models",
      variant: "mixtral, llama-8b, phi-mini, mistral-7b",
      gpu: { name: "NVIDIA H100 SXM 80GB", count: 5 },
      instances: [],
      cost: settings.cost,
      plan: null,
      modelSet: setReportFrom(set),
      performance: null,
      measured: null,
      violations: [],
      capacityOptions: [],
      capacityBlock: null,
      assumptions: ["730 hours per month"],
    };
    const markdown = renderStackDetails(report).join("\n");
    // $13.76 × 730 = $10,044.80 a month; $6.88 × 730 = $5,022.40; idle 27.52 × 730 = $20,089.60.
    expect(markdown).toContain(
      "| mixtral | mixtral-8x7b-instruct-v0.1 (bf16) | 2 (TP 2 × PP 1) | 1 | shared-0 (p5.48xlarge) | $13.76 | $10,044.80 |",
    );
    expect(markdown).toContain(
      "| mistral-7b | mistral-7b-instruct-v0.3 (bf16) | 1 (TP 1 × PP 1) | 0–1 | mistral-7b (p5.4xlarge) | $6.88 | $5,022.40 |",
    );
    expect(markdown).toContain("| idle GPUs |  | 4 |  |  | $27.52 | $20,089.60 |  |");
    // The stack at expected size and at its maximum (3 system nodes): $62.47/h and $62.67/h.
    expect(markdown).toContain("expected $62.47/h");
    expect(markdown).toContain("max $62.67/h");
  });
});

describe("the README's set example", () => {
  it("is what `plan --stack fleet` prints for the set today", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
    const block = /\$ npm run -s cli -- plan --stack fleet\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(renderModelSet(set, modelSetRows(set)).trimEnd());
  });
});
