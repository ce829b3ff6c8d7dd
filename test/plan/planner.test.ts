import { describe, expect, it } from "vitest";
import {
  GPUS,
  INSTANCES,
  INSTANCE_TYPES,
  MODEL_IDS,
  MODELS,
  findHourlyPriceUsd,
  type GpuId,
  type InstanceType,
  type ModelId,
  type Quantization,
  type Variant,
} from "../../infra/catalog";
import {
  InfeasiblePlanError,
  PlanInputError,
  planDeployment,
  replicaMemory,
  tensorParallelProblem,
  MAX_NODES_PER_REPLICA,
  gpuNodeStorage,
  weightsDownload,
  type PlanRequest,
} from "../../infra/plan";
import { planStack } from "../../infra/settings";
import { parseStackFile } from "../../infra/settings/stack-file";
import { readFileSync } from "node:fs";
import { join } from "node:path";

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("default plans on H100", () => {
  // Every catalog model at its default context (min(max context, 32768)), on H100, in us-east-1.
  it.each([
    ["mistral-7b-instruct-v0.3", "bf16", "p5.4xlarge", 1, 1, 6.88],
    ["mixtral-8x7b-instruct-v0.1", "fp8-static", "p5.4xlarge", 1, 1, 6.88],
    ["mixtral-8x22b-instruct-v0.1", "bf16", "p5.48xlarge", 8, 1, 55.04],
    ["mistral-large-instruct-2411", "bf16", "p5.48xlarge", 8, 1, 55.04],
    ["mistral-small-3.2-24b-instruct", "bf16", "p5.4xlarge", 1, 1, 6.88],
    ["llama-3.2-3b-instruct", "bf16", "p5.4xlarge", 1, 1, 6.88],
    ["llama-3.1-8b-instruct", "bf16", "p5.4xlarge", 1, 1, 6.88],
    ["llama-3.3-70b-instruct", "bf16", "p5.48xlarge", 8, 1, 55.04],
    ["llama-3.1-405b-instruct", "fp8-meta", "p5.48xlarge", 8, 1, 55.04],
    ["llama-4-scout-17b-16e-instruct", "bf16", "p5.48xlarge", 8, 1, 55.04],
    ["llama-4-maverick-17b-128e-instruct", "fp8-meta", "p5.48xlarge", 8, 1, 55.04],
    ["phi-3.5-mini-instruct", "bf16", "p5.4xlarge", 1, 1, 6.88],
  ] as const)("%s → %s on %s, TP %i × PP %i, $%f/h", (model, variant, instanceType, tp, pp, hourlyUsd) => {
    const plan = planDeployment({ model });
    expect([plan.variant, plan.instanceType, plan.tensorParallelSize, plan.pipelineParallelSize, plan.cost.hourlyUsd]).toEqual([
      variant,
      instanceType,
      tp,
      pp,
      hourlyUsd,
    ]);
    expect(plan.maxModelLen).toBe(Math.min(MODELS[model].architecture.maxContextTokens, 32768));
    expect(plan.idleGpus).toBe(0);
    expect(plan.maxConcurrentFullContext).toBeGreaterThanOrEqual(1);
  });

  it("spans two 8 × H100 nodes for Llama 3.1 405B in bf16 (TP 8 × PP 2, vLLM's own recipe)", () => {
    const plan = planDeployment({ model: "llama-3.1-405b-instruct", quantization: "bf16" });
    expect([
      plan.instanceType,
      plan.nodes,
      plan.nodesPerReplica,
      plan.tensorParallelSize,
      plan.pipelineParallelSize,
      plan.gpusPerReplica,
    ]).toEqual(["p5.48xlarge", 2, 2, 8, 2, 16]);
    expect(plan.cost).toEqual({
      hourlyUsd: 110.08,
      monthlyUsd: 80358.4,
      instanceHourlyUsd: 55.04,
      hoursPerMonth: 730,
      priceTableDate: "2026-12-06",
    });
    // vLLM's multiprocessing executor across nodes: the leader is rank 0 of 2; workers join it headless.
    expect(
      plan.vllmArgs.filter((arg) => /^--(distributed-executor-backend|nnodes|node-rank|master-addr|master-port|headless)/.test(arg)),
    ).toEqual([
      "--distributed-executor-backend=mp",
      "--master-addr=$(LWS_LEADER_ADDRESS)",
      "--master-port=29500",
      "--nnodes=2",
      "--node-rank=0",
    ]);
    expect(
      plan.vllmWorkerArgs?.filter((arg) => /^--(distributed-executor-backend|nnodes|node-rank|master-addr|master-port|headless)/.test(arg)),
    ).toEqual([
      "--distributed-executor-backend=mp",
      "--headless",
      "--master-addr=$(LWS_LEADER_ADDRESS)",
      "--master-port=29500",
      "--nnodes=2",
      "--node-rank=$(LWS_WORKER_INDEX)",
    ]);
  });

  it("needs four H100s at least for Llama 3.3 70B bf16 and says why TP 2 fails", () => {
    const plan = planDeployment({ model: "llama-3.3-70b-instruct", quantization: "bf16", maxModelLen: 32768 });
    expect(plan.reasons).toContain(
      // Overhead at TP 2: LlamaForCausalLM activation 4.84 + non-torch 0.55 + CUDA graphs 1.03 = 6.42 GiB.
      "bf16 weights need 32.9 GiB per GPU at TP 4 × PP 1; TP 2 × PP 1 would hold 65.7 GiB of weights + 6.4 GiB of overhead per GPU, over the 71.3 GiB budget.",
    );
    expect(plan.reasons).toContain(
      // TP 4: (71.262 − 32.87 − 6.42) GiB / 80 KiB per token ≈ 419.2k; TP 8: (71.262 − 16.44 − 6.42) GiB / 40 KiB ≈ 1.269M (whole blocks of 16).
      "TP raised from 4 to 8 to use GPUs the node already pays for: KV cache grows from 419,232 to 1,269,104 tokens per replica and each token is computed on more GPUs, at the same price. Every paid GPU (8) serves a replica.",
    );
  });

  it("keeps bf16 on a price tie and takes fp8 when it is cheaper", () => {
    expect(planDeployment({ model: "llama-3.1-8b-instruct" }).reasons[1]).toBe(
      "quantization auto weighed bf16 $6.88/h vs fp8 $6.88/h: bf16 (meta-llama/Llama-3.1-8B-Instruct) chosen, a tie keeps the original bf16 weights.",
    );
    expect(planDeployment({ model: "mixtral-8x7b-instruct-v0.1" }).reasons[1]).toBe(
      "quantization auto weighed bf16 $55.04/h vs fp8 $6.88/h: fp8 (neuralmagic/Mixtral-8x7B-Instruct-v0.1-FP8) chosen, fp8 is cheaper and near-lossless on Hopper.",
    );
  });

  it("uses int4 only when asked", () => {
    expect(planDeployment({ model: "mistral-large-instruct-2411" }).quantization).toBe("bf16");
    const int4 = planDeployment({ model: "mistral-large-instruct-2411", quantization: "int4" });
    expect([int4.variant, int4.instanceType, int4.tensorParallelSize, int4.memory.weightsPerReplicaGiB]).toEqual([
      "awq-int4",
      "p5.48xlarge",
      8,
      60.44,
    ]);
  });

  it("fits int4 Mistral Large on one H100 at 8k context only, with 4 GiB of KV cache (the README's myth check)", () => {
    const short = planDeployment({ model: "mistral-large-instruct-2411", quantization: "int4", maxModelLen: 8192 });
    expect([short.instanceType, short.memory.perGpuGiB.weights, short.memory.perGpuGiB.kvCache, short.kvCacheTokens]).toEqual([
      "p5.4xlarge",
      60.44,
      4.02,
      11984,
    ]);
    expect(planDeployment({ model: "mistral-large-instruct-2411", quantization: "int4", maxModelLen: 32768 }).instanceType).toBe(
      "p5.48xlarge",
    );
  });

  it("states idle GPUs and their cost when no valid TP can use them", () => {
    const plan = planDeployment({
      model: "llama-3.3-70b-instruct",
      quantization: "bf16",
      replicas: 3,
      allowedInstanceTypes: ["p5.48xlarge"],
    });
    expect([plan.nodes, plan.tensorParallelSize, plan.idleGpus, plan.cost.hourlyUsd]).toEqual([2, 4, 4, 110.08]);
    expect(plan.reasons).toContain(
      "4 of 16 GPUs stay idle ($27.52/h of the bill): no valid TP uses them without another node; add replicas to use them.",
    );
  });

  it("packs replicas onto shared nodes and raises TP only while the node count holds", () => {
    const plan = planDeployment({ model: "llama-3.1-8b-instruct", replicas: 2, allowedInstanceTypes: ["p5.48xlarge"] });
    expect([plan.nodes, plan.tensorParallelSize, plan.gpusPerReplica, plan.idleGpus]).toEqual([1, 4, 4, 0]);
  });

  it("honours a valid TP override and the fp8 KV cache", () => {
    const plan = planDeployment({
      model: "llama-4-scout-17b-16e-instruct",
      tensorParallelSize: 4,
      kvCacheDtype: "fp8",
      maxModelLen: 131072,
    });
    // Per layer per token at TP 4 in fp8: 2 × 2 KV heads × 128 × 1 B = 512 B. A 131,072-token request: 12 global layers
    // hold it all, 36 chunked ones 8,192 + 8,192 tokens: 512 × (12 + 36 × 16,384 / 131,072) = 512 × 16.5 = 8,448 B per token.
    expect([plan.tensorParallelSize, plan.kvCacheDtype, plan.kvCacheBytesPerTokenPerGpu]).toEqual([4, "fp8", 8448]);
    expect(plan.vllmArgs).toContain("--kv-cache-dtype=fp8");
  });
});

