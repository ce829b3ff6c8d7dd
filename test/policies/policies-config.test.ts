/**
 * The pack's config through the engine's own validation path. The Pulumi engine validates policy
 * config in Go (pulumi/pulumi pkg/resource/analyzer/config.go: parsePolicyPackConfig,
 * ReconcilePolicyPackConfig, validatePolicyConfig with gojsonschema over
 * `{ type: "object", properties, required }` — @pulumi/policy's protoutil.js sends only
 * `properties` and `required` of a configSchema). policies/lib/pack-config.ts follows that file;
 * here it is first held to the cases of pulumi/pulumi's own pkg/resource/analyzer/config_test.go
 * (commit 58126a6) with their exact messages, then cross-checked against an independent JSON
 * Schema validator (ajv, draft-07, the draft gojsonschema reads schemas without $schema as), then
 * applied to policies/config.example.json and to the bad variants a team might write.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { type Policy } from "@pulumi/policy";
import { type PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { POLICIES } from "../../policies/all-policies";
import { packConfigProblems, resolvePackConfig, type PackConfig } from "../../policies/lib/pack-config";
import { configErrors, type StrictConfigSchema } from "../../policies/lib/policy-config";

const policy = (
  name: string,
  properties?: Record<string, PolicyConfigJSONSchema>,
  required?: string[],
  enforcementLevel: Policy["enforcementLevel"] = "advisory",
): Policy =>
  ({
    name,
    description: "test",
    enforcementLevel,
    configSchema: properties && { properties, ...(required ? { required } : {}) },
    validateStack: () => undefined,
  }) as Policy;

describe("the model of the engine's policy config check (pulumi/pulumi config_test.go)", () => {
  it.each<[string, string, string]>([
    // TestParsePolicyPackConfigFail and TestExtractEnforcementLevelFail.
    ['{"foo":[]}', "a list", 'parsing "foo": [] is not a valid value; must be a string or object'],
    ['{"foo":null}', "null", 'parsing "foo": <nil> is not a valid value; must be a string or object'],
    ['{"foo":0}', "a number", 'parsing "foo": 0 is not a valid value; must be a string or object'],
    ['{"foo":true}', "a boolean", 'parsing "foo": true is not a valid value; must be a string or object'],
    ['{"foo":""}', "an empty level", 'parsing enforcement level for "foo": "" is not a valid enforcement level'],
    ['{"foo":"bar"}', "an unknown level", 'parsing enforcement level for "foo": "bar" is not a valid enforcement level'],
    [
      '{"foo":{"enforcementLevel":null}}',
      "a null enforcementLevel",
      'parsing enforcement level for "foo": <nil> is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":1}}',
      "a numeric enforcementLevel",
      'parsing enforcement level for "foo": 1 is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":[]}}',
      "a list enforcementLevel",
      'parsing enforcement level for "foo": [] is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":"bar"}}',
      "an unknown enforcementLevel",
      'parsing enforcement level for "foo": "bar" is not a valid enforcement level',
    ],
  ])("fails %s (%s)", (json, _, message) => {
    expect(packConfigProblems([policy("foo")], JSON.parse(json) as PackConfig)[0]).toBe(message);
  });

  it.each<[string, Policy[], PackConfig, string[]]>([
    // TestReconcilePolicyPackConfigValidationErrors.
    ["Required config property not set", [policy("foo-policy", { foo: { type: "string" } }, ["foo"])], {}, ["foo-policy: foo is required"]],
    [
      "Default value set to incorrect type",
      [policy("foo-policy", { foo: { type: "string", default: 1 } })],
      {},
      ["foo-policy: foo: Invalid type. Expected: string, given: integer"],
    ],
    [
      "Default value too long",
      [policy("foo-policy", { foo: { type: "string", maxLength: 3, default: "this value is too long" } })],
      {},
      ["foo-policy: foo: String length must be less than or equal to 3"],
    ],
    [
      "Default value too short",
      [policy("foo-policy", { foo: { type: "string", minLength: 50, default: "this value is too short" } })],
      {},
      ["foo-policy: foo: String length must be greater than or equal to 50"],
    ],
    [
      "Default value set to invalid enum value",
      [policy("foo-policy", { foo: { type: "string", enum: ["bar", "baz"], default: "blah" } })],
      {},
      ['foo-policy: foo: foo must be one of the following: "bar", "baz"'],
    ],
    [
      "Default value set to invalid constant value",
      [policy("foo-policy", { foo: { const: "bar", default: "blah" } })],
      {},
      ['foo-policy: foo: foo does not match: "bar"'],
    ],
    [
      "Incorrect type",
      [policy("foo-policy", { foo: { type: "string" } })],
      { "foo-policy": { enforcementLevel: "advisory", foo: 1 } },
      ["foo-policy: foo: Invalid type. Expected: string, given: integer"],
    ],
    [
      "Invalid enum value",
      [policy("foo-policy", { foo: { type: "string", enum: ["bar", "baz"] } })],
      { "foo-policy": { foo: "blah" } },
      ['foo-policy: foo: foo must be one of the following: "bar", "baz"'],
    ],
    [
      "Multiple validation errors",
      [policy("foo-policy", { foo: { type: "string", maxLength: 3 }, bar: { type: "integer" } })],
      { "foo-policy": { foo: "this is too long", bar: 3.14 } },
      ["foo-policy: bar: Invalid type. Expected: integer, given: number", "foo-policy: foo: String length must be less than or equal to 3"],
    ],
  ])("reports %s", (_, policies, config, messages) => {
    expect(packConfigProblems(policies, config).sort()).toEqual([...messages].sort());
  });

  it("applies levels as ReconcilePolicyPackConfig does: defaults, then all, then each policy's own", () => {
    const policies = [
      policy("policy-one", undefined, undefined, "advisory"),
      policy("policy-two", undefined, undefined, "mandatory"),
      policy("policy-three", { foo: { type: "string", default: "bar" } }),
    ];
    const resolved = resolvePackConfig(policies, { all: "disabled", "policy-three": { enforcementLevel: "advisory" } });
    expect([...resolved.entries()]).toEqual([
      ["policy-one", { level: "disabled", properties: {} }],
      ["policy-two", { level: "disabled", properties: {} }],
      ["policy-three", { level: "advisory", properties: { foo: "bar" } }],
    ]);
  });
});

describe("each policy's configSchema", () => {
  it.each(POLICIES.map((p) => [p.name, p] as const))("%s declares types, defaults and additionalProperties: false", (_, p) => {
    const schema = p.configSchema as StrictConfigSchema | undefined;
    expect(schema?.additionalProperties).toBe(false);
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
      expect([key, typeof property.type, typeof property.description, property.default !== undefined]).toEqual([
        key,
        "string",
        "string",
        true,
      ]);
      if (property.type === "number" || property.type === "integer") expect(property.minimum, key).toBeTypeOf("number");
    }
  });

  /** Values of every JSON type and the edges of each schema, for every property of the pack. */
  const probes = (property: PolicyConfigJSONSchema): unknown[] => [
    "abc",
    "",
    0,
    -1,
    0.5,
    1,
    1.5,
    100,
    true,
    null,
    [],
    {},
    "0.33.0",
    "v0.33",
    "us-east-1",
    ...(property.minimum !== undefined ? [property.minimum - 0.001, property.minimum] : []),
    ...(property.maximum !== undefined ? [property.maximum, property.maximum + 0.001] : []),
  ];
  const ajv = new Ajv({ strict: false, allErrors: true });

  it("accepts and refuses exactly what an independent draft-07 validator (ajv) does, as the engine sees a schema and as the pack does", () => {
    for (const p of POLICIES) {
      const schema = p.configSchema as StrictConfigSchema;
      // convertSchema in config.go, and the same with the pack's additionalProperties: false.
      const engineValidate = ajv.compile({ type: "object", properties: schema.properties });
      const strictValidate = ajv.compile({ type: "object", properties: schema.properties, additionalProperties: false });
      const documents = [
        ...Object.entries(schema.properties).flatMap(([key, property]) => probes(property).map((value) => ({ [key]: value }))),
        { misspelt: 1 },
        {},
      ];
      for (const document of documents) {
        expect([p.name, document, configErrors(schema, document, false).length === 0]).toEqual([
          p.name,
          document,
          engineValidate(document),
        ]);
        expect([p.name, document, configErrors(schema, document).length === 0]).toEqual([p.name, document, strictValidate(document)]);
      }
    }
  });
});

