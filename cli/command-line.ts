/**
 * The flags of `cost` and `preflight`, declared once on commander — the parser every `llm-stack`
 * command uses — so an unknown flag, a flag without its value or a stray argument is refused the
 * same way everywhere: exit 2, the problem named, the command's usage printed. `main.ts` mounts
 * these on its program; `runCost`/`runPreflight` called with an argv (tests, scripts) parse it with
 * the same declaration. Light: loading it loads neither the program nor the AWS SDK.
 */
import { Command, CommanderError } from "commander";
import { PlanInputError } from "../infra/plan/errors";
import { COST_HELP, PREFLIGHT_HELP } from "./help";

const repeat = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Throws an input error naming each flag given more than once with every value it got. */
export function refuseRepeatedFlags(command: Command, argv: readonly string[], name: string): void {
  const repeated = repeatedFlags(command, argv);
  if (repeated.length === 0) return;
  throw new PlanInputError(
    repeated.map((flag) => ({
      path: flag,
      value: argv.filter((word, i) => word.startsWith(`${flag}=`) || argv[i - 1] === flag).map((word) => word.replace(`${flag}=`, "")),
      expected: "one value (the flag is given more than once)",
      hint: `Give ${flag} once; which of the values is meant cannot be guessed.`,
    })),
    `invalid ${name} request`,
  );
}

/**
 * The flags given more than once that take one value: commander keeps the last silently, so
 * `--replicas 1 --replicas 2` would plan 2 without a word. Repeatable flags (cost's --stack) are fine.
 */
export function repeatedFlags(command: Command, argv: readonly string[]): string[] {
  return command.options
    .filter((option) => option.long !== undefined && option.parseArg !== repeat)
    .map((option) => option.long!)
    .filter((long) => argv.filter((word) => word === long || word.startsWith(`${long}=`)).length > 1);
}

export interface CostFlags {
  stack?: string[];
  all?: boolean;
  base?: string;
  fromPreview?: string;
  format?: string;
  out?: string;
  region?: string;
  policyPackConfig?: string;
  hostedInputUsdPerMillion?: string;
  hostedOutputUsdPerMillion?: string;
  reportOnly?: boolean;
}

export interface PreflightFlags {
  stack?: string;
}

/** A command that refuses what it does not declare and prints its own usage after an error. */
function strict(command: Command, help: string): Command {
  command.helpInformation = () => help;
  return command
    .helpOption("-h, --help", "this text")
    .allowUnknownOption(false)
    .allowExcessArguments(false)
    .showHelpAfterError(true)
    .exitOverride();
}

export function costCommand(command: Command): Command {
  return strict(command, COST_HELP)
    .option("--stack <name>", "a stack (Pulumi.<name>.yaml); repeatable", repeat)
    .option("--all", "every Pulumi.*.yaml in the working tree")
    .option("--base <git-ref>", "diff every stack against a git ref")
    .option("--from-preview <file>", "price a `pulumi preview --json --show-sames`")
    .option("--format <format>", "table | markdown | json")
    .option("--out <file>", "write the output to a file")
    .option("--region <region>", "prices for --from-preview when its config names none")
    .option("--policy-pack-config <file>", "the policy pack config to check with")
    .option("--hosted-input-usd-per-million <n>", "hosted API input price to compare with")
    .option("--hosted-output-usd-per-million <n>", "hosted API output price")
    .option("--report-only", "exit 0 whenever the report was written");
}

export function preflightCommand(command: Command): Command {
  return strict(command, PREFLIGHT_HELP).option("--stack <name>", "the stack to check");
}

/**
 * Parses `argv` with a command's declaration. A refused argument becomes an input error (exit 2)
 * naming it, with commander's own words and where the flags are listed; `--help` returns the usage.
 */
export function parseCommandLine<T>(
  define: (command: Command) => Command,
  name: string,
  argv: readonly string[],
): { flags: T } | { help: string } {
  const command = define(new Command(name));
  let usage = "";
  command.configureOutput({ writeErr: () => undefined, writeOut: (text) => (usage += text) });
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "commander.helpDisplayed" || error.code === "commander.help") return { help: usage };
    // Commander names what it refused in quotes: "unknown option '--regoin'", "option '--stack <name>' argument missing".
    const quoted = /'([^']+)'/.exec(error.message)?.[1]?.split(" ")[0];
    const refused = quoted?.startsWith("-") ? quoted : "(arguments)";
    throw new PlanInputError(
      [
        {
          path: refused,
          value: refused === "(arguments)" ? argv.join(" ") : refused,
          expected: `a flag of llm-stack ${name}`,
          hint: `${error.message.replace(/^error: /, "")}. Run \`llm-stack ${name} --help\` for the flags.`,
        },
      ],
      `invalid ${name} request`,
    );
  }
  refuseRepeatedFlags(command, argv, name);
  return { flags: command.opts<T & object>() };
}
