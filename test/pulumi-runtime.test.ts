import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("Pulumi's own TypeScript runtime", () => {
  it("compiles and runs the program and the policy pack with @pulumi/pulumi's ts-node and the project's TypeScript", () => {
    const result = spawnSync(process.execPath, [join(__dirname, "support", "pulumi-runtime-load.js")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      tsNode: "7.0.1",
      typescript: "5.9.3",
      exports: ["apiKey", "endpoint", "gpuZoneIds", "hourlyUsd", "kubeconfig", "model", "monthlyUsd", "plan", "variant"],
      resources: 48,
      policies: 14,
    });
  }, 120_000);
});
