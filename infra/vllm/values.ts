/**
 * Typed reads of parsed flags: the value vLLM would use, its default (flags.ts) when the flag is
 * absent, NaN where vLLM would refuse the value and not start.
 */
import { VLLM_FLAGS, type VllmFlagName } from "./flags";
import { humanReadableInt, pythonFloat, pythonInt } from "./numbers";

const READERS = { int: pythonInt, "human-int": humanReadableInt, float: pythonFloat } as const;

/**
 * A numeric flag as vLLM reads it. `derived` is used when the flag is absent and vLLM derives the
 * default from the model (VLLM_FLAGS[name].default is null), e.g. the model's context for
 * --max-model-len.
 */
export function numericFlag(flags: Readonly<Record<string, string>>, name: VllmFlagName, derived?: number): number {
  const spec = VLLM_FLAGS[name];
  if (!(spec.type in READERS)) throw new Error(`--${name} is a ${spec.type} flag, not a number`);
  const raw = flags[name];
  if (raw === undefined) {
    const fallback = typeof spec.default === "number" ? spec.default : derived;
    if (fallback === undefined)
      throw new Error(`--${name} has no default at the pinned release (${spec.defaultSource}): pass the derived value`);
    return fallback;
  }
  return READERS[spec.type as keyof typeof READERS](raw) ?? Number.NaN;
}

/** A string flag's value, else vLLM's default (null where vLLM derives it). */
export function stringFlag(flags: Readonly<Record<string, string>>, name: VllmFlagName): string | null {
  const value = flags[name];
  if (value !== undefined) return value;
  const fallback = VLLM_FLAGS[name].default;
  return fallback === null ? null : String(fallback);
}
