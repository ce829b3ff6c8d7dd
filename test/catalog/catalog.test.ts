import { describe, expect, it } from "vitest";
import {
  GPUS,
  INSTANCES,
  INSTANCE_TYPES,
  MODEL_IDS,
  MODELS,
  PRICES,
  REGIONS,
  findHourlyPriceUsd,
  modelSpecSchema,
  variantSchema,
} from "../../infra/catalog";
import { countParameters, kvBytesPerToken, totalWeightBytes, BYTES_PER_GIB } from "../../infra/plan";

describe("model catalog", () => {
  it("holds exactly the twelve model ids of the brief", () => {
    expect(Object.keys(MODELS).sort()).toEqual([
      "llama-3.1-405b-instruct",
      "llama-3.1-8b-instruct",
      "llama-3.2-3b-instruct",
      "llama-3.3-70b-instruct",
      "llama-4-maverick-17b-128e-instruct",
      "llama-4-scout-17b-16e-instruct",
      "mistral-7b-instruct-v0.3",
      "mistral-large-instruct-2411",
      "mistral-small-3.2-24b-instruct",
      "mixtral-8x22b-instruct-v0.1",
      "mixtral-8x7b-instruct-v0.1",
      "phi-3.5-mini-instruct",
    ]);
  });

  it.each(MODEL_IDS)("%s: derived total parameters are within 1.5% of the published count", (id) => {
    const model = MODELS[id];
    const { total } = countParameters(model.architecture);
    expect(Math.abs(total / model.publishedTotalParams - 1)).toBeLessThan(0.015);
  });

  it.each(MODEL_IDS.filter((id) => MODELS[id].architecture.moe !== null))(
    "%s: derived active parameters are within 1.5% of the published count",
    (id) => {
      const model = MODELS[id];
      expect(Math.abs(countParameters(model.architecture).active / model.publishedActiveParams - 1)).toBeLessThan(0.015);
    },
  );

  it.each(MODEL_IDS.filter((id) => MODELS[id].architecture.moe === null))(
    "%s: a dense model's active parameters are its text parameters",
    (id) => {
      const { architecture } = MODELS[id];
      const { total, active } = countParameters(architecture);
      expect(active).toBe(total - architecture.visionEncoderParams);
    },
  );

  it("derives the exact parameter counts the reference derivations give", () => {
    const billions = (id: (typeof MODEL_IDS)[number]) => Number((countParameters(MODELS[id].architecture).total / 1e9).toFixed(3));
    expect(billions("mixtral-8x7b-instruct-v0.1")).toBe(46.703);
    expect(billions("llama-3.1-8b-instruct")).toBe(8.03);
    expect(billions("llama-3.1-405b-instruct")).toBe(405.853);
    expect(billions("llama-4-maverick-17b-128e-instruct")).toBe(401.582);
  });

  // 2 × layers × kv_heads × head_dim × 2 bytes (bf16), per token, whole model at TP 1.
  it.each([
    ["mistral-7b-instruct-v0.3", 131072],
    ["mixtral-8x7b-instruct-v0.1", 131072],
    ["mixtral-8x22b-instruct-v0.1", 229376],
    ["mistral-large-instruct-2411", 360448],
    ["mistral-small-3.2-24b-instruct", 163840],
    ["llama-3.2-3b-instruct", 114688],
    ["llama-3.1-8b-instruct", 131072],
    ["llama-3.3-70b-instruct", 327680],
    ["llama-3.1-405b-instruct", 516096],
    ["llama-4-scout-17b-16e-instruct", 196608],
    ["llama-4-maverick-17b-128e-instruct", 196608],
    ["phi-3.5-mini-instruct", 393216],
  ] as const)("%s: KV cache is %i bytes per token in bf16 and half in fp8", (id, bytes) => {
    expect(kvBytesPerToken(MODELS[id].architecture, "auto")).toBe(bytes);
    expect(kvBytesPerToken(MODELS[id].architecture, "fp8")).toBe(bytes / 2);
  });

  it("sizes quantized checkpoints by what they keep in bf16, matching measured and published sizes", () => {
    const gibOf = (id: (typeof MODEL_IDS)[number], variantId: string) => {
      const model = MODELS[id];
      const variant = model.variants.find((v) => v.id === variantId);
      if (!variant) throw new Error(`${id} has no variant ${variantId}`);
      return totalWeightBytes(model.architecture, variant) / BYTES_PER_GIB;
    };
    // llm-d measured "Model loading took 67.72 GiB" for RedHatAI's FP8-dynamic 70B and 44.76 GiB for Mistral Small 3.2.
    expect(Math.abs(gibOf("llama-3.3-70b-instruct", "fp8-dynamic") / 67.72 - 1)).toBeLessThan(0.01);
    expect(Math.abs(gibOf("mistral-small-3.2-24b-instruct", "bf16") / 44.76 - 1)).toBeLessThan(0.01);
    // Meta's 405B FP8 ships 8 shards of 60,903,742,309 bytes (attention, first and last layer in bf16).
    expect(Math.abs(gibOf("llama-3.1-405b-instruct", "fp8-meta") / ((8 * 60_903_742_309) / BYTES_PER_GIB) - 1)).toBeLessThan(0.01);
    // hugging-quants: the 405B AWQ INT4 needs ~203 GiB to load — not 405e9 × 4 bits (188.9 GiB).
    expect(gibOf("llama-3.1-405b-instruct", "awq-int4").toFixed(1)).toBe("202.2");
    // The myth: "quantized Mistral Large fits on a single 24 GB GPU". Its int4 weights alone are 60 GiB.
    expect(gibOf("mistral-large-instruct-2411", "awq-int4").toFixed(1)).toBe("60.4");
  });

  it("rejects a model entry whose first variant is not bf16", () => {
    const model = MODELS["llama-3.1-8b-instruct"];
    const result = modelSpecSchema.safeParse({ ...model, variants: [...model.variants].reverse() });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(["the first variant is the bf16 original"]);
  });

  it("rejects a bf16 variant that claims to quantize weights", () => {
    const result = variantSchema.safeParse({ ...MODELS["llama-3.1-8b-instruct"].variants[0], quantizedScope: "decoder-linear" });
    expect(result.success).toBe(false);
  });

  it("carries a source and a read date for every model, variant, GPU, instance and price", () => {
    for (const model of Object.values(MODELS)) {
      for (const source of [...Object.values(model.sources), ...model.variants.map((v) => v.source)]) {
        expect(source.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(source.ref.length).toBeGreaterThan(8);
      }
    }
    for (const entry of [...Object.values(GPUS), ...Object.values(INSTANCES), ...PRICES])
      expect(entry.source.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe("hardware and prices", () => {
  it("knows H100 and H200 as vLLM sees them", () => {
    expect(GPUS.h100.memoryGiB).toBe(79.18);
    expect(GPUS.h200.memoryGiB).toBe(139.8);
    expect(GPUS.h100.memoryBandwidthTBps).toBe(3.35);
    expect(GPUS.h200.memoryBandwidthTBps).toBe(4.8);
  });

  it("maps instance types to GPUs and counts", () => {
    expect(INSTANCE_TYPES.map((t) => [t, INSTANCES[t].gpu, INSTANCES[t].gpuCount])).toEqual([
      ["p5.4xlarge", "h100", 1],
      ["p5.48xlarge", "h100", 8],
      ["p5en.48xlarge", "h200", 8],
      ["m7i.xlarge", null, 0],
    ]);
  });

  it("prices every instance type in every region at the post-June-2025 on-demand rates", () => {
    for (const region of REGIONS) {
      expect(findHourlyPriceUsd("p5.48xlarge", region)).toBe(55.04);
      expect(findHourlyPriceUsd("p5.4xlarge", region)).toBe(6.88);
      expect(findHourlyPriceUsd("p5en.48xlarge", region)).toBe(63.296);
      expect(findHourlyPriceUsd("m7i.xlarge", region)).toBe(0.2016);
    }
    expect(PRICES).toHaveLength(INSTANCE_TYPES.length * REGIONS.length);
  });
});
