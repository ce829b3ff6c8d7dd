/**
 * Renders vLLM flags as the kit passes them: `--name=value`, one word each, sorted by name so the
 * output is stable across runs and easy to diff. The values are the planner's; only flags the
 * table marks `rendered` (and so VLLM_RELEASE.serverFlags declares) may be rendered.
 */
import { VLLM_FLAGS, type VllmFlagName } from "./flags";

export type VllmFlagValues = Partial<Record<VllmFlagName, string>>;

export function renderVllmFlags(values: VllmFlagValues): string[] {
  const names = (Object.keys(values) as VllmFlagName[]).filter((name) => values[name] !== undefined);
  const unrendered = names.filter((name) => !VLLM_FLAGS[name].rendered);
  if (unrendered.length > 0)
    throw new Error(`renderVllmFlags: ${unrendered.map((n) => `--${n}`).join(", ")} is not a flag the kit renders (infra/vllm/flags.ts)`);
  // A boolean flag is its bare name: argparse's store_true takes no value (`--headless=true` is refused).
  return names
    .sort()
    .flatMap((name) =>
      VLLM_FLAGS[name].type === "boolean" ? (values[name] === "true" ? [`--${name}`] : []) : [`--${name}=${values[name]}`],
    );
}
