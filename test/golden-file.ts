import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Reads a golden file under test/golden. With UPDATE_GOLDEN=1 it (re)writes the file from
 * `actual` first — a deliberate, reviewed step; CI never sets it.
 */
export function golden(name: string, actual: string): string {
  const path = join(__dirname, "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  return readFileSync(path, "utf8");
}
