/**
 * Capacity options: the stack's own way of getting its GPU nodes (capacityType, gpu,
 * allowedInstanceTypes) and the ordered `capacityFallbacks` after it. A fallback is not an instance
 * type swapped in: an H200 node or a spot node is a different plan (TP, context, flags, price), so
 * each option is the whole stack re-resolved with the option's keys (infra/settings/resolve.ts) —
 * exactly what `pulumi up` would deploy were `capacityOption` to name it.
 *
 * Why one option deploys at a time rather than every option as node groups under Cluster
 * Autoscaler's priority expander: the expander picks which node group grows
 * (expander/priority/priority.go at cluster-autoscaler-1.35.2), not which pod runs; an H200 option
 * can need other vLLM arguments than an H100 one (Llama 3.1 8B: TP 1 on a p5.4xlarge, TP 8 on a p5en.48xlarge), and a Deployment's pods cannot follow whichever group
 * the autoscaler managed to grow. So `llm-stack preflight` asks AWS which option is obtainable now,
 * and `capacityOption` deploys it: one key, a preview that shows exactly the switch.
 */
import { GPU_IDS, INSTANCE_TYPES, INSTANCES, type CapacityType, type GpuId, type InstanceType } from "../catalog";
import { PlanInputError, type InputIssue } from "../plan";
import { toStackPath } from "./coerce";
import { type SecretPresence, type StackSettings } from "./deployment";
import { gpuFleet } from "./served-models";
import { MAX_CAPACITY_FALLBACKS, SETTINGS, coerceSettingValue } from "./keys";

/** One entry of `capacityFallbacks`: what it changes from the stack's own option. Spot or on-demand: a Capacity Block is bought for its dates, so a stack that has one leads with it. */
export interface CapacityFallbackEntry {
  capacityType?: "on-demand" | "spot";
  gpu?: GpuId;
  instanceType?: InstanceType;
}

const ENTRY_KEYS = ["capacityType", "gpu", "instanceType"] as const;
const FALLBACK_CAPACITY_TYPES = ["on-demand", "spot"] as const;
const GPU_INSTANCE_TYPES = INSTANCE_TYPES.filter((type) => INSTANCES[type].gpu !== null);

const entryPath = (index: number, key?: string) => `capacityFallbacks[${index}]${key ? `.${key}` : ""}`;
const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");

/** The entries of `capacityFallbacks`, or every problem with them at its path. */
export function parseCapacityFallbacks(raw: readonly unknown[]): {
  entries: CapacityFallbackEntry[];
  issues: InputIssue[];
  /** Indexes of entries with a problem of their own: not planned, since they say nothing deployable. */
  badEntries: Set<number>;
} {
  const issues: InputIssue[] = [];
  const badEntries = new Set<number>();
  if (raw.length > MAX_CAPACITY_FALLBACKS) {
    issues.push({
      path: "capacityFallbacks",
      value: `${raw.length} entries`,
      expected: `at most ${MAX_CAPACITY_FALLBACKS} fallbacks`,
      hint: "Keep the options you would really deploy, in order of preference.",
    });
  }
  const entries = raw.map((item, index): CapacityFallbackEntry => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      issues.push({
        path: entryPath(index),
        value: item,
        expected: "a mapping with capacityType, gpu and/or instanceType",
        hint: "Write each fallback as a YAML mapping, e.g. `- capacityType: spot`.",
      });
      badEntries.add(index);
      return {};
    }
    const given = item as Record<string, unknown>;
    for (const key of Object.keys(given).filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k))) {
      issues.push({
        path: entryPath(index, key),
        value: given[key],
        expected: `one of the keys ${quoted(ENTRY_KEYS)}`,
        hint: "A fallback changes how the GPU nodes are got; every other key stays the stack's.",
      });
    }
    const entry: CapacityFallbackEntry = {};
    const pick = <T extends string>(key: (typeof ENTRY_KEYS)[number], allowed: readonly T[], hint: string): T | undefined => {
      const value = given[key];
      if (value === undefined) return undefined;
      if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
      issues.push({ path: entryPath(index, key), value, expected: `one of ${quoted(allowed)}`, hint });
      return undefined;
    };
    const capacityType = pick(
      "capacityType",
      FALLBACK_CAPACITY_TYPES,
      "A fallback buys on-demand or spot; a Capacity Block you hold is the stack's own option (capacityType capacity-block).",
    );
    const gpu = pick("gpu", GPU_IDS, "Name a GPU family of the catalog.");
    const instanceType = pick("instanceType", GPU_INSTANCE_TYPES, "Name a GPU instance type of the catalog.");
    if (capacityType) entry.capacityType = capacityType;
    if (gpu) entry.gpu = gpu;
    if (instanceType) entry.instanceType = instanceType;
    if (gpu && instanceType && INSTANCES[instanceType].gpu !== gpu) {
      issues.push({
        path: entryPath(index, "instanceType"),
        value: instanceType,
        expected: `an instance type with ${gpu} GPUs (${INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu === gpu).join(", ")})`,
        hint: "Give the GPU family or the instance type, or both in agreement.",
      });
    }
    if (Object.keys(given).length === 0) {
      issues.push({
        path: entryPath(index),
        value: {},
        expected: "a mapping with capacityType, gpu and/or instanceType",
        hint: "An empty fallback is the stack's own option again; remove it.",
      });
    }
    if (issues.some((issue) => issue.path.startsWith(entryPath(index)))) badEntries.add(index);
    return entry;
  });
  return { entries, issues, badEntries };
}

