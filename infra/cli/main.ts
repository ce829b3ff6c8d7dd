/**
 * `llm-stack`: the command-line tool. Exit codes: 0 ok, 1 unexpected failure, 2 invalid input,
 * 3 infeasible plan, 4 no AWS credentials or AWS unreachable (preflight).
 */
import { parseArgs } from "node:util";
import { InfeasiblePlanError, PlanInputError, QUANTIZATION_CHOICES, KV_CACHE_DTYPES, MULTI_NODE_POLICIES, planDeployment, type InputIssue, type PlanRequest } from "../plan";
import { PROJECT_NAME, coerceList, coerceNumber, planRequestFromStackConfig } from "../settings";
import { GPU_IDS, MODELS, REGIONS } from "../catalog";
import { renderDefaultPlansMarkdown, renderModelsList } from "./models-table";
import { COST_HELP, emit, runCost } from "./cost-command";
import { PREFLIGHT_HELP, runPreflight } from "./preflight-command";
import { renderPlan } from "./render-plan";
import { readStackFile } from "./stack-file";

const EXIT_INVALID_INPUT = 2;

const PLAN_FLAGS = {
  model: { request: "model", kind: "string" },
  quantization: { request: "quantization", kind: "string" },
  gpu: { request: "gpu", kind: "string" },
  "max-model-len": { request: "maxModelLen", kind: "number" },
  concurrency: { request: "concurrency", kind: "number" },
  replicas: { request: "replicas", kind: "number" },
  region: { request: "region", kind: "string" },
  "tensor-parallel-size": { request: "tensorParallelSize", kind: "number" },
  "gpu-memory-utilization": { request: "gpuMemoryUtilization", kind: "number" },
  "kv-cache-dtype": { request: "kvCacheDtype", kind: "string" },
  "multi-node": { request: "multiNode", kind: "string" },
  "allowed-instance-types": { request: "allowedInstanceTypes", kind: "list" },
} as const;
type PlanFlag = keyof typeof PLAN_FLAGS;

const HELP: Record<string, string> = {
  main: `llm-stack — size, price and explain vLLM deployments on AWS GPUs

Usage: llm-stack <command> [flags]

Commands:
  plan          plan one deployment (cheapest shape that fits) and explain it
  cost          price stacks offline, diff them against a git ref, or price a pulumi preview
  preflight     check with your AWS credentials what AWS would refuse (AZ offerings, vCPU quota, Capacity Block, EKS version)
  models        list the model catalog
  readme-table  print the Markdown table of every model's default plan on H100

Run "llm-stack <command> --help" for a command's flags.
Exit codes: 0 ok, 2 invalid input, 3 infeasible plan, 4 no AWS credentials or AWS unreachable (preflight), 1 unexpected error.
`,
  plan: `llm-stack plan — the cheapest deployment that fits, with the reasons

Usage: llm-stack plan --model <id> [flags]
       llm-stack plan --stack <name> [flags]     (flags override the stack's values)

Flags:
  --model <id>                    catalog model id (see "llm-stack models")
  --quantization <q>              ${QUANTIZATION_CHOICES.join(" | ")} (default auto: cheaper of bf16 and fp8, bf16 on a tie)
  --gpu <gpu>                     ${GPU_IDS.join(" | ")} (default h100)
  --max-model-len <tokens>        context length (default: the model's maximum, at most 32768)
  --concurrency <n>               full-context sequences the KV cache must hold (default 1)
  --replicas <n>                  vLLM replicas (default 1)
  --region <region>               ${REGIONS.join(" | ")} (default us-east-1)
  --allowed-instance-types <a,b>  restrict the instance types considered
  --tensor-parallel-size <n>      override the derived TP (validated against vLLM's rules)
  --gpu-memory-utilization <f>    override vLLM's memory fraction (default 0.90; 0.50–0.95)
  --kv-cache-dtype <d>            ${KV_CACHE_DTYPES.join(" | ")} (default auto)
  --multi-node <policy>           ${MULTI_NODE_POLICIES.join(" | ")} (default when-needed: span nodes only when no single node holds a replica)
  --stack <name>                  read the values from Pulumi.<name>.yaml
  --json                          print exactly the plan object as JSON
  --help                          this text
`,
  models: `llm-stack models — list the catalog (id, parameters, context, variants)

Usage: llm-stack models [--json]
`,
  cost: COST_HELP,
  preflight: PREFLIGHT_HELP,
  "readme-table": `llm-stack readme-table — Markdown table of every catalog model's default plan on H100

Usage: llm-stack readme-table
`,
};

