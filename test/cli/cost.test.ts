import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCost } from "../../cli/cost-command";
import { pricePreview } from "../../cli/cost/from-preview";
import { renderDiffMarkdown, COMMENT_MARKER } from "../../cli/render/render-markdown";
import { diffStacks } from "../../cli/cost/stack-diff";
import { evaluateStack, type StackReport } from "../../cli/cost/stack-report";
import { plannedVsMeasured } from "../../cli/cost/measured";
import { eksSupportTypeOf, planDeployment, priceItems } from "../../infra/plan";
import { economicsAt, hostedComparison, performanceFor, type HostedOffer } from "../../infra/plan/performance";
import { resolveWorkload } from "../../infra/plan/workload";
import { PlanInputError } from "../../infra/plan/errors";
import { golden } from "../golden-file";
import { loadProgramInVitest } from "../program-runner";

const ROOT = join(__dirname, "..", "..");
const stackText = (stack: string) => readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "preview", name), "utf8")) as unknown;

describe("pricing", () => {
  it("prices node groups at desired and maximum size, EKS and NAT from the one table, dearest first", () => {
    const cost = priceItems(
      [
        { kind: "node-group", name: "system", instanceType: "m7i.xlarge", desiredSize: 2, maxSize: 3 },
        { kind: "node-group", name: "gpu", instanceType: "p5.48xlarge", desiredSize: 2, maxSize: 2 },
        { kind: "eks-cluster", name: "cluster", supportType: "standard" },
        { kind: "nat-gateway", name: "nat" },
        { kind: "node-group", name: "odd", instanceType: "g6e.xlarge", desiredSize: 1, maxSize: 1 },
      ],
      "us-west-2",
    );
    expect(cost.lineItems.map((l) => [l.item, l.quantity, l.hourlyUsd, l.maxHourlyUsd])).toEqual([
      ["GPU nodes p5.48xlarge", 2, 110.08, 110.08],
      ["CPU nodes m7i.xlarge", 2, 0.4032, 0.6048],
      ["EKS control plane", 1, 0.1, 0.1],
      ["NAT gateway", 1, 0.045, 0.045],
    ]);
    expect([cost.hourlyUsd, cost.monthlyUsd, cost.maxHourlyUsd, cost.maxMonthlyUsd]).toEqual([110.6282, 80758.59, 110.8298, 80905.75]);
    expect(cost.unpriced).toEqual([
      {
        what: "odd: g6e.xlarge in us-west-2 has no on-demand price in the snapshot",
        fix: "use a priced instance type or add its row to infra/catalog/ec2-prices.json with its source (npm run prices:generate)",
      },
    ]);
  });

  it("prices a cluster that allows extended support at $0.60/h (EKS pricing page), and one without a policy the same", () => {
    const items = (supportType: unknown) =>
      priceItems([{ kind: "eks-cluster", name: "c", supportType: eksSupportTypeOf(supportType) }], "us-east-1").lineItems;
    expect(items("EXTENDED").map((l) => [l.item, l.hourlyUsd])).toEqual([["EKS control plane (extended support)", 0.6]]);
    expect(items(undefined).map((l) => [l.item, l.hourlyUsd])).toEqual([["EKS control plane (extended support)", 0.6]]);
    expect(items("STANDARD").map((l) => [l.item, l.hourlyUsd])).toEqual([["EKS control plane", 0.1]]);
  });
});

