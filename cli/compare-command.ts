/**
 * `llm-stack compare`: one workload, every catalog model (or `--models a,b`) × quantization × GPU,
 * ranked — SLO met first, then $/M tokens. Input problems exit 2 with every problem named.
 */
import { type InputFileError, readBoundedFile } from "../infra/settings/input-file";
import { resolve } from "node:path";
import { MODEL_IDS, isModelId, type ModelId, type Region } from "../infra/catalog";
import { PlanInputError, type InputIssue } from "../infra/plan";
import { compareModels } from "../infra/plan/performance";
import { nearestModelId } from "../infra/plan/request";
import { resolveWorkload, workloadFlag, type WorkloadKey } from "../infra/plan/workload";
import { type CliContext } from "./main";
import { WORKLOAD_KEYS, collectInputIssues, workloadFromFlags } from "./workload-flags";
import { renderCompare } from "./render/compare-table";

export interface CompareOptions extends Partial<Record<WorkloadKey, string>> {
  models?: string;
  all?: boolean;
  workload?: string;
  region?: string;
  json?: boolean;
}

function parseModels(text: string | undefined): ModelId[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(",").map((id) => id.trim().toLowerCase());
  // Each model once: a repeat would print its rows twice, an empty item is a typo (`a,,b`).
  const ids = [...new Set(items.filter((id) => id.length > 0))];
  const issues: InputIssue[] = ids
    .filter((id) => !isModelId(id))
    .map((id) => {
      const near = nearestModelId(id);
      return {
        path: "--models",
        value: id,
        expected: `catalog model ids (${MODEL_IDS.join(", ")})`,
        hint: near ? `Did you mean ${near}?` : "Run `llm-stack models` for the ids.",
      };
    });
  const repeated = items.filter((id, i) => id.length > 0 && items.indexOf(id) !== i);
  if (repeated.length > 0 || (ids.length > 0 && items.some((id) => id.length === 0)))
    issues.push({
      path: "--models",
      value: text,
      expected: "a comma-separated list naming each model once, no empty items",
      hint:
        repeated.length > 0
          ? `${[...new Set(repeated)].join(", ")} is listed twice; name it once.`
          : "Remove the empty item between the commas.",
    });
  if (ids.length === 0)
    issues.push({
      path: "--models",
      value: text,
      expected: "at least one catalog model id",
      hint: "Leave --models out to compare every model.",
    });
  if (issues.length > 0) throw new PlanInputError(issues);
  return ids as ModelId[];
}

function readWorkloadFile(path: string | undefined, directory: string): Record<string, unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readBoundedFile(resolve(directory, path)).toString("utf8");
  } catch (error) {
    throw new PlanInputError([
      {
        path: "--workload",
        value: path,
        expected: "a readable JSON file",
        hint: `${(error as InputFileError).message} See workloads/ for examples.`,
      },
    ]);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new PlanInputError([
      {
        path: "--workload",
        value: path,
        expected: "a JSON object of workload keys",
        hint: 'Write e.g. {"inputTokens": 1000, "outputTokens": 200, "requestsPerSecond": 5}.',
      },
    ]);
  }
}

export async function runCompare(options: CompareOptions, context: CliContext): Promise<number> {
  const [models, base] = collectInputIssues<[ModelId[] | undefined, Record<string, unknown>]>(
    () => {
      if (options.all && options.models !== undefined)
        throw new PlanInputError([
          {
            path: "--all",
            value: true,
            expected: "either --all or --models, not both",
            hint: "Leave out --all to compare only the models listed.",
          },
        ]);
      return parseModels(options.models);
    },
    () => readWorkloadFile(options.workload, context.directory),
  );
  // A problem is named where the value came from: its flag, or the --workload file's key.
  const fromFlags = new Set(WORKLOAD_KEYS.filter((key) => typeof options[key] === "string"));
  const workload = resolveWorkload(workloadFromFlags(options, base), (key) =>
    fromFlags.has(key) ? workloadFlag(key) : `${options.workload ?? "--workload"}: ${key}`,
  );
  const rows = compareModels(workload, { models, ...(options.region ? { region: options.region as Region } : {}) });
  process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : renderCompare(rows, workload));
  return 0;
}
