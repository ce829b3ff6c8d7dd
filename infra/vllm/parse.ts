/**
 * Reads vLLM server args back the way vLLM's FlexibleArgumentParser (vllm/utils/argparse_utils.py,
 * a subclass of Python's argparse.ArgumentParser) reads them:
 * - in `--x_y` and `--x_y=v`, underscores between `--` and the first `.` or `=` become dashes;
 * - `--x=v` and `--x v`; a value may start with `-` only if it is a negative number;
 * - short aliases `-tp 1`, `-tp=1`, and `-qfp8` for the one-letter `-q`;
 * - unique prefixes (argparse's allow_abbrev, on by default): `--gpu-mem=0.99`;
 * - `--x` / `--no-x` for booleans (argparse.BooleanOptionalAction);
 * - a repeated flag: the last value wins (argparse's store action);
 * - `--` ends the options.
 * Values stay strings; typed reads are in values.ts.
 */
import { VLLM_FLAG_NAMES, VLLM_FLAGS, type VllmFlagName } from "./flags";

export interface VllmArgs {
  /** Canonical flag name → raw value (booleans "true" or "false"); unknown flags under their dashed name. */
  flags: Record<string, string>;
  /** Words that are no option's value, in order (`vllm serve <model>`). */
  positionals: string[];
  /**
   * Words taken as the value of an option the table does not know: if that option is a switch,
   * the word is a positional instead (vLLM knows which; the table does not).
   */
  ambiguous: string[];
}

/** A word argparse takes as an option's value: not option-like, or a negative number. */
const isValueWord = (word: string) => !word.startsWith("-") || /^-\d+$|^-\d*\.\d+$/.test(word);

/** `--max_model_len` → `--max-model-len`: only the name, up to the first `.` (vLLM's `(?<=--)[^\.]*`). */
function dashed(key: string): string {
  const dot = key.indexOf(".");
  return dot < 0 ? key.replaceAll("_", "-") : key.slice(0, dot).replaceAll("_", "-") + key.slice(dot);
}

interface Resolved {
  name: string;
  known: VllmFlagName | undefined;
  /** `--no-x` of a boolean. */
  negated: boolean;
}

/** Every option string of the table: `--name`, its aliases and, for booleans, `--no-name`. */
const OPTION_STRINGS: Array<[string, VllmFlagName, boolean]> = VLLM_FLAG_NAMES.flatMap((name) => {
  const spec = VLLM_FLAGS[name];
  const strings: Array<[string, VllmFlagName, boolean]> = [
    [`--${name}`, name, false],
    ...spec.aliases.map((alias): [string, VllmFlagName, boolean] => [alias, name, false]),
  ];
  if (spec.type === "boolean") strings.push([`--no-${name}`, name, true]);
  return strings;
});

/** An option string as argparse resolves it: exact, else the one option it abbreviates. */
function resolve(option: string): Resolved {
  const exact = OPTION_STRINGS.find(([string]) => string === option);
  // A prefix that abbreviates one option of the table. If real vLLM has more options with that
  // prefix it refuses the abbreviation and does not start, so reading it as ours is never lenient.
  const prefixed = OPTION_STRINGS.filter(([string]) => string.startsWith(option) && option.length > 2);
  const match = exact ?? (new Set(prefixed.map(([, name]) => name)).size === 1 ? prefixed[0] : undefined);
  if (match) return { name: match[1], known: match[1], negated: match[2] };
  return { name: option.replace(/^-+/, ""), known: undefined, negated: false };
}

/** One option as argparse binds it: its canonical (or, unknown to the table, dashed) name and the value it took. */
export interface VllmOptionOccurrence {
  name: string;
  /** Whether the flags table knows the option (else `value` may be a positional: see VllmArgs.ambiguous). */
  known: boolean;
  /** The value bound to this occurrence; undefined for a known flag given without one (argparse exits). */
  value: string | undefined;
}

/**
 * Every option occurrence in order, with the words no option took. A repeated flag appears each
 * time: the last one is what vLLM uses, but every one is visible to whoever reads the args.
 */
export function vllmOptionOccurrences(argv: readonly string[]): {
  occurrences: VllmOptionOccurrence[];
  positionals: string[];
  ambiguous: string[];
} {
  const occurrences: VllmOptionOccurrence[] = [];
  const positionals: string[] = [];
  const ambiguous: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith("-") || isValueWord(word) || word === "-") {
      positionals.push(word);
      continue;
    }
    let option = word;
    let inline: string | undefined;
    const eq = word.indexOf("=");
    if (eq > 0) [option, inline] = [word.slice(0, eq), word.slice(eq + 1)];
    if (option.startsWith("--")) option = `--${dashed(option.slice(2))}`;
    let resolved = resolve(option);
    // `-qfp8`: a one-letter short option with its value attached.
    if (!resolved.known && !option.startsWith("--") && inline === undefined) {
      const short = resolve(option.slice(0, 2));
      if (short.known && VLLM_FLAGS[short.known].aliases.includes(option.slice(0, 2))) [resolved, inline] = [short, option.slice(2)];
    }
    const known = resolved.known !== undefined;
    const type = resolved.known ? VLLM_FLAGS[resolved.known].type : undefined;
    if (type === "boolean") {
      occurrences.push({ name: resolved.name, known, value: resolved.negated ? "false" : "true" });
      continue;
    }
    if (inline !== undefined) {
      occurrences.push({ name: resolved.name, known, value: inline });
      continue;
    }
    if (type === "strings") {
      const values: string[] = [];
      while (i + 1 < argv.length && isValueWord(argv[i + 1]!)) values.push(argv[++i]!);
      occurrences.push({ name: resolved.name, known, value: values.join(" ") });
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && isValueWord(next)) {
      occurrences.push({ name: resolved.name, known, value: next });
      if (!known) ambiguous.push(next);
      i++;
    } else {
      // Unknown and without a value: a switch. A known flag without its value: argparse exits ("expected one argument").
      occurrences.push({ name: resolved.name, known, value: known ? undefined : "true" });
    }
  }
  return { occurrences, positionals, ambiguous };
}

export function parseVllmArgv(argv: readonly string[]): VllmArgs {
  const { occurrences, positionals, ambiguous } = vllmOptionOccurrences(argv);
  const flags: Record<string, string> = {};
  // argparse's store action: the last occurrence wins.
  for (const { name, value } of occurrences) if (value !== undefined) flags[name] = value;
  return { flags, positionals, ambiguous };
}

/** The flags of an argument list, canonical names → values (last one wins). */
export function parseVllmArgs(args: readonly string[]): Record<string, string> {
  return parseVllmArgv(args).flags;
}
