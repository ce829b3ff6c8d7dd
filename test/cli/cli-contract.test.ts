/**
 * The command line's contract, as a table of bad inputs: each exits with its documented code
 * (2 invalid input, 3 infeasible) and a message that names the key or flag, the value, what is
 * allowed and the fix — never a stack trace, never exit 1 ("unexpected error").
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";

const ROOT = join(__dirname, "..", "..");
const DEV = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
const SECURE = "\n  llm-stack:hfToken:\n    secure: v1:AAAAAAAAAAAAAAAA:bm90LWEtcmVhbC10b2tlbg==";

/** A project directory with Pulumi.yaml and the given stack files. */
function project(stacks: Record<string, string> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), "llm-stack-cli-"));
  cpSync(join(ROOT, "Pulumi.yaml"), join(directory, "Pulumi.yaml"));
  for (const [name, text] of Object.entries(stacks)) writeFileSync(join(directory, `Pulumi.${name}.yaml`), text);
  return directory;
}

async function run(args: string[], directory = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args, { directory }), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const plan = (...flags: string[]) => ["plan", "--model", "llama-3.1-8b-instruct", ...flags];
/** The dev stack with `extra` lines appended to its config (and its operator values set). */
const dev = (extra = "") => `${DEV.trimEnd()}${SECURE}\n  llm-stack:clusterPublicAccessCidrs: ["198.51.100.7/32"]${extra}\n`;
const withStack = (text: string) => project({ s: text });
/** The dev stack's create preview, edited, as p.json. */
const withPreview = (edit: (text: string) => string) => {
  const directory = project();
  writeFileSync(join(directory, "p.json"), edit(readFileSync(join(ROOT, "test/fixtures/preview/create-dev.json"), "utf8")));
  return directory;
};
/** A stack file of raw bytes. */
const withBytes = (bytes: Uint8Array) => {
  const directory = project();
  writeFileSync(join(directory, "Pulumi.s.yaml"), bytes);
  return directory;
};
/** Ten levels of ten aliases each: 10^10 values if expanded. */
const ALIAS_BOMB = [
  "config:",
  '  a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  ...Array.from({ length: 9 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`),
  "  llm-stack:model: *a9",
].join("\n");
/** The dev stack with a Latin-1 byte (é as 0xE9) in a comment: not UTF-8. */
const INVALID_UTF8 = Buffer.concat([Buffer.from(DEV), Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a])]);

type Case = [name: string, args: string[], code: number, message: string, directory?: () => string];

