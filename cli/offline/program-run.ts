/**
 * Runs the real Pulumi program (infra/index.ts) in-process under pulumi.runtime.setMocks — Pulumi's
 * documented unit-test path — and records every resource it registers with its resolved inputs.
 * The cost tool prices and policy-checks what it records; the tests assert on it. No cloud account,
 * no Pulumi CLI: providers are mocked, and the outputs they would compute are filled in below.
 */
import { join } from "node:path";
// Before the SDK loads: its function serializer is loaded on first use (see the file).
import "./defer-closure-serializer";
import * as pulumi from "@pulumi/pulumi";

// The SDK's own drain of outstanding RPCs (sdk/nodejs/runtime/settings.ts), not in its type declarations' public surface.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
import { parseYamlFile } from "../../infra/settings/stack-file";
import { PROJECT_NAME } from "../../infra/settings";
import { applyProjectConfig, projectConfigFromSettings, type CliConfig } from "../../infra/settings/pulumi-cli";

export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, any>;
  /** Dotted paths of the inputs that arrived as Pulumi secrets. */
  secretInputs: string[];
  provider: string | undefined;
  /**
   * Resource options the mocks' newResource never sees, read from the registration request the SDK
   * sends its monitor (sdk/nodejs/runtime/resource.ts: ignoreChanges, deleteBeforeReplace, and every direct dependency —
   * dependsOn and the resources its inputs come from — by URN, kept here by name; names are
   * unique per type in this program). Absent on
   * resources a test adds by hand.
   */
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  dependencies?: string[];
}

/** Pulumi's wire signature of a secret value (sdk/nodejs/runtime/rpc.ts specialSecretSig). */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Replaces secret envelopes by their values, collecting where they were. */
function unwrapSecrets(value: any, path: string, secrets: string[]): any {
  if (Array.isArray(value)) return value.map((item, i) => unwrapSecrets(item, `${path}[${i}]`, secrets));
  if (value === null || typeof value !== "object") return value;
  if (value[SIG_KEY] === SECRET_SIG) {
    secrets.push(path);
    return unwrapSecrets(value.value, path, secrets);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, secrets)]));
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's exports with every Output resolved; undefined when the program threw. */
  outputs: Record<string, unknown> | undefined;
  /** Which exports are Pulumi secrets. */
  secretOutputs: string[];
  error: unknown;
}

export const MOCK_ACCOUNT = "123456789012";

/** Outputs a real provider would compute, so the program's applies see realistic values. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return {
        endpoint: `https://${inputs.name}.gr7.mock.eks.amazonaws.com`,
        certificateAuthority: { data: "bW9jay1jYQ==" },
        vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: `sg-cluster-${name}`, vpcId: "vpc-mock" },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.mock.amazonaws.com/id/${inputs.name}` }] }],
      };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { latestVersion: 1 };
    case "aws:eks/nodeGroup:NodeGroup":
      return { nodeGroupName: `${inputs.nodeGroupNamePrefix}20261126` };
    case "aws:kms/key:Key":
      return { keyId: `${name}-key-id` };
    case "aws:s3/bucket:Bucket":
      // An S3 bucket's ARN has neither region nor account (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html).
      return { arn: `arn:aws:s3:::${inputs.bucket}` };
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends six random characters to a secret's name in its ARN
      // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources).
      return { arn: `arn:aws:secretsmanager:${mockRegion()}:${MOCK_ACCOUNT}:secret:${inputs.name}-AbCdEf` };
    case "random:index/randomPassword:RandomPassword":
      return { result: process.env.LLM_STACK_TEST_API_KEY ?? "mock-api-key" };
    default:
      return {};
  }
}

/**
 * The mock account's AZs: names map to ids in an order of their own, as in a real account
 * (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
 */
