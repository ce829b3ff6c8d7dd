import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { parseStackFile } from "../../infra/settings/stack-file";
import { planDeployment } from "../../infra/plan";

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe("llm-stack compare", () => {
  it("--json prints one candidate per model × quantization × GPU with issue 23's contract fields", async () => {
    const { code, stdout, stderr } = await run([
      "compare",
      "--models",
      "llama-3.1-8b-instruct,phi-3.5-mini-instruct",
      "--input-tokens",
      "1000",
      "--output-tokens",
      "200",
      "--requests-per-second",
      "2",
      "--json",
    ]);
    expect([code, stderr]).toEqual([0, ""]);
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    // 8B: bf16, fp8, int4 on H100 and H200; Phi-3.5-mini: bf16 and fp8 on each.
    expect(rows).toHaveLength(10);
    for (const row of rows)
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          "model",
          "quantization",
          "gpu",
          "instanceType",
          "replicas",
          "monthlyUsd",
          "usdPerMillionOutputTokens",
          "sloMet",
          "hosted",
          "breakEvenTokensPerMonth",
        ]),
      );
    // No provider sells Phi-3.5-mini: no hosted price and no break-even (null, not "never").
    const phi = rows.filter((r) => r.model === "phi-3.5-mini-instruct");
    expect(phi.map((r) => [r.hosted, r.breakEvenTokensPerMonth])).toEqual(phi.map(() => [null, null]));
    // Llama 3.1 8B's cheapest current offer (DeepInfra Turbo, $0.02 in / $0.03 out) is below any node's cost per token: never.
    const llama = rows.filter((r) => r.model === "llama-3.1-8b-instruct");
    expect(llama.every((r) => (r.hosted as { provider: string }).provider === "DeepInfra" && r.breakEvenTokensPerMonth === "never")).toBe(
      true,
    );
  });
});

describe("llm-stack plan --stack with a declared workload", () => {
  it("measures the stack's own plan at its workload, a flag overriding one key", async () => {
    const stack = JSON.parse((await run(["plan", "--stack", "scout", "--json"])).stdout) as {
      replicas: number;
      performance: { chosenBy: string; workload: { inputTokens: number; load: { peakRequestsPerSecond: number } }; sloMet: boolean };
    };
    // Pulumi.scout.yaml declares 8,000 prompt tokens at 1 request/s; the plan is the stack's (not re-planned).
    expect([
      stack.performance.chosenBy,
      stack.performance.workload.inputTokens,
      stack.performance.workload.load.peakRequestsPerSecond,
    ]).toEqual(["stack", 8000, 1]);
    const busier = JSON.parse((await run(["plan", "--stack", "scout", "--requests-per-second", "40", "--json"])).stdout) as typeof stack & {
      performance: { sloMisses: string[] };
    };
    expect(busier.performance.workload.inputTokens).toBe(8000);
    expect(busier.performance.sloMet).toBe(false);
    expect(busier.performance.sloMisses[0]).toMatch(/^the load needs \d+ replicas; the deployment runs at most 2$/);
  });
});

describe("llm-stack plan --stack on a set of models", () => {
  it("prints each model, the packing and the stack's cost, and --json their numbers", async () => {
    const text = await run(["plan", "--stack", "fleet"]);
    expect([text.code, text.stderr]).toEqual([0, ""]);
    expect(text.stdout).toContain("model set: 4 models behind one endpoint");
    // The shared p5.48xlarge ($55.04/h) and the stack as `pulumi up` would create it ($62.47/h: 55.04 + 6.88 + 2 × 0.2016 + 0.10 + 0.045).
    expect(text.stdout).toMatch(/shared-0\s+1 × p5\.48xlarge\s+mixtral, llama-8b, phi-mini/);
    expect(text.stdout).toContain("stack cost     $62.47/h");
    const json = JSON.parse((await run(["plan", "--stack", "fleet", "--json"])).stdout) as {
      models: Array<{ name: string; hourlyUsd: number; plan: { tensorParallelSize: number } }>;
      cost: { maxHourlyUsd: number };
    };
    // 55.04 × 2/8 for Mixtral's two GPUs; 6.88 for each 1-GPU model.
    expect(json.models.map((m) => [m.name, Number(m.hourlyUsd.toFixed(2)), m.plan.tensorParallelSize])).toEqual([
      ["mixtral", 13.76, 2],
      ["llama-8b", 6.88, 1],
      ["phi-mini", 6.88, 1],
      ["mistral-7b", 6.88, 1],
    ]);
    expect(json.cost.maxHourlyUsd).toBe(62.6698);
  });
});

