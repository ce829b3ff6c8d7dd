// Loads the program and the policy pack the way `pulumi up` / `pulumi preview --policy-pack` do:
// @pulumi/pulumi's cmd/run registers its vendored ts-node 7.0.1 with the project's TypeScript and
// the compiler options of tsconfig.json (layered over ES2020/nodenext defaults), then requires the
// program directory (Pulumi.yaml `main: infra/`). Run under mocks, it prints one JSON line.
"use strict";
const path = require("path");
const root = path.join(__dirname, "..", "..");
process.chdir(root);
const tsutils = require("@pulumi/pulumi/tsutils");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const pulumi = require("@pulumi/pulumi");

(async () => {
  const types = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      types.push(args.type);
      return { id: `${args.name}-id`, state: { ...args.inputs, endpoint: "https://mock", certificateAuthority: { data: "bW9jaw==" }, identities: [{ oidcs: [{ issuer: "https://oidc.mock" }] }], latestVersion: 1, result: "mock" } };
    },
    call: (args) => (args.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"
      ? { locations: ["use1-az4"], instanceTypes: ["p5.4xlarge"], locationTypes: ["availability-zone-id"] }
      : { names: ["us-east-1a", "us-east-1b", "us-east-1c"], zoneIds: ["use1-az4", "use1-az6", "use1-az1"] }),
  }, "llm-stack", "dev", true);
  pulumi.runtime.setAllConfig({
    "aws:region": "us-east-1", "llm-stack:model": "llama-3.1-8b-instruct", "llm-stack:hfToken": "mock",
    "llm-stack:clusterPublicAccessCidrs": "[\"198.51.100.7/32\"]",
    "llm-stack:dockerHubUsername": "operator", "llm-stack:dockerHubAccessToken": "mock",
  }, ["llm-stack:hfToken", "llm-stack:dockerHubAccessToken"]);
  // Like sdk/nodejs/cmd/run/run.ts: a program that exports a function is called and awaited for its outputs.
  const main = require(path.join(root, "infra"));
  const program = typeof main === "function" ? await main() : main;
  const { POLICIES } = require(path.join(root, "policies", "all-policies"));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  process.stdout.write(`${JSON.stringify({ tsNode: require(tsnodeRequire).VERSION, typescript: require(typescriptRequire).version, exports: Object.keys(program).sort(), resources: types.length, policies: POLICIES.length })}\n`);
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