describe("the pack's config files", () => {
  const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "policies", "config.example.json"), "utf8")) as PackConfig;

  it("accepts policies/config.example.json", () => {
    expect(packConfigProblems(POLICIES, example)).toEqual([]);
  });

  it.each<[string, (config: Record<string, any>) => void, string[]]>([
    [
      'rejects "maxHourlyUsd": "abc" (the engine refuses it too)',
      (c) => (c["llm-stack-cost-budget"].maxHourlyUsd = "abc"),
      ["llm-stack-cost-budget: maxHourlyUsd: Invalid type. Expected: number, given: string"],
    ],
    [
      "rejects a budget given as a numeric string",
      (c) => (c["llm-stack-cost-budget"].maxMonthlyUsd = "73000"),
      ["llm-stack-cost-budget: maxMonthlyUsd: Invalid type. Expected: number, given: string"],
    ],
    [
      "rejects a fractional startup time",
      (c) => (c["llm-stack-safety-probes"].minimumStartupSeconds = 600.5),
      ["llm-stack-safety-probes: minimumStartupSeconds: Invalid type. Expected: integer, given: number"],
    ],
    [
      "rejects a region outside the price table",
      (c) => (c["llm-stack-cost-budget"].region = "mars-east-1"),
      ['llm-stack-cost-budget: region: region must be one of the following: "us-east-1", "us-east-2", "us-west-2"'],
    ],
    [
      "rejects a minimum vLLM version that is no version",
      (c) => (c["llm-stack-safety-image-pinned"].minimumVllmVersion = "latest"),
      ["llm-stack-safety-image-pinned: minimumVllmVersion: Does not match pattern '^\\d+\\.\\d+(\\.\\d+)?$'"],
    ],
    [
      "rejects an unknown key (the engine would let it through)",
      (c) => (c["llm-stack-gpu-memory-fit"].maxGpuMemoryUtilisation = 0.8),
      ["llm-stack-gpu-memory-fit: Additional property maxGpuMemoryUtilisation is not allowed"],
    ],
    [
      "rejects an unknown policy name (the engine would let it through)",
      (c) => (c["llm-stack-gpu-memory"] = { maxGpuMemoryUtilization: 0.8 }),
      ["llm-stack-gpu-memory: the pack has no such policy, so this entry configures nothing; did you mean llm-stack-gpu-memory-fit?"],
    ],
    [
      "rejects an unknown enforcement level",
      (c) => (c["llm-stack-cost-budget"].enforcementLevel = "warning"),
      ['parsing enforcement level for "llm-stack-cost-budget": "warning" is not a valid enforcement level'],
    ],
    [
      "rejects an enforcement level in the wrong case",
      (c) => (c["llm-stack-safety-shm"] = "Mandatory"),
      ['parsing enforcement level for "llm-stack-safety-shm": "Mandatory" is not a valid enforcement level'],
    ],
    [
      "rejects properties under all, which configure no policy",
      (c) => (c.all = { enforcementLevel: "mandatory", maxHourlyUsd: 10 }),
      ["all: only an enforcement level applies to every policy; maxHourlyUsd configure nothing"],
    ],
    [
      "names every problem at once",
      (c) => {
        c["llm-stack-cost-budget"].maxHourlyUsd = "abc";
        c["llm-stack-cost-budget"].maxHourlyUSD = 10;
      },
      [
        "llm-stack-cost-budget: maxHourlyUsd: Invalid type. Expected: number, given: string",
        "llm-stack-cost-budget: Additional property maxHourlyUSD is not allowed",
      ],
    ],
  ])("%s", (_, breakIt, problems) => {
    const config = structuredClone(example) as Record<string, any>;
    breakIt(config);
    expect(packConfigProblems(POLICIES, config)).toEqual(problems);
  });
});
