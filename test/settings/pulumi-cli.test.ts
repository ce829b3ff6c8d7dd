/**
 * The Pulumi CLI's project-config rules — which run before the program and which mocks never see —
 * applied to Pulumi.yaml and every committed Pulumi.<stack>.yaml. The model
 * (infra/settings/pulumi-cli.ts) is first held to the cases of pulumi/pulumi's own tests
 * (pkg/workspace/config_project_test.go at commit 1b59498), with their exact messages.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyProjectConfig, type PulumiProject } from "../../infra/settings/pulumi-cli";
import { withGeneratedConfig } from "../../infra/settings/sync-pulumi-yaml";

const root = join(__dirname, "..", "..");
const pulumiYamlText = readFileSync(join(root, "Pulumi.yaml"), "utf8");
const project = parse(pulumiYamlText) as PulumiProject;
const stackFiles = readdirSync(root)
  .filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file))
  .sort();
const stackConfig = (yaml: string) => ((parse(yaml) ?? {}) as { config?: Record<string, unknown> }).config ?? {};

describe("the model of the Pulumi CLI's config check", () => {
  const test = (config: PulumiProject["config"]): PulumiProject => ({ name: "test", config });

  it.each([
    [
      "a typed key without a default is required (TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault)",
      test({ values: { type: "array", items: { type: "string" } } }),
      "",
      ["Stack 'dev' is missing configuration value 'values'"],
    ],
    [
      "two missing keys are named together (…MissingTwoStackValue…)",
      test({ another: { type: "string" }, values: { type: "array", items: { type: "string" } } }),
      "",
      ["Stack 'dev' is missing configuration values 'another' and 'values'"],
    ],
    [
      "three missing keys, sorted (…MissingMultipleStackValue…)",
      test({ world: { type: "string" }, hello: { type: "integer" }, values: { type: "array", items: { type: "string" } } }),
      "",
      ["Stack 'dev' is missing configuration values 'hello', 'values' and 'world'"],
    ],
    [
      "a value of the wrong type (TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped)",
      test({ values: { type: "array", items: { type: "string" }, default: ["value"] } }),
      "config:\n  test:values: someValue\n",
      ["Stack 'dev' with configuration key 'values' must be of type 'array<string>'"],
    ],
    [
      "an integer given as 20 passes (TestStackConfigIntegerTypeIsCorrectlyValidated)",
      test({ importantNumber: { type: "integer" } }),
      "config:\n  test:importantNumber: 20\n",
      [],
    ],
    [
      "an integer given as hello fails (same test)",
      test({ importantNumber: { type: "integer" } }),
      "config:\n  test:importantNumber: hello\n",
      ["Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'"],
    ],
    [
      "a secret key set in plain text fails (TestStackConfigSecretIsCorrectlyValidated)",
      test({ importantNumber: { type: "integer", secret: true } }),
      "config:\n  test:importantNumber: 20\n",
      ["Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret"],
    ],
    [
      "a secret key set with secure: passes (same test)",
      test({ importantNumber: { type: "integer", secret: true } }),
      "config:\n  test:importantNumber:\n    secure: v1:abc\n",
      [],
    ],
    [
      "a typed secret key's default is applied in plain text and then refused (mergeConfig, validateStackConfigValue)",
      test({ token: { type: "string", secret: true, default: "" } }),
      "",
      ["Stack 'dev' with configuration key 'token' must be encrypted as it's secret"],
    ],
    [
      "an untyped secret key with a default is neither required nor validated (TestUntypedProjectConfigValuesAreNotValidated)",
      test({ token: { secret: true, default: "" } }),
      "",
      [],
    ],
    [
      "maxModelLen as declared before this fix (type integer, no default) is required",
      test({ maxModelLen: { type: "integer" } }),
      "config:\n  test:other: x\n",
      ["Stack 'dev' is missing configuration value 'maxModelLen'"],
    ],
  ])("%s", (_, pulumiProject, stackYaml, errors) => {
    expect(applyProjectConfig(pulumiProject, "dev", stackConfig(stackYaml)).errors).toEqual(errors);
  });

  it("fills in defaults as the program reads them: scalars as text, lists as JSON", () => {
    const result = applyProjectConfig(
      test({
        n: { type: "integer", default: 1 },
        list: { type: "array", items: { type: "string" }, default: [] },
        s: { type: "string", default: "auto" },
      }),
      "dev",
      {},
    );
    expect(result.config).toEqual({ "test:n": "1", "test:list": "[]", "test:s": "auto" });
  });
});

describe("Pulumi.yaml and the committed stacks under the Pulumi CLI's rules", () => {
  it("finds the committed stacks", () => {
    expect(stackFiles).toEqual([
      "Pulumi.dev.yaml",
      "Pulumi.fleet.yaml",
      "Pulumi.llama405b.yaml",
      "Pulumi.mixtral.yaml",
      "Pulumi.scout.yaml",
    ]);
  });

  it.each(stackFiles)("lets `pulumi up` start on %s: no required key unset, every value of its declared type", (file) => {
    const stack = file.split(".")[1]!;
    expect(applyProjectConfig(project, stack, stackConfig(readFileSync(join(root, file), "utf8"))).errors).toEqual([]);
  });

  it("declares no required key: a stack gives `model` or `models`, so the CLI may require neither (our validation asks for one)", () => {
    expect(
      Object.entries(project.config)
        .filter(([, entry]) => entry.default === undefined && entry.value === undefined)
        .map(([key]) => key),
    ).toEqual([]);
    // Both default to their unset markers, which the program reads as absent.
    expect([project.config.model?.default, project.config.models?.default]).toEqual(["", []]);
  });

  it("is generated from infra/settings/keys.ts (run `npm run settings:pulumi-yaml` after editing the table)", () => {
    expect(withGeneratedConfig(pulumiYamlText)).toBe(pulumiYamlText);
  });
});
