/**
 * zod schemas for every catalog table. Types are inferred from these schemas, never written by
 * hand, so a table entry without one of its facts fails to compile and fails validation.
 */
import { z } from "zod";

/** Where a fact came from and the day it was read. Every number in the catalog carries one. */
export const sourceSchema = z.object({
  /** A URL, a repository path at a commit, or a document title a reader can find. */
  ref: z.string().min(8),
  /** ISO date (YYYY-MM-DD) on which the fact was read from `ref`. */
  readOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type Source = z.infer<typeof sourceSchema>;

const positiveInt = z.number().int().positive();

export const MODEL_IDS = [
  "mistral-7b-instruct-v0.3",
  "mixtral-8x7b-instruct-v0.1",
  "mixtral-8x22b-instruct-v0.1",
  "mistral-large-instruct-2411",
  "mistral-small-3.2-24b-instruct",
  "llama-3.2-3b-instruct",
  "llama-3.1-8b-instruct",
  "llama-3.3-70b-instruct",
  "llama-3.1-405b-instruct",
  "llama-4-scout-17b-16e-instruct",
  "llama-4-maverick-17b-128e-instruct",
  "phi-3.5-mini-instruct",
] as const;
export const modelIdSchema = z.enum(MODEL_IDS);
export type ModelId = z.infer<typeof modelIdSchema>;

export const GPU_IDS = ["h100", "h200"] as const;
export const gpuIdSchema = z.enum(GPU_IDS);
export type GpuId = z.infer<typeof gpuIdSchema>;

/** The weight precisions a user can ask for. `auto` is resolved by the planner. */
export const QUANTIZATIONS = ["bf16", "fp8", "int4"] as const;
export const quantizationSchema = z.enum(QUANTIZATIONS);
export type Quantization = z.infer<typeof quantizationSchema>;

export const gpuSpecSchema = z.object({
  displayName: z.string(),
  /** Total device memory as vLLM (torch.cuda.mem_get_info) reports it, in GiB. */
  memoryGiB: z.number().positive(),
  /** Peak HBM bandwidth, TB/s (10^12 bytes per second). */
  memoryBandwidthTBps: z.number().positive(),
  /** Dense (no sparsity) tensor-core throughput, TFLOPS. */
  denseBf16Tflops: z.number().positive(),
  denseFp8Tflops: z.number().positive(),
  /** FP8 tensor cores (Hopper and later): on-the-fly FP8 and FP8 checkpoints run natively. */
  supportsFp8: z.boolean(),
  source: sourceSchema,
});
export type GpuSpec = z.infer<typeof gpuSpecSchema>;

export const INSTANCE_TYPES = ["p5.4xlarge", "p5.48xlarge", "p5en.48xlarge", "m7i.xlarge"] as const;
export const instanceTypeSchema = z.enum(INSTANCE_TYPES);
export type InstanceType = z.infer<typeof instanceTypeSchema>;

export const instanceSpecSchema = z.object({
  /** The GPU on the instance, or null for the CPU instances the cluster's system pods use. */
  gpu: gpuIdSchema.nullable(),
  gpuCount: z.number().int().nonnegative(),
  vcpu: positiveInt,
  memoryGiB: positiveInt,
  networkGbps: z.number().positive(),
  /** Maximum EFA interfaces; 0 where the instance has none. */
  efaInterfaces: z.number().int().nonnegative(),
  /** Local NVMe instance storage, GB (10^9 bytes), summed over the drives. */
  localNvmeGB: z.number().nonnegative(),
  source: sourceSchema,
});
export type InstanceSpec = z.infer<typeof instanceSpecSchema>;

export const REGIONS = ["us-east-1", "us-east-2", "us-west-2"] as const;
export const regionSchema = z.enum(REGIONS);
export type Region = z.infer<typeof regionSchema>;

/**
 * The prefix of each region's AZ ids (use1-az4 is an AZ of us-east-1): AWS names AZ ids by region
 * code ("use1-az1, use1-az2 … for us-east-1": RAM user guide, working-with-az-ids, read 2026-12-06).
 */
export const AZ_ID_PREFIXES: Record<Region, string> = { "us-east-1": "use1", "us-east-2": "use2", "us-west-2": "usw2" };

export const priceRowSchema = z.object({
  instanceType: instanceTypeSchema,
  region: regionSchema,
  /** Linux on-demand price, USD per instance-hour. */
  onDemandHourlyUsd: z.number().positive(),
  /** Set when this row was not read for its region but assumed equal to that region's price. */
  assumedFrom: regionSchema.optional(),
  /** Set when the row is older than PRICE_MAX_AGE_DAYS and kept anyway: every output that uses it says so. */
  stale: z.literal(true).optional(),
  source: sourceSchema,
});
export type PriceRow = z.infer<typeof priceRowSchema>;

/** How a node group's instances are bought: EKS managed node group capacityType ON_DEMAND, SPOT, CAPACITY_BLOCK. */
export const CAPACITY_TYPES = ["on-demand", "spot", "capacity-block"] as const;
export const capacityTypeSchema = z.enum(CAPACITY_TYPES);
export type CapacityType = z.infer<typeof capacityTypeSchema>;

/**
 * Each way of buying as EKS names it on a managed node group (API_Nodegroup capacityType:
 * ON_DEMAND | SPOT | CAPACITY_BLOCK; CreateNodegroup's default is ON_DEMAND: EKS API reference,
 * read 2026-12-06). The one table between the two spellings.
 */
export const EKS_CAPACITY_TYPES = { "on-demand": "ON_DEMAND", spot: "SPOT", "capacity-block": "CAPACITY_BLOCK" } as const satisfies Record<
  CapacityType,
  string
>;
export type EksCapacityType = (typeof EKS_CAPACITY_TYPES)[CapacityType];
export const eksCapacityTypeSchema = z.enum(["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"] as const satisfies readonly EksCapacityType[]);

/** The purchase option an EKS capacityType names (absent: EKS's default, on-demand), or null for a value EKS does not accept. */
export function capacityTypeOfEks(value: unknown): CapacityType | null {
  if (value === undefined || value === null) return "on-demand";
  return (Object.keys(EKS_CAPACITY_TYPES) as CapacityType[]).find((type) => EKS_CAPACITY_TYPES[type] === value) ?? null;
}

export const spotPriceRowSchema = z.object({
  instanceType: instanceTypeSchema,
  region: regionSchema,
  /** The newest Linux/UNIX spot price per AZ id at `observedAt` (EC2 DescribeSpotPriceHistory), USD per instance-hour. */
  zones: z
    .array(z.object({ zoneId: z.string().regex(/^[a-z]{2,5}\d-az\d+$/), hourlyUsd: z.number().positive() }))
    .min(1)
    .refine((zones) => new Set(zones.map((z) => z.zoneId)).size === zones.length, { message: "an AZ id twice" }),
  /** When the prices were current (ISO 8601, UTC). */
  observedAt: z.string().datetime(),
  stale: z.literal(true).optional(),
  source: sourceSchema,
});
export type SpotPriceRow = z.infer<typeof spotPriceRowSchema>;

export const capacityBlockRateRowSchema = z.object({
  instanceType: instanceTypeSchema,
  region: regionSchema,
  /** USD per instance-hour of an EC2 Capacity Block for ML; the upfront fee is this × instances × the block's hours. */
  hourlyUsdPerInstance: z.number().positive(),
  assumedFrom: regionSchema.optional(),
  stale: z.literal(true).optional(),
  source: sourceSchema,
});
export type CapacityBlockRateRow = z.infer<typeof capacityBlockRateRowSchema>;

const oncePerTypeAndRegion = (rows: ReadonlyArray<{ instanceType: string; region: string }>) =>
  new Set(rows.map((r) => `${r.instanceType} ${r.region}`)).size === rows.length;

/**
 * The dated EC2 price snapshot (infra/catalog/ec2-prices.json): what tools/prices/generate-prices.ts
 * writes, or rows read by hand until it is run, each with its own source. On-demand has a row for
 * every instance type in every region (infra/catalog/prices.ts refuses a gap); spot and Capacity
 * Block rows exist where AWS sells that way of buying, and a missing one leaves the stack unpriced.
 */
export const priceSnapshotSchema = z.object({
  /** YYYY-MM-DD: when the snapshot was taken. */
  readOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** How: the generator and the offer file version it read, or "read by hand" and from what. */
  readBy: z.string().min(8),
  onDemand: z.array(priceRowSchema).refine(oncePerTypeAndRegion, { message: "an instance type and region twice" }),
  spot: z.array(spotPriceRowSchema).refine(oncePerTypeAndRegion, { message: "an instance type and region twice" }),
  capacityBlock: z.array(capacityBlockRateRowSchema).refine(oncePerTypeAndRegion, { message: "an instance type and region twice" }),
});
export type PriceSnapshot = z.infer<typeof priceSnapshotSchema>;

/** Which weights of a checkpoint are stored in the variant's reduced precision. */
export const QUANTIZED_SCOPES = [
  /** Nothing: every weight in bf16. */
  "none",
  /** Every linear layer of the decoder (attention, MLP, experts); embeddings, lm_head, MoE router and vision encoder stay bf16. */
  "decoder-linear",
  /** MLP linear layers only, except those of the first and last decoder layer (Meta's fbgemm fp8_mixed recipe). */
  "mlp-except-first-last",
  /** Routed and shared expert weights only; attention, dense MLP layers, embeddings stay bf16. */
  "experts",
] as const;
export const quantizedScopeSchema = z.enum(QUANTIZED_SCOPES);
export type QuantizedScope = z.infer<typeof quantizedScopeSchema>;

export const variantSchema = z
  .object({
    /** Unique within a model, e.g. `bf16`, `fp8-dynamic`, `fp8-on-the-fly`, `awq-int4`. */
    id: z.string().regex(/^[a-z0-9-]+$/),
    quantization: quantizationSchema,
    /** Hugging Face repository vLLM loads. */
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    /**
     * Value of vLLM's `--quantization` flag, or null when vLLM detects the method from the
     * checkpoint's own `quantization_config` (every pre-quantized checkpoint here).
     */
    vllmQuantizationFlag: z.enum(["fp8"]).nullable(),
    /** How the checkpoint was made, in its authors' terms (e.g. `compressed-tensors FP8 dynamic`). */
    method: z.string(),
    quantizedScope: quantizedScopeSchema,
    /**
     * Stored bits per quantized weight including group scales and zeros: 8 for FP8 with
     * per-channel or per-tensor scales, 4 + 16/128 (+ 4/128 for zero points) for int4 at group 128.
     */
    bitsPerQuantizedWeight: z.number().min(3).max(16),
    source: sourceSchema,
  })
  .refine((v) => (v.quantization === "bf16") === (v.quantizedScope === "none"), {
    message: "a bf16 variant quantizes nothing, and every other variant quantizes something",
  });
export type Variant = z.infer<typeof variantSchema>;

export const moeSchema = z.object({
  routedExperts: positiveInt,
  expertsPerToken: positiveInt,
  expertIntermediateSize: positiveInt,
  sharedExperts: z.number().int().nonnegative(),
  sharedExpertIntermediateSize: z.number().int().nonnegative(),
  /** Every n-th decoder layer (1-based: layers where (index + 1) % n === 0) is MoE; the rest are dense. */
  layerInterval: positiveInt,
});

export const architectureSchema = z.object({
  /** Hugging Face `architectures[0]`, which selects vLLM's model implementation. */
  hfArchitecture: z.string(),
  hiddenLayers: positiveInt,
  hiddenSize: positiveInt,
  attentionHeads: positiveInt,
  keyValueHeads: positiveInt,
  /** Explicit in the config where it differs from hiddenSize / attentionHeads (Mistral Small 3.x). */
  headDim: positiveInt,
  /** MLP width of the dense layers; null when every layer is MoE. */
  denseIntermediateSize: positiveInt.nullable(),
  moe: moeSchema.nullable(),
  vocabSize: positiveInt,
  tieWordEmbeddings: z.boolean(),
  /** Longest context the model was released for (`max_position_embeddings` / model card). */
  maxContextTokens: positiveInt,
  /**
   * Llama 4's iRoPE: every `globalLayerInterval`-th layer attends globally, the others attend
   * within chunks of `chunkSizeTokens`.
   */
  chunkedLocalAttention: z.object({ chunkSizeTokens: positiveInt, globalLayerInterval: positiveInt }).nullable(),
  /** Parameters of the vision encoder and projector (0 for text-only models). */
  visionEncoderParams: z.number().nonnegative(),
});
export type Architecture = z.infer<typeof architectureSchema>;

export const modelSpecSchema = z
  .object({
    displayName: z.string(),
    hfRepo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    license: z.string(),
    /** The Hugging Face repository asks users to accept terms: vLLM needs a token to download. */
    gated: z.boolean(),
    /** mistralai checkpoints ship Mistral's native format; vLLM loads them with the `mistral` modes. */
    mistralFormat: z.boolean(),
    architecture: architectureSchema,
    publishedTotalParams: z.number().positive(),
    publishedActiveParams: z.number().positive(),
    variants: z.array(variantSchema).min(1),
    sources: z.object({ architecture: sourceSchema, params: sourceSchema, license: sourceSchema }),
  })
  .refine((m) => m.variants[0]?.quantization === "bf16", { message: "the first variant is the bf16 original" })
  .refine((m) => new Set(m.variants.map((v) => v.id)).size === m.variants.length, { message: "variant ids are unique" })
  .refine((m) => m.architecture.attentionHeads % m.architecture.keyValueHeads === 0, {
    message: "grouped-query attention needs the attention heads to be a multiple of the KV heads",
  });
export type ModelSpec = z.infer<typeof modelSpecSchema>;
