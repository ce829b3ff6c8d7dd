/**
 * The pricing table by resource type (infra/pricing/resource-prices.ts): every kind of compute is
 * priced at its maximum, or named as unpriced. Prices: p5.4xlarge $6.88/h, p5.48xlarge $55.04/h,
 * p5en.48xlarge $63.296/h, m7i.xlarge $0.2016/h (us-east-1, infra/catalog/prices.ts).
 */
import { describe, expect, it } from "vitest";
import { priceItems } from "../../infra/plan";
import { priceResources, type PricingResource } from "../../infra/pricing/resource-prices";

const price = (resources: PricingResource[]) => {
  const pricing = priceResources(resources, "us-east-1");
  return { ...pricing, maxHourlyUsd: priceItems(pricing.items, "us-east-1").maxHourlyUsd };
};

describe("pricing by resource type", () => {
  it.each<[string, PricingResource[], number, string[]]>([
    [
      "a node group at its maximum size",
      [
        {
          type: "aws:eks/nodeGroup:NodeGroup",
          name: "ng",
          props: { instanceTypes: ["p5.4xlarge"], scalingConfig: { desiredSize: 1, maxSize: 3 } },
        },
      ],
      20.64,
      [],
    ],
    // The dearest of its types: 2 × p5en.48xlarge.
    [
      "a node group with two instance types, at the dearer",
      [
        {
          type: "aws:eks/nodeGroup:NodeGroup",
          name: "ng",
          props: { instanceTypes: ["p5.48xlarge", "p5en.48xlarge"], scalingConfig: { desiredSize: 1, maxSize: 2 } },
        },
      ],
      126.592,
      [],
    ],
    [
      "a node group without types, at its launch template's",
      [
        { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { instanceType: "p5.48xlarge" } },
        { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { scalingConfig: { desiredSize: 1, maxSize: 1 } } },
      ],
      55.04,
      [],
    ],
    ["an EC2 instance", [{ type: "aws:ec2/instance:Instance", name: "box", props: { instanceType: "p5.48xlarge" } }], 55.04, []],
    // maxSize 4 × the dearest override (p5.48xlarge).
    [
      "an Auto Scaling group with mixed-instances overrides",
      [
        {
          type: "aws:autoscaling/group:Group",
          name: "asg",
          props: {
            minSize: 0,
            maxSize: 4,
            mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: "p5.4xlarge" }, { instanceType: "p5.48xlarge" }] } },
          },
        },
      ],
      220.16,
      [],
    ],
    // 16 GPUs / 8 per p5.48xlarge = 2 nodes.
    [
      "a Karpenter NodePool at its GPU limit",
      [
        {
          type: "kubernetes:karpenter.sh/v1:NodePool",
          name: "gpu",
          props: {
            spec: {
              limits: { "nvidia.com/gpu": 16 },
              template: { spec: { requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["p5.48xlarge"] }] } },
            },
          },
        },
      ],
      110.08,
      [],
    ],
    [
      "a Karpenter NodePool without a GPU limit",
      [{ type: "kubernetes:karpenter.sh/v1:NodePool", name: "gpu", props: { spec: { template: { spec: { requirements: [] } } } } }],
      0,
      ["gpu: a NodePool without a nvidia.com/gpu limit can launch GPUs without bound"],
    ],
    [
      "a spot fleet",
      [{ type: "aws:ec2/spotFleetRequest:SpotFleetRequest", name: "fleet", props: {} }],
      0,
      ["fleet: aws:ec2/spotFleetRequest:SpotFleetRequest buys compute the price table does not cover"],
    ],
    [
      "an instance type outside the price table",
      [{ type: "aws:ec2/instance:Instance", name: "box", props: { instanceType: "g6e.xlarge" } }],
      0,
      ["box: g6e.xlarge in us-east-1 has no on-demand price in the snapshot"],
    ],
    [
      // EKS's capacityType (API_Nodegroup): SPOT priced as spot — no snapshot row yet, so at its ceiling, on-demand $55.04 × 2.
      "a spot node group",
      [
        {
          type: "aws:eks/nodeGroup:NodeGroup",
          name: "gpu",
          props: { instanceTypes: ["p5.48xlarge"], capacityType: "SPOT", scalingConfig: { desiredSize: 1, minSize: 0, maxSize: 2 } },
        },
      ],
      110.08,
      [],
    ],
    [
      "a node group bought a way EKS does not name",
      [
        {
          type: "aws:eks/nodeGroup:NodeGroup",
          name: "gpu",
          props: { instanceTypes: ["p5.48xlarge"], capacityType: "RESERVED", scalingConfig: { desiredSize: 1, maxSize: 1 } },
        },
      ],
      0,
      ['gpu: capacityType "RESERVED" is not one EKS accepts (ON_DEMAND, SPOT, CAPACITY_BLOCK)'],
    ],
    [
      "an EKS cluster without an upgrade policy (extended support by default)",
      [{ type: "aws:eks/cluster:Cluster", name: "c", props: {} }],
      0.6,
      [],
    ],
  ])("prices %s", (_, resources, maxHourlyUsd, unpriced) => {
    const result = price(resources);
    expect(result.maxHourlyUsd).toBe(maxHourlyUsd);
    expect(result.unpriced.map((u) => u.what)).toEqual(unpriced);
  });

  it("lists sizes unknown until apply instead of pricing them", () => {
    expect(
      price([
        {
          type: "aws:eks/nodeGroup:NodeGroup",
          name: "ng",
          props: { instanceTypes: ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"], scalingConfig: { maxSize: 1 } },
        },
      ]).unknowns,
    ).toEqual(["ng: instance type or size unknown until apply"]);
  });
});
