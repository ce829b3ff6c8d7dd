/**
 * `llm-stack cost`: price stacks offline (the real program under mocks, the policy pack, the one
 * price table), diff them against a git ref, or price a real `pulumi preview --json`.
 */
// First: the Pulumi SDK the program and the pack load defers its function serializer (see the file).
import "./offline/defer-closure-serializer";
import { type InputFileError, readBoundedFile } from "../infra/settings/input-file";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REGIONS, regionSchema } from "../infra/catalog";
import { DEFAULTS, PlanInputError, type InputIssue } from "../infra/plan";
import { coerceNumber, PLAIN_DECIMAL_HINT } from "../infra/settings/keys";
import { type HostedOffer } from "../infra/plan/performance";
import { previewResources, pricePreview, type PreviewCost } from "./cost/from-preview";
import { runPolicies } from "./offline/policy-run";
import { costBudget } from "../policies/cost-budget";
import { decodeStackBytes } from "../infra/settings/stack-file";
import { renderDiffMarkdown, renderPreviewMarkdown, renderReportsMarkdown } from "./render/render-markdown";
import { renderDiffTable, renderPreviewTable, renderReportsTable } from "./render/render-table";
import { diffStacks } from "./cost/stack-diff";
import { stacksAtRef, workingTreeStacks, type StackFile } from "./cost/stack-files";
import { type ProgramLoader } from "./offline/program-run";
import { evaluateStack, unreadableStack, type EvaluateOptions, type StackReport } from "./cost/stack-report";
import { type PackConfig } from "./offline/policy-run";
import { costCommand, parseCommandLine, type CostFlags } from "./command-line";
import { POLICIES } from "../policies/all-policies";
import { packConfigProblems } from "../policies/lib/pack-config";

/** A stack breaks a mandatory policy (exit code of `llm-stack cost`, unless --report-only). */
export const EXIT_POLICY_VIOLATION = 5;

const FORMATS = ["table", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

/** A numeric flag in the one number grammar every flag and stack key uses (infra/settings coerceNumber): plain decimals only. */
function numberFlag(issues: InputIssue[], flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = coerceNumber(raw);
  if (typeof value !== "number") {
    issues.push({ path: `--${flag}`, value: raw, expected: `a number from ${min} to ${max}`, hint: PLAIN_DECIMAL_HINT });
    return undefined;
  }
  if (value < min || value > max) {
    issues.push({
      path: `--${flag}`,
      value: raw,
      expected: `a number from ${min} to ${max}`,
      hint: `Give a price in USD per million tokens, e.g. 0.5.`,
    });
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
  for (const file of files)
    reports.push(file.unreadable ? unreadableStack(file.stack, file.unreadable) : await evaluateStack(file.stack, file.text, options));
  return reports;
}

/** Dotted paths of the numbers JSON.parse turned into ±Infinity. */
function nonFiniteNumbers(value: unknown, path = ""): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [path || "(root)"];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => nonFiniteNumbers(item, path ? `${path}.${key}` : key));
}

function readPolicyConfig(issues: InputIssue[], path: string | undefined): PackConfig | undefined {
  if (path === undefined) return undefined;
  try {
    const parsed = JSON.parse(readBoundedFile(path).toString("utf8")) as unknown;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      // JSON.parse reads 1e999 as Infinity; the Pulumi engine's Go reader refuses a number out of a
      // float64's range (encoding/json: "cannot unmarshal number … into Go value of type float64").
      for (const where of nonFiniteNumbers(parsed))
        issues.push({
          path: "--policy-pack-config",
          value: path,
          expected: "numbers a float64 holds",
          hint: `${where} is out of range, as the Pulumi engine reads the file; write a finite number.`,
        });
      for (const problem of packConfigProblems(POLICIES, parsed as PackConfig)) {
        issues.push({
          path: "--policy-pack-config",
          value: path,
          expected: "a config the policy pack and the Pulumi engine accept",
          hint: problem,
        });
      }
      return parsed as PackConfig;
    }
  } catch {
    // Reported below with the fix.
  }
  issues.push({
    path: "--policy-pack-config",
    value: path,
    expected: "a readable JSON object keyed by policy name",
    hint: "Start from policies/config.example.json.",
  });
  return undefined;
}

export interface CostResult {
  output: string;
  out: string | undefined;
  /** 0, 2 (a stack is invalid) or EXIT_POLICY_VIOLATION; always 0 with --report-only. */
  exitCode: number;
}

/** The exit code for what the reports found. */
function verdict(reports: readonly StackReport[], reportOnly: boolean): number {
  if (reportOnly) return 0;
  if (reports.some((r) => r.status === "invalid")) return 2;
  return reports.some((r) => r.violations.some((v) => v.level === "mandatory")) ? EXIT_POLICY_VIOLATION : 0;
}

