import { MODEL_IDS, VLLM_RELEASE } from "../../infra/catalog";
import { describe, expect, it } from "vitest";
import { parseVllmArgs, planDeployment, type PlanRequest } from "../../infra/plan";
import {
  humanReadableInt,
  numericFlag,
  parseVllmArgv,
  vllmOptionOccurrences,
  pythonFloat,
  pythonInt,
  readVllmCommand,
  renderVllmFlags,
  splitShellCommands,
  VLLM_FLAG_NAMES,
  VLLM_FLAGS,
  vllmDefault,
} from "../../infra/vllm";
import { golden } from "../golden-file";

const cases: Array<[string, PlanRequest]> = [
  ["llama-3.1-8b-dev", { model: "llama-3.1-8b-instruct", maxModelLen: 32768 }],
  ["mistral-large-fp8-on-the-fly", { model: "mistral-large-instruct-2411", quantization: "fp8", maxModelLen: 65536, kvCacheDtype: "fp8" }],
  ["llama-3.1-405b-bf16-two-nodes", { model: "llama-3.1-405b-instruct", quantization: "bf16" }],
  ["mixtral-8x7b-awq", { model: "mixtral-8x7b-instruct-v0.1", quantization: "int4", gpuMemoryUtilization: 0.85 }],
];

describe("vLLM args", () => {
  it.each(cases)("%s renders the golden args", (name, request) => {
    const args = planDeployment(request).vllmArgs;
    expect(`${args.join("\n")}\n`).toBe(golden(`vllm-args/${name}.txt`, `${args.join("\n")}\n`));
  });

  it("renders flags sorted by name, each derived from the plan", () => {
    const plan = planDeployment({ model: "mistral-large-instruct-2411", quantization: "fp8", maxModelLen: 65536 });
    const names = plan.vllmArgs.map((arg) => arg.slice(2).split("=")[0]!);
    expect([...names].sort()).toEqual(names);
    const flags = parseVllmArgs(plan.vllmArgs);
    expect(flags).toEqual({
      "config-format": "mistral",
      "gpu-memory-utilization": "0.90",
      "kv-cache-dtype": "auto",
      // The S3 model cache: streamed by the Run:ai streamer. 8 ranks on one p5.48xlarge share the
      // node's 100 Gb/s S3 cap: 12.5 GB/s ÷ 85 MB/s per connection ÷ 8 ranks = 18.4 → 18 readers
      // each; 40 GB is the streamer's default buffer, below a quarter of the pod's memory ÷ 8.
      "load-format": "runai_streamer",
      "model-loader-extra-config": '{"concurrency":18,"memory_limit":40000000000}',
      "max-model-len": "65536",
      "max-num-batched-tokens": "8192",
      // vLLM v0.33.0's API-server default on ≥ 70 GiB GPUs (vllm/engine/arg_utils.py get_batch_defaults), rendered explicitly.
      "max-num-seqs": "1024",
      model: "mistralai/Mistral-Large-Instruct-2411",
      "pipeline-parallel-size": String(plan.pipelineParallelSize),
      port: "8000",
      quantization: "fp8",
      "served-model-name": "mistral-large-instruct-2411",
      "tensor-parallel-size": String(plan.tensorParallelSize),
      "tokenizer-mode": "mistral",
    });
  });

  it("loads a Mistral-format repository with vLLM's mistral loader when it downloads from Hugging Face", () => {
    const flags = parseVllmArgs(
      planDeployment({ model: "mistral-large-instruct-2411", quantization: "fp8", maxModelLen: 65536, weightsSource: "huggingface" })
        .vllmArgs,
    );
    expect([flags["load-format"], flags["config-format"], flags["tokenizer-mode"], flags["model-loader-extra-config"]]).toEqual([
      "mistral",
      "mistral",
      "mistral",
      undefined,
    ]);
  });

  it("gives a one-GPU pod the streamer's full 32 readers (p5.4xlarge: 100 Gb/s ÷ 85 MB/s = 147 connections)", () => {
    const flags = parseVllmArgs(planDeployment({ model: "llama-3.1-8b-instruct" }).vllmArgs);
    expect(flags["model-loader-extra-config"]).toBe('{"concurrency":32,"memory_limit":40000000000}');
  });

  it("parses both --flag=value and --flag value forms", () => {
    expect(parseVllmArgs(["--model", "a/b", "--tensor-parallel-size=2", "--enforce-eager"])).toEqual({
      model: "a/b",
      "tensor-parallel-size": "2",
      "enforce-eager": "true",
    });
  });

  it("renders only flags vLLM v0.33.0's parsers declare (infra/catalog/vllm-release.ts serverFlags), for every catalog model's default plan and a multi-node one", () => {
    const plans = [
      ...MODEL_IDS.map((model) => planDeployment({ model })),
      planDeployment({ model: "llama-3.1-405b-instruct", quantization: "bf16" }),
      planDeployment({ model: "mistral-large-instruct-2411", quantization: "fp8" }),
    ];
    const rendered = new Set(plans.flatMap((plan) => Object.keys(parseVllmArgs(plan.vllmArgs))));
    expect([...rendered].filter((flag) => !(VLLM_RELEASE.serverFlags as readonly string[]).includes(flag))).toEqual([]);
  });
});

