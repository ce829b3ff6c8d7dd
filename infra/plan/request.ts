/**
 * What a caller may ask the planner for, and the one function that turns it into a fully resolved
 * request (no optional fields) or one PlanInputError naming every problem. Stack config, the CLI
 * and the policy pack all go through here.
 */
import { z } from "zod";
import {
  GPUS,
  INSTANCE_TYPES,
  INSTANCES,
  MODEL_IDS,
  MODELS,
  QUANTIZATIONS,
  REGIONS,
  findHourlyPriceUsd,
  findVariantByRepo,
  gpuIdSchema,
  instanceTypeSchema,
  isModelId,
  regionSchema,
  type GpuId,
  type InstanceType,
  type ModelId,
  type ModelSpec,
  type Region,
} from "../catalog";
import { editDistance } from "./edit-distance";
import { PLAIN_DECIMAL_HINT, PlanInputError, type InputIssue } from "./errors";
import { KV_CACHE_DTYPES, type KvCacheDtype } from "./kv-cache";
import { tensorParallelProblem, validTensorParallelSizes } from "./parallelism";

export const QUANTIZATION_CHOICES = ["auto", ...QUANTIZATIONS] as const;
export type QuantizationChoice = (typeof QUANTIZATION_CHOICES)[number];

/**
 * When a replica may span nodes: only when no single allowed node holds it (`when-needed`, the
 * default), `never`, or whenever that is cheaper (`when-cheaper`: pipeline stages over the network
 * add latency, and a replica fails with any of its nodes).
 */
export const MULTI_NODE_POLICIES = ["never", "when-needed", "when-cheaper"] as const;
export type MultiNodePolicy = (typeof MULTI_NODE_POLICIES)[number];

/**
 * Where vLLM reads the weights: the stack's S3 model cache, streamed with the Run:ai streamer
 * (`s3`, the default where the kit creates the GPU nodes), or Hugging Face through the network's
 * internet path (`huggingface`: a kubeconfig cluster, whose AWS side the kit does not manage).
 */
export const WEIGHTS_SOURCES = ["s3", "huggingface"] as const;
export type WeightsSource = (typeof WEIGHTS_SOURCES)[number];

/** Without `maxModelLen`, plans use the model's maximum context up to this many tokens (see DEFAULTS). */
export const DEFAULT_MAX_MODEL_LEN_CAP = 32768;

/**
 * Every default in one place.
 * - quantization `auto`: the cheaper of bf16 and fp8, bf16 on a tie.
 * - gpuMemoryUtilization 0.90: vLLM's documented default before 0.92; leaves room for the
 *   allocator fragmentation the estimate does not model.
 * - maxModelLen: min(model maximum, 32768) — Llama 4 Scout's 10M tokens would otherwise ask for
 *   terabytes of KV cache; raise it explicitly when you need long context.
 */
export const DEFAULTS = {
  quantization: "auto",
  gpu: "h100",
  concurrency: 1,
  replicas: 1,
  region: "us-east-1",
  gpuMemoryUtilization: 0.9,
  kvCacheDtype: "auto",
  multiNode: "when-needed",
  maxNodes: 16,
  weightsSource: "s3",
} as const;

/**
 * The smallest context worth serving: a system prompt, a question and an answer. vLLM accepts any
 * positive --max-model-len; this is the kit's floor, so a context of 1 token is refused with it.
 */
export const MIN_MAX_MODEL_LEN = 1024;

/** Allowed range of `gpuMemoryUtilization`: below 0.5 wastes the GPU; above 0.95 leaves no room for fragmentation and driver allocations. */
export const GPU_MEMORY_UTILIZATION_RANGE = { min: 0.5, max: 0.95 } as const;

const positiveInt = z.number().int().positive();

/** The raw request: only shapes are checked here; meaning is checked in resolvePlanRequest. */
export const planRequestSchema = z.object({
  model: z.string(),
  quantization: z.enum(QUANTIZATION_CHOICES).optional(),
  gpu: gpuIdSchema.optional(),
  maxModelLen: positiveInt.optional(),
  concurrency: positiveInt.optional(),
  replicas: positiveInt.optional(),
  maxNodes: positiveInt.optional(),
  region: regionSchema.optional(),
  allowedInstanceTypes: z.array(instanceTypeSchema).min(1).optional(),
  tensorParallelSize: positiveInt.optional(),
  gpuMemoryUtilization: z.number().optional(),
  kvCacheDtype: z.enum(KV_CACHE_DTYPES).optional(),
  multiNode: z.enum(MULTI_NODE_POLICIES).optional(),
  weightsSource: z.enum(WEIGHTS_SOURCES).optional(),
});
export type PlanRequest = z.input<typeof planRequestSchema>;

