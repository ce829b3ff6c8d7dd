import { MODEL_IDS, VLLM_RELEASE } from "../infra/catalog";
import { describe, expect, it } from "vitest";
import { parseVllmArgs, planDeployment, type PlanRequest } from "../infra/plan";
import { golden } from "./golden-file";

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
    expect([...plan.vllmArgs].sort()).toEqual(plan.vllmArgs);
    const flags = parseVllmArgs(plan.vllmArgs);
    expect(flags).toEqual({
      "config-format": "mistral",
      "gpu-memory-utilization": "0.90",
      "kv-cache-dtype": "auto",
      "load-format": "mistral",
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

  it("parses both --flag=value and --flag value forms", () => {
    expect(parseVllmArgs(["--model", "a/b", "--tensor-parallel-size=2", "--enforce-eager"])).toEqual({ model: "a/b", "tensor-parallel-size": "2", "enforce-eager": "true" });
  });

  it("renders only flags vLLM v0.33.0's parsers declare (infra/catalog/vllm-release.ts serverFlags), for every catalog model's default plan and a multi-node one", () => {
    const plans = [...MODEL_IDS.map((model) => planDeployment({ model })), planDeployment({ model: "llama-3.1-405b-instruct", quantization: "bf16" }), planDeployment({ model: "mistral-large-instruct-2411", quantization: "fp8" })];
    const rendered = new Set(plans.flatMap((plan) => Object.keys(parseVllmArgs(plan.vllmArgs))));
    expect([...rendered].filter((flag) => !(VLLM_RELEASE.serverFlags as readonly string[]).includes(flag))).toEqual([]);
  });
});
