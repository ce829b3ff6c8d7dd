import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("Pulumi's own TypeScript runtime", () => {
  it("compiles and runs the program and the policy pack with @pulumi/pulumi's ts-node and the project's TypeScript", () => {
    const result = spawnSync(process.execPath, [join(__dirname, "..", "support", "pulumi-runtime-load.js")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      tsNode: "7.0.1",
      typescript: "5.9.3",
      exports: ["apiKey", "autoscaling", "endpoint", "gpuZoneIds", "hourlyUsd", "kubeconfig", "model", "monthlyUsd", "plan", "variant"],
      // The dev stack: 92 before the image cache, which adds its component, 4 rules (Docker Hub, ECR Public,
      // registry.k8s.io, Quay), Docker Hub's login secret and version, and the nodes' inline policy.
      resources: 100,
      policies: 25,
    });
  }, 120_000);

  it("still exports runtime.isConfigSecret, which infra/config.ts uses to refuse plain-text secrets (internal in @pulumi/pulumi 3.248)", () => {
    // The Node language host fills it from PULUMI_CONFIG_SECRET_KEYS (pulumi-language-nodejs main.go); pinned exactly in package.json.
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: unknown };
    expect(typeof runtimeConfig.isConfigSecret).toBe("function");
  });
});