describe("the vLLM flags table (infra/vllm/flags.ts)", () => {
  it("renders exactly the flags vLLM v0.33.0's parsers declare (VLLM_RELEASE.serverFlags)", () => {
    expect(VLLM_FLAG_NAMES.filter((name) => VLLM_FLAGS[name].rendered)).toEqual([...VLLM_RELEASE.serverFlags].sort());
  });

  it.each([
    // vllm/config/parallel.py, vllm/config/cache.py, EngineArgs.get_batch_defaults on ≥ 70 GiB GPUs, openai/cli_args.py at v0.33.0.
    ["tensor-parallel-size", 1],
    ["pipeline-parallel-size", 1],
    ["gpu-memory-utilization", 0.92],
    ["max-num-seqs", 1024],
    ["max-num-batched-tokens", 8192],
    ["port", 8000],
    ["kv-cache-dtype", "auto"],
    ["max-model-len", null],
    ["enforce-eager", false],
  ] as const)("holds vLLM's default for --%s: %s", (name, value) => {
    expect(vllmDefault(name)).toBe(value);
  });

  it("refuses to render a flag the kit never renders", () => {
    expect(() => renderVllmFlags({ "api-key": "x" })).toThrow(
      "renderVllmFlags: --api-key is not a flag the kit renders (infra/vllm/flags.ts)",
    );
  });
});

