import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULTS, DEPLOYMENT_DEFAULTS } from "../infra/plan";

const project = parse(readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string };
  config: Record<string, { type: string; default?: unknown; description?: string; secret?: boolean }>;
};
const configSource = readFileSync(join(__dirname, "..", "infra", "config.ts"), "utf8");
const readKeys = [...configSource.matchAll(/"([a-zA-Z]+)"/g)].map((m) => m[1]!).filter((key) => key in project.config);

describe("Pulumi.yaml", () => {
  it("is the llm-stack nodejs project with its program in infra/", () => {
    expect([project.name, project.runtime.name, project.main]).toEqual(["llm-stack", "nodejs", "infra/"]);
  });

  it("declares every key infra/config.ts reads, each with a type and a description", () => {
    expect(Object.keys(project.config).sort()).toEqual([...new Set(readKeys)].sort());
    for (const [key, spec] of Object.entries(project.config)) {
      expect(["string", "integer", "boolean", "array"], key).toContain(spec.type);
      expect(spec.description?.length ?? 0, key).toBeGreaterThan(20);
    }
  });

  it("declares the same defaults the code resolves", () => {
    const declared = Object.fromEntries(Object.entries(project.config).filter(([, spec]) => spec.default !== undefined).map(([key, spec]) => [key, spec.default]));
    expect(declared).toEqual({
      quantization: DEFAULTS.quantization,
      gpu: DEFAULTS.gpu,
      concurrency: DEFAULTS.concurrency,
      replicas: DEFAULTS.replicas,
      kvCacheDtype: DEFAULTS.kvCacheDtype,
      ...DEPLOYMENT_DEFAULTS,
    });
  });

  it("marks exactly the Hugging Face token and the kubeconfig as secrets", () => {
    expect(Object.entries(project.config).filter(([, spec]) => spec.secret).map(([key]) => key)).toEqual(["kubeconfig", "hfToken"]);
  });
});

describe("README", () => {
  it("documents every stack config key", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    for (const key of Object.keys(project.config)) expect(readme, key).toContain(`| \`${key}\` |`);
  });
});