export interface ResolvedPlanRequest {
  modelId: ModelId;
  model: ModelSpec;
  quantization: QuantizationChoice;
  gpu: GpuId;
  maxModelLen: number;
  maxModelLenDefaulted: boolean;
  concurrency: number;
  replicas: number;
  region: Region;
  /** Instance types carrying the GPU, allowed by the caller, with a price in the region. */
  instanceTypes: InstanceType[];
  /** null: the planner derives it. */
  tensorParallelSize: number | null;
  gpuMemoryUtilization: number;
  kvCacheDtype: KvCacheDtype;
  multiNode: MultiNodePolicy;
  /** The most GPU nodes a plan may take: a bound against typos such as replicas 300. */
  maxNodes: number;
  weightsSource: WeightsSource;
}

/** How to fix each planner input: the settings table's hint for every sizing key, and the CLI's for its flags. */
export const PLAN_HINTS: Record<keyof PlanRequest, string> = {
  model: "Run `llm-stack models` for the catalog ids (a Hugging Face repo id of one of their checkpoints works too).",
  quantization: "Use auto to let the planner pick the cheaper of bf16 and fp8.",
  gpu: "Pick the GPU family; the planner picks the instance type.",
  region: "Use a region the price table covers.",
  maxModelLen: "Give the context length in tokens, e.g. 32768.",
  concurrency: "Give how many full-context sequences the KV cache must hold at once, e.g. 1.",
  replicas: "Give the number of vLLM replicas, e.g. 1.",
  tensorParallelSize: "Leave it unset to let the planner derive it.",
  gpuMemoryUtilization: `Give a fraction from ${GPU_MEMORY_UTILIZATION_RANGE.min} to ${GPU_MEMORY_UTILIZATION_RANGE.max}, e.g. 0.9, or leave it unset (auto: ${DEFAULTS.gpuMemoryUtilization}).`,
  allowedInstanceTypes: "List instance types from the catalog, or leave it unset to allow all.",
  kvCacheDtype: "Use auto (the model's dtype) or fp8 (half the bytes per token).",
  maxNodes: "Raise it only if you mean a plan that large.",
  multiNode: "Use when-needed (span nodes only when no single node holds a replica), never, or when-cheaper.",
  weightsSource: "Use s3 (the stack's model cache, streamed) or huggingface (download at every pod start).",
};

function describeZodExpectation(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value") return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "invalid_type") return `a value of type ${issue.expected}`;
  if (issue.code === "too_big") {
    if (issue.origin === "array") return `at most ${String(issue.maximum)} item(s)`;
    const maximum = Number(issue.maximum);
    // Past JavaScript's safe integers a count is simply too large; the schema's bound is no advice.
    if (maximum >= Number.MAX_SAFE_INTEGER) return "a number within reason (this one is past any count a plan could use)";
    return issue.inclusive === false ? `less than ${String(issue.maximum)}` : `at most ${String(issue.maximum)}`;
  }
  if (issue.code === "too_small") {
    if (issue.origin === "array") return `at least ${String(issue.minimum)} item(s)`;
    return issue.inclusive === false ? `greater than ${String(issue.minimum)}` : `at least ${String(issue.minimum)}`;
  }
  return issue.message;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path)
    current = current !== null && typeof current === "object" ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

/**
 * The catalog model a user means: its id in any case, or the Hugging Face repo id of one of its
 * checkpoints (which then also names the quantization, unless it is the bf16 original).
 */
export function matchModel(value: string): { modelId: ModelId; quantization: QuantizationChoice | undefined } | undefined {
  const wanted = value.trim().toLowerCase();
  const byId = MODEL_IDS.find((id) => id === wanted);
  if (byId) return { modelId: byId, quantization: undefined };
  // A repo id without a --quantization flag: a stored checkpoint, never the on-the-fly variant.
  const byRepo = findVariantByRepo(wanted, undefined);
  if (!byRepo) return undefined;
  return { modelId: byRepo.modelId, quantization: byRepo.variant.quantization === "bf16" ? undefined : byRepo.variant.quantization };
}

/** The catalog id nearest to a mistyped one (edit distance at most a third of its length). */
export function nearestModelId(value: string): ModelId | undefined {
  const wanted = value.trim().toLowerCase();
  // No id is near a value several times longer than every id; and the edit distance of a 10 MB value
  // against each id would take many seconds (length × length steps).
  if (wanted.length > 2 * Math.max(...MODEL_IDS.map((id) => id.length))) return undefined;
  const scored = MODEL_IDS.map((id) => ({
    id,
    d: Math.min(editDistance(wanted, id), ...(id.includes(wanted) && wanted.length >= 4 ? [0] : [])),
  })).sort((a, b) => a.d - b.d);
  const best = scored[0];
  return best && best.d <= Math.max(3, Math.floor(wanted.length / 3)) ? best.id : undefined;
}