/** The keys an option sets; everything else is the stack's. */
export interface OptionKeys {
  capacityType: CapacityType;
  gpu: string;
  allowedInstanceTypes: readonly string[] | undefined;
}

/** The stack's own option: its keys as given (the planner's defaults apply to what is unset). */
export function ownOption(values: Readonly<Record<string, unknown>>): OptionKeys {
  return {
    capacityType: (values.capacityType as CapacityType | undefined) ?? SETTINGS.capacityType.default,
    gpu: (values.gpu as string | undefined) ?? SETTINGS.gpu.default,
    allowedInstanceTypes: values.allowedInstanceTypes as readonly string[] | undefined,
  };
}

/**
 * A fallback's keys: what it names, the rest the stack's — but a new GPU family plans over all its
 * instance types (the stack's allowedInstanceTypes are the old family's), and a fallback from a
 * Capacity Block buys on-demand unless it says spot.
 */
export function fallbackOption(own: OptionKeys, entry: CapacityFallbackEntry): OptionKeys {
  const gpu = entry.instanceType ? INSTANCES[entry.instanceType].gpu! : (entry.gpu ?? own.gpu);
  const sameFamily = gpu === own.gpu;
  return {
    capacityType: entry.capacityType ?? (own.capacityType === "capacity-block" ? "on-demand" : own.capacityType),
    gpu,
    allowedInstanceTypes: entry.instanceType ? [entry.instanceType] : sameFamily ? own.allowedInstanceTypes : undefined,
  };
}

/** The stack's values with an option's keys: the reservation keys go with a Capacity Block, and the option keys themselves are consumed. */
export function valuesForOption(values: Readonly<Record<string, unknown>>, option: OptionKeys): Record<string, unknown> {
  const {
    capacityFallbacks: _fallbacks,
    capacityOption: _option,
    capacityType: _type,
    gpu: _gpu,
    allowedInstanceTypes: _allowed,
    ...rest
  } = values;
  const block = option.capacityType === "capacity-block";
  const withoutReservation = Object.fromEntries(Object.entries(rest).filter(([key]) => block || !key.startsWith("capacityReservation")));
  return {
    ...withoutReservation,
    capacityType: option.capacityType,
    gpu: option.gpu,
    ...(option.allowedInstanceTypes !== undefined ? { allowedInstanceTypes: option.allowedInstanceTypes } : {}),
  };
}

/** Resolves one option's stack (infra/settings/resolve.ts), or throws its PlanInputError. */
export type ResolveOneOption = (
  values: Readonly<Record<string, unknown>>,
  region: unknown,
  secrets: SecretPresence,
  keyIssues: readonly InputIssue[],
) => StackSettings;

/**
 * Every capacity option resolved as the whole stack it deploys, and the one `capacityOption` names
 * returned with the list — or one PlanInputError with every problem: the option keys', each
 * option's own (a fallback's named by its entry, once), and an option that repeats another.
 */
