/**
 * `llm-stack preflight` as its own process, for tests that spawn it (the CLI's main.ts wires the
 * same function). Exits with runPreflight's code even if a socket is still open.
 */
import { runPreflight } from "../../cli/preflight-command";

void runPreflight(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