/** Flag text is read exactly like stack-config text, so `--replicas 2` and `replicas: "2"` mean the same. */
function toValue(kind: "string" | "number" | "list", raw: string): unknown {
  if (kind === "number") return coerceNumber(raw);
  if (kind === "list") return coerceList(raw);
  return raw;
}

function runPlan(argv: string[]): number {
  const options = Object.fromEntries(Object.keys(PLAN_FLAGS).map((flag) => [flag, { type: "string" as const }]));
  const { values } = parseArgs({
    args: argv,
    options: { ...options, stack: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP.plan ?? "");
    return 0;
  }
  const stack = typeof values.stack === "string" ? readStackFile(values.stack) : undefined;
  const request: Record<string, unknown> = stack ? { ...planRequestFromStackConfig(stack.values, stack.region) } : {};
  const fromFlag = new Map<string, string>();
  for (const [flag, spec] of Object.entries(PLAN_FLAGS) as Array<[PlanFlag, (typeof PLAN_FLAGS)[PlanFlag]]>) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== "string") continue;
    request[spec.request] = toValue(spec.kind, raw);
    fromFlag.set(spec.request, `--${flag}`);
  }
  if (request.model === undefined) {
    throw new PlanInputError([{ path: "--model", value: undefined, expected: "a catalog model id", hint: "Pass --model <id> or --stack <name>; run `llm-stack models` for the ids." }]);
  }
  try {
    const plan = planDeployment(request as PlanRequest);
    process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
    return 0;
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    const where = (issue: InputIssue): InputIssue => {
      const flag = fromFlag.get(issue.path.split(".")[0] ?? "");
      if (flag) return { ...issue, path: flag };
      if (stack) return { ...issue, path: issue.path === "region" ? `aws:region (Pulumi.${stack.stack}.yaml)` : `${PROJECT_NAME}:${issue.path} (Pulumi.${stack.stack}.yaml)` };
      return issue;
    };
    throw new PlanInputError(error.issues.map(where));
  }
}

function runSimple(command: "models" | "readme-table", argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, help: { type: "boolean" } }, strict: true });
  if (values.help) process.stdout.write(HELP[command] ?? "");
  else if (command === "readme-table") process.stdout.write(renderDefaultPlansMarkdown());
  else if (values.json) process.stdout.write(`${JSON.stringify(MODELS, null, 2)}\n`);
  else process.stdout.write(renderModelsList());
  return 0;
}

/** Runs the CLI and returns its exit code; writes errors to stderr. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(HELP.main ?? "");
      return command === undefined ? EXIT_INVALID_INPUT : 0;
    }
    if (command === "plan") return runPlan(rest);
    if (command === "preflight") return runPreflight(rest);
    if (command === "models" || command === "readme-table") return runSimple(command, rest);
    if (command === "cost") {
      emit(await runCost(rest));
      return 0;
    }
    process.stderr.write(`llm-stack: unknown command "${command}"; expected one of plan, cost, preflight, models, readme-table.\n\n${HELP.main}`);
    return EXIT_INVALID_INPUT;
  } catch (error) {
    if (error instanceof PlanInputError || error instanceof InfeasiblePlanError) {
      process.stderr.write(`llm-stack: ${error.message}\n`);
      return error.exitCode;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`llm-stack: ${(error as Error).message}. Run "llm-stack ${command} --help" for the flags.\n`);
      return EXIT_INVALID_INPUT;
    }
    process.stderr.write(`llm-stack: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
