/**
 * `llm-stack measurement`: a `vllm bench serve` run's printed result → rows for the measurement
 * dataset (infra/catalog/serving-measurements.ts), to paste into it and refit (`npm run bench`
 * prints the new constants). The setup the output does not state is given as flags, each checked
 * against the catalog; every problem is reported at once (exit 2).
 */
import { type InputFileError, readBoundedFile } from "../infra/settings/input-file";
import { resolve } from "node:path";
import { GPU_IDS, MODEL_IDS, MODELS, findVariant, isModelId, type GpuId } from "../infra/catalog";
import { CALIBRATION_MODEL_IDS, CALIBRATION_MODELS, type CalibrationModelId } from "../infra/catalog/calibration-models";
import { PlanInputError, type InputIssue } from "../infra/plan";
import { coerceNumber } from "../infra/settings";
import { type CliContext } from "./main";
import { measurementRows, parseBenchServe, type MeasuredSetup } from "./measure/bench-serve";

export interface MeasurementOptions {
  from?: string;
  model?: string;
  variant?: string;
  gpu?: string;
  tensorParallelSize?: string;
  pipelineParallelSize?: string;
  kvCacheDtype?: string;
  engineVersion?: string;
  source?: string;
  id?: string;
}

/** A whole number ≥ 1 in the one number grammar every flag uses (infra/settings coerceNumber), else undefined. */
function positive(text: string | undefined): number | undefined {
  const value = coerceNumber(text);
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function runMeasurement(options: MeasurementOptions, context: CliContext): number {
  const issues: InputIssue[] = [];
  const need = (flag: string, value: string | undefined, expected: string, hint: string) => {
    if (value === undefined || value.trim() === "") issues.push({ path: flag, value, expected, hint });
  };
  need(
    "--from",
    options.from,
    "the file `vllm bench serve` printed to",
    "Save the run's output (`vllm bench serve … | tee run.txt`) and pass it.",
  );
  need(
    "--engine-version",
    options.engineVersion,
    "the vLLM release that served the run",
    "Give `vllm --version` of the server, e.g. 0.33.0.",
  );
  need("--source", options.source, "where the output is published (URL or repo@commit:path)", "Every dataset row names its source.");
  // The dataset's sources are findable references (catalog/schema.ts sourceSchema: at least 8 characters).
  if (options.source !== undefined && options.source.trim() !== "" && options.source.trim().length < 8)
    issues.push({
      path: "--source",
      value: options.source,
      expected: "a URL, a repository path at a commit, or a document title a reader can find (8 characters or more)",
      hint: "Name where the output is published, e.g. https://github.com/org/repo/blob/<commit>/run.txt.",
    });
  const models = [...MODEL_IDS, ...CALIBRATION_MODEL_IDS] as string[];
  const model = options.model?.trim().toLowerCase();
  if (model === undefined || !models.includes(model))
    issues.push({
      path: "--model",
      value: options.model,
      expected: `a catalog model id (${models.join(", ")})`,
      hint: "Run `llm-stack models` for the ids.",
    });
  const variant = options.variant ?? "bf16";
  if (model !== undefined && isModelId(model) && !findVariant(model, variant))
    issues.push({
      path: "--variant",
      value: variant,
      expected: `a variant of ${model}`,
      hint: "Run `llm-stack models --json` for each model's variants.",
    });
  const gpu = options.gpu ?? "h100";
  if (!(GPU_IDS as readonly string[]).includes(gpu))
    issues.push({ path: "--gpu", value: gpu, expected: `one of ${GPU_IDS.join(", ")}`, hint: "Name the GPU family the run used." });
  const tensorParallelSize = options.tensorParallelSize === undefined ? 1 : positive(options.tensorParallelSize);
  if (tensorParallelSize === undefined)
    issues.push({
      path: "--tensor-parallel-size",
      value: options.tensorParallelSize,
      expected: "a whole number ≥ 1",
      hint: "The server's --tensor-parallel-size.",
    });
  // vLLM refuses a TP that does not divide the attention heads ("Total number of attention heads must be
  // divisible by tensor parallel size", vllm/config): no such run exists to record.
  const architecture =
    model === undefined
      ? undefined
      : isModelId(model)
        ? MODELS[model].architecture
        : (CALIBRATION_MODEL_IDS as readonly string[]).includes(model)
          ? CALIBRATION_MODELS[model as CalibrationModelId].architecture
          : undefined;
  if (tensorParallelSize !== undefined && architecture && architecture.attentionHeads % tensorParallelSize !== 0)
    issues.push({
      path: "--tensor-parallel-size",
      value: options.tensorParallelSize,
      expected: `a size dividing the model's ${architecture.attentionHeads} attention heads, as vLLM requires`,
      hint: "Give the server's actual --tensor-parallel-size.",
    });
  // A release as `vllm --version` prints it: 0.33.0, 0.11.0rc1, 0.6.3.post1.
  if (
    options.engineVersion !== undefined &&
    options.engineVersion.trim() !== "" &&
    !/^\d+\.\d+\.\d+([.+-]?[0-9A-Za-z.]+)?$/.test(options.engineVersion.trim())
  )
    issues.push({
      path: "--engine-version",
      value: options.engineVersion,
      expected: "a vLLM release number such as 0.33.0",
      hint: "Give `vllm --version` of the server; a tag like latest names no release.",
    });
  if (options.id !== undefined && options.id.trim() === "")
    issues.push({
      path: "--id",
      value: options.id,
      expected: "a non-empty id prefix",
      hint: "Leave --id out for the default (model, variant, GPU, TP and lengths).",
    });
  const pipelineParallelSize = options.pipelineParallelSize === undefined ? undefined : positive(options.pipelineParallelSize);
  if (options.pipelineParallelSize !== undefined && pipelineParallelSize === undefined)
    issues.push({
      path: "--pipeline-parallel-size",
      value: options.pipelineParallelSize,
      expected: "a whole number ≥ 1",
      hint: "The server's --pipeline-parallel-size.",
    });
  const kvCacheDtype = options.kvCacheDtype ?? "auto";
  if (kvCacheDtype !== "auto" && kvCacheDtype !== "fp8")
    issues.push({ path: "--kv-cache-dtype", value: kvCacheDtype, expected: "auto or fp8", hint: "The server's --kv-cache-dtype." });

  let text: string | undefined;
  if (options.from !== undefined && options.from.trim() !== "") {
    try {
      text = readBoundedFile(resolve(context.directory, options.from)).toString("utf8");
    } catch (error) {
      issues.push({
        path: "--from",
        value: options.from,
        expected: "a readable file",
        hint: (error as InputFileError).message,
      });
    }
  }
  let result;
  if (text !== undefined) {
    try {
      result = parseBenchServe(text);
    } catch (error) {
      issues.push({ path: "--from", value: options.from, expected: "the output of `vllm bench serve`", hint: (error as Error).message });
    }
  }
  if (issues.length > 0 || !result) throw new PlanInputError(issues, "invalid measurement");
  const setup: MeasuredSetup = {
    id:
      options.id ??
      `${model} ${variant} ${gpu} TP${tensorParallelSize} ${Math.round(result.totalInputTokens / result.requests)}/${Math.round(result.totalOutputTokens / result.requests)}`,
    engineVersion: options.engineVersion as string,
    model: model as MeasuredSetup["model"] & ((typeof MODEL_IDS)[number] | CalibrationModelId),
    variant,
    gpu: gpu as GpuId,
    tensorParallelSize: tensorParallelSize as number,
    ...(pipelineParallelSize !== undefined ? { pipelineParallelSize } : {}),
    kvCacheDtype: kvCacheDtype as "auto" | "fp8",
    source: { ref: options.source as string, readOn: new Date().toISOString().slice(0, 10) },
  };
  let rows;
  try {
    rows = measurementRows(result, setup);
  } catch (error) {
    // The dataset's own schema refused a row: name the field as the flag that set it.
    const zodIssues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
    if (!zodIssues) throw error;
    throw new PlanInputError(
      zodIssues.map((i) => ({
        path: `--${String(i.path[0] ?? "from").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        value: undefined,
        expected: i.message,
        hint: "Every dataset row passes the schema in infra/catalog/serving-measurements-schema.ts.",
      })),
      "invalid measurement",
    );
  }
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}