describe("pinned tensor parallel size and multi-node policy", () => {
  it("puts pipeline stages inside one node before spanning nodes, and says what spanning would save", () => {
    // Llama 3.3 70B FP8 (67.7 GiB of weights) at TP 1: one H100 cannot hold it, two can.
    const plan = planDeployment({ model: "llama-3.3-70b-instruct", quantization: "fp8", tensorParallelSize: 1 });
    expect([
      plan.instanceType,
      plan.nodes,
      plan.nodesPerReplica,
      plan.tensorParallelSize,
      plan.pipelineParallelSize,
      plan.cost.hourlyUsd,
    ]).toEqual(["p5.48xlarge", 1, 1, 1, 2, 55.04]);
    expect(plan.vllmArgs.some((arg) => arg.startsWith("--nnodes"))).toBe(false);
    const instance = plan.reasons.find((reason) => reason.startsWith("p5.48xlarge in us-east-1"));
    // 2 × p5.4xlarge at $6.88/h each.
    expect(instance).toBe(
      "p5.48xlarge in us-east-1 is the cheapest allowed instance type that fits: 1 node for 1 replica, $55.04/h (one p5.4xlarge (1 GPU) cannot hold a replica at TP 1). " +
        "Spanning nodes would be cheaper: 2 × p5.4xlarge (fp8, TP 1 × PP 2, 2 nodes per replica) at $13.76/h, but pipeline stages would talk over the network (slower per token) and a replica would fail with any of its nodes; set multiNode when-cheaper to choose it.",
    );
    expect(plan.reasons).toContain(
      "6 of 8 GPUs stay idle ($41.28/h of the bill): a replica takes 2 (TP 1 × PP 2, TP pinned); add replicas to use them.",
    );
  });

  it("chains nodes when multiNode is when-cheaper, and never when it is never", () => {
    const cheaper = planDeployment({
      model: "llama-3.3-70b-instruct",
      quantization: "fp8",
      tensorParallelSize: 1,
      multiNode: "when-cheaper",
    });
    expect([cheaper.instanceType, cheaper.nodes, cheaper.nodesPerReplica, cheaper.pipelineParallelSize, cheaper.cost.hourlyUsd]).toEqual([
      "p5.4xlarge",
      2,
      2,
      2,
      13.76,
    ]);
    expect(cheaper.vllmArgs).toContain("--distributed-executor-backend=mp");
    const error = captureError(() => planDeployment({ model: "llama-3.1-405b-instruct", quantization: "bf16", multiNode: "never" }));
    expect((error as InfeasiblePlanError).alternatives.map((alt) => alt.change)).toContain(
      "multiNode when-needed (a replica over several nodes)",
    );
  });
});

