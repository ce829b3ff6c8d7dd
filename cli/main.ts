/**
 * `llm-stack`: the command-line tool — argv, help and exit codes only (commander parses; the work
 * is in plan/, settings/, cost/, preflight/ and render/). Exit codes: 0 ok, 2 invalid input,
 * 3 infeasible plan, 4 no AWS credentials or AWS unreachable (preflight), 5 a stack breaks a
 * mandatory policy (cost), 1 an unexpected failure.
 */
import { Command, CommanderError, Option } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  InfeasiblePlanError,
  PlanInputError,
  resolvePlanRequest,
  type DeploymentPlan,
  type InputIssue,
  type PlanRequest,
} from "../infra/plan";
import {
  economicsAt,
  hostedComparison,
  performanceFor,
  planForWorkload,
  withinReplicas,
  type Performance,
  type WorkloadEconomics,
} from "../infra/plan/performance";
import { resolveWorkload, type Workload, type WorkloadKey } from "../infra/plan/workload";
import { collectInputIssues, flagOf, workloadFromFlags, workloadOptions } from "./workload-flags";
import {
  PROJECT_NAME,
  SETTINGS,
  SIZING_KEYS,
  coerceSizingValue,
  readStackFile,
  resolveStackFile,
  type SizingKey,
  type StackSettings,
} from "../infra/settings";
import { coerceSettingValue, withoutUnsetMarkers } from "../infra/settings/keys";
import { REGIONS } from "../infra/catalog";
import { renderDefaultPlansMarkdown, renderModelsList } from "./render/models-table";
import { renderGpus } from "./render/gpus-table";
import { renderPlan, renderStackSettings } from "./render/render-plan";
import { modelSetJson, renderModelSet } from "./render/render-model-set";
import { blockTermsOf, capacityOptionRows } from "./render/capacity-options";
import { modelSetRows } from "./cost/set-rows";
import { describeHosted, describePerformance } from "./render/performance-text";
import { MODELS } from "../infra/catalog";
import { PROJECT_ROOT } from "../infra/project-root";
import { costCommand, preflightCommand, refuseRepeatedFlags, type CostFlags, type PreflightFlags } from "./command-line";

const EXIT_INVALID_INPUT = 2;

export { flagOf } from "./workload-flags";

interface PlanOptions extends Partial<Record<SizingKey | WorkloadKey, string>> {
  stack?: string;
  region?: string;
  json?: boolean;
}

/** Where stack files are read from (the working directory; tests pass a temporary one). */
export interface CliContext {
  directory: string;
}

const asFlag = (issue: InputIssue): InputIssue =>
  issue.path.startsWith("--") ? issue : { ...issue, path: `--${flagOf(issue.path.split(".")[0] ?? issue.path)}` };

/** The plan object `plan --json` prints: the plan, and its performance at the workload with the economics and hosted comparison that follow. */
function planJson(plan: DeploymentPlan, performance: Performance, economics: WorkloadEconomics, chosenBy: string) {
  return { ...plan, performance: { ...performance, economics, hosted: hostedComparison(plan, performance, economics), chosenBy } };
}

/** What `plan --stack --json` adds about buying the GPUs: every capacity option (more than one with capacityFallbacks) and a Capacity Block's terms. */
function capacityJson(settings: StackSettings) {
  return { capacityOptions: capacityOptionRows(settings), capacityBlock: blockTermsOf(settings) };
}

