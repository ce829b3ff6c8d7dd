#!/usr/bin/env node
// The package's bin: the compiled command line under dist/ (`npm ci` builds it through the
// `prepare` script; `npm run build` rebuilds it), so a start pays for no TypeScript transpiler.
// `npm run cli` runs the same code from source. Without a build, the source runs through tsx.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

// `llm-stack … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const compiled = join(__dirname, "..", "dist", "cli", "main.js");
let cli;
if (existsSync(compiled)) cli = require(compiled);
else {
  require("tsx/cjs");
  cli = require("../cli/main.ts");
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