describe("brute force never beats the planner", () => {
  /**
   * An exhaustive search, written apart from the planner, over every instance type, TP and PP the
   * rules allow: replicas on one node first (TP up to the node's GPUs), and only when no variant fits
   * on one node, replicas over 2–4 whole nodes (TP = GPUs per node, PP = nodes) — the default
   * multiNode policy, when-needed.
   */
  function cheapestByBruteForce(
    model: ModelId,
    quantization: Quantization | "auto",
    maxModelLen: number,
    gpu: GpuId,
    replicas: number,
  ): number | undefined {
    const spec = MODELS[model];
    const wanted: Quantization[] = quantization === "auto" ? ["bf16", "fp8"] : [quantization];
    const variants = wanted.map((q) => spec.variants.find((v) => v.quantization === q)).filter((v): v is Variant => v !== undefined);
    const types = INSTANCE_TYPES.filter((t) => INSTANCES[t].gpu === gpu) as InstanceType[];
    const fits = (variant: Variant, tp: number, pp: number) => {
      const memory = replicaMemory(spec.architecture, variant, GPUS[gpu], {
        tensorParallelSize: tp,
        pipelineParallelSize: pp,
        gpuMemoryUtilization: 0.9,
        kvCacheDtype: "auto",
        maxNumBatchedTokens: 8192,
        maxModelLen,
      });
      return memory.kvCacheTokens >= maxModelLen && memory.loadFits;
    };
    const single: number[] = [];
    const multi: number[] = [];
    for (const variant of variants) {
      for (const type of types) {
        const g = INSTANCES[type].gpuCount;
        for (let tp = 1; tp <= g; tp++) {
          if (tensorParallelProblem(spec.architecture, tp) !== null || !fits(variant, tp, 1)) continue;
          single.push(Math.ceil(replicas / Math.floor(g / tp)) * findHourlyPriceUsd(type, "us-east-1")!);
        }
        if (tensorParallelProblem(spec.architecture, g) !== null) continue;
        for (let pp = 2; pp <= MAX_NODES_PER_REPLICA; pp++)
          if (fits(variant, g, pp)) multi.push(replicas * pp * findHourlyPriceUsd(type, "us-east-1")!);
      }
    }
    const costs = single.length > 0 ? single : multi;
    return costs.length > 0 ? Math.min(...costs) : undefined;
  }

  const grid: Array<[ModelId, Quantization | "auto", number, GpuId, number]> = [];
  for (const model of MODEL_IDS) {
    const max = MODELS[model].architecture.maxContextTokens;
    for (const quantization of ["auto", ...new Set(MODELS[model].variants.map((v) => v.quantization))] as const) {
      for (const context of [4096, 32768, Math.min(max, 131072)]) {
        if (context > max) continue;
        for (const gpu of ["h100", "h200"] as const)
          for (const replicas of [1, 3]) grid.push([model, quantization, context, gpu, replicas]);
      }
    }
  }

  it(`checks ${grid.length} (model, quantization, context, GPU, replicas) cases`, () => {
    let feasible = 0;
    for (const [model, quantization, maxModelLen, gpu, replicas] of grid) {
      const request: PlanRequest = { model, quantization, maxModelLen, gpu, replicas };
      const brute = cheapestByBruteForce(model, quantization, maxModelLen, gpu, replicas);
      if (brute === undefined) {
        expect(() => planDeployment(request, { suggestAlternatives: false }), `${JSON.stringify(request)} should be infeasible`).toThrow(
          InfeasiblePlanError,
        );
        continue;
      }
      feasible++;
      const plan = planDeployment(request, { suggestAlternatives: false });
      expect(plan.cost.hourlyUsd, JSON.stringify(request)).toBeLessThanOrEqual(Number(brute.toFixed(3)));
      expect(plan.kvCacheTokens).toBeGreaterThanOrEqual(maxModelLen);
    }
    expect(feasible).toBeGreaterThan(grid.length * 0.9);
  });
});