export const MOCK_ZONES: Record<string, Array<{ name: string; zoneId: string }>> = {
  "us-east-1": [
    ["a", "use1-az4"],
    ["b", "use1-az6"],
    ["c", "use1-az1"],
    ["d", "use1-az2"],
    ["e", "use1-az3"],
    ["f", "use1-az5"],
  ].map(([s, zoneId]) => ({ name: `us-east-1${s}`, zoneId: zoneId! })),
  "us-east-2": [
    ["a", "use2-az1"],
    ["b", "use2-az2"],
    ["c", "use2-az3"],
  ].map(([s, zoneId]) => ({ name: `us-east-2${s}`, zoneId: zoneId! })),
  "us-west-2": [
    ["a", "usw2-az2"],
    ["b", "usw2-az1"],
    ["c", "usw2-az3"],
    ["d", "usw2-az4"],
  ].map(([s, zoneId]) => ({ name: `us-west-2${s}`, zoneId: zoneId! })),
};

/** Where the mock account is offered each instance type: every AZ unless a run says otherwise. */
export type MockOfferings = Record<string, readonly string[]>;

/** Subnets of the mock account's existing VPC (cluster eks:<name>): subnet id → AZ id. */
export type MockSubnets = Record<string, string>;

/** The region AWS answers in: the provider's, aws:region or else AWS_REGION / AWS_DEFAULT_REGION (@pulumi/aws config/vars.js). */
const mockRegion = () =>
  String(pulumi.runtime.getConfig("aws:region") ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1"));

function callResult(token: string, inputs: Record<string, any>, offerings: MockOfferings, subnets: MockSubnets): Record<string, unknown> {
  if (token === "aws:index/getAvailabilityZones:getAvailabilityZones") {
    const zones = MOCK_ZONES[mockRegion()] ?? [];
    return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), id: mockRegion() };
  }
  if (token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings") {
    const instanceType = String(inputs.filters?.[0]?.values?.[0]);
    const locations = offerings[instanceType] ?? (MOCK_ZONES[mockRegion()] ?? []).map((z) => z.zoneId);
    return {
      id: mockRegion(),
      instanceTypes: locations.map(() => instanceType),
      locations: [...locations],
      locationTypes: locations.map(() => "availability-zone-id"),
    };
  }
  if (token === "aws:index/getCallerIdentity:getCallerIdentity") {
    return {
      accountId: MOCK_ACCOUNT,
      arn: `arn:aws:sts::${MOCK_ACCOUNT}:assumed-role/deployer/pulumi-session`,
      userId: "AROAMOCK:pulumi-session",
      id: MOCK_ACCOUNT,
    };
  }
  if (token === "aws:ec2/getSubnet:getSubnet") {
    const zoneId = subnets[String(inputs.id)];
    if (!zoneId) throw new Error(`InvalidSubnetID.NotFound: The subnet ID '${inputs.id}' does not exist`);
    return { id: inputs.id, availabilityZoneId: zoneId };
  }
  if (token === "aws:eks/getCluster:getCluster") {
    return {
      name: inputs.name,
      endpoint: `https://${inputs.name}.existing.mock.eks.amazonaws.com`,
      certificateAuthorities: [{ data: "ZXhpc3RpbmctY2E=" }],
      arn: `arn:aws:eks:us-east-1:${MOCK_ACCOUNT}:cluster/${inputs.name}`,
    };
  }
  throw new Error(`unmocked call ${token}`);
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((done) => (value as pulumi.Output<unknown>).apply((v) => done(v)));
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const)));
  }
  return value;
}

/**
 * Waits until every registration the program started has been answered: the SDK counts its
 * outstanding resource RPCs, mocked ones included (rpcKeepAlive), and `waitForRPCs` resolves once
 * that count has drained and stayed drained (sdk/nodejs/runtime/settings.ts) — what `pulumi up`'s
 * language host waits for before it reports the stack done. The count is re-checked until it no
 * longer grows, since an answered registration can start more (a component's children).
 */
async function settle(resources: RecordedResource[]): Promise<void> {
  let seen = -1;
  while (resources.length !== seen) {
    seen = resources.length;
    await waitForRPCs();
    await new Promise((done) => setImmediate(done));
  }
}

/** A fresh copy of the program module: each run must execute it from the top. */
export type ProgramLoader = () => Promise<Record<string, unknown>>;

const INFRA_DIRECTORY = join(__dirname, "..", "..", "infra");

/**
 * Loads the program (infra/index) afresh under Node's CommonJS loader — compiled under dist/ for
 * the bin, through tsx from source: the program's own
 * modules are dropped from require.cache first, the Pulumi SDK stays (its runtime is shared).
 */