describe("hosted comparison", () => {
  // At vllm bench serve's default lengths (1,024 prompt + 128 output tokens), the stacks' default workload.
  const atDefaults = (request: Parameters<typeof planDeployment>[0], given?: HostedOffer) => {
    const plan = planDeployment(request);
    const performance = performanceFor(plan, resolveWorkload({}));
    return hostedComparison(plan, performance, economicsAt(plan, performance), given);
  };

  it("has no current offer of Mistral Large 2411: La Plateforme retired it for Mistral Large 3, Bedrock never listed it", () => {
    const hosted = atDefaults({ model: "mistral-large-instruct-2411" });
    expect([hosted.offer, hosted.breakEvenTokensPerMonth]).toEqual([null, null]);
    expect(hosted.retired.map((r) => [r.provider, r.successor])).toEqual([
      ["Mistral La Plateforme", "Mistral Large 3 (mistral-large-2512 / mistral-large-latest)"],
    ]);
  });

  it("picks Llama 3.3 70B's cheapest offer at the workload's mix and prices it per prompt-or-output token", () => {
    const hosted = atDefaults({ model: "llama-3.3-70b-instruct" });
    // infra/catalog/hosted-prices.ts, blended as output + 8 × input per million (1,024 / 128):
    // DeepInfra Turbo 0.39 + 8 × 0.13 = 1.43; DeepInfra 0.40 + 8 × 0.23 = 2.24; Bedrock 0.72 + 8 × 0.72 = 6.48.
    expect(hosted.offer?.providerModelId).toBe("meta-llama/Llama-3.3-70B-Instruct-Turbo");
    // (1,024 × 0.13 + 128 × 0.39) / 1,152 = 0.15889 $/M tokens.
    expect(hosted.usdPerMillionTokens).toBeCloseTo(0.1589, 4);
  });

  it("breaks even where one node's month costs what the tokens would at the hosted price", () => {
    // Llama 3.1 8B on one p5.4xlarge ($6.88/h × 730 h = $5,022.40) against Bedrock's $0.22 in / $0.22 out:
    // 5,022.40 / 0.22e-6 = 22,829,090,909 tokens a month (the issue's "about 23 billion").
    const bedrock = {
      provider: "Bedrock",
      providerModelId: "meta.llama3-1-8b-instruct-v1:0",
      inputUsdPerMillion: 0.22,
      outputUsdPerMillion: 0.22,
      readOn: "2026-12-06",
      source: "test",
    };
    expect(atDefaults({ model: "llama-3.1-8b-instruct", allowedInstanceTypes: ["p5.4xlarge"] }, bedrock).breakEvenTokensPerMonth).toBe(
      22_829_090_909,
    );
  });

  it("never breaks even against DeepInfra's 8B Turbo: the node would need ~90,600 tokens/s", () => {
    // (1,024 × 0.02 + 128 × 0.03) / 1,152 = $0.02111 per million; $5,022.40 / 0.02111e-6 = 237.9 B tokens a month
    // = 90,530 tokens/s over 2,628,000 s, ~10,060 output tokens/s at 9 tokens per output token: about three times
    // the 3,450 output tokens/s TensorRT-LLM measured for the 8B on one H100 at 2,048/128.
    expect(atDefaults({ model: "llama-3.1-8b-instruct", allowedInstanceTypes: ["p5.4xlarge"] }).breakEvenTokensPerMonth).toBe("never");
  });
});