function runPlan(options: PlanOptions, context: CliContext): number {
  const coerced: Record<string, unknown> = {};
  // Flag text is read exactly like stack-config text, so `--replicas 2` and `replicas: "2"` mean the same.
  for (const key of SIZING_KEYS) if (options[key] !== undefined) coerced[key] = coerceSizingValue(key, options[key]);
  const workloadInput = workloadFromFlags(options);
  // With a stack, `--max-model-len auto` overrides the file's value; the stack's resolution reads the marker.
  if (options.stack !== undefined) return runPlanForStack(options.stack, coerced, workloadInput, options, context);
  // Alone, a documented "unset" value (`--max-model-len auto`) means what the key's default does.
  const fromFlags = withoutUnsetMarkers(coerced);
  if (fromFlags.model === undefined) {
    throw new PlanInputError([
      {
        path: "--model",
        value: undefined,
        expected: "a catalog model id",
        hint: "Pass --model <id> or --stack <name>; run `llm-stack models` for the ids.",
      },
    ]);
  }
  const request = { ...fromFlags, ...(options.region !== undefined ? { region: options.region } : {}) } as PlanRequest;
  try {
    const [workload] = collectInputIssues<[Workload, unknown]>(
      () => resolveWorkload(workloadInput),
      () => resolvePlanRequest(request),
    );
    const { plan, performance, economics, chosenBy } = planForWorkload(request, workload);
    // Asked to size for a workload and nothing carries it: infeasible (exit 3), with what the nearest plan misses.
    if (!performance.sloMet)
      throw new InfeasiblePlanError(
        `no deployment of ${plan.model} carries this workload within the SLOs and the allowed hardware: the cheapest attempt (${plan.replicas} × ${plan.instanceType}, TP ${plan.tensorParallelSize}) misses — ${performance.sloMisses.join("; ")}`,
        [],
      );
    process.stdout.write(
      options.json
        ? `${JSON.stringify(planJson(plan, performance, economics, chosenBy), null, 2)}\n`
        : `${renderPlan(plan)}${renderPerformance(plan, performance, economics, chosenBy)}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    throw new PlanInputError(error.issues.map(asFlag));
  }
}

function renderPerformance(plan: DeploymentPlan, performance: Performance, economics: WorkloadEconomics, chosenBy: string): string {
  const heading =
    chosenBy === "workload"
      ? "performance at your workload (the cheapest deployment that carries it within the SLOs)"
      : chosenBy === "stack"
        ? "performance of the stack's deployment at its workload (the `workload` key; flags override its keys)"
        : chosenBy === "stack-default"
          ? "performance of the stack's deployment at the default workload (the stack declares no `workload` key)"
          : "performance at the workload (the planner's workload-blind choice; give a load to size for it)";
  const lines = [...describePerformance(performance, economics), describeHosted(hostedComparison(plan, performance, economics), economics)];
  return [heading, ...lines.map((line) => `  - ${line}`), ""].join("\n");
}

/**
 * `plan --stack`: the stack validated exactly as `pulumi up` would (every key, deployment keys
 * included), the flags overriding its values; the values each operator adds (token, allowlist)
 * are taken as set and named.
 */
function runPlanForStack(
  stack: string,
  fromFlags: Record<string, unknown>,
  workloadInput: Record<string, unknown>,
  options: PlanOptions,
  context: CliContext,
): number {
  const file = readStackFile(stack, context.directory);
  const values = { ...file.values, ...fromFlags };
  const region = options.region ?? file.region;
  const [, { settings, missing }] = collectInputIssues(
    () => resolveWorkload(workloadInput),
    () => resolveStackFile({ ...file, values, region }),
  );
  // The stack's declared workload, each flag overriding its key.
  const declared = coerceSettingValue("workload", values.workload);
  const flagged = Object.keys(workloadInput).length > 0;
  const workload = flagged
    ? resolveWorkload({ ...(declared !== null && typeof declared === "object" ? declared : {}), ...workloadInput })
    : (settings.workload ?? resolveWorkload({}));
  if (settings.modelSet) {
    // Each model at its own workload (its entry's, else the stack's); workload flags apply to every model.
    const rows = modelSetRows(settings.modelSet, flagged ? workload : null);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ ...modelSetJson(settings.modelSet, rows), cost: settings.cost, ...capacityJson(settings) }, null, 2)}
`
        : `${renderModelSet(settings.modelSet, rows)}${renderStackSettings(stack, settings, missing, file)}`,
    );
    return 0;
  }
  // The stack's plan is what `pulumi up` deploys: the workload is measured against it, not re-planned.
  const performance = withinReplicas(performanceFor(settings.plan, workload), settings.autoscaling?.maxReplicas ?? settings.plan.replicas);
  const economics = economicsAt(settings.plan, performance);
  const chosenBy = settings.workload === null && Object.keys(workloadInput).length === 0 ? "stack-default" : "stack";
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ ...planJson(settings.plan, performance, economics, chosenBy), stackCost: settings.cost, ...capacityJson(settings) }, null, 2)}\n`
      : `${renderPlan(settings.plan)}${renderPerformance(settings.plan, performance, economics, chosenBy)}${renderStackSettings(stack, settings, missing, file)}`,
  );
  return 0;
}

function sizingOptions(): Option[] {
  return SIZING_KEYS.map((key) => new Option(`--${flagOf(key)} <value>`, SETTINGS[key].description).argParser((raw: string) => raw));
}

function program(): Command {
  const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
  const cli = new Command("llm-stack")
    .description("size, price and explain vLLM deployments on AWS GPUs")
    .version(version, "-V, --version", "print the version")
    .helpOption("-h, --help", "this text")
    .addHelpText(
      "after",
      `\nExit codes: 0 ok, 2 invalid input, 3 infeasible plan, 4 no AWS credentials or AWS unreachable (preflight), 5 a mandatory policy violated (cost), 1 a failure of the tool itself.\n`,
    )
    .showSuggestionAfterError(true)
    .exitOverride();
  const plan = cli
    .command("plan")
    .description("plan one deployment (the cheapest shape that fits, or that carries a workload) and explain it");
  for (const option of sizingOptions()) plan.addOption(option);
  for (const option of workloadOptions()) plan.addOption(option);
  plan
    .addOption(new Option("--region <region>", `AWS region (${REGIONS.join(" | ")}; default us-east-1)`))
    .option(
      "--stack <name>",
      `validate and plan Pulumi.<name>.yaml as \`pulumi up\` would; flags override its values (keys: ${PROJECT_NAME}:<key>)`,
    )
    .option("--json", "print exactly the plan object as JSON")
    .addHelpText("after", "\nExit codes: 0 ok, 2 invalid input (every problem listed), 3 infeasible (with the nearest alternatives).\n");
  // cost and preflight: their flags and help are declared in command-line.ts (also used when they are called with an argv).
  costCommand(cli.command("cost").description("price stacks offline, diff them against a git ref, or price a pulumi preview"));
  preflightCommand(
    cli
      .command("preflight")
      .description("check with your AWS credentials what AWS would refuse (AZ offerings, vCPU quota, Capacity Block, EKS version)"),
  );
  const compare = cli
    .command("compare")
    .description("rank every model × quantization × GPU for one workload: cost, $/M tokens, latency, SLOs, hosted prices and break-even")
    .option("--models <ids>", "comma-separated catalog model ids (default: every model)")
    .option("--all", "every catalog model (the default; refused beside --models)")
    .option("--workload <file>", "a JSON file of workload keys (flags override it), e.g. workloads/chat.json")
    .addOption(new Option("--region <region>", `AWS region (${REGIONS.join(" | ")}; default us-east-1)`))
    .option("--json", "print the candidates as a JSON array");
  for (const option of workloadOptions()) compare.addOption(option);
  cli
    .command("measurement")
    .description("turn a `vllm bench serve` run's output into rows of the measurement dataset (infra/catalog/serving-measurements.ts)")
    .option("--from <file>", "the output `vllm bench serve` printed")
    .option("--model <id>", "the catalog model (or calibration architecture) the server ran")
    .option("--variant <id>", "its variant (default bf16)")
    .option("--gpu <family>", "h100 | h200 (default h100)")
    .option("--tensor-parallel-size <n>", "the server's TP (default 1)")
    .option("--pipeline-parallel-size <n>", "the server's PP")
    .option("--kv-cache-dtype <dtype>", "auto | fp8 (default auto)")
    .option("--engine-version <version>", "the vLLM release that served the run")
    .option("--source <ref>", "where the output is published: a URL or repo@commit:path")
    .option("--id <id>", "the rows' id prefix (default: model, variant, GPU, TP and lengths)");
  cli.command("models").description("list the model catalog").option("--json", "the catalog as JSON");
  cli.command("gpus").description("GPU types, instance types, regions and dated prices (rows whose price is assumed are flagged)");
  cli.command("readme-table").description("print the Markdown table of every model's default plan on H100");
  return cli;
}