/** The budget priced where the preview was made, unless the team's config names a region itself. */
function withPreviewRegion(config: PackConfig, region: string): PackConfig {
  const entry = config[costBudget.name];
  const own = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
  return { ...config, [costBudget.name]: { region, ...own } } as PackConfig;
}

/** A file the user named, read, or an input error naming it. */
function readInput(flag: string, path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readBoundedFile(path);
  } catch (error) {
    throw new PlanInputError(
      [
        {
          path: flag,
          value: path,
          expected: "a readable file",
          hint: `${(error as InputFileError).code}: ${(error as InputFileError).message} Check the path.`,
        },
      ],
      "invalid cost request",
    );
  }
  // As `pulumi preview --json > file` leaves it: UTF-8, or UTF-16 with a BOM from Windows PowerShell's `>`.
  return decodeStackBytes(flag, bytes);
}

/**
 * `llm-stack cost`: the flags as main.ts's commander program parsed them, or an argv parsed with the
 * same declaration (cli/command-line.ts).
 */
export async function runCost(
  argv: readonly string[] | CostFlags,
  context: CostContext = { directory: process.cwd() },
): Promise<CostResult> {
  let values: CostFlags;
  if (Array.isArray(argv)) {
    const parsed = parseCommandLine<CostFlags>(costCommand, "cost", argv);
    if ("help" in parsed) return { output: parsed.help, out: undefined, exitCode: 0 };
    values = parsed.flags;
  } else values = argv as CostFlags;
  const reportOnly = values.reportOnly === true;

  const issues: InputIssue[] = [];
  const format = (values.format ?? "table") as Format;
  if (!FORMATS.includes(format))
    issues.push({
      path: "--format",
      value: values.format,
      expected: `one of ${FORMATS.join(", ")}`,
      hint: "Use markdown for pull-request comments.",
    });
  const region = regionSchema.safeParse(values.region ?? DEFAULTS.region);
  if (!region.success)
    issues.push({
      path: "--region",
      value: values.region,
      expected: `one of ${REGIONS.join(", ")}`,
      hint: "Use a region the price table covers.",
    });
  const modes = [
    values.base !== undefined,
    values.fromPreview !== undefined,
    (values.stack?.length ?? 0) > 0 || values.all === true,
  ].filter(Boolean).length;
  if (modes > 1)
    issues.push({
      path: "--stack/--all/--base/--from-preview",
      value: [
        ...(values.stack ?? []).map((s) => `--stack ${s}`),
        ...(values.all ? ["--all"] : []),
        ...(values.base !== undefined ? [`--base ${values.base}`] : []),
        ...(values.fromPreview !== undefined ? [`--from-preview ${values.fromPreview}`] : []),
      ].join(" "),
      expected: "one mode at a time",
      hint: "Price stacks, diff against a ref, or price a preview — not several at once.",
    });

  if (values.region !== undefined && values.fromPreview === undefined)
    issues.push({
      path: "--region",
      value: values.region,
      expected: "--region only with --from-preview (the region of a preview whose config names none)",
      hint: "A stack is priced in its own aws:region; set that in Pulumi.<stack>.yaml, or drop --region.",
    });
  if (values.out !== undefined && values.out.trim() === "")
    issues.push({
      path: "--out",
      value: values.out,
      expected: "a file path",
      hint: "Name the file to write, or leave --out out to print to stdout.",
    });
  const hostedIn = numberFlag(issues, "hosted-input-usd-per-million", values.hostedInputUsdPerMillion, 0, 10000);
  const hostedOut = numberFlag(issues, "hosted-output-usd-per-million", values.hostedOutputUsdPerMillion, 0, 10000);
  if ((values.hostedInputUsdPerMillion === undefined) !== (values.hostedOutputUsdPerMillion === undefined)) {
    issues.push({
      path: "--hosted-input-usd-per-million/--hosted-output-usd-per-million",
      value: undefined,
      expected: "both or neither",
      hint: "A hosted price has an input and an output rate.",
    });
  }

  const { directory, load } = context;
  if (values.fromPreview === undefined && !existsSync(join(directory, "Pulumi.yaml"))) {
    throw new PlanInputError(
      [
        {
          path: "(working directory)",
          value: directory,
          expected: "an llm-stack project: a directory with Pulumi.yaml and its Pulumi.<stack>.yaml files",
          hint: "Run llm-stack cost from the project directory (or price a preview with --from-preview <file>).",
        },
      ],
      "invalid cost request",
    );
  }
  const policyConfig = readPolicyConfig(
    issues,
    values.policyPackConfig === undefined ? undefined : resolve(directory, values.policyPackConfig),
  );
  const available = workingTreeStacks(directory);
  for (const name of values.stack ?? []) {
    if (!available.some((f) => f.stack === name))
      issues.push({
        path: "--stack",
        value: name,
        expected: `one of ${available.map((f) => f.stack).join(", ")}`,
        hint: `Create Pulumi.${name}.yaml or pick an existing stack.`,
      });
  }
  if (issues.length > 0) throw new PlanInputError(issues, "invalid cost request");

  const hosted: HostedOffer | undefined =
    hostedIn !== undefined && hostedOut !== undefined
      ? {
          provider: "hosted API",
          providerModelId: "--hosted-* flags",
          inputUsdPerMillion: hostedIn,
          outputUsdPerMillion: hostedOut,
          readOn: new Date().toISOString().slice(0, 10),
          source: "command-line flags",
        }
      : undefined;

  const evaluate: EvaluateOptions = { load, policyConfig, directory, ...(hosted ? { hosted } : {}) };
  if (values.fromPreview !== undefined) {
    const text = readInput("--from-preview", resolve(directory, values.fromPreview));
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch (error) {
      throw new PlanInputError(
        [
          {
            path: "--from-preview",
            value: values.fromPreview,
            expected: "the JSON of `pulumi preview --json --show-sames`",
            hint: `${(error as Error).message}.`,
          },
        ],
        "invalid cost request",
      );
    }
    const priced = pricePreview(json, region.data ?? DEFAULTS.region);
    // The pack config's budget applies to what the preview leaves behind; the other policies run in
    // `pulumi preview --policy-pack` itself, where the engine resolves what a preview file shows as unknown.
    const preview: PreviewCost = {
      ...priced,
      policies:
        policyConfig === undefined
          ? null
          : {
              applied: [costBudget.name],
              violations: await runPolicies(
                previewResources(json).map((r) => ({ ...r, custom: true, secretInputs: [], provider: undefined })),
                withPreviewRegion(policyConfig, priced.region),
                [costBudget],
              ),
            },
    };
    const output =
      format === "json"
        ? `${JSON.stringify(preview, null, 2)}\n`
        : format === "markdown"
          ? renderPreviewMarkdown(preview)
          : renderPreviewTable(preview);
    const violated = preview.policies?.violations.some((v) => v.level === "mandatory") ?? false;
    return { output, out: values.out, exitCode: violated && !reportOnly ? EXIT_POLICY_VIOLATION : 0 };
  }
  if (values.base !== undefined) {
    let baseFiles: StackFile[];
    try {
      baseFiles = stacksAtRef(directory, values.base);
    } catch (error) {
      throw new PlanInputError(
        [{ path: "--base", value: values.base, expected: "a git ref of this repository", hint: (error as Error).message }],
        "invalid cost request",
      );
    }
    // The last measurement is the working tree's: only the head side reads it.
    const baseReports = await evaluateAll(baseFiles, { ...evaluate, directory: undefined });
    const headReports = await evaluateAll(available, evaluate);
    const changes = diffStacks(baseReports, headReports);
    // The exit code counts every invalid stack, changed or not: each is named with why, whatever the diff says.
    const invalid = headReports.filter((r) => r.status === "invalid").map((r) => ({ stack: r.stack, errors: r.errors }));
    const invalidLines = invalid.flatMap((r) => [`${r.stack}: refused, nothing would be created`, ...r.errors.map((e) => `  ${e}`)]);
    const output =
      format === "json"
        ? `${JSON.stringify({ base: values.base, changes, invalid }, null, 2)}\n`
        : format === "markdown"
          ? `${renderDiffMarkdown(changes, values.base)}${invalid.length ? `\nInvalid stacks:\n\n\`\`\`text\n${invalidLines.join("\n")}\n\`\`\`\n` : ""}`
          : `${renderDiffTable(changes, values.base)}${invalid.length ? `\ninvalid stacks:\n${invalidLines.join("\n")}\n` : ""}`;
    return { output, out: values.out, exitCode: verdict(headReports, reportOnly) };
  }
  const selected = values.stack?.length ? available.filter((f) => values.stack?.includes(f.stack)) : available;
  const reports = await evaluateAll(selected, evaluate);
  const output =
    format === "json"
      ? `${JSON.stringify(reports, null, 2)}\n`
      : format === "markdown"
        ? renderReportsMarkdown(reports)
        : renderReportsTable(reports);
  return { output, out: values.out, exitCode: verdict(reports, reportOnly) };
}

/** Writes the output where asked; an unwritable --out is an input error. */
export function emit(result: { output: string; out: string | undefined }): void {
  if (!result.out) {
    process.stdout.write(result.output);
    return;
  }
  try {
    writeFileSync(result.out, result.output);
  } catch (error) {
    throw new PlanInputError(
      [
        {
          path: "--out",
          value: result.out,
          expected: "a writable file path",
          hint: `${(error as NodeJS.ErrnoException).code ?? "unwritable"}: check that its directory exists and is writable.`,
        },
      ],
      "invalid cost request",
    );
  }
}
