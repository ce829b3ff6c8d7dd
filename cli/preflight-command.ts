/**
 * `llm-stack preflight --stack <name>`: before the first `pulumi up`, asks AWS (the caller's
 * credentials, the stack's aws:region) what it would refuse after twenty billed minutes.
 * argv, help and exit codes only: the checks live in cli/preflight/.
 */
import { PlanInputError } from "../infra/plan";
import {
  OPERATOR_FIXES,
  readStackFile,
  resolveStackFile,
  type OperatorKey,
  type StackFileConfig,
  type StackSettings,
} from "../infra/settings";
import {
  AwsUnreachableError,
  createAwsClients,
  DEFAULT_AWS_TIMEOUTS,
  gatherFacts,
  type AwsClients,
  type AwsTimeouts,
} from "./preflight/aws-facts";
import { CHECK_NAMES, exitCodeFor, factsRequestFor, runChecks, type CheckResult } from "./preflight/checks";
import { capacityChecks, capacityFactsRequestFor, checkCapacityOptions } from "./preflight/capacity-options";
import { renderPreflight } from "./preflight/render";
import { PREFLIGHT_HELP } from "./help";
import { parseCommandLine, preflightCommand, type PreflightFlags } from "./command-line";

export const EXIT_PREFLIGHT_FAILED = 2;
export const EXIT_AWS_UNREACHABLE = 4;

export interface PreflightOptions {
  /** Today (default: the clock), for support windows and Capacity Block start dates. */
  now?: Date;
  /** AWS clients to use (tests pass mocked ones); missing ones are built for the stack's region from the default credential chain. */
  clients?: Partial<AwsClients>;
  /** Where Pulumi.<name>.yaml lives (default: the working directory). */
  directory?: string;
  /** Timeouts and deadlines (default DEFAULT_AWS_TIMEOUTS). */
  timeouts?: Partial<AwsTimeouts>;
}

/** The operator values the stack file lacks, as one failing check line naming each command. */
function operatorResult(file: StackFileConfig, missing: readonly OperatorKey[]): CheckResult {
  if (missing.length === 0) {
    return {
      name: CHECK_NAMES.operatorValues,
      status: "pass",
      detail: "the stack sets what each operator adds before `pulumi up` (Hugging Face token, endpoint allowlist)",
    };
  }
  const them = missing.length === 1 ? "it" : "them";
  return {
    name: CHECK_NAMES.operatorValues,
    status: "fail",
    detail: `Pulumi.${file.stack}.yaml does not set ${missing.join(", ")}; \`pulumi up\` would stop on ${them} (the checks below take ${them} as set)`,
    fix: missing.map((key) => OPERATOR_FIXES[key]).join("\n"),
  };
}

/** Runs `llm-stack preflight` and returns its exit code; prints results to stdout, problems to stderr. */
export async function runPreflight(argv: readonly string[] | PreflightFlags, options: PreflightOptions = {}): Promise<number> {
  let values: PreflightFlags;
  if (Array.isArray(argv)) {
    try {
      const parsed = parseCommandLine<PreflightFlags>(preflightCommand, "preflight", argv);
      if ("help" in parsed) {
        process.stdout.write(parsed.help);
        return 0;
      }
      values = parsed.flags;
    } catch (error) {
      if (!(error instanceof PlanInputError)) throw error;
      process.stderr.write(`llm-stack: ${error.message}\n\n${PREFLIGHT_HELP}`);
      return EXIT_PREFLIGHT_FAILED;
    }
  } else values = argv as PreflightFlags;
  if (values.stack === undefined) {
    process.stderr.write(`llm-stack: preflight needs --stack <name> (a Pulumi.<name>.yaml next to Pulumi.yaml).\n\n${PREFLIGHT_HELP}`);
    return EXIT_PREFLIGHT_FAILED;
  }
  const stack = values.stack;

  let file: StackFileConfig;
  try {
    file = readStackFile(stack, options.directory ?? process.cwd());
  } catch (error) {
    process.stderr.write(`llm-stack: ${(error as Error).message}\n`);
    return EXIT_PREFLIGHT_FAILED;
  }
  let settings: StackSettings;
  let operator: CheckResult;
  try {
    const resolved = resolveStackFile(file);
    settings = resolved.settings;
    operator = operatorResult(file, resolved.missing);
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    process.stderr.write(`llm-stack: ${error.message}\n`);
    return EXIT_PREFLIGHT_FAILED;
  }

  const timeouts = { ...DEFAULT_AWS_TIMEOUTS, ...options.timeouts };
  const given = options.clients ?? {};
  const missing = !given.sts || !given.ec2 || !given.quotas || !given.eks;
  const clients: AwsClients = { ...(missing ? createAwsClients(settings.region, timeouts) : {}), ...given } as AwsClients;
  try {
    const now = options.now ?? new Date();
    const facts = await gatherFacts(factsRequestFor(settings), clients, timeouts);
    const [credentials, ...rest] = runChecks({ settings, now }, facts);
    const results = [credentials!, operator, ...rest];
    if (settings.capacityOptions.length > 1) {
      // Every option's nodes asked about in turn (read-only calls); the deployed one's checks are those above.
      const options = [];
      for (const option of settings.capacityOptions) {
        const optionFacts = option.deployed ? facts : await gatherFacts(capacityFactsRequestFor(option.settings), clients, timeouts);
        options.push({ ...option, checks: capacityChecks({ settings: option.settings, now }, optionFacts) });
      }
      results.push(checkCapacityOptions(options));
    }
    process.stdout.write(renderPreflight(stack, settings, results));
    return exitCodeFor(results);
  } catch (error) {
    if (!(error instanceof AwsUnreachableError)) throw error;
    process.stderr.write(`llm-stack: ${error.message}\n`);
    return EXIT_AWS_UNREACHABLE;
  }
}