const CASES: Case[] = [
  // plan flags
  ["no model", ["plan"], 2, "--model: got (not set); expected a catalog model id"],
  ["an unknown model", ["plan", "--model", "gpt-5"], 2, '--model: got "gpt-5"; expected one of mistral-7b-instruct-v0.3'],
  ["a near-miss model id", ["plan", "--model", "llama-3.1-8b"], 2, "Did you mean llama-3.1-8b-instruct?"],
  ["negative replicas", plan("--replicas", "-3"), 2, "--replicas: got -3; expected greater than 0"],
  ["zero replicas", plan("--replicas", "0"), 2, "--replicas: got 0; expected greater than 0"],
  [
    "words for a number",
    plan("--replicas", "two"),
    2,
    '--replicas: got "two"; expected a plain decimal number. Write a plain decimal such as 8000',
  ],
  // One number grammar everywhere: plain decimals (infra/settings coerceNumber), as `pulumi config set` stores them.
  ["an exponent for a number", plan("--max-model-len", "8e3"), 2, '--max-model-len: got "8e3"; expected a plain decimal number'],
  ["hex for a number", plan("--max-model-len", "0x2000"), 2, '--max-model-len: got "0x2000"; expected a plain decimal number'],
  // A context past JavaScript's safe integers gets the model's maximum from the catalog, not the schema's integer bound.
  [
    "an absurd context",
    plan("--max-model-len", "99999999999999999999"),
    2,
    "--max-model-len: got 100000000000000000000; expected at most 131072 (the model's maximum context)",
  ],
  // A 10 MB value is named with its length, not echoed.
  ["a 10 MB value", ["plan", "--model", "x".repeat(10_000_000)], 2, "… (10,000,000 characters)"],
  ["a 1-token context", plan("--max-model-len", "1"), 2, "--max-model-len: got 1; expected at least 1024 tokens"],
  ["a context above the model's", plan("--max-model-len", "20000000"), 2, "--max-model-len: got 20000000; expected at most 131072"],
  [
    "utilization above the kit's policy",
    plan("--gpu-memory-utilization", ".99"),
    2,
    "expected a fraction between 0.5 and 0.95 — this kit's policy; vLLM itself accepts any value in (0, 1]",
  ],
  [
    "utilization that is not a number",
    plan("--gpu-memory-utilization", "most"),
    2,
    '--gpu-memory-utilization: got "most"; expected a plain decimal number',
  ],
  [
    "an unknown quantization",
    plan("--quantization", "int8"),
    2,
    '--quantization: got "int8"; expected one of "auto", "bf16", "fp8", "int4"',
  ],
  ["an unknown GPU", plan("--gpu", "a100"), 2, '--gpu: got "a100"; expected one of "h100", "h200"'],
  [
    "an unpriced region",
    plan("--region", "eu-west-1"),
    2,
    '--region: got "eu-west-1"; expected one of "us-east-1", "us-east-2", "us-west-2"',
  ],
  ["a TP vLLM refuses", plan("--tensor-parallel-size", "3"), 2, "--tensor-parallel-size: got 3; expected one of 1, 2, 4, 8"],
  ["an unknown KV dtype", plan("--kv-cache-dtype", "fp16"), 2, '--kv-cache-dtype: got "fp16"; expected one of "auto", "fp8"'],
  [
    "an unknown multi-node policy",
    plan("--multi-node", "sometimes"),
    2,
    '--multi-node: got "sometimes"; expected one of "never", "when-needed", "when-cheaper"',
  ],
  ["an instance type outside the catalog", plan("--allowed-instance-types", "g6e.xlarge"), 2, "--allowed-instance-types"],
  [
    "more nodes than maxNodes",
    plan("--replicas", "17", "--allowed-instance-types", "p5.4xlarge"),
    2,
    "Lower replicas, or raise maxNodes to 17 if you mean it.",
  ],
  ["an unknown flag", plan("--bogus", "1"), 2, "error: unknown option '--bogus'"],
  // workload flags (plan and compare share them)
  ["a zero prompt length", plan("--input-tokens", "0"), 2, "--input-tokens: got 0; expected a whole number of tokens above 0"],
  [
    "two load forms at once",
    plan("--requests-per-second", "2", "--concurrent-requests", "8"),
    2,
    "--concurrent-requests: got 8; expected one load form, not --requests-per-second and --concurrent-requests",
  ],
  ["a peak factor without a volume", plan("--peak-to-mean", "3"), 2, "--peak-to-mean: got 3; expected --tokens-per-month beside it"],
  [
    "a p95 below its mean",
    plan("--output-tokens", "300", "--output-tokens-p95", "200"),
    2,
    "expected at least the mean --output-tokens 300",
  ],
  [
    "a workload problem beside a sizing one, both named",
    plan("--prefix-cache-hit", "2", "--replicas", "two"),
    2,
    "--prefix-cache-hit: got 2; expected a fraction from 0 to 0.99",
  ],
  [
    "a stack workload key out of range, named by its path",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:workload.inputTokens: got 0; expected a whole number of tokens above 0",
    () => withStack(dev("\n  llm-stack:workload:\n    inputTokens: 0\n    requestsPerSecond: 2")),
  ],
  [
    "a misspelt stack workload key",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:workload.inputTokenz",
    () => withStack(dev("\n  llm-stack:workload:\n    inputTokenz: 1000")),
  ],
  [
    "a measurement without its setup, every flag named",
    ["measurement", "--from", "nope.txt", "--model", "gpt-5"],
    2,
    "--engine-version: got (not set); expected the vLLM release that served the run",
  ],
  // Setups vLLM cannot have run: no dataset row is written for them.
  ["help for a command that does not exist", ["help", "nope"], 2, "Usage: llm-stack [options] [command]"],
  [
    "a secret written as a plain number",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:hfToken: got "(plain text, not shown)"; expected a Pulumi secret',
    () => withStack(dev().replace(/ {2}llm-stack:hfToken:\n {4}secure: .*\n/, "  llm-stack:hfToken: -1\n")),
  ],
  [
    "a workload file with an unknown key, named by the file",
    ["compare", "--workload", "w.json", "--models", "mistral-7b-instruct-v0.3"],
    2,
    "w.json: bogus: got 1; expected a workload key",
    () => {
      const directory = project();
      writeFileSync(join(directory, "w.json"), '{"bogus": 1, "inputTokens": 1000}');
      return directory;
    },
  ],
  [
    "a pack config number past a float64",
    ["cost", "--stack", "dev", "--policy-pack-config", "pack.json"],
    2,
    "llm-stack-cost-budget.maxHourlyUsd is out of range, as the Pulumi engine reads the file",
    () => {
      const directory = project({ dev: DEV });
      writeFileSync(join(directory, "pack.json"), '{"llm-stack-cost-budget": {"maxHourlyUsd": 1e999}}');
      return directory;
    },
  ],
  [
    "a preview that is JSON null",
    ["cost", "--from-preview", "p.json"],
    2,
    "--from-preview (root): got null; expected the shape of `pulumi preview --json`",
    () => withPreview(() => "null"),
  ],
  [
    "a measurement whose source names nothing findable",
    ["measurement", "--from", "README.md", "--model", "qwen3-8b", "--engine-version", "0.11.0", "--source", "x"],
    2,
    '--source: got "x"; expected a URL, a repository path at a commit, or a document title a reader can find',
  ],
  // Commander keeps a repeated flag's last value silently: refused unless the flag is repeatable (cost --stack).
  ["a flag given twice", plan("--replicas", "1", "--replicas=2"), 2, '--replicas: got ["1","2"]; expected one value'],
  [
    "compare --models given twice",
    ["compare", "--models", "phi-3.5-mini-instruct", "--models", "mistral-7b-instruct-v0.3"],
    2,
    "--models: got",
  ],
  [
    "compare with a model twice",
    ["compare", "--models", "mistral-7b-instruct-v0.3,mistral-7b-instruct-v0.3"],
    2,
    "mistral-7b-instruct-v0.3 is listed twice; name it once.",
  ],
  [
    "compare with an empty item",
    ["compare", "--models", "mistral-7b-instruct-v0.3,,phi-3.5-mini-instruct"],
    2,
    "Remove the empty item between the commas.",
  ],
  [
    "a measurement at a TP vLLM refuses",
    [
      "measurement",
      "--from",
      join(ROOT, "test/fixtures/vllm-bench-serve/qwen3-8b-fp8-c8.txt"),
      "--model",
      "llama-3.1-8b-instruct",
      "--tensor-parallel-size",
      "3",
      "--engine-version",
      "0.33.0",
      "--source",
      "https://example.org/run",
    ],
    2,
    '--tensor-parallel-size: got "3"; expected a size dividing the model\'s 32 attention heads',
  ],
  [
    "a measurement with a tag for a version",
    [
      "measurement",
      "--from",
      join(ROOT, "test/fixtures/vllm-bench-serve/qwen3-8b-fp8-c8.txt"),
      "--model",
      "qwen3-8b",
      "--engine-version",
      "latest",
      "--source",
      "https://example.org/run",
    ],
    2,
    '--engine-version: got "latest"; expected a vLLM release number such as 0.33.0',
  ],
  [
    "a checkpoint and another quantization",
    ["plan", "--model", "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "--quantization", "bf16"],
    2,
    '--quantization: got "bf16"; expected int4, the quantization of the checkpoint',
  ],
  [
    "infinity in a stack file, shown as read",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:replicas: got Infinity",
    () => withStack(dev("\n  llm-stack:replicas: .inf")),
  ],
  [
    "a measurement from a file that is not a bench output",
    ["measurement", "--from", "README.md", "--model", "qwen3-8b", "--engine-version", "0.11.0", "--source", "https://example.org/x"],
    2,
    '--from: got "README.md"; expected the output of `vllm bench serve`',
  ],
  [
    "compare with an unknown model, with the did-you-mean",
    ["compare", "--models", "llama-3.1-8b"],
    2,
    "Did you mean llama-3.1-8b-instruct?",
  ],
  [
    "compare with a missing workload file",
    ["compare", "--workload", "nope.json"],
    2,
    '--workload: got "nope.json"; expected a readable JSON file',
  ],
  ["compare with an unknown flag", ["compare", "--bogus"], 2, "error: unknown option '--bogus'"],
  ["an unknown command", ["plann"], 2, "error: unknown command 'plann'"],
  [
    "an infeasible context",
    ["plan", "--model", "llama-4-scout-17b-16e-instruct", "--max-model-len", "10485760", "--multi-node", "never"],
    3,
    "Nearest feasible alternatives:",
  ],
  // stack files, through plan --stack (validated as `pulumi up` would)
  // The stack file as the Pulumi CLI reads it (infra/settings/stack-file.ts; go-yaml v3, pulumi/pulumi
  // sdk/go/common/workspace/loaders.go), and the CLI's own config checks (infra/settings/pulumi-cli.ts,
  // pkg/workspace/config.go validateStackConfigValue, project.go ValidateConfigValue).
  [
    "a dangling symlink named like a stack",
    ["plan", "--stack", "s"],
    2,
    "It is a symbolic link to a file that does not exist.",
    () => {
      const directory = project();
      symlinkSync(join(directory, "gone.yaml"), join(directory, "Pulumi.s.yaml"));
      return directory;
    },
  ],
  [
    "a directory named like a stack",
    ["plan", "--stack", "s"],
    2,
    "It is a directory, not a file.",
    () => {
      const directory = project();
      mkdirSync(join(directory, "Pulumi.s.yaml"));
      return directory;
    },
  ],
  ["a YAML alias bomb", ["plan", "--stack", "s"], 2, "expected YAML whose aliases expand to a bounded size", () => withStack(ALIAS_BOMB)],
  ["invalid UTF-8 (yaml.v3 readerc.go refuses it)", ["plan", "--stack", "s"], 2, "expected UTF-8 text", () => withBytes(INVALID_UTF8)],
  [
    "a duplicate key, named",
    ["plan", "--stack", "s"],
    2,
    "The key llm-stack:model is given twice",
    () => withStack(dev("\n  llm-stack:model: phi-3.5-mini-instruct")),
  ],
  [
    "config as a list",
    ["plan", "--stack", "s"],
    2,
    'config: got ["a"]; expected a mapping of keys to values',
    () => withStack("config:\n  - a\n"),
  ],
  [
    "config as a string",
    ["plan", "--stack", "s"],
    2,
    'config: got "none"; expected a mapping of keys to values',
    () => withStack("config: none\n"),
  ],
  [
    "aws:region misspelt",
    ["plan", "--stack", "s"],
    2,
    'aws:regoin: got "us-east-1"; expected aws:region (the AWS provider reads no other spelling). Did you mean aws:region?',
    () => withStack(dev().replace("aws:region", "aws:regoin")),
  ],
  [
    "aws:region missing (no AWS_REGION either)",
    ["plan", "--stack", "s"],
    2,
    "aws:region: got (not set); expected one of us-east-1",
    () => withStack(dev().replace(/ {2}aws:region: .*\n/, "")),
  ],
  [
    "a scalar on an array key (the Pulumi CLI: must be of type 'array<string>')",
    ["plan", "--stack", "s"],
    2,
    "The Pulumi CLI would stop with: Stack 's' with configuration key 'allowedInstanceTypes' must be of type 'array<string>'",
    () => withStack(dev("\n  llm-stack:allowedInstanceTypes: p5.48xlarge")),
  ],
  [
    "a space-padded integer (strconv.Atoi refuses it)",
    ["plan", "--stack", "s"],
    2,
    "with configuration key 'replicas' must be of type 'integer'",
    () => withStack(dev('\n  llm-stack:replicas: " 2"')),
  ],
  [
    "a stack of another project",
    ["plan", "--stack", "acme/other/dev"],
    2,
    '--stack: got "acme/other/dev"; expected a stack of project llm-stack',
  ],
  // Inputs that are not bounded regular files are refused before they are read (infra/settings/input-file.ts).
  [
    "a stack file that is a device",
    ["plan", "--stack", "s"],
    2,
    "It is not a regular file (a device, a FIFO or a socket).",
    () => {
      const directory = project();
      symlinkSync("/dev/zero", join(directory, "Pulumi.s.yaml"));
      return directory;
    },
  ],
  ["a preview that is a device", ["cost", "--from-preview", "/dev/zero"], 2, "It is not a regular file"],
  [
    "a stack outside any project",
    ["plan", "--stack", "s"],
    2,
    "expected an llm-stack project: a directory with Pulumi.yaml",
    () => {
      const directory = mkdtempSync(join(tmpdir(), "llm-stack-noproject-"));
      writeFileSync(join(directory, "Pulumi.s.yaml"), dev());
      return directory;
    },
  ],
  ["a stack name Pulumi refuses", ["plan", "--stack", "my stack"], 2, '--stack: got "my stack"; expected a stack name of letters, digits'],
  [
    "no aws:region beside other problems: all listed at once",
    ["plan", "--stack", "s"],
    2,
    "(3 problems)",
    () => withStack(dev('\n  llm-stack:replicas: "-3"\n  llm-stack:gpu: a100').replace(/ {2}aws:region: .*\n/, "")),
  ],
  [
    "cost --region without a preview",
    ["cost", "--stack", "dev", "--region", "us-west-2"],
    2,
    '--region: got "us-west-2"; expected --region only with --from-preview',
  ],
  [
    "a preview step op the engine does not have",
    ["cost", "--from-preview", "p.json"],
    2,
    '--from-preview steps[].op: got "explode"; expected one of the engine\'s step ops',
    () => withPreview((text) => text.replace('"op": "create"', '"op": "explode"')),
  ],
  // Sizing for a workload nothing carries is infeasible (exit 3), with what the nearest attempt misses.
  [
    "a load no allowed hardware carries",
    plan("--requests-per-second", "1000000"),
    3,
    "no deployment of llama-3.1-8b-instruct carries this workload",
  ],
  [
    "prompts past the model's maximum context",
    plan("--input-tokens", "1000000", "--requests-per-second", "1"),
    3,
    "the model's maximum context is 131072 tokens: shorten the prompts or outputs",
  ],
  ["a missing stack", ["plan", "--stack", "nope"], 2, '--stack: got "nope"; expected a stack file'],
  [
    "malformed YAML, with its line",
    ["plan", "--stack", "s"],
    2,
    "expected valid YAML",
    () => withStack("config:\n  llm-stack:model: [unclosed\n"),
  ],
  [
    "a misspelt budget key",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:maxHourlyUSD: got "(set)"; expected one of the keys declared in Pulumi.yaml',
    () => withStack(dev('\n  llm-stack:maxHourlyUSD: "5"')),
  ],
  [
    "…with the did-you-mean",
    ["plan", "--stack", "s"],
    2,
    "Did you mean llm-stack:maxHourlyUsd?",
    () => withStack(dev('\n  llm-stack:maxHourlyUSD: "5"')),
  ],
  [
    "an encrypted value on a plain key",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:namespace: got "(encrypted)"; expected a plain value: namespace is not a secret',
    () => withStack(dev("\n  llm-stack:namespace:\n    secure: v1:AAAA")),
  ],
  [
    "a plain-text token",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:hfToken: got "(plain text, not shown)"; expected a Pulumi secret',
    () => withStack(`${DEV.trimEnd()}\n  llm-stack:hfToken: hf_plain\n`),
  ],
  [
    // Pulumi namespaces a bare key with the project (sdk/go/common/workspace/loaders.go,
    // stackConfigNamespacedWithProject): 2 replicas, 2 × p5.4xlarge $13.76 + 3 × m7i.xlarge $0.605 + EKS $0.10 + NAT $0.045.
    "a key without its namespace, read as the project's",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:maxHourlyUsd: got 10; expected at least the stack's $14.51/h at maximum node-group size",
    () => withStack(dev('\n  replicas: "2"')),
  ],
  [
    "a budget below the stack",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:maxHourlyUsd: got 1; expected at least the stack's $7.63/h at maximum node-group size",
    () => withStack(dev().replace('maxHourlyUsd: "10"', 'maxHourlyUsd: "1"')),
  ],
  [
    "an image tagged latest",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:vllmImage: got "vllm/vllm-openai:latest"',
    () => withStack(dev("\n  llm-stack:vllmImage: vllm/vllm-openai:latest")),
  ],
  [
    "more GPU nodes than maxNodes in the file",
    ["plan", "--stack", "s"],
    2,
    "Lower replicas, or raise maxNodes to 17 if you mean it.",
    () =>
      withStack(
        dev('\n  llm-stack:replicas: "17"\n  llm-stack:allowedInstanceTypes: ["p5.4xlarge"]').replace(
          'maxHourlyUsd: "10"',
          'maxHourlyUsd: "1000"',
        ),
      ),
  ],
  [
    "a Capacity Block without its AZ",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:capacityReservationZoneId: got (not set)",
    () => withStack(dev("\n  llm-stack:capacityType: capacity-block\n  llm-stack:capacityReservationId: cr-0123456789abcdef0")),
  ],
  [
    "an allowlist open to the internet",
    ["plan", "--stack", "s"],
    2,
    "expected a narrow allowlist — each block at most a /16, at most sixteen /16s of public addresses in all — but [0.0.0.0/0] together admit every public address",
    () => withStack(dev().replace('["198.51.100.7/32"]', '["0.0.0.0/0"]')),
  ],
  [
    "an admin that is not an ARN",
    ["plan", "--stack", "s"],
    2,
    'llm-stack:clusterAdminPrincipalArns: got ["alice"]',
    () => withStack(dev('\n  llm-stack:clusterAdminPrincipalArns: ["alice"]')),
  ],
  [
    "a negative replica count in the file",
    ["plan", "--stack", "s"],
    2,
    "llm-stack:replicas: got -1; expected greater than 0",
    () => withStack(dev('\n  llm-stack:replicas: "-1"')),
  ],
  // cost: its flags are commander's, as every command's (cli/command-line.ts)
  ["cost with an unknown flag", ["cost", "--bogus"], 2, "error: unknown option '--bogus'"],
  ["cost with a removed flag", ["cost", "--utilization", "0.5"], 2, "error: unknown option '--utilization'"],
  ["cost with a plan flag", ["cost", "--max-model-len", "8192"], 2, "error: unknown option '--max-model-len'"],
  ["cost with a stray argument", ["cost", "dev"], 2, "error: too many arguments for 'cost'"],
  ["cost with a flag missing its value", ["cost", "--stack"], 2, "error: option '--stack <name>' argument missing"],
  ["cost with an empty --out", ["cost", "--out", ""], 2, '--out: got ""; expected a file path'],
  [
    "cost with hex for a price",
    ["cost", "--hosted-input-usd-per-million", "0x1", "--hosted-output-usd-per-million", "1"],
    2,
    '--hosted-input-usd-per-million: got "0x1"; expected a number from 0 to 10000. Write a plain decimal',
  ],
  ["cost of a missing stack", ["cost", "--stack", "nope"], 2, '--stack: got "nope"; expected one of dev, fleet, llama405b, mixtral, scout'],
  ["an unknown format", ["cost", "--format", "pdf"], 2, '--format: got "pdf"; expected one of table, markdown, json'],
  ["a git ref that is not one", ["cost", "--base", "no-such-ref"], 2, '--base: got "no-such-ref"; expected a git ref of this repository'],
  [
    "a missing preview file",
    ["cost", "--from-preview", "/no/such/preview.json"],
    2,
    '--from-preview: got "/no/such/preview.json"; expected a readable file. ENOENT',
  ],
  [
    "a preview that is not JSON",
    ["cost", "--from-preview", "x.json"],
    2,
    "expected the JSON of `pulumi preview --json --show-sames`",
    () => {
      const directory = project();
      writeFileSync(join(directory, "x.json"), "{ not json");
      return directory;
    },
  ],
  // --from-preview validates what it prices (cli/cost/from-preview.ts): whole node counts EKS takes, a list of types, its own region.
  ...(
    [
      ["a node count of 1e308", '"desiredSize": 1e308'],
      ["half a node", '"desiredSize": 2.5'],
      ["a negative minSize", '"minSize": -3'],
    ] as const
  ).map(([name, replacement]): Case => [
    `a preview with ${name}`,
    ["cost", "--from-preview", "p.json"],
    2,
    "expected whole node counts with 0 ≤ minSize ≤ desiredSize ≤ maxSize",
    // Inputs and outputs alike (the pricing reads both, inputs winning).
    () => withPreview((text) => text.replaceAll(`"${replacement.split('"')[1]}": 2`, replacement)),
  ]),
  [
    "a preview whose instanceTypes is not a list",
    ["cost", "--from-preview", "p.json"],
    2,
    'llm-system-ng.instanceTypes: got "m7i.xlarge"; expected a list of instance type names',
    () => withPreview((text) => text.replace(/"instanceTypes": \[\s*"m7i.xlarge"\s*\]/, '"instanceTypes": "m7i.xlarge"')),
  ],
  [
    "a preview made in a region without prices",
    ["cost", "--from-preview", "p.json"],
    2,
    '--from-preview config aws:region: got "eu-central-1"; expected a region the price table covers',
    () => withPreview((text) => text.replace('"aws:region": "us-east-1"', '"aws:region": "eu-central-1"')),
  ],
  [
    "a preview with a negative node count",
    ["cost", "--from-preview", "neg.json"],
    2,
    "expected whole node counts with 0 ≤ minSize ≤ desiredSize ≤ maxSize",
    () => {
      const directory = project();
      const preview = readFileSync(join(ROOT, "test/fixtures/preview/create-dev.json"), "utf8").replace(
        /"desiredSize": 1/,
        '"desiredSize": -2',
      );
      writeFileSync(join(directory, "neg.json"), preview);
      return directory;
    },
  ],
  [
    "an unwritable --out",
    ["cost", "--from-preview", join(ROOT, "test/fixtures/preview/create-dev.json"), "--out", "/no/such/dir/cost.md"],
    2,
    '--out: got "/no/such/dir/cost.md"; expected a writable file path',
  ],
  [
    "a hosted price out of range",
    ["cost", "--hosted-input-usd-per-million", "20000", "--hosted-output-usd-per-million", "1"],
    2,
    '--hosted-input-usd-per-million: got "20000"; expected a number from 0 to 10000',
  ],
  ["half a hosted price", ["cost", "--hosted-input-usd-per-million", "1"], 2, "expected both or neither"],
  [
    "cost outside the project",
    ["cost"],
    2,
    "expected an llm-stack project: a directory with Pulumi.yaml",
    () => mkdtempSync(join(tmpdir(), "not-a-project-")),
  ],
  // preflight (config problems stop it before any AWS call)
  ["preflight without a stack", ["preflight"], 2, "preflight needs --stack <name>"],
  ["preflight of a missing stack", ["preflight", "--stack", "nope"], 2, '--stack: got "nope"; expected a stack file'],
  ["preflight with an unknown flag", ["preflight", "--bogus"], 2, "error: unknown option '--bogus'"],
  ["preflight with a stray argument", ["preflight", "dev"], 2, "error: too many arguments for 'preflight'"],
  [
    "preflight of a stack with a misspelt key",
    ["preflight", "--stack", "s"],
    2,
    "Did you mean llm-stack:maxHourlyUsd?",
    () => withStack(dev('\n  llm-stack:maxHourlyUSD: "5"')),
  ],
];

describe("the command line's contract for bad input", () => {
  it(`covers ${CASES.length} cases`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("%s", async (_, args, code, message, directory) => {
    const result = await run(args, directory ? directory() : ROOT);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).not.toContain("unexpected error");
  });
});