/** Runs the CLI and returns its exit code; writes errors to stderr. */
export async function main(argv: string[], context: CliContext = { directory: process.cwd() }): Promise<number> {
  const cli = program();
  let result: number | Promise<number> = 0;
  for (const command of cli.commands) {
    command
      .exitOverride()
      .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith("error:") ? `llm-stack: ${text}` : text) });
    command.action((...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const options = self.opts();
      const name = self.name();
      refuseRepeatedFlags(self, argv, name);
      if (name === "plan") result = runPlan(options as PlanOptions, context);
      // Loaded only when run: cost brings the program, Pulumi's SDK and the pack; preflight the AWS SDK.
      else if (name === "cost")
        result = import("./cost-command").then(({ emit, runCost }) =>
          runCost(options as CostFlags, { directory: context.directory }).then((cost) => (emit(cost), cost.exitCode)),
        );
      else if (name === "preflight")
        result = import("./preflight-command").then(({ runPreflight }) =>
          runPreflight(options as PreflightFlags, { directory: context.directory }),
        );
      else if (name === "compare")
        result = import("./compare-command").then(({ runCompare }) => runCompare(options, { directory: context.directory }));
      else if (name === "measurement")
        result = import("./measure-command").then(({ runMeasurement }) => runMeasurement(options, { directory: context.directory }));
      else if (name === "models") process.stdout.write(options.json ? `${JSON.stringify(MODELS, null, 2)}\n` : renderModelsList());
      else if (name === "gpus") process.stdout.write(renderGpus());
      else if (name === "readme-table") process.stdout.write(renderDefaultPlansMarkdown());
    });
  }
  cli.configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith("error:") ? `llm-stack: ${text}` : text) });
  try {
    if (argv.length === 0) {
      process.stderr.write(cli.helpInformation());
      return EXIT_INVALID_INPUT;
    }
    await cli.parseAsync(argv, { from: "user" });
    return await result;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      // `help <command>` for a command that does not exist prints the usage as an error (commander: help({ error: true })).
      if (error.code === "commander.help") return error.exitCode === 0 ? 0 : EXIT_INVALID_INPUT;
      return EXIT_INVALID_INPUT;
    }
    if (error instanceof PlanInputError || error instanceof InfeasiblePlanError) {
      process.stderr.write(`llm-stack: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`llm-stack: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
