/**
 * The budget policy holds every capacity option of the committed scout stack (Pulumi.scout.yaml:
 * on-demand p5.48xlarge, then spot, then H200), each priced in place of the deployed GPU nodes —
 * from the record the program writes (infra/pricing/capacity-options-record.ts). Hand-worked from
 * infra/catalog/ec2-prices.json (us-east-1): option 3 at most is 2 × p5en.48xlarge $63.296 = $126.592
 * + 3 × m7i.xlarge $0.2016 = $0.6048 + EKS $0.10 + NAT $0.045 = $127.3418/h, × 730 = $92,959.51/month.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../cli/offline/policy-run";
import { committedResources } from "../support/committed-runs";
import { type RecordedResource } from "../program-runner";

const BUDGET = "llm-stack-cost-budget";

async function budgetViolations(config: Record<string, unknown>, tamper: (resources: RecordedResource[]) => void = () => undefined) {
  const resources = committedResources("scout");
  tamper(resources);
  return (await runPolicies(resources, { [BUDGET]: config })).filter((v) => v.policy === BUDGET).map((v) => v.message);
}

const record = (resources: RecordedResource[]) => resources.find((r) => r.inputs.metadata?.name === "llm-stack-capacity-options")!.inputs;

describe("the budget over a stack's capacity options", () => {
  it("passes the committed stack: its dearest option, $127.34/h, is within $130", async () => {
    expect(await budgetViolations({})).toEqual([]);
  });

  it("refuses the list when its dearest option exceeds the budget, though the deployed option fits", async () => {
    // The deployed option at most: 2 × $55.04 + $0.7498 = $110.83/h, within $120; the H200 option is not.
    expect(await budgetViolations({ maxHourlyUsd: 120 })).toEqual([
      "Capacity option 3 (on-demand p5en.48xlarge), which capacityOption can switch the stack to, costs $127.34/h ($92,959.51/month) at maximum node-group size: 1 × GPU nodes p5en.48xlarge $63.296/h (2 at most: $126.592/h) + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h; above maxHourlyUsd $120.00 or maxMonthlyUsd $94,900.00. The budget holds every option, each priced as it is bought. Fix: remove or change that fallback (capacityFallbacks), or raise the budget in the policy pack config.",
    ]);
  });

  it("cannot prove the budget over a record it cannot read, or an option it cannot price", async () => {
    expect(await budgetViolations({}, (r) => (record(r).data["options.json"] = "[{"))).toEqual([
      "The budget cannot be proven for the stack's capacity options: ConfigMap llm-stack-capacity-options: its options.json is not a list of capacity options. Fix: let the program write it (do not edit it).",
    ]);
    const unpriced = await budgetViolations({}, (r) => {
      const options = JSON.parse(record(r).data["options.json"]);
      options[2].nodeGroups[0].instanceType = "g6e.48xlarge";
      record(r).data["options.json"] = JSON.stringify(options);
    });
    expect(unpriced).toHaveLength(1);
    expect(unpriced[0]).toMatch(
      /^The budget cannot be proven for capacity option 3 \(on-demand g6e\.48xlarge\) with the price table of 2026-12-06: capacity option 3 group 1: g6e\.48xlarge in us-east-1 has no on-demand price in the snapshot\./,
    );
  });

  it("refuses a record that marks other than one option deployed, or whose deployed option is not the stack's", async () => {
    const edit = (change: (options: any[]) => void) => (r: RecordedResource[]) => {
      const options = JSON.parse(record(r).data["options.json"]);
      change(options);
      record(r).data["options.json"] = JSON.stringify(options);
    };
    expect(
      await budgetViolations(
        {},
        edit((o) => o.forEach((option) => (option.deployed = true))),
      ),
    ).toEqual([
      "The budget cannot be proven for the stack's capacity options: ConfigMap llm-stack-capacity-options: 3 options marked deployed, not one. Fix: let the program write it (do not edit it).",
    ]);
    expect(
      await budgetViolations(
        {},
        edit((o) => (o[0].nodeGroups[0].maxSize = 9)),
      ),
    ).toEqual([
      "The budget cannot be proven for the stack's capacity options: ConfigMap llm-stack-capacity-options: its deployed option's p5.48xlarge group (0–9 nodes) is not a node group of the stack. Fix: let the program write it (do not edit it).",
    ]);
  });

  it("keeps every other resource in each option's bill: a GPU instance the record does not name is priced in option 3 too", async () => {
    // One more on-demand p5.48xlarge ($55.04) beside the stack: option 3 becomes $127.34 + $55.04 = $182.38 at most.
    const violations = await budgetViolations({ maxHourlyUsd: 170, maxMonthlyUsd: 1e9 }, (r) => {
      const template = r.find((x) => x.custom)!;
      r.push({ ...template, type: "aws:ec2/instance:Instance", name: "stray-gpu", inputs: { instanceType: "p5.48xlarge" } });
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(
      /^Capacity option 3 \(on-demand p5en\.48xlarge\), which capacityOption can switch the stack to, costs \$182\.38\/h/,
    );
  });

  it("matches the deployed option's groups by how they are bought too", async () => {
    // The record says option 1 is spot; the stack's group is on-demand: not the group the record describes.
    const violations = await budgetViolations({}, (r) => {
      const options = JSON.parse(record(r).data["options.json"]);
      options[0].capacityType = "SPOT";
      record(r).data["options.json"] = JSON.stringify(options);
    });
    expect(violations).toEqual([
      "The budget cannot be proven for the stack's capacity options: ConfigMap llm-stack-capacity-options: its deployed option's p5.48xlarge group (0–2 nodes) is not a node group of the stack. Fix: let the program write it (do not edit it).",
    ]);
  });
});
