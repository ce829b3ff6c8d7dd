#!/usr/bin/env node
// The package's bin: runs the TypeScript CLI through tsx (a runtime dependency), so `npx llm-stack`
// and `npm run cli` execute the same code.
require("tsx/cjs");
// `llm-stack … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
require("../cli/main.ts").main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