describe("llm-stack plan --stack with capacity fallbacks", () => {
  it("--json gives the stack's cost and every capacity option (Pulumi.scout.yaml: spot, then H200)", async () => {
    const { code, stdout } = await run(["plan", "--stack", "scout", "--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      stackCost: { maxHourlyUsd: number };
      capacityOptions: Array<{ option: number; deployed: boolean; capacityType: string; maxHourlyUsd: number }>;
      capacityBlock: unknown;
    };
    // 2 × p5.48xlarge $55.04 + 3 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045 = $110.8298; spot at its on-demand ceiling the same;
    // 2 × p5en.48xlarge $63.296 + $0.7498 = $127.3418.
    expect(json.stackCost.maxHourlyUsd).toBe(110.8298);
    expect(json.capacityOptions.map((o) => [o.option, o.deployed, o.capacityType, o.maxHourlyUsd])).toEqual([
      [1, true, "on-demand", 110.8298],
      [2, false, "spot", 110.8298],
      [3, false, "on-demand", 127.3418],
    ]);
    expect(json.capacityBlock).toBeNull();
  });
});

describe("llm-stack plan", () => {
  it("--json prints exactly the plan object and exits 0", async () => {
    const { code, stdout, stderr } = await run(["plan", "--model", "llama-3.3-70b-instruct", "--max-model-len", "32768", "--json"]);
    expect([code, stderr]).toEqual([0, ""]);
    const { performance, ...plan } = JSON.parse(stdout) as Record<string, unknown>;
    expect(plan).toEqual(JSON.parse(JSON.stringify(planDeployment({ model: "llama-3.3-70b-instruct", maxModelLen: 32768 }))));
    // Without a load the planner's choice stands; its performance at the default workload is added (issue 23's contract).
    expect(Object.keys(performance as object)).toEqual(
      expect.arrayContaining(["saturatedOutputTokensPerSecondPerReplica", "atLoad", "replicasNeeded", "sloMet", "errorBand"]),
    );
    expect(Object.keys((performance as { atLoad: object }).atLoad)).toEqual([
      "concurrentRequestsPerReplica",
      "outputTokensPerSecondPerReplica",
      "ttftMs",
      "itlMs",
    ]);
    expect((performance as { chosenBy: string }).chosenBy).toBe("planner");
    expect(Object.keys(plan)).toEqual([
      "model",
      "variant",
      "repo",
      "quantization",
      "gpu",
      "instanceType",
      "region",
      "nodesPerReplica",
      "gpusPerReplica",
      "tensorParallelSize",
      "pipelineParallelSize",
      "replicas",
      "nodes",
      "idleGpus",
      "maxModelLen",
      "maxNumBatchedTokens",
      "maxNumSeqs",
      "multiNode",
      "weightsSource",
      "concurrency",
      "kvCacheDtype",
      "gpuMemoryUtilization",
      "memory",
      "kvCacheBytesPerTokenPerGpu",
      "kvCacheTokens",
      "maxConcurrentFullContext",
      "cost",
      "vllmArgs",
      "vllmWorkerArgs",
      "reasons",
      "timeToReady",
    ]);
    expect(Object.keys((plan.memory as { perGpuGiB: object }).perGpuGiB)).toEqual([
      "capacity",
      "budget",
      "weights",
      "activationAndOverhead",
      "kvCache",
    ]);
    expect(Object.keys(plan.cost as object)).toEqual(["hourlyUsd", "monthlyUsd", "instanceHourlyUsd", "hoursPerMonth", "priceTableDate"]);
    // The time to ready the text prints, for scripts: 70B bf16 (141.1 GB) on one p5.48xlarge, TP 8, from S3.
    // Boot 40 + 60 = 100 s (assumed up to 900 s); pull 12 GB / 41.7 MB/s = 287.8 → 288 s; weights: 8 ranks × 141.1 GB
    // over the node's 100 Gb/s = 90.3 → 91 s (each rank alone 141.1 GB / 3.51 GiB/s = 37.4 s); engine start on 80
    // layers 145 s + P2P check 60 s = 205 s. Total 684 s; with the slow boot 900 + 288 + 91 + 205 = 1484 s.
    const ready = plan.timeToReady as {
      steps: Array<{ step: string; seconds: number; slowSeconds?: number }>;
      podStartSeconds: number;
      totalSeconds: number;
      slowTotalSeconds: number;
    };
    expect(ready.steps.map((s) => [s.step, s.seconds, s.slowSeconds ?? null])).toEqual([
      ["node boot", 100, 900],
      ["image pull", 288, null],
      ["weights from S3", 91, null],
      ["engine start", 205, null],
    ]);
    expect([ready.podStartSeconds, ready.totalSeconds, ready.slowTotalSeconds]).toEqual([296, 684, 1484]);
  });

  it("prints the table, the memory bar and the reasons", async () => {
    const { code, stdout } = await run(["plan", "--model", "llama-3.1-8b-instruct"]);
    expect(code).toBe(0);
    expect(stdout).toContain("nodes          1 × p5.4xlarge (1 × NVIDIA H100 SXM 80GB each) in us-east-1\n");
    // 60 cells of 79.18 GiB: weights 15.0 → 11, weights + overhead 21.0 → 16 (5 of overhead), budget 71.3 → 54 (38 of KV), 6 outside the budget.
    // Overhead 4.84 + 0.13 + 1.03 = 6.0 GiB; KV 71.26 − 14.96 − 6.0 = 50.3 GiB.
    expect(stdout).toContain(`  [${"█".repeat(11)}${"▓".repeat(5)}${"░".repeat(38)}${"·".repeat(6)}]\n`);
    expect(stdout).toContain("   █ weights 15.0 GiB | ▓ overhead 6.0 GiB | ░ KV 50.3 GiB | · free 7.9 GiB of 79.2 GiB\n");
    expect(stdout).toContain("why\n  - maxModelLen defaulted to 32,768 tokens");
  });

  it("--stack dev reads Pulumi.dev.yaml and flags override it", async () => {
    const fromStack = JSON.parse((await run(["plan", "--stack", "dev", "--json"])).stdout) as { model: string; instanceType: string };
    expect([fromStack.model, fromStack.instanceType]).toEqual(["llama-3.1-8b-instruct", "p5.4xlarge"]);
    const overridden = JSON.parse(
      (await run(["plan", "--stack", "dev", "--model", "mistral-small-3.2-24b-instruct", "--json"])).stdout,
    ) as { model: string };
    expect(overridden.model).toBe("mistral-small-3.2-24b-instruct");
    // The stack is validated as `pulumi up` would: its $10/h budget refuses a 70B on 8 × H100.
    const overBudget = await run(["plan", "--stack", "dev", "--model", "llama-3.3-70b-instruct"]);
    expect(overBudget.code).toBe(2);
    expect(overBudget.stderr).toContain(
      "llm-stack:maxHourlyUsd: got 10; expected at least the stack's $55.79/h at maximum node-group size",
    );
  });

  it("exits 2 listing the valid ids for an unknown model", async () => {
    const { code, stdout, stderr } = await run(["plan", "--model", "llama-3.3-70b"]);
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toContain('  - --model: got "llama-3.3-70b"; expected one of mistral-7b-instruct-v0.3, mixtral-8x7b-instruct-v0.1,');
  });

  it("exits 2 naming the model's maximum for a context above it", async () => {
    const { code, stderr } = await run(["plan", "--model", "mistral-7b-instruct-v0.3", "--max-model-len", "65536"]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "  - --max-model-len: got 65536; expected at most 32768 (the model's maximum context). Lower maxModelLen to 32768 or less.",
    );
  });

  it("exits 2 naming the valid sizes for a TP that breaks vLLM's rules", async () => {
    const { code, stderr } = await run(["plan", "--model", "llama-4-scout-17b-16e-instruct", "--tensor-parallel-size", "16"]);
    expect(code).toBe(2);
    expect(stderr).toContain("expected one of 1, 2, 4, 8 (vLLM: divides the 40 attention heads");
  });

  it("takes a documented `auto` for what the key's default means", async () => {
    // --max-model-len auto: the model's maximum, at most 32,768 (Llama 3.1 8B: 131,072 → 32,768).
    const { code, stdout } = await run([
      "plan",
      "--model",
      "llama-3.1-8b-instruct",
      "--max-model-len",
      "auto",
      "--gpu-memory-utilization",
      "auto",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("max model len  32,768 tokens");
  });

  it("exits 2 for a non-numeric number and for an unknown flag", async () => {
    expect((await run(["plan", "--model", "llama-3.1-8b-instruct", "--replicas", "two"])).stderr).toContain(
      '  - --replicas: got "two"; expected a plain decimal number. Write a plain decimal such as 8000',
    );
    const unknown = await run(["plan", "--modle", "x"]);
    expect([unknown.code, unknown.stderr]).toEqual([2, "llm-stack: error: unknown option '--modle'\n(Did you mean --model?)\n"]);
  });

  it("exits 3 for an infeasible plan", async () => {
    const { code, stderr } = await run([
      "plan",
      "--model",
      "llama-4-scout-17b-16e-instruct",
      "--max-model-len",
      "10485760",
      "--multi-node",
      "never",
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain("Nearest feasible alternatives:\n  - kvCacheDtype fp8: 1 × p5.48xlarge");
  });

  it("has help for every command as <command> --help, <command> -h and help <command>, and a --version", async () => {
    for (const command of ["plan", "models", "gpus", "readme-table"]) {
      for (const args of [
        [command, "--help"],
        [command, "-h"],
        ["help", command],
      ]) {
        const { code, stdout } = await run(args);
        expect([args.join(" "), code, stdout.split("\n")[0]]).toEqual([args.join(" "), 0, `Usage: llm-stack ${command} [options]`]);
      }
    }
    for (const command of ["cost", "preflight"]) {
      for (const args of [
        [command, "--help"],
        ["help", command],
      ]) {
        const { code, stdout } = await run(args);
        expect([args.join(" "), code, stdout.split("\n")[0]]).toEqual([
          args.join(" "),
          0,
          `llm-stack ${command} — ${command === "cost" ? "what stacks cost, offline, with policy results, $/M tokens and the hosted break-even" : "what AWS would refuse, checked before \`pulumi up\`"}`,
        ]);
      }
    }
    expect((await run(["--help"])).stdout.split("\n")[0]).toBe("Usage: llm-stack [options] [command]");
    expect(await run(["--version"])).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });
});

describe("llm-stack models", () => {
  it("lists every model with its parameters, context and variants", async () => {
    const { code, stdout } = await run(["models"]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(13);
    expect(lines.find((line) => line.startsWith("llama-4-scout-17b-16e-instruct"))).toMatch(
      /108\.6B \/ 17\.2B\s+10,485,760\s+Llama 4 Community License \(gated\)\s+bf16, fp8-dynamic, w4a16$/,
    );
  });
});

describe("stack files", () => {
  it("strips the project prefix and keeps aws:region", async () => {
    expect(parseStackFile("x", "config:\n  aws:region: us-west-2\n  llm-stack:model: phi-3.5-mini-instruct\n  other:key: 1\n")).toEqual({
      stack: "x",
      values: { model: "phi-3.5-mini-instruct" },
      region: "us-west-2",
      entries: [
        { key: "aws:region", secure: false },
        { key: "llm-stack:model", secure: false },
        { key: "other:key", secure: false },
      ],
      config: { "aws:region": "us-west-2", "llm-stack:model": "phi-3.5-mini-instruct", "other:key": 1 },
      regionFrom: "aws:region",
      environments: [],
      problems: [],
    });
  });
});