/**
 * Resolves defaults and validates meaning: the model exists and has the asked quantization, the
 * context fits the model, TP obeys vLLM's rules and fits a node. Throws one PlanInputError with
 * every problem. `pathPrefix` lets callers report keys in their own terms (`llm-stack:`).
 */
export function resolvePlanRequest(input: unknown, pathPrefix = ""): ResolvedPlanRequest {
  const issues: InputIssue[] = [];
  const at = (key: string) => `${pathPrefix}${key}`;
  const parsed = planRequestSchema.safeParse(input);
  // A context past any integer JavaScript holds is still just "too long": the model's own maximum, below, says by how much.
  let hugeMaxModelLen: number | undefined;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join(".");
      const top = String(issue.path[0] ?? "");
      const value = valueAt(input, issue.path);
      if (top === "maxModelLen" && issue.code === "too_big" && typeof value === "number") {
        hugeMaxModelLen = value;
        continue;
      }
      // Text where a number belongs: the one number grammar is plain decimals.
      const textForNumber = issue.code === "invalid_type" && issue.expected === "number" && typeof value === "string";
      issues.push({
        path: at(key),
        value,
        expected: textForNumber ? "a plain decimal number" : describeZodExpectation(issue),
        hint: textForNumber ? PLAIN_DECIMAL_HINT : (PLAN_HINTS[top as keyof PlanRequest] ?? "Fix the value's type."),
      });
    }
  }
  // Keep checking what did parse, so one run reports every problem.
  const raw = (parsed.success ? parsed.data : (input ?? {})) as Partial<z.output<typeof planRequestSchema>>;
  const failed = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0])));
  const pick = <K extends keyof typeof raw>(key: K) => (failed.has(String(key)) ? undefined : raw[key]);

  const given = pick("model");
  const match = typeof given === "string" ? matchModel(given) : undefined;
  const modelValue = match?.modelId ?? given;
  const model = match ? MODELS[match.modelId] : undefined;
  if (typeof given === "string" && !model) {
    const near = nearestModelId(given);
    issues.push({
      path: at("model"),
      value: given,
      expected: `one of ${MODEL_IDS.join(", ")} (or a Hugging Face repo id of one of their checkpoints)`,
      hint: `${near ? `Did you mean ${near}? ` : ""}Run \`llm-stack models\` to list the catalog.`,
    });
  }

  // A checkpoint's repo id names its quantization too (RedHatAI/…-FP8-dynamic is fp8).
  const quantization = pick("quantization") ?? match?.quantization ?? DEFAULTS.quantization;
  // A checkpoint's repo id names its quantization: another one asked beside it contradicts it.
  const askedQuantization = pick("quantization");
  if (
    match?.quantization !== undefined &&
    askedQuantization !== undefined &&
    askedQuantization !== "auto" &&
    askedQuantization !== match.quantization
  )
    issues.push({
      path: at("quantization"),
      value: askedQuantization,
      expected: `${match.quantization}, the quantization of the checkpoint ${String(given)} (or leave it unset)`,
      hint: `Drop quantization to serve that checkpoint, or name the model by its catalog id (${match.modelId}) to pick another quantization.`,
    });
  if (model && quantization !== "auto" && !model.variants.some((v) => v.quantization === quantization)) {
    const available = [...new Set(model.variants.map((v) => v.quantization))];
    issues.push({
      path: at("quantization"),
      value: quantization,
      expected: `one of auto, ${available.join(", ")} for ${modelValue}`,
      hint: `No ${quantization} checkpoint of this model is in the catalog; use auto or one of the listed quantizations.`,
    });
  }

  const gpu = pick("gpu") ?? DEFAULTS.gpu;
  const maxModelLenGiven = pick("maxModelLen") ?? hugeMaxModelLen;
  if (maxModelLenGiven !== undefined && maxModelLenGiven < MIN_MAX_MODEL_LEN) {
    issues.push({
      path: at("maxModelLen"),
      value: maxModelLenGiven,
      expected: `at least ${MIN_MAX_MODEL_LEN} tokens (this kit's floor; a system prompt, a question and an answer)`,
      hint: `Use ${MIN_MAX_MODEL_LEN} or more, e.g. 8192; leave it unset for the model's maximum up to ${DEFAULT_MAX_MODEL_LEN_CAP}.`,
    });
  }
  if (!model && hugeMaxModelLen !== undefined) {
    issues.push({
      path: at("maxModelLen"),
      value: hugeMaxModelLen,
      expected: "at most the model's maximum context",
      hint: "Give the context length in tokens, e.g. 32768, or leave it unset for the model's maximum.",
    });
  }
  if (model && maxModelLenGiven !== undefined && maxModelLenGiven > model.architecture.maxContextTokens) {
    issues.push({
      path: at("maxModelLen"),
      value: maxModelLenGiven,
      expected: `at most ${model.architecture.maxContextTokens} (the model's maximum context)`,
      hint: `Lower maxModelLen to ${model.architecture.maxContextTokens} or less.`,
    });
  }

  const region = pick("region") ?? DEFAULTS.region;
  const allowed = pick("allowedInstanceTypes") ?? [...INSTANCE_TYPES];
  const instanceTypes = allowed.filter((type) => INSTANCES[type].gpu === gpu && findHourlyPriceUsd(type, region) !== undefined);
  if (!failed.has("gpu") && !failed.has("region") && !failed.has("allowedInstanceTypes") && instanceTypes.length === 0) {
    const withGpu = INSTANCE_TYPES.filter((type) => INSTANCES[type].gpu === gpu);
    issues.push({
      path: at("allowedInstanceTypes"),
      value: pick("allowedInstanceTypes"),
      expected: `at least one instance type with ${GPUS[gpu].displayName} priced in ${region}: ${withGpu.join(", ")}`,
      hint: "Allow one of those instance types, or pick the GPU those instance types carry.",
    });
  }

  const tensorParallelSize = pick("tensorParallelSize");
  if (model && tensorParallelSize !== undefined) {
    const maxGpusPerNode = Math.max(0, ...instanceTypes.map((type) => INSTANCES[type].gpuCount));
    const problem = tensorParallelProblem(model.architecture, tensorParallelSize);
    const valid = validTensorParallelSizes(model.architecture, Math.max(maxGpusPerNode, 1));
    if (problem !== null || tensorParallelSize > maxGpusPerNode) {
      issues.push({
        path: at("tensorParallelSize"),
        value: tensorParallelSize,
        expected: `one of ${valid.join(", ")} (vLLM: divides the ${model.architecture.attentionHeads} attention heads, divisor or multiple of the ${model.architecture.keyValueHeads} KV heads, at most ${maxGpusPerNode} GPUs per node)`,
        hint:
          problem !== null
            ? `vLLM would refuse it: ${problem}. Pick a listed size or leave it unset.`
            : `${tensorParallelSize} GPUs do not fit on one node. Pick a listed size or leave it unset.`,
      });
    }
  }

  const utilization = pick("gpuMemoryUtilization");
  const { min, max } = GPU_MEMORY_UTILIZATION_RANGE;
  if (utilization !== undefined && (utilization < min || utilization > max)) {
    issues.push({
      path: at("gpuMemoryUtilization"),
      value: utilization,
      expected: `a fraction between ${min} and ${max} — this kit's policy; vLLM itself accepts any value in (0, 1]`,
      hint: `Below ${min} half the GPU would sit unused (the planner adds GPUs instead); above ${max} too little is left for allocator fragmentation, CUDA graphs and driver allocations that the estimate does not model, and the server can fail to start. Leave it unset for ${DEFAULTS.gpuMemoryUtilization}.`,
    });
  }

  const kvCacheDtype = pick("kvCacheDtype") ?? DEFAULTS.kvCacheDtype;
  if (kvCacheDtype === "fp8" && !GPUS[gpu].supportsFp8) {
    issues.push({ path: at("kvCacheDtype"), value: kvCacheDtype, expected: "auto on a GPU without FP8", hint: PLAN_HINTS.kvCacheDtype });
  }

  if (issues.length > 0 || !model || !isModelId(modelValue ?? "")) throw new PlanInputError(issues);

  const defaultMaxModelLen = Math.min(model.architecture.maxContextTokens, DEFAULT_MAX_MODEL_LEN_CAP);
  return {
    modelId: modelValue as ModelId,
    model,
    quantization,
    gpu,
    maxModelLen: maxModelLenGiven ?? defaultMaxModelLen,
    maxModelLenDefaulted: maxModelLenGiven === undefined,
    concurrency: pick("concurrency") ?? DEFAULTS.concurrency,
    replicas: pick("replicas") ?? DEFAULTS.replicas,
    region,
    instanceTypes,
    tensorParallelSize: tensorParallelSize ?? null,
    gpuMemoryUtilization: utilization ?? DEFAULTS.gpuMemoryUtilization,
    kvCacheDtype,
    multiNode: pick("multiNode") ?? DEFAULTS.multiNode,
    maxNodes: pick("maxNodes") ?? DEFAULTS.maxNodes,
    weightsSource: pick("weightsSource") ?? DEFAULTS.weightsSource,
  };
}
