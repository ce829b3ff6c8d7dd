/**
 * Prices the JSON of a real `pulumi preview --json --show-sames` (same-repo pull requests with
 * credentials): the shape of Pulumi's preview digest (pkg/backend/display/json.go: `steps[]` with
 * `op`, `urn`, `oldState` / `newState` holding `type`, `inputs`, `outputs`), where values unknown
 * until apply are the string 04da6b54-80e4-46f7-96ec-b56ff0331ba9 and secrets print as "[secret]".
 */
import { z } from "zod";
import { regionSchema, type Region } from "../catalog";
import { eksSupportTypeOf, PlanInputError, priceItems, type PricedItem, type StackCost } from "../plan";

/** Pulumi's sentinel for a value unknown until apply (sdk/go/common/resource/plugin/rpc.go UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET = "[secret]";

const stateSchema = z.object({ type: z.string(), inputs: z.record(z.string(), z.unknown()).optional(), outputs: z.record(z.string(), z.unknown()).optional() });
const stepSchema = z.object({ op: z.string(), urn: z.string(), oldState: stateSchema.optional(), newState: stateSchema.optional() });
const previewSchema = z.object({ steps: z.array(stepSchema), config: z.record(z.string(), z.unknown()).optional() });
type State = z.infer<typeof stateSchema>;

/** Steps whose new state exists after the update, and steps whose old state existed before it. */
const AFTER_OPS = new Set(["create", "update", "same", "replace", "create-replacement", "read", "import", "refresh"]);
const BEFORE_OPS = new Set(["update", "same", "replace", "delete", "delete-replaced", "read", "refresh", "discard"]);

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
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const PRICED_TYPES = new Set(["aws:eks/cluster:Cluster", "aws:ec2/natGateway:NatGateway", "aws:eks/nodeGroup:NodeGroup"]);

function pricedItem(urn: string, state: State, unknowns: string[]): PricedItem | undefined {
  const props = { ...state.outputs, ...state.inputs };
  const name = nameOf(urn);
  if (state.type === "aws:eks/cluster:Cluster") {
    const policy = props.upgradePolicy as { supportType?: unknown } | undefined;
    return { kind: "eks-cluster", name, supportType: eksSupportTypeOf(typeof policy === "object" ? policy.supportType : undefined) };
  }
  if (state.type === "aws:ec2/natGateway:NatGateway") return { kind: "nat-gateway", name };
  if (state.type !== "aws:eks/nodeGroup:NodeGroup") return undefined;
  const instanceTypes = props.instanceTypes;
  const scaling = props.scalingConfig as { desiredSize?: unknown; maxSize?: unknown } | string | undefined;
  const instanceType = Array.isArray(instanceTypes) ? instanceTypes[0] : undefined;
  const desired = typeof scaling === "object" ? scaling.desiredSize : undefined;
  const max = typeof scaling === "object" ? scaling.maxSize : undefined;
  if (typeof instanceType !== "string" || instanceType === UNKNOWN || instanceType === SECRET || typeof desired !== "number") {
    unknowns.push(`${name}: instance type or size unknown until apply`);
    return undefined;
  }
  const maxSize = typeof max === "number" ? max : desired;
  if (!Number.isInteger(desired) || desired < 0 || !Number.isInteger(maxSize) || maxSize < desired) {
    throw new PlanInputError([{
      path: `${name}.scalingConfig`, value: scaling, expected: "whole node counts with 0 ≤ desiredSize ≤ maxSize",
      hint: "The preview file is damaged or was edited; regenerate it with `pulumi preview --json --show-sames`.",
    }], "invalid preview");
  }
  return { kind: "node-group", name, instanceType, desiredSize: desired, maxSize };
}

export function pricePreview(json: unknown, fallbackRegion: Region): PreviewCost {
  const parsed = previewSchema.safeParse(json);
  if (!parsed.success) {
    throw new PlanInputError(parsed.error.issues.slice(0, 5).map((issue) => ({
      path: `--from-preview ${issue.path.join(".") || "(root)"}`, value: "(as read)", expected: issue.message,
      hint: "Pass the JSON of `pulumi preview --json --show-sames` (test/fixtures/preview/README.md describes its shape).",
    })), "invalid preview");
  }
  const preview = parsed.data;
  const configured = preview.config?.["aws:region"];
  const region = regionSchema.safeParse(typeof configured === "object" && configured !== null && "value" in configured ? (configured as { value: unknown }).value : configured).data ?? fallbackRegion;
  const before = new Map<string, State>();
  const after = new Map<string, State>();
  const stepCounts: Record<string, number> = {};
  const changes: PreviewCost["changes"] = [];
  for (const step of preview.steps) {
    stepCounts[step.op] = (stepCounts[step.op] ?? 0) + 1;
    if (step.newState && AFTER_OPS.has(step.op)) after.set(step.urn, step.newState);
    if (step.oldState && BEFORE_OPS.has(step.op)) before.set(step.urn, step.oldState);
    const type = step.newState?.type ?? step.oldState?.type ?? "";
    if (step.op !== "same" && PRICED_TYPES.has(type)) changes.push({ op: step.op, urn: step.urn, type });
  }
  // A replacement shows as replace plus its create-replacement / delete-replaced halves: list it once.
  const replaced = new Set(changes.filter((c) => c.op === "replace").map((c) => c.urn));
  const listed = changes.filter((c) => !(replaced.has(c.urn) && (c.op === "create-replacement" || c.op === "delete-replaced")));
  const unknowns: string[] = [];
  const items = (states: Map<string, State>, collect: string[]) =>
    [...states.entries()].map(([urn, state]) => pricedItem(urn, state, collect)).filter((item): item is PricedItem => item !== undefined);
  const beforeCost = priceItems(items(before, []), region);
  const afterCost = priceItems(items(after, unknowns), region);
  return { region, before: beforeCost, after: afterCost, monthlyDeltaUsd: Number((afterCost.monthlyUsd - beforeCost.monthlyUsd).toFixed(2)), changes: listed, unknowns, stepCounts };
}