describe("llm-stack cost", () => {
  let dev: StackReport;
  beforeAll(async () => {
    dev = await evaluateStack("dev", stackText("dev"), { load: loadProgramInVitest });
  });

  it("reports the dev stack's model, GPUs, instances, cost, policies and assumptions", () => {
    expect([dev.status, dev.model, dev.variant, dev.gpu]).toEqual([
      "ok",
      "llama-3.1-8b-instruct",
      "bf16",
      { name: "NVIDIA H100 SXM 80GB", count: 1 },
    ]);
    expect(dev.instances).toEqual([
      { instanceType: "p5.4xlarge", gpusPerNode: 1, nodes: 1, maxNodes: 1 },
      { instanceType: "m7i.xlarge", gpusPerNode: 0, nodes: 2, maxNodes: 3 },
    ]);
    expect([dev.cost?.hourlyUsd, dev.cost?.monthlyUsd]).toEqual([7.4282, 5422.59]);
    expect(dev.violations).toEqual([]);
    expect(dev.assumptions).toEqual([
      "730 hours per month",
      "region us-east-1",
      "AWS on-demand prices of 2026-12-06",
      "llm-stack:hfToken is taken as set (secrets are not read offline)",
      "llm-stack:clusterPublicAccessCidrs is taken as set (each operator lists the address pulumi runs from)",
      // The image cache's Docker Hub rule (vLLM's and Grafana's images) pulls with the operator's login.
      "llm-stack:dockerHubUsername is taken as set (each operator gives their own registry user)",
      "llm-stack:dockerHubAccessToken is taken as set (secrets are not read offline)",
    ]);
  });

  // Pulumi.scout.yaml autoscales 0–2 replicas of Llama 4 Scout, one per p5.48xlarge ($55.04/h), 1 expected. By hand:
  // min = 2 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045 = $0.5482/h; expected = $55.04 + $0.5482 = $55.5882/h;
  // max = 2 × $55.04 + 3 × $0.2016 + $0.145 = $110.8298/h; × 730 h: $400.19, $40,579.39, $80,905.75 a month.
  it("prices the autoscaled stack at its minimum, expected and maximum, and shows all three", async () => {
    const scout = await evaluateStack("scout", stackText("scout"), { load: loadProgramInVitest });
    const cost = scout.cost!;
    expect([cost.minHourlyUsd, cost.hourlyUsd, cost.maxHourlyUsd]).toEqual([0.5482, 55.5882, 110.8298]);
    expect([cost.minMonthlyUsd, cost.monthlyUsd, cost.maxMonthlyUsd]).toEqual([400.19, 40579.39, 80905.75]);
    expect(scout.instances[0]).toEqual({ instanceType: "p5.48xlarge", gpusPerNode: 8, nodes: 1, maxNodes: 2 });
    const { output } = await runCost(["--stack", "scout", "--format", "markdown"], { directory: ROOT, load: loadProgramInVitest });
    expect(output).toContain(
      "| cost | min $0.55/h ($400.19/month) · expected $55.59/h ($40,579.39/month) · max $110.83/h ($80,905.75/month); the budget is checked at max |",
    );
    // Its capacity options (capacityFallbacks: spot, then H200), each priced: the H200 one at most is
    // 2 × p5en.48xlarge $63.296 + 3 × $0.2016 + $0.145 = $127.3418/h; spot has no snapshot row and is priced at its on-demand ceiling.
    expect(scout.capacityOptions.map((o) => [o.option, o.deployed, o.capacityType, o.maxHourlyUsd])).toEqual([
      [1, true, "on-demand", 110.8298],
      [2, false, "spot", 110.8298],
      [3, false, "on-demand", 127.3418],
    ]);
    expect(output).toContain("| 3 | on-demand | 1 × p5en.48xlarge, TP 8 × PP 1, bf16, 131,072 tokens | $63.84 | $127.34 | — |");
    // capacityOption 3 deploys the H200 fallback: the report describes that plan, not option 1's.
    const h200 = await evaluateStack(
      "scout",
      stackText("scout").replace("  llm-stack:benchmark:", "  llm-stack:capacityOption: 3\n  llm-stack:benchmark:"),
      {
        load: loadProgramInVitest,
      },
    );
    expect([h200.plan?.instanceType, h200.gpu?.name, h200.capacityOptions.find((o) => o.deployed)?.option]).toEqual([
      "p5en.48xlarge",
      "NVIDIA H200 SXM 141GB",
      3,
    ]);
  });

  it("prices a stack's resources in its own region in the budget policy too, as the engine's default AWS provider says", async () => {
    // us-east-2 sells p5en.48xlarge blocks at $45.77 per instance-hour (the only region the snapshot has them for).
    const east2 = await evaluateStack(
      "east2",
      [
        "config:",
        "  aws:region: us-east-2",
        "  llm-stack:model: llama-3.1-8b-instruct",
        "  llm-stack:gpu: h200",
        "  llm-stack:capacityType: capacity-block",
        "  llm-stack:capacityReservationId: cr-0123456789abcdef0",
        "  llm-stack:capacityReservationZoneId: use2-az1",
        '  llm-stack:capacityReservationStartDate: "2026-12-10T11:30:00Z"',
        '  llm-stack:capacityReservationEndDate: "2026-12-11T11:30:00Z"',
        "",
      ].join("\n"),
      { load: loadProgramInVitest },
    );
    expect(east2.status).toBe("ok");
    expect(east2.violations.filter((v) => v.policy === "llm-stack-cost-budget")).toEqual([]);
    // 45.77 × 1 instance × 24 h = $1,098.48 up front.
    expect(east2.capacityBlock).toMatchObject({ instances: 1, hours: 24, upfrontUsd: 1098.48 });
  });

  it("takes no token as set for a model that is not gated (Phi-3.5-mini, MIT), as `plan --stack` does not", async () => {
    const open = await evaluateStack("open", "config:\n  aws:region: us-east-1\n  llm-stack:model: phi-3.5-mini-instruct\n", {
      load: loadProgramInVitest,
    });
    expect(open.status).toBe("ok");
    expect(open.assumptions.filter((a) => a.includes("taken as set"))).toEqual([
      "llm-stack:clusterPublicAccessCidrs is taken as set (each operator lists the address pulumi runs from)",
      "llm-stack:dockerHubUsername is taken as set (each operator gives their own registry user)",
      "llm-stack:dockerHubAccessToken is taken as set (secrets are not read offline)",
    ]);
  });

  it("renders the dev stack as the golden Markdown", async () => {
    const { output } = await runCost(["--stack", "dev", "--format", "markdown"], { directory: ROOT, load: loadProgramInVitest });
    expect(output).toBe(golden("cost/dev.md", output));
    expect(output.startsWith(COMMENT_MARKER)).toBe(true);
  });

  it("renders a stack moving from Mixtral 8x7B to Llama 4 Scout as the golden PR comment", async () => {
    const prod = (model: string) =>
      `config:\n  aws:region: us-east-1\n  llm-stack:model: ${model}\n  llm-stack:maxModelLen: "32768"\n  llm-stack:maxHourlyUsd: "60"\n`;
    const before = await evaluateStack("prod", prod("mixtral-8x7b-instruct-v0.1"), { load: loadProgramInVitest });
    const after = await evaluateStack("prod", prod("llama-4-scout-17b-16e-instruct"), { load: loadProgramInVitest });
    const changes = diffStacks([before, dev], [after, dev]);
    // Mixtral 8x7B fits one H100 in fp8 ($7.43/h with the cluster); Scout needs 8 ($55.59/h).
    expect(changes.map((c) => [c.stack, c.kind, c.monthlyDeltaUsd, c.percent])).toEqual([
      ["dev", "unchanged", 0, 0],
      ["prod", "changed", 35156.8, 648.3],
    ]);
    const markdown = renderDiffMarkdown(changes, "main");
    expect(markdown).toBe(golden("cost/mixtral-to-scout.md", markdown));
  });

  it("says in one line when nothing changed", () => {
    expect(renderDiffMarkdown(diffStacks([dev], [dev]), "abc123")).toBe(
      `${COMMENT_MARKER}\n## llm-stack cost preview\n\nNo cost change: 1 stack(s) evaluated, identical to \`abc123\`.\n`,
    );
  });

  it("reports added and removed stacks with their cost", () => {
    const changes = diffStacks([dev], [{ ...dev, stack: "dev2" }]);
    expect(changes.map((c) => [c.stack, c.kind, c.monthlyDeltaUsd, c.percent])).toEqual([
      ["dev", "removed", -5422.59, -100],
      ["dev2", "added", 5422.59, null],
    ]);
  });

  it("reports a refused config as invalid, with the program's reasons", async () => {
    const report = await evaluateStack("broken", "config:\n  aws:region: us-east-1\n  llm-stack:model: llama-3.3-70b\n", {
      load: loadProgramInVitest,
    });
    expect(report.status).toBe("invalid");
    expect(report.errors[0]).toBe("invalid stack configuration; nothing was created (1 problem):");
  });

  it("checks with the team's policy pack config", async () => {
    const config = join(mkdtempSync(join(tmpdir(), "llm-stack-pack-")), "pack.json");
    writeFileSync(config, JSON.stringify({ "llm-stack-cost-budget": { maxHourlyUsd: 5 } }));
    const { output } = await runCost(["--stack", "dev", "--format", "json", "--policy-pack-config", config], {
      directory: ROOT,
      load: loadProgramInVitest,
    });
    const [report] = JSON.parse(output) as StackReport[];
    expect(report?.violations.map((v) => [v.policy, v.level])).toEqual([["llm-stack-cost-budget", "mandatory"]]);
  });

  it("shows planned vs measured when the stack's last vllm bench serve run is committed as measurements/<stack>.txt", async () => {
    const project = mkdtempSync(join(tmpdir(), "llm-stack-measured-"));
    for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml"]) cpSync(join(ROOT, file), join(project, file));
    cpSync(join(ROOT, "test", "fixtures", "vllm-bench-serve", "qwen3-8b-fp8-c1.txt"), join(project, "measurements", "dev.txt"));
    const { output } = await runCost(["--stack", "dev", "--format", "json"], { directory: project, load: loadProgramInVitest });
    const [report] = JSON.parse(output) as StackReport[];
    // The run's own figures (the fixture as published: 20,431 prompt tokens and 1,280 generated over 10 requests, one at a time).
    expect(report?.measured).toMatchObject({
      file: join("measurements", "dev.txt"),
      load: "1 concurrent requests",
      inputTokens: 2043,
      outputTokens: 128,
      outputTokensPerSecond: { measured: 111.15 },
      ttftMsMedian: { measured: 23.14 },
      itlMsMedian: { measured: 8.68 },
    });
    // Without the file, nothing is compared; a file that is not a bench output is refused, naming what it expected.
    const plan = planDeployment({ model: "llama-3.1-8b-instruct" });
    expect(plannedVsMeasured(ROOT, "dev", plan)).toBeNull();
    writeFileSync(join(project, "measurements", "dev.txt"), "not a benchmark\n");
    expect(() => plannedVsMeasured(project, "dev", plan)).toThrow('no "Serving Benchmark Result" block');
  });

  it("rejects bad flags all at once", async () => {
    const error = await runCost(
      ["--format", "pdf", "--stack", "nope", "--hosted-input-usd-per-million", "1", "--policy-pack-config", "/nonexistent.json"],
      { directory: ROOT },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).issues.map((i) => i.path)).toEqual([
      "--format",
      "--hosted-input-usd-per-million/--hosted-output-usd-per-million",
      "--policy-pack-config",
      "--stack",
    ]);
  });
});

