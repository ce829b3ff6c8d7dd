import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Pulumi mock tests run the real program in-process; give them room on the 2-core CI machine.
    testTimeout: 60_000,
    pool: "forks",
  },
});
