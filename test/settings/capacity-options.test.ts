/**
 * Capacity options: the stack's own way of getting GPUs and its ordered capacityFallbacks, each the
 * whole stack re-planned. Expected prices are infra/catalog/ec2-prices.json's us-east-1 rows
 * (read 2026-12-06): p5.4xlarge $6.88/h (1 × H100), p5en.48xlarge $63.296/h (8 × H200), m7i.xlarge
 * $0.2016/h (2 system nodes, 3 at most), the EKS control plane $0.10/h, a NAT gateway $0.045/h; the
 * snapshot has no spot rows yet, so spot is priced at its ceiling, the on-demand price.
 */
import { describe, expect, it } from "vitest";
import { resolveStackSettings } from "../../infra/settings";
import { DEV, SECRETS, issuesOf, oneModel } from "../support/stack-settings";

const FALLBACKS = { ...DEV, maxHourlyUsd: "70", capacityFallbacks: [{ capacityType: "spot" }, { gpu: "h200" }] };

describe("capacity options", () => {
  const settings = oneModel(resolveStackSettings(FALLBACKS, "us-east-1", SECRETS));
  const [own, spot, h200] = settings.capacityOptions.map((option) => oneModel(option.settings));

  it("re-plans each option: the H200 fallback gets TP 8 on a p5en.48xlarge where the H100 stack has TP 1 on a p5.4xlarge", () => {
    expect(settings.capacityOptions.map((o) => [o.option, o.deployed, o.settings.capacity.type])).toEqual([
      [1, true, "on-demand"],
      [2, false, "spot"],
      [3, false, "on-demand"],
    ]);
    // Llama 3.1 8B bf16 (16 GB) fits one H100; no H200 instance has fewer than 8 GPUs, and the planner gives a replica the node's GPUs.
    expect([own!.plan.instanceType, own!.plan.tensorParallelSize]).toEqual(["p5.4xlarge", 1]);
    expect([spot!.plan.instanceType, spot!.plan.tensorParallelSize]).toEqual(["p5.4xlarge", 1]);
    expect([h200!.plan.instanceType, h200!.plan.tensorParallelSize, h200!.plan.gpusPerReplica]).toEqual(["p5en.48xlarge", 8, 8]);
    expect(own!.plan.vllmArgs).toContain("--tensor-parallel-size=1");
    expect(h200!.plan.vllmArgs).toContain("--tensor-parallel-size=8");
    // The deployed stack is option 1's.
    expect(settings.plan.instanceType).toBe("p5.4xlarge");
  });

  it("prices each option as it is bought", () => {
    // Option 1: 6.88 + 2 × 0.2016 + 0.10 + 0.045 = 7.4282; at most 3 system nodes: 7.6298.
    expect([own!.cost.hourlyUsd, own!.cost.maxHourlyUsd]).toEqual([7.4282, 7.6298]);
    // Spot without a snapshot row: the on-demand $6.88 ceiling, said so.
    expect(spot!.cost.maxHourlyUsd).toBe(7.6298);
    expect(spot!.cost.lineItems[0]!.item).toBe("GPU nodes p5.4xlarge (spot)");
    expect(spot!.cost.caveats[0]).toContain("has no spot snapshot row, so it is priced at the on-demand $6.88/h");
    // H200: 63.296 + 0.6048 + 0.10 + 0.045 = 64.0458 at most.
    expect(h200!.cost.maxHourlyUsd).toBe(64.0458);
  });

  it("deploys the option capacityOption names", () => {
    const third = oneModel(resolveStackSettings({ ...FALLBACKS, capacityOption: "3" }, "us-east-1", SECRETS));
    expect([third.plan.instanceType, third.capacity.type]).toEqual(["p5en.48xlarge", "on-demand"]);
    expect(third.capacityOptions.map((o) => o.deployed)).toEqual([false, false, true]);
    const second = oneModel(resolveStackSettings({ ...FALLBACKS, capacityOption: 2 }, "us-east-1", SECRETS));
    expect([second.plan.instanceType, second.capacity.type]).toEqual(["p5.4xlarge", "spot"]);
  });

  it("refuses a list whose dearest option exceeds the budget, naming the option and its cost", () => {
    // $64.05/h at most for the H200 option, above $10; options 1 and 2 ($7.63) are within it.
    const issues = issuesOf({ ...FALLBACKS, maxHourlyUsd: "10" });
    expect(issues.map((i) => i.path)).toEqual(["llm-stack:capacityFallbacks[1]"]);
    expect(issues[0]!.expected).toContain("option 3, on-demand h200");
    expect(issues[0]!.expected).toContain("llm-stack:maxHourlyUsd: at least the stack's $64.05/h at maximum node-group size");
  });

  it("names every problem with the list at once", () => {
    const issues = issuesOf({
      ...DEV,
      capacityFallbacks: [
        { capacityType: "capacity-block" },
        { gpu: "h200", instanceType: "p5.4xlarge" },
        "spot",
        {},
        { capacityType: "spot", zone: "a" },
      ],
      capacityOption: "9",
    });
    expect(issues.map((i) => i.path)).toEqual([
      "llm-stack:capacityFallbacks",
      "llm-stack:capacityFallbacks[0].capacityType",
      "llm-stack:capacityFallbacks[1].instanceType",
      "llm-stack:capacityFallbacks[2]",
      "llm-stack:capacityFallbacks[3]",
      "llm-stack:capacityFallbacks[4].zone",
      "llm-stack:capacityOption",
    ]);
    expect(issues.find((i) => i.path === "llm-stack:capacityOption")!.expected).toBe(
      "a whole number from 1 to 6 (1: the stack's own option, 2–6: its capacityFallbacks)",
    );
  });

  it("refuses an option that repeats an earlier one", () => {
    // gpu h100 is the stack's own family and capacity type: the same p5.4xlarge nodes, on demand.
    const issues = issuesOf({ ...DEV, capacityFallbacks: [{ gpu: "h100" }] });
    expect(issues.map((i) => [i.path, i.expected])).toEqual([
      ["llm-stack:capacityFallbacks[0]", "an option other than option 1, which deploys the same on-demand p5.4xlarge nodes"],
    ]);
  });

  it("falls back from a Capacity Block to on-demand without the reservation's keys", () => {
    const block = {
      ...DEV,
      maxHourlyUsd: "40",
      capacityType: "capacity-block",
      allowedInstanceTypes: '["p5.48xlarge"]',
      capacityReservationId: "cr-0123456789abcdef0",
      capacityReservationZoneId: "use1-az4",
      capacityReservationStartDate: "2026-12-10T11:30:00Z",
      capacityReservationEndDate: "2026-12-17T11:30:00Z",
      capacityFallbacks: [{ instanceType: "p5.4xlarge" }],
    };
    const resolved = oneModel(resolveStackSettings(block, "us-east-1", SECRETS));
    const fallback = oneModel(resolved.capacityOptions[1]!.settings);
    expect([fallback.capacity.type, fallback.plan.instanceType]).toEqual(["on-demand", "p5.4xlarge"]);
    // The block itself: $34.61 per instance-hour (the snapshot's stale 2026-05 reading), the one p5.48xlarge the plan needs.
    expect(resolved.cost.lineItems[0]).toMatchObject({ item: "GPU nodes p5.48xlarge (Capacity Block)", hourlyUsd: 34.61 });
    // The plan itself is priced as bought, so its $/M tokens and the benchmark's price are the block's: $34.61, × 730 h = $25,265.30.
    expect(resolved.plan.cost).toMatchObject({
      capacityType: "capacity-block",
      instanceHourlyUsd: 34.61,
      hourlyUsd: 34.61,
      monthlyUsd: 25265.3,
    });
    expect(fallback.plan.cost).toMatchObject({ instanceHourlyUsd: 6.88, hourlyUsd: 6.88 });
    expect(fallback.plan.cost.capacityType).toBeUndefined();
  });

  it("takes a Capacity Block's own dates: a block bought at 08:55 ends at 11:30 UTC a day later; not before its start, not past 182 days", () => {
    const block = (start: string, end: string) => ({
      ...DEV,
      maxHourlyUsd: "40",
      capacityType: "capacity-block",
      allowedInstanceTypes: '["p5.48xlarge"]',
      capacityReservationId: "cr-0123456789abcdef0",
      capacityReservationZoneId: "use1-az4",
      capacityReservationStartDate: start,
      capacityReservationEndDate: end,
    });
    // "All Capacity Blocks end at 11:30AM UTC" (EC2 user guide, capacity-blocks-purchase): a day and 35 minutes.
    expect(issuesOf(block("2026-12-10T08:55:00Z", "2026-12-11T11:30:00Z"))).toEqual([]);
    expect(issuesOf(block("2026-12-10T11:30:00Z", "2026-12-10T11:30:00Z")).map((i) => [i.path, i.expected])).toEqual([
      [
        "llm-stack:capacityReservationEndDate",
        "a time after capacityReservationStartDate 2026-12-10T11:30:00Z, at most 182 days later (got 0 days)",
      ],
    ]);
    // 2026-12-10 + 189 days (27 weeks): past the longest block.
    expect(issuesOf(block("2026-12-10T11:30:00Z", "2027-06-17T11:30:00Z")).map((i) => i.path)).toEqual([
      "llm-stack:capacityReservationEndDate",
    ]);
  });

  it("refuses what the snapshot cannot price, a date that does not exist, an end not at 11:30 UTC and an AZ of another region — each once", () => {
    const block = {
      ...DEV,
      maxHourlyUsd: "40",
      capacityType: "capacity-block",
      capacityReservationId: "cr-0123456789abcdef0",
      capacityReservationZoneId: "use1-az4",
      capacityReservationStartDate: "2026-12-10T11:30:00+00:00",
      capacityReservationEndDate: "2026-12-11T11:30:00+00:00",
    };
    // Llama 3.1 8B plans onto a p5.4xlarge, which AWS sells no block of: refused, never priced at $0.
    const unpriced = issuesOf(block);
    expect(unpriced.map((i) => i.path)).toEqual(["llm-stack:capacityType"]);
    expect(unpriced[0]!.expected).toBe(
      "a way of buying the GPU nodes the price snapshot prices: gpu: p5.4xlarge in us-east-1 has no capacity-block price in the snapshot",
    );
    expect(unpriced[0]!.hint).toContain("allowedInstanceTypes[0]' p5.48xlarge");
    const onP5 = { ...block, allowedInstanceTypes: '["p5.48xlarge"]' };
    // The AWS CLI's +00:00 is UTC: accepted.
    expect(issuesOf(onP5)).toEqual([]);
    expect(issuesOf({ ...onP5, capacityReservationStartDate: "2026-02-30T11:30:00Z" }).map((i) => [i.path, i.value])).toEqual([
      ["llm-stack:capacityReservationStartDate", "2026-02-30T11:30:00Z"],
    ]);
    expect(issuesOf({ ...onP5, capacityReservationEndDate: "2026-12-11T12:00:00Z" }).map((i) => [i.path, i.expected])).toEqual([
      ["llm-stack:capacityReservationEndDate", "a Capacity Block's end: every block ends at 11:30 UTC"],
    ]);
    const west = issuesOf({ ...onP5 }, "us-west-2");
    expect(west.map((i) => [i.path, i.expected])).toEqual([
      ["llm-stack:capacityReservationZoneId", "an AZ id of us-west-2 (usw2-az…), the stack's region"],
    ]);
  });

  it("refuses spot or a block on a kubeconfig cluster, whose GPU nodes the stack does not buy", () => {
    const issues = issuesOf({ ...DEV, cluster: "kubeconfig", capacityType: "spot" });
    expect(issues.find((i) => i.path === "llm-stack:capacityType")?.expected).toBe(
      "on-demand (unset) with cluster kubeconfig: the stack adds no GPU nodes there",
    );
  });

  it("prices a set on a Capacity Block at the block's rate: each model's share and the idle GPUs", () => {
    const { model: _model, maxModelLen: _len, ...operator } = DEV;
    const settings = resolveStackSettings(
      {
        ...operator,
        models: [
          { model: "llama-3.1-8b-instruct", name: "llama-8b" },
          { model: "phi-3.5-mini-instruct", name: "phi-mini" },
        ],
        allowedInstanceTypes: '["p5.48xlarge"]',
        maxHourlyUsd: "40",
        capacityType: "capacity-block",
        capacityReservationId: "cr-0123456789abcdef0",
        capacityReservationZoneId: "use1-az4",
        capacityReservationStartDate: "2026-12-10T11:30:00Z",
        capacityReservationEndDate: "2026-12-11T11:30:00Z",
      },
      "us-east-1",
      SECRETS,
    );
    const { packing } = settings.modelSet!;
    // Both 1-GPU models on one p5.48xlarge block instance at $34.61: 34.61 / 8 = $4.32625 each; 6 idle GPUs × $4.32625 = $25.9575.
    expect(Object.values(packing.perModel).map((share) => Number(share.hourlyUsd.toFixed(5)))).toEqual([4.32625, 4.32625]);
    expect(Number(packing.idleHourlyUsd.toFixed(4))).toBe(25.9575);
    expect(Number(packing.hourlyUsd.toFixed(2))).toBe(34.61);
  });
});