describe("model ids", () => {
  it("match in any case and by the Hugging Face repo id of a checkpoint, which also names its quantization", () => {
    expect(planDeployment({ model: "Llama-3.1-8B-Instruct" }).model).toBe("llama-3.1-8b-instruct");
    expect(planDeployment({ model: "meta-llama/Llama-3.1-8B-Instruct" }).model).toBe("llama-3.1-8b-instruct");
    const fp8 = planDeployment({ model: "RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic" });
    expect([fp8.model, fp8.variant]).toEqual(["llama-3.3-70b-instruct", "fp8-dynamic"]);
  });

  it("refuse a context below the kit's 1,024-token floor and a plan above maxNodes, saying how to fix each", () => {
    const tiny = captureError(() => planDeployment({ model: "llama-3.1-8b-instruct", maxModelLen: 1 })) as PlanInputError;
    expect(tiny.issues.map((i) => [i.path, i.expected])).toEqual([
      ["maxModelLen", "at least 1024 tokens (this kit's floor; a system prompt, a question and an answer)"],
    ]);
    // 17 replicas of one H100 each: 17 × p5.4xlarge ($6.88/h) = $116.96/h, above the default 16 nodes.
    const many = captureError(() =>
      planDeployment({ model: "llama-3.1-8b-instruct", replicas: 17, allowedInstanceTypes: ["p5.4xlarge"] }),
    ) as PlanInputError;
    expect(many.issues.map((i) => [i.path, i.expected, i.hint])).toEqual([
      [
        "replicas",
        "a plan of at most maxNodes 16 GPU nodes; this one needs 17 × p5.4xlarge ($116.96/h)",
        "Lower replicas, or raise maxNodes to 17 if you mean it.",
      ],
    ]);
    expect(planDeployment({ model: "llama-3.1-8b-instruct", replicas: 17, allowedInstanceTypes: ["p5.4xlarge"], maxNodes: 17 }).nodes).toBe(
      17,
    );
  });
});

