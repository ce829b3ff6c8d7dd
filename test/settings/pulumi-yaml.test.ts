import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { SETTINGS } from "../../infra/settings/keys";

const project = parse(readFileSync(join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string };
  config: Record<string, { type?: string; default?: unknown; description?: string; secret?: boolean }>;
};

describe("Pulumi.yaml", () => {
  it("is the llm-stack nodejs project with its program in infra/", () => {
    expect([project.name, project.runtime.name, project.main]).toEqual(["llm-stack", "nodejs", "infra/"]);
  });

  it("refreshes before every update: the autoscalers change sizes the state records (options.refresh, Pulumi's project file reference)", () => {
    expect((project as unknown as { options?: { refresh?: string } }).options).toEqual({ refresh: "always" });
  });

  it("passes the schema the Pulumi CLI validates it with (charts/pulumi-project: v3.248.0 project.json, ValidateProject)", () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(
      JSON.parse(readFileSync(join(__dirname, "..", "..", "charts", "pulumi-project", "project.json"), "utf8")),
    );
    expect(validate(project), JSON.stringify(validate.errors)).toBe(true);
    // The schema bites: refresh takes only "always".
    expect(validate({ ...project, options: { refresh: true } })).toBe(false);
  });

  it("declares every settings key, each with a description, and a type unless secret", () => {
    expect(Object.keys(project.config)).toEqual(Object.keys(SETTINGS));
    for (const [key, spec] of Object.entries(project.config)) {
      if (spec.secret) expect(spec.type, key).toBeUndefined();
      else expect(["string", "integer", "boolean", "array", "object"], key).toContain(spec.type);
      expect(spec.description?.length ?? 0, key).toBeGreaterThan(20);
    }
  });

  it("declares the documented defaults (README settings table) and unset markers elsewhere", () => {
    const declared = Object.fromEntries(Object.entries(project.config).map(([key, spec]) => [key, spec.default]));
    expect(declared).toEqual({
      model: "",
      models: [],
      quantization: "auto",
      gpu: "h100",
      maxModelLen: "auto",
      concurrency: 1,
      replicas: 1,
      minReplicas: "",
      maxReplicas: "",
      maxNodes: 16,
      allowedInstanceTypes: [],
      tensorParallelSize: "auto",
      gpuMemoryUtilization: "auto",
      multiNode: "when-needed",
      efa: false,
      kvCacheDtype: "auto",
      weightsSource: "auto",
      observability: "auto",
      capacityType: "on-demand",
      capacityReservationId: "",
      capacityReservationZoneId: "",
      capacityReservationStartDate: "",
      capacityReservationEndDate: "",
      capacityFallbacks: [],
      capacityOption: 1,
      cluster: "create",
      nodeSubnetIds: [],
      kubeconfig: "",
      clusterEndpointAccess: "public",
      clusterPublicAccessCidrs: [],
      clusterAdminPrincipalArns: [],
      kubernetesSupportType: "standard",
      vllmImage: "vllm/vllm-openai:v0.33.0",
      hfToken: "",
      imageSource: "auto",
      dockerHubUsername: "",
      dockerHubAccessToken: "",
      githubUsername: "",
      githubToken: "",
      maxHourlyUsd: "",
      namespace: "llm",
      exposure: "cluster",
      workload: {},
      benchmark: "off",
      allowedClientNamespaces: [],
    });
  });

  it("marks exactly the Hugging Face token, the kubeconfig and the registry tokens as secrets", () => {
    expect(
      Object.entries(project.config)
        .filter(([, spec]) => spec.secret)
        .map(([key]) => key),
    ).toEqual(["kubeconfig", "hfToken", "dockerHubAccessToken", "githubToken"]);
  });
});

describe("README", () => {
  it("documents every stack config key", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    for (const key of Object.keys(project.config)) expect(readme, key).toContain(`| \`${key}\` |`);
  });
});
