import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The committed stacks run once under mocks for the whole suite; test files read the recorded runs.
    globalSetup: ["test/support/committed-runs-setup.ts"],
    // The Pulumi mock tests run the real program in-process; give them room on the 2-core CI machine.
    testTimeout: 60_000,
    // beforeAll hooks run whole stacks under mocks (policies.test.ts runs four): vitest's 10 s default is too tight for two busy cores.
    hookTimeout: 120_000,
    pool: "forks",
    // One fork per core: vitest's default leaves one core idle (availableParallelism - 1), which on
    // the 2-core CI machine runs the files one at a time. Each file is its own process, so the
    // Pulumi runtime (process-global) is never shared between files.
    maxWorkers: availableParallelism(),
  },
});