describe("parsing args the way vLLM's FlexibleArgumentParser does", () => {
  it.each<[string, string[], Record<string, string>]>([
    ["underscores in the name", ["--tensor_parallel_size=1"], { "tensor-parallel-size": "1" }],
    ["underscores only before the first dot", ["--compilation_config.cudagraph_mode", "x"], { "compilation-config.cudagraph_mode": "x" }],
    ["a value after a space", ["--gpu_memory_utilization", "0.99"], { "gpu-memory-utilization": "0.99" }],
    [
      "short aliases",
      ["-tp", "1", "-pp=2", "-q", "fp8"],
      { "tensor-parallel-size": "1", "pipeline-parallel-size": "2", quantization: "fp8" },
    ],
    ["a one-letter alias with its value attached", ["-qfp8"], { quantization: "fp8" }],
    [
      "an unambiguous abbreviation (argparse allow_abbrev)",
      ["--gpu-mem=0.99", "--tensor-par", "2"],
      { "gpu-memory-utilization": "0.99", "tensor-parallel-size": "2" },
    ],
    ["--tokenizer is its own flag, not --tokenizer-mode", ["--tokenizer", "a/b"], { tokenizer: "a/b" }],
    [
      "--x and --no-x for booleans",
      ["--enforce-eager", "--no-trust-remote-code"],
      { "enforce-eager": "true", "trust-remote-code": "false" },
    ],
    [
      "a repeated flag: the last value wins",
      ["--gpu-memory-utilization=0.99", "--gpu-memory-utilization", "0.9"],
      { "gpu-memory-utilization": "0.9" },
    ],
    ["a negative number as a value", ["--max-model-len", "-1"], { "max-model-len": "-1" }],
    ["an option is never a value", ["--quantization", "-tp", "2"], { "tensor-parallel-size": "2" }],
    [
      "nargs=+ takes every word up to the next option",
      ["--served-model-name", "a", "b", "--port", "9000"],
      { "served-model-name": "a b", port: "9000" },
    ],
  ])("reads %s", (_, argv, flags) => {
    expect(parseVllmArgv(argv).flags).toEqual(flags);
  });

  it("keeps words after -- and words no option takes as positionals", () => {
    expect(parseVllmArgv(["repo/model", "--enforce-eager", "x", "--", "--port"])).toEqual({
      flags: { "enforce-eager": "true" },
      positionals: ["repo/model", "x", "--port"],
      ambiguous: [],
    });
  });

  it.each<[string, string, number | undefined]>([
    ["32k", "decimal suffix", 32000],
    ["32K", "binary suffix", 32768],
    ["25.6k", "decimal with a fraction", 25600],
    ["1.5K", "a fraction with a binary suffix (refused)", undefined],
    ["131072", "a plain number", 131072],
    ["1_000", "PEP 515 underscores", 1000],
  ])("reads --max-model-len %s (%s) like human_readable_int", (text, _, value) => {
    expect(humanReadableInt(text)).toBe(value);
  });

  it("reads numbers like Python's int() and float(), refusing what Python refuses", () => {
    expect([
      pythonFloat("0.9_9"),
      pythonFloat("\uff10.\uff19\uff19"),
      pythonFloat(" .5 "),
      pythonFloat("1e0"),
      pythonFloat("0.9.9"),
    ]).toEqual([0.99, 0.99, 0.5, 1, undefined]);
    expect([pythonInt(" 8 "), pythonInt("+2"), pythonInt("0x8"), pythonInt("2.0"), pythonInt("\u0668")]).toEqual([
      8,
      2,
      undefined,
      undefined,
      8,
    ]);
    expect(numericFlag({ "tensor-parallel-size": "two" }, "tensor-parallel-size")).toBeNaN();
    expect(numericFlag({}, "gpu-memory-utilization")).toBe(0.92);
    expect(numericFlag({}, "max-model-len", 131072)).toBe(131072);
  });
});

describe("every option occurrence, as argparse binds each (what the secret-args policy reads)", () => {
  it("keeps each occurrence of a repeated flag, names known flags canonically and unknown ones dashed, and leaves the model positional", () => {
    const read = vllmOptionOccurrences([
      "serve-me",
      "--api_key=a",
      "-tp",
      "2",
      "--api-key",
      "$(KEY)",
      "--hf-tok",
      "b",
      "--my_token",
      "c",
      "--enforce-eager",
    ]);
    expect(read.occurrences).toEqual([
      { name: "api-key", known: true, value: "a" },
      { name: "tensor-parallel-size", known: true, value: "2" },
      { name: "api-key", known: true, value: "$(KEY)" },
      { name: "hf-token", known: true, value: "b" },
      { name: "my-token", known: false, value: "c" },
      { name: "enforce-eager", known: true, value: "true" },
    ]);
    expect([read.positionals, read.ambiguous]).toEqual([["serve-me"], ["c"]]);
  });
});

