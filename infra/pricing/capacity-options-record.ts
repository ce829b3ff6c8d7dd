/**
 * The stack's capacity options as the policy pack reads them. Only one option is deployed
 * (infra/settings/capacity-options.ts); the others exist as a plan, not as resources, so the
 * program records their GPU node groups in one ConfigMap (infra/manifests/serving/capacity-options.ts)
 * and the budget policy prices each option as the stack with its GPU node groups in place of the
 * deployed ones — the dearest must fit. The record can only add options to price, never remove a
 * deployed resource from the bill: the deployed resources are always priced as they are.
 */
import { z } from "zod";
import { capacityTypeOfEks, eksCapacityTypeSchema, type Region } from "../catalog";
import { priceItems, type PricedItem, type StackCost } from "../plan";
import { priceResources, type PricingResource } from "./resource-prices";

export const CAPACITY_OPTIONS_CONFIGMAP = "llm-stack-capacity-options";
export const CAPACITY_OPTIONS_KEY = "options.json";

const count = z.number().int().min(0);
export const capacityOptionRecordSchema = z.object({
  option: z.number().int().min(1),
  deployed: z.boolean(),
  /** The EKS capacityType the option's node groups would carry. */
  capacityType: eksCapacityTypeSchema,
  nodeGroups: z.array(z.object({ instanceType: z.string(), minSize: count, desiredSize: count, maxSize: count })).min(1),
});
export type CapacityOptionRecord = z.infer<typeof capacityOptionRecordSchema>;

/** The ConfigMap's data value: the records as JSON, one stable text for one set of options. */
export function capacityOptionsData(records: readonly CapacityOptionRecord[]): string {
  return JSON.stringify(records.map((r) => capacityOptionRecordSchema.parse(r)));
}

/** One option's cost and what it is, or why the record cannot be read. */
export type OptionCost = { option: number; deployed: boolean; label: string; cost: StackCost } | { unreadable: string };

/**
 * Each recorded option priced as the stack with its GPU node groups in place of the deployed
 * option's, which must be node groups of the stack (matched by type and size) — everything else the
 * stack buys stays in every option's bill. [] when the stack records no options; a record that is
 * unreadable, marks other than one option deployed, or does not match the stack is reported, never
 * skipped (fail closed).
 */
export function optionCostsOf(resources: readonly PricingResource[], region: Region, vouchedTypes: readonly string[] = []): OptionCost[] {
  const maps = resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.props.metadata?.name === CAPACITY_OPTIONS_CONFIGMAP);
  if (maps.length === 0) return [];
  const parsed = z.array(capacityOptionRecordSchema).safeParse(safeJson(maps[0]!.props.data?.[CAPACITY_OPTIONS_KEY]));
  if (maps.length > 1 || !parsed.success)
    return [
      {
        unreadable: `ConfigMap ${CAPACITY_OPTIONS_CONFIGMAP}: ${maps.length > 1 ? "recorded twice" : `its ${CAPACITY_OPTIONS_KEY} is not a list of capacity options`}`,
      },
    ];
  const deployed = parsed.data.filter((record) => record.deployed);
  if (deployed.length !== 1)
    return [{ unreadable: `ConfigMap ${CAPACITY_OPTIONS_CONFIGMAP}: ${deployed.length} options marked deployed, not one` }];
  // The deployed option's GPU node groups, each matched to one priced node group of the stack; all else stays in every option's bill.
  const base = priceResources(resources, region, vouchedTypes);
  const others = [...base.items];
  const deployedType = capacityTypeOfEks(deployed[0]!.capacityType)!;
  for (const group of deployed[0]!.nodeGroups) {
    const index = others.findIndex(
      (item) =>
        item.kind === "node-group" &&
        (item.capacityType ?? "on-demand") === deployedType &&
        item.instanceType === group.instanceType &&
        item.maxSize === group.maxSize &&
        (item.minSize ?? item.desiredSize) === group.minSize,
    );
    if (index < 0)
      return [
        {
          unreadable: `ConfigMap ${CAPACITY_OPTIONS_CONFIGMAP}: its deployed option's ${group.instanceType} group (${group.minSize}–${group.maxSize} nodes) is not a node group of the stack`,
        },
      ];
    others.splice(index, 1);
  }
  return parsed.data.map((record) => {
    const groups: PricedItem[] = record.nodeGroups.map((group, index) => ({
      kind: "node-group",
      name: `capacity option ${record.option} group ${index + 1}`,
      instanceType: group.instanceType,
      desiredSize: group.desiredSize,
      maxSize: group.maxSize,
      minSize: group.minSize,
      capacityType: capacityTypeOfEks(record.capacityType)!,
    }));
    const cost = priceItems(record.deployed ? base.items : [...groups, ...others], region);
    const label = `option ${record.option} (${capacityTypeOfEks(record.capacityType)!} ${[...new Set(record.nodeGroups.map((g) => g.instanceType))].join(", ")})`;
    return { option: record.option, deployed: record.deployed, label, cost };
  });
}

function safeJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
