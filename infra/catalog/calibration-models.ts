/**
 * Architectures measured but not served: models outside the catalog whose published vLLM
 * measurements calibrate the step model (catalog/serving-measurements.ts). Only what the step
 * model reads is kept — the config.json shape and the bf16 checkpoint — each with its source.
 * They never appear in plans, `models` or `compare`.
 */
import { z } from "zod";
import { architectureSchema, sourceSchema, variantSchema, type Architecture, type Source, type Variant } from "./schema";

const READ_ON = "2026-12-06";

export const CALIBRATION_MODEL_IDS = ["qwen3-8b", "qwen3-32b"] as const;
export const calibrationModelIdSchema = z.enum(CALIBRATION_MODEL_IDS);
export type CalibrationModelId = z.infer<typeof calibrationModelIdSchema>;

export interface CalibrationModel {
  architecture: Architecture;
  variant: Variant;
  source: Source;
}

const qwen3 = (
  repo: string,
  shape: Pick<Architecture, "hiddenLayers" | "hiddenSize" | "attentionHeads" | "denseIntermediateSize">,
): CalibrationModel => ({
  architecture: {
    hfArchitecture: "Qwen3ForCausalLM",
    keyValueHeads: 8,
    headDim: 128,
    moe: null,
    vocabSize: 151936,
    tieWordEmbeddings: false,
    maxContextTokens: 40960,
    chunkedLocalAttention: null,
    visionEncoderParams: 0,
    ...shape,
  },
  variant: {
    id: "bf16",
    quantization: "bf16",
    repo,
    vllmQuantizationFlag: null,
    method: "original bf16 checkpoint",
    quantizedScope: "none",
    bitsPerQuantizedWeight: 16,
    source: { ref: `https://huggingface.co/${repo}`, readOn: READ_ON },
  },
  source: { ref: `https://huggingface.co/${repo}/blob/main/config.json`, readOn: READ_ON },
});

export const CALIBRATION_MODELS: Record<CalibrationModelId, CalibrationModel> = {
  "qwen3-8b": qwen3("Qwen/Qwen3-8B", { hiddenLayers: 36, hiddenSize: 4096, attentionHeads: 32, denseIntermediateSize: 12288 }),
  "qwen3-32b": qwen3("Qwen/Qwen3-32B", { hiddenLayers: 64, hiddenSize: 5120, attentionHeads: 64, denseIntermediateSize: 25600 }),
};

z.record(calibrationModelIdSchema, z.object({ architecture: architectureSchema, variant: variantSchema, source: sourceSchema })).parse(
  CALIBRATION_MODELS,
);