describe("infeasible and invalid requests", () => {
  it("explains an infeasible context with numbers and offers the nearest feasible alternatives", () => {
    const error = captureError(() =>
      planDeployment({ model: "llama-4-scout-17b-16e-instruct", maxModelLen: 10485760, multiNode: "never" }),
    );
    expect(error).toBeInstanceOf(InfeasiblePlanError);
    const infeasible = error as InfeasiblePlanError;
    expect(infeasible.exitCode).toBe(3);
    // fp8-dynamic at TP 8: 512 B per layer per token. A 10,485,760-token request: 12 global layers × 10,485,760 +
    // 36 chunked × (8,192 + 8,192) = 126,418,944 layer-tokens × 512 B = 60.3 GiB per GPU, over the 47.9 GiB left.
    expect(infeasible.reason).toBe(
      "llama-4-scout-17b-16e-instruct at maxModelLen 10485760 × concurrency 1 on NVIDIA H100 SXM 80GB does not fit: 10485760 tokens of KV cache need 60.3 GiB per GPU, larger than the 47.9 GiB available on p5.48xlarge (TP 8, PP 1) (fp8-dynamic) at gpu-memory-utilization 0.90. Based on the available memory, the longest context is 8329776 tokens.",
    );
    expect(infeasible.alternatives.map((alt) => [alt.change, alt.hourlyUsd])).toEqual([
      ["kvCacheDtype fp8", 55.04],
      ["gpu h200", 63.296],
      ["multiNode when-needed (a replica over several nodes)", 110.08],
    ]);
  });

  it("explains weights that cannot fit the allowed instance types", () => {
    const error = captureError(() =>
      planDeployment({ model: "llama-4-maverick-17b-128e-instruct", quantization: "bf16", allowedInstanceTypes: ["p5.4xlarge"] }),
    );
    expect((error as InfeasiblePlanError).reason).toBe(
      "llama-4-maverick-17b-128e-instruct at maxModelLen 32768 × concurrency 1 on NVIDIA H100 SXM 80GB does not fit: 189.2 GiB of weights + 9.0 GiB of activations and overhead per GPU exceed the 71.3 GiB budget on 4 × p5.4xlarge (TP 1, PP 4) (bf16) at gpu-memory-utilization 0.90, leaving no memory for the KV cache.",
    );
    expect((error as InfeasiblePlanError).alternatives.map((alt) => [alt.change, alt.summary, alt.hourlyUsd])).toEqual([
      ["gpu h200", "1 × p5en.48xlarge, bf16, TP 8 × PP 1, maxModelLen 32768", 63.296],
      ["allow every h100 instance type", "2 × p5.48xlarge, bf16, TP 8 × PP 2, maxModelLen 32768", 110.08],
    ]);
  });

  it("reports every invalid field at once, naming the key, the value, what is allowed and the fix", () => {
    const error = captureError(() =>
      planDeployment({
        model: "llama-4-scout-17b-16e-instruct",
        quantization: "int4x" as never,
        maxModelLen: 20_000_000,
        tensorParallelSize: 16,
        gpuMemoryUtilization: 0.99,
        replicas: 0,
      }),
    );
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).issues.map((issue) => [issue.path, issue.value, issue.expected])).toEqual([
      ["quantization", "int4x", 'one of "auto", "bf16", "fp8", "int4"'],
      ["replicas", 0, "greater than 0"],
      ["maxModelLen", 20_000_000, "at most 10485760 (the model's maximum context)"],
      [
        "tensorParallelSize",
        16,
        "one of 1, 2, 4, 8 (vLLM: divides the 40 attention heads, divisor or multiple of the 8 KV heads, at most 8 GPUs per node)",
      ],
      ["gpuMemoryUtilization", 0.99, "a fraction between 0.5 and 0.95 — this kit's policy; vLLM itself accepts any value in (0, 1]"],
    ]);
    expect((error as PlanInputError).exitCode).toBe(2);
  });

  it("names the valid model ids for an unknown model and a missing quantization for a known one", () => {
    const unknown = captureError(() => planDeployment({ model: "gpt-5" })) as PlanInputError;
    expect(unknown.issues[0]?.expected).toMatch(
      /^one of mistral-7b-instruct-v0\.3, mixtral-8x7b-instruct-v0\.1, .*, llama-4-maverick-17b-128e-instruct, phi-3\.5-mini-instruct \(or a Hugging Face repo id of one of their checkpoints\)$/,
    );
    const typo = captureError(() => planDeployment({ model: "llama-3.1-8b" })) as PlanInputError;
    expect(typo.issues[0]?.hint).toBe("Did you mean llama-3.1-8b-instruct? Run `llm-stack models` to list the catalog.");
    const noInt4 = captureError(() => planDeployment({ model: "phi-3.5-mini-instruct", quantization: "int4" })) as PlanInputError;
    expect(noInt4.message).toBe(
      'invalid plan request (1 problem):\n  - quantization: got "int4"; expected one of auto, bf16, fp8 for phi-3.5-mini-instruct. No int4 checkpoint of this model is in the catalog; use auto or one of the listed quantizations.',
    );
  });
});

