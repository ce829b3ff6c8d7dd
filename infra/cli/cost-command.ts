/**
 * `llm-stack cost`: price stacks offline (the real program under mocks, the policy pack, the one
 * price table), diff them against a git ref, or price a real `pulumi preview --json`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { REGIONS, regionSchema } from "../catalog";
import { DEFAULTS, PlanInputError, type EconomicsAssumptions, type InputIssue } from "../plan";
import { pricePreview } from "../cost/from-preview";
import { renderDiffMarkdown, renderPreviewMarkdown, renderReportsMarkdown } from "../cost/render-markdown";
import { renderDiffTable, renderPreviewTable, renderReportsTable } from "../cost/render-table";
import { diffStacks } from "../cost/stack-diff";
import { stacksAtRef, workingTreeStacks, type StackFile } from "../cost/stack-files";
import { type ProgramLoader } from "../cost/offline-run";
import { evaluateStack, type EvaluateOptions, type StackReport } from "../cost/stack-report";
import { type PackConfig } from "../../policies/lib/offline-runner";

export const COST_HELP = `llm-stack cost — what stacks cost, offline, with policy results and unit economics

Usage: llm-stack cost [--stack <name>]... [--all] [flags]       price stacks (default: every Pulumi.*.yaml)
       llm-stack cost --base <git-ref> [flags]                  diff every stack against a git ref
       llm-stack cost --from-preview <file> [flags]             price a \`pulumi preview --json --show-sames\`

Flags:
  --stack <name>                       a stack (Pulumi.<name>.yaml); repeatable
  --all                                every Pulumi.*.yaml in the working tree
  --base <git-ref>                     read the stack files at that ref through git (no checkout) and diff
  --from-preview <file>                price the JSON of a real preview (unknowns and [secret] handled)
  --format <table|markdown|json>       output format (default table)
  --out <file>                         write the output to a file instead of stdout
  --policy-pack-config <file>          the policy pack config to check with (default: each policy's defaults)
  --region <region>                    ${REGIONS.join(" | ")}: prices for --from-preview when its config names none
  --utilization <fraction>             share of the month replicas are busy, for $/M tokens (default 0.5)
  --input-tokens-per-output <n>        prompt tokens per generated token (default 2)
  --hosted-input-usd-per-million <n>   hosted API input price to compare with (default: the catalog's)
  --hosted-output-usd-per-million <n>  hosted API output price (with --hosted-input-usd-per-million)
  --help                               this text
`;

const FORMATS = ["table", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

function numberFlag(issues: InputIssue[], flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    issues.push({ path: `--${flag}`, value: raw, expected: `a number from ${min} to ${max}`, hint: "Pass a plain number, e.g. 0.5." });
    return undefined;
  }
  return value;
}

/** Where stack files are read from and how the program is loaded (tests load it through vitest). */
export interface CostContext {
  directory: string;
  load?: ProgramLoader;
}

async function evaluateAll(files: readonly StackFile[], options: EvaluateOptions): Promise<StackReport[]> {
  const reports: StackReport[] = [];
  // One at a time: the Pulumi runtime that the offline runs mock is process-global.
  for (const file of files) reports.push(await evaluateStack(file.stack, file.text, options));
  return reports;
}

function readPolicyConfig(issues: InputIssue[], path: string | undefined): PackConfig | undefined {
  if (path === undefined) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as PackConfig;
  } catch {
    // Reported below with the fix.
  }
  issues.push({ path: "--policy-pack-config", value: path, expected: "a readable JSON object keyed by policy name", hint: "Start from policies/config.example.json." });
  return undefined;
}

