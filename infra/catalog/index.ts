/**
 * The catalog's public face: every table validated against its schema once, at import, plus
 * lookups. Importing a table that breaks its schema throws here, not deep inside the planner.
 */
import { z } from "zod";
import { GPUS } from "./gpus";
import { INSTANCES } from "./instances";
import { MODELS } from "./models";
import { instanceHourlyUsd } from "./prices";
import {
  GPU_IDS,
  INSTANCE_TYPES,
  MODEL_IDS,
  gpuSpecSchema,
  instanceSpecSchema,
  modelSpecSchema,
  type GpuId,
  type InstanceType,
  type ModelId,
  type ModelSpec,
  type Region,
  type Variant,
} from "./schema";

export {
  type Architecture,
  GPU_IDS,
  type GpuId,
  gpuIdSchema,
  type GpuSpec,
  INSTANCE_TYPES,
  type InstanceType,
  instanceTypeSchema,
  MODEL_IDS,
  type ModelId,
  type ModelSpec,
  modelSpecSchema,
  type Quantization,
  QUANTIZATIONS,
  type Region,
  REGIONS,
  regionSchema,
  AZ_ID_PREFIXES,
  CAPACITY_TYPES,
  type CapacityType,
  capacityTypeOfEks,
  capacityTypeSchema,
  EKS_CAPACITY_TYPES,
  type EksCapacityType,
  eksCapacityTypeSchema,
  type PriceSnapshot,
  priceSnapshotSchema,
  type Variant,
  variantSchema,
} from "./schema";
export { GPUS } from "./gpus";
export { INSTANCES } from "./instances";
export { MODELS } from "./models";
export {
  DATA_PRICES,
  HOURS_PER_MONTH,
  PRICE_MAX_AGE_DAYS,
  PRICE_TABLE_DATE,
  PRICES,
  PRICE_SNAPSHOT,
  SERVICE_PRICES,
  findCapacityBlockRow,
  findSpotRow,
  instanceHourlyUsd,
  priceCaveats,
  type InstancePurchase,
} from "./prices";

z.record(z.enum(MODEL_IDS), modelSpecSchema).parse(MODELS);
z.record(z.enum(GPU_IDS), gpuSpecSchema).parse(GPUS);
z.record(z.enum(INSTANCE_TYPES), instanceSpecSchema).parse(INSTANCES);

export const isInstanceType = (value: string): value is InstanceType => (INSTANCE_TYPES as readonly string[]).includes(value);

export const isModelId = (value: string): value is ModelId => (MODEL_IDS as readonly string[]).includes(value);

export function getModel(id: ModelId): ModelSpec {
  return MODELS[id];
}

/** A model's variant by its id (`bf16`, `fp8-static`, …), or undefined. */
export function findVariant(modelId: ModelId, variantId: string): Variant | undefined {
  return MODELS[modelId].variants.find((v) => v.id === variantId);
}

/**
 * The catalog model and variant a vLLM server loads, from its `--model` repository and
 * `--quantization` flag (a bf16 repository with `--quantization fp8` is the on-the-fly FP8 variant).
 * Hugging Face resolves repository ids without regard to case, so neither does this.
 */
export function findVariantByRepo(
  repo: string,
  quantizationFlag: string | undefined,
): { modelId: ModelId; model: ModelSpec; variant: Variant } | undefined {
  const wanted = repo.toLowerCase();
  for (const modelId of MODEL_IDS) {
    const model = MODELS[modelId];
    const variant = model.variants.find(
      (v) => v.repo.toLowerCase() === wanted && (v.vllmQuantizationFlag ?? undefined) === quantizationFlag,
    );
    if (variant) return { modelId, model, variant };
  }
  return undefined;
}

/** On-demand USD per hour, or undefined where the table has no row (the caller decides what that means). */
export function findHourlyPriceUsd(instanceType: InstanceType, region: Region): number | undefined {
  return instanceHourlyUsd(instanceType, region, "on-demand");
}

/** Instance types carrying `gpu`, in catalog order. */
export function instanceTypesWithGpu(gpu: GpuId): InstanceType[] {
  return INSTANCE_TYPES.filter((type) => INSTANCES[type].gpu === gpu);
}

export { HOSTED_PRICE_TABLE, HOSTED_PROVIDERS, hostedOffers, type HostedPriceRow, type HostedProvider } from "./hosted-prices";
export { EKS_SUPPORT_TYPES, EKS_VERSIONS, type EksSupportType, KUBERNETES_VERSION } from "./eks-versions";
export { EFA_CAPABLE_IMAGES, VLLM_RELEASE } from "./vllm-release";
export { KV_CACHE_MEASUREMENTS, LLAMA4_CONTEXT_MEASUREMENTS } from "./measurements";
export { ENGINE_START_POINTS, RUNAI_STREAMER, STARTUP_RATES } from "./startup-rates";
export { REMOVED_VLLM_METRICS, unknownVllmSeries, VLLM_METRICS } from "./vllm-metrics";
export {
  ECR_REPOSITORY_PREFIX_MAX_LENGTH,
  PULL_THROUGH_UPSTREAMS,
  type PullThroughUpstreamKey,
  type RegistryCredential,
} from "./registries";