describe("GPU node storage", () => {
  // Usable instance store = raw GB × 0.95 (RAID0 + XFS overhead): 100 GB → 100e9 × 0.95 / 2^30 = 88.48 GiB.
  it("moves kubelet and containerd to a RAID0 of the instance store when it holds them, leaving a 30 GiB OS root", () => {
    expect(gpuNodeStorage(8 * 3840, 1500)).toEqual({ localStorageStrategy: "RAID0", rootVolume: { sizeGiB: 30 } });
    expect(gpuNodeStorage(100, 88)).toEqual({ localStorageStrategy: "RAID0", rootVolume: { sizeGiB: 30 } });
  });

  it("keeps everything on a fast gp3 root (30 GiB OS + the data) without enough instance store", () => {
    expect(gpuNodeStorage(100, 89)).toEqual({ rootVolume: { sizeGiB: 119, iops: 16000, throughputMiBps: 1000 } });
    expect(gpuNodeStorage(0, 150)).toEqual({ rootVolume: { sizeGiB: 180, iops: 16000, throughputMiBps: 1000 } });
  });
});

describe("weights download through the NAT gateway", () => {
  const planOfStack = (stack: string) => {
    const file = parseStackFile(stack, readFileSync(join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8"));
    return planStack(file.values, file.region);
  };
  // Hand calculations: parameters from each repository's safetensors metadata on Hugging Face × 2 bytes
  // (bf16), in 10^9-byte GB, × $0.045 per GB processed (https://aws.amazon.com/vpc/pricing/).
  it("charges each pod start the stored checkpoint: Llama 3.1 8B (8,030,261,248 params) on the dev stack", () => {
    // 16.0605 GB × 0.045 = $0.7227
    expect(weightsDownload(planOfStack("dev"), "huggingface")).toEqual({
      weightsSource: "huggingface",
      checkpointGB: 16.06,
      podsPerRollout: 1,
      natDataUsdPerPod: 0.72,
      natDataUsdPerRollout: 0.72,
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    });
  });

  it("counts Mixtral 8x7B's experts in full (46,702,792,704 params)", () => {
    // 93.4056 GB × 0.045 = $4.2033
    expect(weightsDownload(planOfStack("mixtral"), "huggingface")).toEqual({
      weightsSource: "huggingface",
      checkpointGB: 93.41,
      podsPerRollout: 1,
      natDataUsdPerPod: 4.2,
      natDataUsdPerRollout: 4.2,
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    });
  });

  it("downloads the whole checkpoint on each node of a multi-node replica: Llama 3.1 405B (405,853,388,800 params) on 2 nodes", () => {
    // 811.7068 GB × 0.045 = $36.5268 per pod; two pods = $73.0536
    expect(weightsDownload(planOfStack("llama405b"), "huggingface")).toEqual({
      weightsSource: "huggingface",
      checkpointGB: 811.71,
      podsPerRollout: 2,
      natDataUsdPerPod: 36.53,
      natDataUsdPerRollout: 73.05,
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    });
  });

  it("downloads the bf16 checkpoint for online FP8 (Llama 3.2 3B, 3,212,749,824 params, tied embeddings)", () => {
    // 6.4255 GB × 0.045 = $0.2891
    const online = planDeployment({ model: "llama-3.2-3b-instruct", quantization: "fp8" }, { suggestAlternatives: false });
    expect(online.variant).toBe("fp8-on-the-fly");
    expect(weightsDownload(online, "huggingface")).toEqual({
      weightsSource: "huggingface",
      checkpointGB: 6.43,
      podsPerRollout: 1,
      natDataUsdPerPod: 0.29,
      natDataUsdPerRollout: 0.29,
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    });
  });

  it("downloads a pre-quantized FP8 checkpoint at its stored size (Llama 3.1 8B FP8: linear layers at 1 byte, embeddings, head and norms at 2)", () => {
    // Embeddings and untied head 2 × 128,256 × 4,096 = 1,050,673,152 params and norms 32 × 2 × 4,096 + 4,096 = 266,240 params at
    // 2 bytes = 2.1019 GB; the other 6,979,321,856 params at 1 byte = 6.9793 GB; 9.0812 GB × 0.045 = $0.4087
    const prequantized = planDeployment({ model: "llama-3.1-8b-instruct", quantization: "fp8" }, { suggestAlternatives: false });
    expect(prequantized.variant).toBe("fp8-static");
    expect(weightsDownload(prequantized, "huggingface")).toEqual({
      weightsSource: "huggingface",
      checkpointGB: 9.08,
      podsPerRollout: 1,
      natDataUsdPerPod: 0.41,
      natDataUsdPerRollout: 0.41,
      cacheFillNatUsd: null,
      s3StorageUsdPerMonth: null,
      s3RequestsUsdPerRollout: null,
    });
  });

  it("charges the S3 path once for the copy and monthly for the cache, never NAT per pod start: the dev stack", () => {
    // 16.0605 GB × $0.023/GB-month = $0.3694; the copy's NAT charge 16.0605 × 0.045 = $0.7227 once;
    // 16,060,522,496 B ÷ 8 MiB = 1,914.6 → 1,915 GETs × 1 rank × $0.0004/1,000 = $0.0008.
    expect(weightsDownload(planOfStack("dev"))).toEqual({
      weightsSource: "s3",
      checkpointGB: 16.06,
      podsPerRollout: 1,
      natDataUsdPerPod: 0,
      natDataUsdPerRollout: 0,
      cacheFillNatUsd: 0.72,
      s3StorageUsdPerMonth: 0.37,
      s3RequestsUsdPerRollout: 0,
    });
  });

  it("counts every rank's ranged GETs on the S3 path: Llama 3.1 405B bf16 on 2 nodes of 8 ranks", () => {
    // 811,706,777,600 B ÷ 8,388,608 = 96,762.7 → 96,763 GETs per rank × 8 ranks × 2 pods = 1,548,208 × $0.0004/1,000 = $0.6193;
    // storage 811.7068 GB × 0.023 = $18.6693/month; the copy 811.7068 × 0.045 = $36.5268 once.
    expect(weightsDownload(planOfStack("llama405b"))).toMatchObject({
      podsPerRollout: 2,
      natDataUsdPerRollout: 0,
      cacheFillNatUsd: 36.53,
      s3StorageUsdPerMonth: 18.67,
      s3RequestsUsdPerRollout: 0.62,
    });
  });
});