export async function runCost(argv: string[], context: CostContext = { directory: process.cwd() }): Promise<{ output: string; out: string | undefined }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", multiple: true },
      all: { type: "boolean" },
      base: { type: "string" },
      "from-preview": { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      region: { type: "string" },
      "policy-pack-config": { type: "string" },
      utilization: { type: "string" },
      "input-tokens-per-output": { type: "string" },
      "hosted-input-usd-per-million": { type: "string" },
      "hosted-output-usd-per-million": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return { output: COST_HELP, out: undefined };

  const issues: InputIssue[] = [];
  const format = (values.format ?? "table") as Format;
  if (!FORMATS.includes(format)) issues.push({ path: "--format", value: values.format, expected: `one of ${FORMATS.join(", ")}`, hint: "Use markdown for pull-request comments." });
  const region = regionSchema.safeParse(values.region ?? DEFAULTS.region);
  if (!region.success) issues.push({ path: "--region", value: values.region, expected: `one of ${REGIONS.join(", ")}`, hint: "Use a region the price table covers." });
  const modes = [values.base !== undefined, values["from-preview"] !== undefined, (values.stack?.length ?? 0) > 0 || values.all === true].filter(Boolean).length;
  if (modes > 1) issues.push({ path: "--stack/--all/--base/--from-preview", value: argv.join(" "), expected: "one mode at a time", hint: "Price stacks, diff against a ref, or price a preview — not several at once." });

  const utilization = numberFlag(issues, "utilization", values.utilization, 0.01, 1);
  const inputRatio = numberFlag(issues, "input-tokens-per-output", values["input-tokens-per-output"], 0, 1000);
  const hostedIn = numberFlag(issues, "hosted-input-usd-per-million", values["hosted-input-usd-per-million"], 0, 10000);
  const hostedOut = numberFlag(issues, "hosted-output-usd-per-million", values["hosted-output-usd-per-million"], 0, 10000);
  if ((hostedIn === undefined) !== (hostedOut === undefined)) {
    issues.push({ path: "--hosted-input-usd-per-million/--hosted-output-usd-per-million", value: undefined, expected: "both or neither", hint: "A hosted price has an input and an output rate." });
  }

  const { directory, load } = context;
  const policyConfig = readPolicyConfig(issues, values["policy-pack-config"]);
  const available = workingTreeStacks(directory);
  for (const name of values.stack ?? []) {
    if (!available.some((f) => f.stack === name)) issues.push({ path: "--stack", value: name, expected: `one of ${available.map((f) => f.stack).join(", ")}`, hint: `Create Pulumi.${name}.yaml or pick an existing stack.` });
  }
  if (issues.length > 0) throw new PlanInputError(issues, "invalid cost request");

  const economics: Partial<EconomicsAssumptions> = {};
  if (utilization !== undefined) economics.utilization = utilization;
  if (inputRatio !== undefined) economics.inputTokensPerOutputToken = inputRatio;
  if (hostedIn !== undefined && hostedOut !== undefined) {
    economics.hosted = { provider: "hosted API (--hosted-* flags)", inputUsdPerMillion: hostedIn, outputUsdPerMillion: hostedOut, source: { ref: "command-line flags", readOn: new Date().toISOString().slice(0, 10) } };
  }

  const evaluate: EvaluateOptions = { economics, load, policyConfig };
  if (values["from-preview"] !== undefined) {
    const preview = pricePreview(JSON.parse(readFileSync(values["from-preview"], "utf8")) as unknown, region.data ?? DEFAULTS.region);
    const output = format === "json" ? `${JSON.stringify(preview, null, 2)}\n` : format === "markdown" ? renderPreviewMarkdown(preview) : renderPreviewTable(preview);
    return { output, out: values.out };
  }
  if (values.base !== undefined) {
    const baseReports = await evaluateAll(stacksAtRef(directory, values.base), evaluate);
    const headReports = await evaluateAll(available, evaluate);
    const changes = diffStacks(baseReports, headReports);
    const output = format === "json" ? `${JSON.stringify({ base: values.base, changes }, null, 2)}\n` : format === "markdown" ? renderDiffMarkdown(changes, values.base) : renderDiffTable(changes, values.base);
    return { output, out: values.out };
  }
  const selected = values.stack?.length ? available.filter((f) => values.stack?.includes(f.stack)) : available;
  const reports = await evaluateAll(selected, evaluate);
  const output = format === "json" ? `${JSON.stringify(reports, null, 2)}\n` : format === "markdown" ? renderReportsMarkdown(reports) : renderReportsTable(reports);
  return { output, out: values.out };
}

/** Writes the output where asked. */
export function emit(result: { output: string; out: string | undefined }): void {
  if (result.out) writeFileSync(result.out, result.output);
  else process.stdout.write(result.output);
}
