/**
 * The copy Job's script (infra/manifests/model-cache/copy-model.py), run for real with python3
 * against stand-ins for huggingface_hub, boto3 and botocore (test/fixtures/copy-model-fakes),
 * with the exact arguments the Job's manifest passes it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { modelCopyJob } from "../../infra/manifests/model-cache/model-copy";
import { modelCacheLayout, type ModelCacheLayout } from "../../infra/plan";

const SCRIPT = join(__dirname, "..", "..", "infra", "manifests", "model-cache", "copy-model.py");
const FAKES = join(__dirname, "..", "fixtures", "copy-model-fakes");
const COMMIT = "0e9e39f249a16976918f6564b8830bc894c89659";
const BUCKET = "llm-stack-dev-123456789012-us-east-1";

/** The script's argv as the Job's manifest writes it. */
function jobArgs(layout: ModelCacheLayout): string[] {
  const job = modelCopyJob({
    name: "vllm",
    namespace: "llm",
    image: "vllm/vllm-openai:v0.33.0",
    layout,
    bucket: BUCKET,
    region: "us-east-1",
    checkpointGiB: 15,
    timeoutSeconds: 600,
    nodeSelector: {},
    tolerations: [],
    hfToken: null,
  }) as any;
  const command: string[] = job.spec.template.spec.containers[0].command;
  expect(command.slice(0, 2)).toEqual(["python3", "/opt/llm-stack/copy-model.py"]);
  return command.slice(2);
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runCopy(layout: ModelCacheLayout, repoFiles: string[], marker: "absent" | "present" | "forbidden") {
  const dir = mkdtempSync(join(tmpdir(), "copy-model-"));
  scratch.push(dir);
  const log = join(dir, "calls.jsonl");
  const result = spawnSync("python3", [SCRIPT, ...jobArgs(layout)], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      PYTHONPATH: FAKES,
      PYTHONDONTWRITEBYTECODE: "1",
      AWS_DEFAULT_REGION: "us-east-1",
      LLM_STACK_COPY_DIR: join(dir, "model"),
      FAKE_LOG: log,
      FAKE_COMMIT: COMMIT,
      FAKE_MARKER: marker,
      FAKE_REPO_FILES: JSON.stringify(repoFiles),
    },
  });
  let calls: any[] = [];
  try {
    calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  } catch {
    /* no call logged */
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe("the model-cache copy script", () => {
  const llama = modelCacheLayout("llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct");
  // The meta-llama/Llama-3.1-8B-Instruct repository's files (huggingface.co, "Files and versions").
  const llamaFiles = [
    "LICENSE",
    "README.md",
    "config.json",
    "generation_config.json",
    "model-00001-of-00004.safetensors",
    "model-00002-of-00004.safetensors",
    "model-00003-of-00004.safetensors",
    "model-00004-of-00004.safetensors",
    "model.safetensors.index.json",
    "original/consolidated.00.pth",
    "original/params.json",
    "original/tokenizer.model",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
  ];

  it("copies one resolved commit, leaving out original/ and huggingface_hub's .cache, and writes the marker last", () => {
    const run = runCopy(llama, llamaFiles, "absent");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const prefix = "models/meta-llama/Llama-3.1-8B-Instruct/main/";
    expect(run.calls.map((c) => [c.call, c.key ?? c.revision ?? c.region])).toEqual([
      // boto3 takes the region only from AWS_DEFAULT_REGION or region_name (botocore configprovider.py).
      ["client", "us-east-1"],
      ["head_object", `${prefix}.llm-stack-complete.json`],
      ["model_info", "main"],
      ["snapshot_download", COMMIT],
      ...[
        "LICENSE",
        "README.md",
        "config.json",
        "generation_config.json",
        "model-00001-of-00004.safetensors",
        "model-00002-of-00004.safetensors",
        "model-00003-of-00004.safetensors",
        "model-00004-of-00004.safetensors",
        "model.safetensors.index.json",
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
      ].map((file) => ["upload_file", `${prefix}${file}`]),
      ["put_object", `${prefix}.llm-stack-complete.json`],
    ]);
    expect(new Set(run.calls.map((c) => c.bucket).filter(Boolean))).toEqual(new Set([BUCKET]));
    expect(run.calls.at(-1).body).toMatchObject({ repo: "meta-llama/Llama-3.1-8B-Instruct", revision: "main", commit: COMMIT });
  });

  it("keeps only the consolidated weights of a Mistral-format repository, so the streamer does not load both formats (vllm#40765)", () => {
    const mistral = modelCacheLayout("mistral-7b-instruct-v0.3", "mistralai/Mistral-7B-Instruct-v0.3");
    // mistralai/Mistral-7B-Instruct-v0.3 ships both formats side by side.
    const files = [
      "config.json",
      "consolidated.safetensors",
      "model-00001-of-00003.safetensors",
      "model-00002-of-00003.safetensors",
      "model-00003-of-00003.safetensors",
      "model.safetensors.index.json",
      "params.json",
      "tokenizer.json",
      "tokenizer.model.v3",
    ];
    const run = runCopy(mistral, files, "absent");
    expect(run.status).toBe(0);
    expect(run.calls.filter((c) => c.call === "upload_file").map((c) => c.key.split("/").at(-1))).toEqual([
      "config.json",
      "consolidated.safetensors",
      "params.json",
      "tokenizer.json",
      "tokenizer.model.v3",
    ]);
  });

  it("does nothing when the marker is there: the revision is already cached", () => {
    const run = runCopy(llama, llamaFiles, "present");
    expect(run.status).toBe(0);
    expect(run.calls.map((c) => c.call)).toEqual(["client", "head_object"]);
    expect(run.stdout).toContain("already holds meta-llama/Llama-3.1-8B-Instruct@main");
  });

  it("fails, copying nothing, when S3 refuses to say whether the marker exists (403: no s3:ListBucket)", () => {
    const run = runCopy(llama, llamaFiles, "forbidden");
    expect(run.status).not.toBe(0);
    expect(run.calls.map((c) => c.call)).toEqual(["client", "head_object"]);
    expect(run.stderr).toContain("HeadObject: 403");
  });
});
