import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Pure tests — catalog, planner, performance model, pricing, settings, manifests, vLLM args, the
 * measurement reader, the repository's own documents, and the suites that only read the committed
 * runs (and run the policy pack in process on copies of them) — touch no process-global state, so
 * they share their workers' module cache (isolate: false) instead of loading it once per file.
 * Everything that runs the program under Pulumi's mocks itself, the AWS SDK mocks or the command
 * line keeps a process per file.
 */
const PURE = [
  "test/catalog/**/*.test.ts",
  "test/plan/**/*.test.ts",
  "test/pricing/**/*.test.ts",
  "test/settings/**/*.test.ts",
  "test/manifests/**/*.test.ts",
  "test/charts/**/*.test.ts",
  "test/vllm/**/*.test.ts",
  "test/cli/measure/**/*.test.ts",
  "test/cli/render/**/*.test.ts",
  "test/readme.test.ts",
  "test/docs-paths.test.ts",
  "test/layers.test.ts",
  // Read the suite's committed runs (and run the pack in process on copies): no Pulumi runtime of their own.
  "test/program/model-set-stack.test.ts",
  "test/program/stacks.test.ts",
  "test/program/autoscaled-stack.test.ts",
  "test/program/manifests.test.ts",
  "test/policies/model-set-policies.test.ts",
  "test/policies/tamper.test.ts",
  "test/policies/policies-config.test.ts",
  "test/policies/capacity-options-budget.test.ts",
  "test/ci/workflows.test.ts",
];

export default defineConfig({
  test: {
    // The committed stacks run once under mocks for the whole suite; test files read the recorded runs.
    globalSetup: ["test/support/committed-runs-setup.ts"],
    // Hermetic AWS settings: the region and profile the AWS provider would fall back to
    // (infra/settings/aws-region.ts) come from the test, never from the machine running it.
    env: { AWS_REGION: "", AWS_DEFAULT_REGION: "", AWS_PROFILE: "", AWS_CONFIG_FILE: "/nonexistent/llm-stack-tests/aws-config" },
    // The Pulumi mock tests run the real program in-process; give them room on the 2-core CI machine.
    testTimeout: 60_000,
    // beforeAll hooks run whole stacks under mocks (policies.test.ts runs four): vitest's 10 s default is too tight for two busy cores.
    hookTimeout: 120_000,
    pool: "forks",
    // One fork per core: vitest's default leaves one core idle (availableParallelism - 1), which on
    // the 2-core CI machine runs the files one at a time.
    maxWorkers: availableParallelism(),
    projects: [
      { extends: true, test: { name: "pure", include: PURE, isolate: false } },
      // Each file its own process, so the Pulumi runtime (process-global) is never shared between files.
      { extends: true, test: { name: "program", include: ["test/**/*.test.ts"], exclude: PURE } },
    ],
  },
});
