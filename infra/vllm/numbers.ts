/**
 * Numbers as vLLM's Python parses them, so a value JavaScript's Number() would read differently
 * (`0.9_9`, `32k`, full-width digits) is read the way the server reads it. Each function returns
 * undefined where Python raises, i.e. where vLLM would refuse to start.
 */

/**
 * Unicode decimal digits (category Nd) to ASCII: Python's int() and float() accept any of them.
 * Nd digits come in contiguous runs starting at a zero, so a digit's value is its distance from
 * the start of its run, modulo 10.
 */
function asciiDigits(text: string): string {
  let out = "";
  for (const char of text) {
    if (/[0-9]/.test(char) || !/\p{Nd}/u.test(char)) {
      out += char;
      continue;
    }
    let start = char.codePointAt(0)!;
    while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    out += String((char.codePointAt(0)! - start) % 10);
  }
  return out;
}

/** Python's str.strip() without arguments: Unicode whitespace. */
const strip = (text: string) => text.replace(/^\s+|\s+$/gu, "");

/** Digits with single underscores between them, as Python's int() and float() accept them (PEP 515). */
const DIGITS = "[0-9](?:_?[0-9])*";
const INT = new RegExp(`^[+-]?${DIGITS}$`);
const FLOAT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/** Python `int(text)` (base 10). */
export function pythonInt(text: string): number | undefined {
  const value = asciiDigits(strip(text));
  return INT.test(value) ? Number(value.replaceAll("_", "")) : undefined;
}

/** Python `float(text)`, including inf, infinity and nan in any case. */
export function pythonFloat(text: string): number | undefined {
  const value = asciiDigits(strip(text));
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(value);
  if (special) return special[2]!.toLowerCase() === "nan" ? Number.NaN : special[1] === "-" ? -Infinity : Infinity;
  return FLOAT.test(value) ? Number(value.replaceAll("_", "")) : undefined;
}

const DECIMAL: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const BINARY: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** vllm/utils/argparse_utils.py human_readable_int: `1k` = 1,000, `1K` = 1,024, `25.6k` = 25,600, else int(). */
export function humanReadableInt(text: string): number | undefined {
  const value = asciiDigits(strip(text));
  const match = /^(\d+(?:\.\d+)?)([kKmMgGtT])$/.exec(value);
  if (!match) return pythonInt(value);
  const [, number, suffix] = match as unknown as [string, string, string];
  if (suffix in DECIMAL) return Math.trunc(Number(number) * DECIMAL[suffix]!);
  // Decimals are not allowed with binary suffixes.
  return /^\d+$/.test(number) ? Number(number) * BINARY[suffix]! : undefined;
}