describe("cost over good and bad stack files", () => {
  it("prices every good stack and gives each bad one its own row, exit 2, writing nothing", async () => {
    const project = mkdtempSync(join(tmpdir(), "llm-stack-mixed-"));
    cpSync(join(ROOT, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
    writeFileSync(join(project, "Pulumi.good.yaml"), stackText("dev"));
    symlinkSync(join(project, "gone.yaml"), join(project, "Pulumi.missing.yaml"));
    mkdirSync(join(project, "Pulumi.folder.yaml"));
    writeFileSync(join(project, "Pulumi.malformed.yaml"), "config:\n  llm-stack:model: [unclosed\n");
    const bomb = ["config:", '  a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `  a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    writeFileSync(join(project, "Pulumi.hostile.yaml"), `${bomb.join("\n")}\n`);
    const before = readdirSync(project).sort();

    const result = await runCost(["--format", "json"], { directory: project, load: loadProgramInVitest });
    const reports = JSON.parse(result.output) as StackReport[];
    expect(result.exitCode).toBe(2);
    expect(reports.map((r) => [r.stack, r.status])).toEqual([
      ["folder", "invalid"],
      ["good", "ok"],
      ["hostile", "invalid"],
      ["malformed", "invalid"],
      ["missing", "invalid"],
    ]);
    // The good stack is priced as the dev stack it copies: p5.4xlarge $6.88 + 2 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045 = $7.4282/h.
    expect(reports.find((r) => r.stack === "good")?.cost?.hourlyUsd).toBeCloseTo(7.4282, 4);
    const reason = (stack: string) => reports.find((r) => r.stack === stack)?.errors.join(" ");
    expect(reason("folder")).toContain("It is a directory, not a file.");
    expect(reason("missing")).toContain("It is a symbolic link to a file that does not exist.");
    expect(reason("malformed")).toContain("expected valid YAML");
    expect(reason("hostile")).toContain("aliases expand to a bounded size");
    expect(readdirSync(project).sort()).toEqual(before);
  });
});

describe("--from-preview", () => {
  it("applies the pack config's budget to the preview: exit 5 on a mandatory violation, 0 with --report-only", async () => {
    const directory = mkdtempSync(join(tmpdir(), "llm-stack-preview-"));
    writeFileSync(join(directory, "pack.json"), JSON.stringify({ "llm-stack-cost-budget": { maxHourlyUsd: 5 } }));
    const preview = join(ROOT, "test/fixtures/preview/create-dev.json");
    const over = await runCost(["--from-preview", preview, "--policy-pack-config", join(directory, "pack.json"), "--format", "json"], {
      directory,
    });
    // The preview's dev stack: $7.63/h at maximum node-group size (p5.4xlarge $6.88 + 3 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045), over $5.
    expect(over.exitCode).toBe(5);
    const { policies } = JSON.parse(over.output) as {
      policies: { applied: string[]; violations: Array<{ policy: string; level: string }> };
    };
    expect(policies.applied).toEqual(["llm-stack-cost-budget"]);
    expect(policies.violations.map((v) => [v.policy, v.level])).toEqual([["llm-stack-cost-budget", "mandatory"]]);
    const reported = await runCost(["--from-preview", preview, "--policy-pack-config", join(directory, "pack.json"), "--report-only"], {
      directory,
    });
    expect(reported.exitCode).toBe(0);
    const within = join(directory, "roomy.json");
    writeFileSync(within, JSON.stringify({ "llm-stack-cost-budget": { maxHourlyUsd: 8 } }));
    expect((await runCost(["--from-preview", preview, "--policy-pack-config", within], { directory })).exitCode).toBe(0);
  });

  it("reads a preview saved as UTF-16 with a BOM (Windows PowerShell's `>`) or UTF-8 with one", async () => {
    const directory = mkdtempSync(join(tmpdir(), "llm-stack-preview-"));
    const text = readFileSync(join(ROOT, "test/fixtures/preview/create-dev.json"), "utf8");
    writeFileSync(join(directory, "utf16.json"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    writeFileSync(join(directory, "bom.json"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    for (const file of ["utf16.json", "bom.json"]) {
      const result = await runCost(["--from-preview", file, "--format", "json"], { directory });
      expect([result.exitCode, (JSON.parse(result.output) as { after: { monthlyUsd: number } }).after.monthlyUsd]).toEqual([0, 5422.59]);
    }
  });

  it("prices a first create of the dev stack, unknown outputs and [secret] included", () => {
    const preview = pricePreview(fixture("create-dev.json"), "us-west-2");
    expect([preview.region, preview.before.hourlyUsd, preview.after.hourlyUsd, preview.monthlyDeltaUsd]).toEqual([
      "us-east-1",
      0,
      7.4282,
      5422.59,
    ]);
    expect(preview.changes.map((c) => `${c.op} ${c.urn.split("::").pop()}`)).toEqual([
      "create llm-network-nat",
      "create llm-cluster-cluster",
      "create llm-system-ng",
      "create llm-gpu-ng",
    ]);
    expect(preview.unknowns).toEqual([]);
  });

  it("prices a model switch that replaces the GPU node group", () => {
    const preview = pricePreview(fixture("switch-8b-to-70b.json"), "us-east-1");
    expect([preview.before.monthlyUsd, preview.after.monthlyUsd, preview.monthlyDeltaUsd]).toEqual([5422.59, 40579.39, 35156.8]);
    expect(preview.changes.map((c) => c.op)).toEqual(["replace"]);
    expect(preview.stepCounts).toEqual({ same: 5, update: 2, "delete-replaced": 1, replace: 1, "create-replacement": 1 });
  });

  it("reports a Fleet and an unknown AWS type a preview creates as unpriced, never $0", () => {
    const preview = fixture("create-dev.json") as { steps: Array<Record<string, unknown>> };
    const step = (type: string, name: string) => {
      const urn = `urn:pulumi:dev::llm-stack::${type}::${name}`;
      return { op: "create", urn, newState: { urn, custom: true, type, inputs: {}, outputs: {} } };
    };
    preview.steps.push(step("aws:ec2/fleet:Fleet", "burst-fleet"), step("aws:gamelift/fleet:Fleet", "game-fleet"));
    const whats = pricePreview(preview, "us-east-1").after.unpriced.map((u) => u.what);
    expect(whats).toEqual([
      "burst-fleet: aws:ec2/fleet:Fleet buys compute the price table does not cover",
      "game-fleet: cannot be priced: aws:gamelift/fleet:Fleet is a type the price table does not know",
    ]);
  });

  it("lists a node group whose instance type is unknown until apply instead of pricing it at zero", () => {
    const preview = pricePreview(fixture("unknown-node-group.json"), "us-east-1");
    expect([preview.region, preview.after.hourlyUsd, preview.unknowns]).toEqual([
      "us-west-2",
      0.1,
      ["team-gpu-ng: instance type or size unknown until apply"],
    ]);
  });
});

describe("the CLI against a git history", () => {
  it("diffs the working tree against a base ref read through git, through the real command line", () => {
    const repo = mkdtempSync(join(tmpdir(), "llm-stack-cost-"));
    cpSync(join(ROOT, "Pulumi.yaml"), join(repo, "Pulumi.yaml"));
    writeFileSync(join(repo, "Pulumi.prod.yaml"), stackText("dev"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: repo, stdio: "pipe" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "base");
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin", "llm-stack.js"), "cost", ...args], { cwd: repo, encoding: "utf8" });

    const unchanged = cli(["--base", "HEAD"]);
    expect([unchanged.status, unchanged.stdout]).toEqual([0, "No cost change: 1 stack(s) evaluated, identical to HEAD.\n"]);

    writeFileSync(join(repo, "Pulumi.prod.yaml"), stackText("dev").replace("llama-3.1-8b-instruct", "mixtral-8x7b-instruct-v0.1"));
    git("commit", "-qam", "switch");
    const changed = cli(["--base", "HEAD~1", "--format", "json"]);
    expect(changed.status).toBe(0);
    const { changes } = JSON.parse(changed.stdout) as {
      changes: Array<{ stack: string; kind: string; before: StackReport; after: StackReport }>;
    };
    expect(changes.map((c) => [c.stack, c.kind, c.before.model, c.after.model])).toEqual([
      ["prod", "changed", "llama-3.1-8b-instruct", "mixtral-8x7b-instruct-v0.1"],
    ]);

    // An invalid stack the change left alone still fails the run, and is named with why.
    writeFileSync(join(repo, "Pulumi.broken.yaml"), "config:\n  aws:region: us-east-1\n  llm-stack:model: gpt-5\n");
    git("add", ".");
    git("commit", "-qm", "broken");
    const invalid = cli(["--base", "HEAD"]);
    expect(invalid.status).toBe(2);
    expect(invalid.stdout).toContain("invalid stacks:\nbroken: refused, nothing would be created\n");

    const missing = cli(["--base", "no-such-ref"]);
    // An input error (exit 2), never an unexpected one.
    expect([missing.status, missing.stderr]).toEqual([
      2,
      `llm-stack: invalid cost request (1 problem):\n  - --base: got "no-such-ref"; expected a git ref of this repository. git ref "no-such-ref" is not a commit in ${repo}; fetch it (actions/checkout with fetch-depth: 0) or pass another --base\n`,
    ]);
  }, 120_000);
});
