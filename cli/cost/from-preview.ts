/**
 * Prices the JSON of a real `pulumi preview --json --show-sames` (same-repo pull requests with
 * credentials): the shape of Pulumi's preview digest (pkg/backend/display/json.go: `steps[]` with
 * `op`, `urn`, `oldState` / `newState` holding `type`, `inputs`, `outputs`), where values unknown
 * until apply are the string 04da6b54-80e4-46f7-96ec-b56ff0331ba9 and secrets print as "[secret]".
 */
import { z } from "zod";
import { REGIONS, regionSchema, type Region } from "../../infra/catalog";
import { type Violation } from "../offline/policy-run";
import { PlanInputError, priceItems, type StackCost } from "../../infra/plan";
import { optionCostsOf, type OptionCost } from "../../infra/pricing/capacity-options-record";
import {
  UNKNOWN,
  isCostBearingType,
  priceResources,
  type PricingResource,
  type ResourcePricing,
} from "../../infra/pricing/resource-prices";

const stateSchema = z.object({
  type: z.string(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});
const stepSchema = z.object({ op: z.string(), urn: z.string(), oldState: stateSchema.optional(), newState: stateSchema.optional() });
const previewSchema = z.object({ steps: z.array(stepSchema), config: z.record(z.string(), z.unknown()).optional() });
type State = z.infer<typeof stateSchema>;

/**
 * Every step op the Pulumi engine reports (pulumi/pulumi pkg/resource/deploy/step.go, StepOp), split
 * by whether its new state exists after the update and its old state existed before it. An op not
 * listed is refused: a step the pricing cannot place would silently drop its resource from the bill.
 */
const AFTER_OPS = new Set([
  "create",
  "update",
  "same",
  "replace",
  "create-replacement",
  "read",
  "read-replacement",
  "import",
  "import-replacement",
  "refresh",
]);
const BEFORE_OPS = new Set([
  "update",
  "same",
  "replace",
  "delete",
  "delete-replaced",
  "read",
  "read-replacement",
  "refresh",
  "discard",
  "discard-replaced",
  "import-replacement",
]);
const KNOWN_OPS = new Set([...AFTER_OPS, ...BEFORE_OPS, "remove-pending-replace"]);

export interface PreviewCost {
  region: Region;
  before: StackCost;
  after: StackCost;
  monthlyDeltaUsd: number;
  /** What changes price, step by step (creates, deletes and replacements of priced resources). */
  changes: Array<{ op: string; urn: string; type: string }>;
  /** Priced resources whose size or type is unknown until apply. */
  unknowns: string[];
  stepCounts: Record<string, number>;
  /** The capacity options the stack records (capacityFallbacks), each priced in place of the deployed GPU nodes; [] without. */
  capacityOptions: OptionCost[];
  /** With --policy-pack-config: the policies applied to the preview's resources and what they found; null without. */
  policies?: { applied: string[]; violations: Violation[] } | null;
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
/** The types the pricing table prices or flags: their creates, deletes and replacements are listed. */

/** A node count as EKS takes it: a whole number ≥ 0 (a safe integer: 1e308 is no count), or unknown until apply. */
const isNodeCount = (value: unknown) => value === undefined || value === UNKNOWN || (Number.isSafeInteger(value) && (value as number) >= 0);

/** Whether a node group's sizes are whole counts with minSize ≤ desiredSize ≤ maxSize, where known. */
function wellFormedScaling(scaling: Record<string, unknown>): boolean {
  const { minSize, desiredSize, maxSize } = scaling;
  if (![minSize, desiredSize, maxSize].every(isNodeCount)) return false;
  const known = [minSize, desiredSize, maxSize].filter((v): v is number => typeof v === "number");
  return known.every((v, i) => i === 0 || known[i - 1]! <= v);
}

const damaged = (path: string, value: unknown, expected: string) =>
  new PlanInputError(
    [
      {
        path,
        value,
        expected,
        hint: "The preview file is damaged or was edited; regenerate it with `pulumi preview --json --show-sames`.",
      },
    ],
    "invalid preview",
  );

/** A preview state as the pricing table reads it; the node group's sizes must be whole and ordered, its instance types a list. */
function asPricingResource(urn: string, state: State): PricingResource {
  const props = { ...state.outputs, ...state.inputs } as Record<string, any>;
  const name = nameOf(urn);
  const scaling = props.scalingConfig;
  if (state.type === "aws:eks/nodeGroup:NodeGroup") {
    const types = props.instanceTypes;
    if (types !== undefined && types !== UNKNOWN && !(Array.isArray(types) && types.every((t) => typeof t === "string")))
      throw damaged(`${name}.instanceTypes`, types, "a list of instance type names (or unknown until apply)");
  }
  if (state.type === "aws:eks/nodeGroup:NodeGroup" && typeof scaling === "object" && scaling !== null) {
    if (!wellFormedScaling(scaling as Record<string, unknown>))
      throw damaged(`${name}.scalingConfig`, scaling, "whole node counts with 0 ≤ minSize ≤ desiredSize ≤ maxSize");
  }
  return { type: state.type, name, props };
}

/** The resources the preview leaves behind (its after-states), as the policy pack sees resources: type, name, inputs. */
export function previewResources(json: unknown): Array<{ type: string; name: string; inputs: Record<string, unknown> }> {
  const parsed = previewSchema.parse(json);
  return parsed.steps
    .filter((step) => step.newState && AFTER_OPS.has(step.op))
    .map((step) => ({
      type: step.newState!.type,
      name: nameOf(step.urn),
      inputs: { ...step.newState!.outputs, ...step.newState!.inputs },
    }));
}

export function pricePreview(json: unknown, fallbackRegion: Region): PreviewCost {
  const parsed = previewSchema.safeParse(json);
  if (!parsed.success) {
    throw new PlanInputError(
      parsed.error.issues.slice(0, 5).map((issue) => ({
        path: `--from-preview ${issue.path.join(".") || "(root)"}`,
        value: issue.path.reduce<unknown>(
          (at, key) => (at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined),
          json,
        ),
        expected: "the shape of `pulumi preview --json`: an object with steps (each with op, urn, oldState and newState) and config",
        hint: `${issue.message}. Pass the JSON of \`pulumi preview --json --show-sames\` (test/fixtures/preview/README.md describes its shape).`,
      })),
      "invalid preview",
    );
  }
  const preview = parsed.data;
  // The region the preview was made in (its config, as `pulumi preview --json` prints it), else the flag's.
  const configured = preview.config?.["aws:region"];
  const madeIn =
    typeof configured === "object" && configured !== null && "value" in configured ? (configured as { value: unknown }).value : configured;
  if (typeof madeIn === "string" && !regionSchema.safeParse(madeIn).success)
    throw new PlanInputError(
      [
        {
          path: "--from-preview config aws:region",
          value: madeIn,
          expected: `a region the price table covers (${REGIONS.join(", ")})`,
          hint: "The preview was made in a region this kit has no prices for; pricing it at another region's rates would be wrong. Add the region (infra/catalog/schema.ts REGIONS) and its prices to infra/catalog/ec2-prices.json (npm run prices:generate).",
        },
      ],
      "invalid preview",
    );
  const region = regionSchema.safeParse(madeIn).data ?? fallbackRegion;
  const before = new Map<string, State>();
  const after = new Map<string, State>();
  const stepCounts: Record<string, number> = {};
  const changes: PreviewCost["changes"] = [];
  const unknownOps = [...new Set(preview.steps.map((s) => s.op).filter((op) => !KNOWN_OPS.has(op)))];
  if (unknownOps.length > 0)
    throw new PlanInputError(
      unknownOps.map((op) => ({
        path: "--from-preview steps[].op",
        value: op,
        expected: `one of the engine's step ops (${[...KNOWN_OPS].join(", ")})`,
        hint: "The preview file is damaged or from an unknown Pulumi version; regenerate it with `pulumi preview --json --show-sames`.",
      })),
      "invalid preview",
    );
  for (const step of preview.steps) {
    stepCounts[step.op] = (stepCounts[step.op] ?? 0) + 1;
    if (step.newState && AFTER_OPS.has(step.op)) after.set(step.urn, step.newState);
    if (step.oldState && BEFORE_OPS.has(step.op)) before.set(step.urn, step.oldState);
    const type = step.newState?.type ?? step.oldState?.type ?? "";
    if (step.op !== "same" && isCostBearingType(type)) changes.push({ op: step.op, urn: step.urn, type });
  }
  // A replacement shows as replace plus its create-replacement / delete-replaced halves: list it once.
  const replaced = new Set(changes.filter((c) => c.op === "replace").map((c) => c.urn));
  const listed = changes.filter((c) => !(replaced.has(c.urn) && (c.op === "create-replacement" || c.op === "delete-replaced")));
  const price = (states: Map<string, State>) =>
    priceResources(
      [...states.entries()].map(([urn, state]) => asPricingResource(urn, state)),
      region,
    );
  const afterResources = [...after.entries()].map(([urn, state]) => asPricingResource(urn, state));
  const beforePricing = price(before);
  const afterPricing = price(after);
  const cost = (pricing: ResourcePricing) => {
    const priced = priceItems(pricing.items, region);
    return { ...priced, unpriced: [...priced.unpriced, ...pricing.unpriced] };
  };
  const beforeCost = cost(beforePricing);
  const afterCost = cost(afterPricing);
  return {
    region,
    before: beforeCost,
    after: afterCost,
    monthlyDeltaUsd: Number((afterCost.monthlyUsd - beforeCost.monthlyUsd).toFixed(2)),
    changes: listed,
    unknowns: afterPricing.unknowns,
    stepCounts,
    capacityOptions: optionCostsOf(afterResources, region),
  };
}