export const requireProgramFresh: ProgramLoader = async () => {
  for (const key of Object.keys(require.cache))
    if (key.startsWith(INFRA_DIRECTORY) && !key.includes("node_modules")) delete require.cache[key];
  // The program's entry as this tree holds it: index.ts from source (tsx), index.js compiled (dist/).
  return require(join(INFRA_DIRECTORY, "index")) as Record<string, unknown>;
};

/**
 * A stack file's config as the Pulumi CLI would hand it to the program: every value a string, and
 * every key declared in Pulumi.yaml with a default filled in (infra/settings/pulumi-cli.ts).
 * Encrypted values (`secure:`) cannot be read offline; they count as set (see runProgram).
 * `errors` holds what the CLI would refuse the stack with.
 */
export function stackConfigFromYaml(text: string, stack = "dev"): CliConfig {
  const document = (parseYamlFile(`Pulumi.${stack}.yaml`, text) ?? {}) as { config?: Record<string, unknown> };
  return applyProjectConfig({ name: PROJECT_NAME, config: projectConfigFromSettings() }, stack, document.config ?? {});
}

export interface RunOptions {
  stack?: string;
  secretKeys?: string[];
  offerings?: MockOfferings;
  subnets?: MockSubnets;
  /** How to load the program; defaults to requireProgramFresh. */
  load?: ProgramLoader;
}

/**
 * The stack outputs, as Pulumi's Node.js runtime computes them (sdk/nodejs/cmd/run/run.ts): a
 * module that exports a function (`export =`, or `default` through an ES import) is called and
 * awaited; otherwise its exports are the outputs.
 */
async function runMain(module: unknown): Promise<Record<string, unknown>> {
  const main = typeof module === "function" ? module : (module as { default?: unknown }).default;
  if (typeof main === "function") return (await (main as () => unknown)()) as Record<string, unknown>;
  return module as Record<string, unknown>;
}

/** The registration request's fields this runner reads (the SDK's generated RegisterResourceRequest). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
}

/** Wraps the mock monitor's registerResource to keep each request's ignoreChanges, deleteBeforeReplace and dependencies. */
type RequestedOptions = Pick<Required<RecordedResource>, "ignoreChanges" | "deleteBeforeReplace" | "dependencies">;

function recordRequestedOptions(requested: Map<string, RequestedOptions>): void {
  const monitor = (
    require("@pulumi/pulumi/runtime/settings") as { getMonitor(): { registerResource(req: RegisterRequest, callback: unknown): unknown } }
  ).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    requested.set(`${req.getType()}::${req.getName()}`, {
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      dependencies: req
        .getDependenciesList()
        .map((urn) => urn.split("::").pop() ?? urn)
        .sort(),
    });
    return register(req, callback);
  };
}

export async function runProgram(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
  const resources: RecordedResource[] = [];
  const requested = new Map<string, RequestedOptions>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Record<string, any>;
        resources.push({
          type: args.type,
          name: args.name,
          custom: args.custom ?? false,
          inputs,
          secretInputs,
          provider: args.provider,
          ...requested.get(`${args.type}::${args.name}`),
        });
        return {
          id: args.custom ? `${args.name}-id` : undefined,
          state: {
            ...args.inputs,
            arn: `arn:aws:mock:${MOCK_ACCOUNT}:${args.name}`,
            name: args.inputs.name ?? args.name,
            ...computedState(args.type, args.name, args.inputs),
          },
        };
      },
      call: (args) => callResult(args.token, args.inputs, options.offerings ?? {}, options.subnets ?? {}),
    },
    "llm-stack",
    options.stack ?? "dev",
    false,
  );
  recordRequestedOptions(requested);
  pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
  let program: Record<string, unknown> | undefined;
  let error: unknown;
  try {
    program = await runMain(await (options.load ?? requireProgramFresh)());
  } catch (thrown) {
    error = thrown;
  }
  await settle(resources);
  if (!program) return { resources, outputs: undefined, secretOutputs: [], error };
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(program)) {
    if (key === "default" || key === "__esModule") continue;
    outputs[key] = await resolve(value);
    if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value as pulumi.Output<unknown>))) secretOutputs.push(key);
  }
  await settle(resources);
  return { resources, outputs, secretOutputs: secretOutputs.sort(), error };
}