describe("finding vLLM in a container's command", () => {
  const model = "meta-llama/Llama-3.3-70B-Instruct";
  it.each<[string, Parameters<typeof readVllmCommand>[0], string, string | undefined, Record<string, string>]>([
    [
      "vllm serve with a positional model",
      { command: ["vllm", "serve", model, "-tp", "1"] },
      "vllm serve",
      model,
      { "tensor-parallel-size": "1" },
    ],
    [
      "vllm serve by path, model after options",
      { command: ["/usr/local/bin/vllm"], args: ["serve", "--port", "8000", model] },
      "vllm serve",
      model,
      { port: "8000" },
    ],
    [
      "the OpenAI api_server module",
      { command: ["python3", "-m", "vllm.entrypoints.openai.api_server"], args: [`--model=${model}`] },
      "api_server",
      model,
      { model },
    ],
    [
      "the api_server module attached to -m",
      { command: ["python3", "-u", "-mvllm.entrypoints.openai.api_server", "--model", model] },
      "api_server",
      model,
      { model },
    ],
    [
      "the image's entrypoint with args only",
      { args: [model, "--tensor_parallel_size=1"] },
      "none",
      model,
      { "tensor-parallel-size": "1" },
    ],
    ["a --model flag behind a wrapper script", { command: ["/start.sh"], args: ["--model", model] }, "--model", model, { model }],
    [
      "sh -c with quoting, exec and a comment",
      { command: ["sh", "-c", `exec vllm serve '${model}' -tp "1" # TP 8 in the docs`] },
      "vllm serve",
      model,
      { "tensor-parallel-size": "1" },
    ],
    [
      "bash -ec with a variable set in the script",
      { command: ["/bin/bash", "-ec"], args: [`U=0.99\nvllm serve ${model} --gpu_memory_utilization=$U`] },
      "vllm serve",
      model,
      { "gpu-memory-utilization": "0.99" },
    ],
    [
      "Kubernetes $(VAR) from a plain env value",
      { command: ["vllm", "serve", model, "--gpu-memory-utilization=$(U)"], env: [{ name: "U", value: "0.99" }] },
      "vllm serve",
      model,
      { "gpu-memory-utilization": "0.99" },
    ],
    [
      "a shell $VAR from the pod's env",
      { command: ["sh", "-c", "vllm serve $M -tp ${TP:-1}"], env: [{ name: "M", value: model }] },
      "vllm serve",
      model,
      { "tensor-parallel-size": "1" },
    ],
    [
      "a value from a Secret stays unexpanded",
      { command: ["vllm", "serve", model, "--gpu-memory-utilization=$(U)"] },
      "vllm serve",
      model,
      { "gpu-memory-utilization": "$(U)" },
    ],
    [
      "a switch the table does not know before the model",
      { command: ["vllm", "serve", "--disable-log-stats", model] },
      "vllm serve",
      model,
      { "disable-log-stats": model },
    ],
    // vllm/entrypoints/cli/benchmark/serve.py: `vllm bench serve` only sends HTTP requests; its --model names the tokenizer.
    [
      "vllm bench serve: a client, no server",
      { command: ["vllm"], args: ["bench", "serve", "--model", model, "--base-url", "http://vllm:8000"] },
      "none",
      "bench",
      { model, "base-url": "http://vllm:8000" },
    ],
    [
      "a server started after a benchmark in one script",
      { command: ["sh", "-c", `vllm bench serve --model x; vllm serve ${model} -tp 1`] },
      "vllm serve",
      model,
      { "tensor-parallel-size": "1" },
    ],
    // `vllm bench throughput` loads the model into an in-process engine: it still counts.
    [
      "vllm bench throughput: an engine on the GPU",
      { command: ["vllm"], args: ["bench", "throughput", "--model", model] },
      "--model",
      "bench",
      { model },
    ],
  ])("reads %s", (_, container, evidence, served, flags) => {
    const read = readVllmCommand(container);
    expect([read.evidence, read.model, read.args.flags]).toEqual([evidence, served, flags]);
  });

  it("splits a shell script like a POSIX shell: quotes, escapes, operators, defaults", () => {
    expect(splitShellCommands(`a 'b c' "d $X \\"e\\"" f\\ g && h \${Y:-z}; i | j`, new Map([["X", "1"]]))).toEqual([
      ["a", "b c", 'd 1 "e"', "f g"],
      ["h", "z"],
      ["i"],
      ["j"],
    ]);
  });
});