export function resolveCapacityOptions(
  values: Readonly<Record<string, unknown>>,
  region: unknown,
  secrets: SecretPresence,
  keyIssues: readonly InputIssue[],
  resolveOne: ResolveOneOption,
): StackSettings {
  const rawFallbacks = coerceSettingValue("capacityFallbacks", values.capacityFallbacks);
  const rawOption = coerceSettingValue("capacityOption", values.capacityOption);
  const fallbacks = parseCapacityFallbacks(Array.isArray(rawFallbacks) ? rawFallbacks : []);
  const own = ownOption(values);
  const optionKeys = [own, ...fallbacks.entries.map((entry) => fallbackOption(own, entry))];
  const chosen = rawOption === undefined ? SETTINGS.capacityOption.default : rawOption;
  const issues: InputIssue[] = [...fallbacks.issues];
  if (fallbacks.entries.length > 0 && coerceSettingValue("cluster", values.cluster) === "kubeconfig") {
    issues.push({
      path: "capacityFallbacks",
      value: rawFallbacks,
      expected:
        "no fallbacks with cluster kubeconfig: the stack adds no GPU nodes there, so it has no way of getting them to fall back from",
      hint: "Remove capacityFallbacks, or let the stack create its cluster (cluster create) or join one (eks:<name>).",
    });
  }
  if (rawFallbacks !== undefined && !Array.isArray(rawFallbacks)) {
    issues.push({
      path: "capacityFallbacks",
      value: rawFallbacks,
      expected: SETTINGS.capacityFallbacks.accepts,
      hint: SETTINGS.capacityFallbacks.hint,
    });
  }
  if (!Number.isInteger(chosen) || (chosen as number) < 1 || (chosen as number) > optionKeys.length) {
    issues.push({
      path: "capacityOption",
      value: rawOption,
      expected: `a whole number from 1 to ${optionKeys.length} (1: the stack's own option${optionKeys.length > 1 ? `, 2–${optionKeys.length}: its capacityFallbacks` : ""})`,
      hint: SETTINGS.capacityOption.hint,
    });
  }
  // Each option is the whole stack with its keys; its problems are the stack's, a fallback's named by its entry.
  const seen = new Set<string>();
  const resolved = optionKeys.map((keys, index) => {
    if (index > 0 && fallbacks.badEntries.has(index - 1)) return null;
    // The stack's own option alone is its values as given (less the option keys, checked above).
    const { capacityFallbacks: _fallbacks, capacityOption: _option, ...given } = values;
    const optionValues = index === 0 && optionKeys.length === 1 ? given : valuesForOption(values, keys);
    try {
      return resolveOne(optionValues, region, secrets, index === 0 ? keyIssues : []);
    } catch (error) {
      if (!(error instanceof PlanInputError)) throw error;
      for (const issue of error.issues) {
        const key = `${issue.path} ${issue.expected}`;
        if (seen.has(key)) continue;
        seen.add(key);
        issues.push(
          index === 0
            ? issue
            : toStackPath({
                path: `capacityFallbacks[${index - 1}]`,
                value: fallbacks.entries[index - 1],
                expected: `a fallback the stack can deploy as it is (option ${index + 1}, ${keys.capacityType} ${keys.gpu}): ${issue.path}: ${issue.expected}`,
                hint: issue.hint,
              }),
        );
      }
      return null;
    }
  });
  // Two options that deploy the same nodes bought the same way are one option twice.
  resolved.forEach((settings, index) => {
    if (!settings) return;
    const earlier = resolved.findIndex((other, i) => i < index && other !== null && sameNodes(other, settings));
    if (earlier >= 0)
      issues.push(
        toStackPath({
          path: `capacityFallbacks[${index - 1}]`,
          value: fallbacks.entries[index - 1],
          expected: `an option other than option ${earlier + 1}, which deploys the same ${settings.capacity.type} ${gpuFleet(settings).instanceTypes.join(", ")} nodes`,
          hint: "Remove the repeated fallback.",
        }),
      );
  });
  if (issues.length > 0 || resolved.some((settings) => settings === null)) {
    throw new PlanInputError(issues.map(toStackPath), "invalid stack configuration; nothing was created");
  }
  const options = resolved as StackSettings[];
  const capacityOptions = options.map((settings, index) => ({ option: index + 1, deployed: index + 1 === chosen, settings }));
  return { ...options[(chosen as number) - 1]!, capacityOptions };
}

/** Two options that deploy the same GPU instance types bought the same way. */
const sameNodes = (a: StackSettings, b: StackSettings) => a.capacity.type === b.capacity.type && gpuFleet(a).label === gpuFleet(b).label;
