import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULTS } from "../infra/plan";
import { DEPLOYMENT_DEFAULTS } from "../infra/settings";
import { SETTINGS } from "../infra/settings/keys";

const project = parse(readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string };
  config: Record<string, { type?: string; default?: unknown; description?: string; secret?: boolean }>;
};

describe("Pulumi.yaml", () => {
  it("is the llm-stack nodejs project with its program in infra/", () => {
    expect([project.name, project.runtime.name, project.main]).toEqual(["llm-stack", "nodejs", "infra/"]);
  });

  it("declares every settings key, each with a description, and a type unless secret", () => {
    expect(Object.keys(project.config)).toEqual(Object.keys(SETTINGS));
    for (const [key, spec] of Object.entries(project.config)) {
      if (spec.secret) expect(spec.type, key).toBeUndefined();
      else expect(["string", "integer", "boolean", "array"], key).toContain(spec.type);
      expect(spec.description?.length ?? 0, key).toBeGreaterThan(20);
    }
  });

  it("declares the defaults the planner and the deployment settings resolve, and unset markers elsewhere", () => {
    const declared = Object.fromEntries(Object.entries(project.config).map(([key, spec]) => [key, spec.default]));
    expect(declared).toEqual({
      model: undefined,
      quantization: DEFAULTS.quantization,
      gpu: DEFAULTS.gpu,
      maxModelLen: "auto",
      concurrency: DEFAULTS.concurrency,
      replicas: DEFAULTS.replicas,
      maxNodes: DEFAULTS.maxNodes,
      allowedInstanceTypes: [],
      tensorParallelSize: "auto",
      gpuMemoryUtilization: "auto",
      multiNode: DEFAULTS.multiNode,
      efa: false,
      kvCacheDtype: DEFAULTS.kvCacheDtype,
      capacityType: DEPLOYMENT_DEFAULTS.capacityType,
      capacityReservationId: "",
      capacityReservationZoneId: "",
      cluster: DEPLOYMENT_DEFAULTS.cluster,
      nodeSubnetIds: [],
      kubeconfig: "",
      clusterEndpointAccess: "public",
      clusterPublicAccessCidrs: [],
      clusterAdminPrincipalArns: [],
      kubernetesSupportType: "standard",
      vllmImage: "vllm/vllm-openai:v0.33.0",
      hfToken: "",
      maxHourlyUsd: "",
      namespace: DEPLOYMENT_DEFAULTS.namespace,
      exposure: DEPLOYMENT_DEFAULTS.exposure,
      allowedClientNamespaces: [],
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
