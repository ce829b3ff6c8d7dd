/**
 * The model catalog: architecture, published parameter counts and the checkpoints (variants)
 * vLLM can serve, for exactly the models in MODEL_IDS.
 *
 * Architecture fields come from each model's Hugging Face config.json (the URL in each source);
 * parameter counts derived from them are checked against the published totals in
 * test/catalog/catalog.test.ts.
 */
import { type ModelId, type ModelSpec, type Source, type Variant } from "./schema";

/** The day the facts below were read from the sources they name. */
const READ_ON = "2026-11-26";
const src = (ref: string): Source => ({ ref, readOn: READ_ON });
const hfConfig = (repo: string): Source => src(`https://huggingface.co/${repo}/blob/main/config.json`);

const bf16 = (repo: string): Variant => ({
  id: "bf16",
  quantization: "bf16",
  repo,
  vllmQuantizationFlag: null,
  method: "original bf16 checkpoint",
  quantizedScope: "none",
  bitsPerQuantizedWeight: 16,
  source: src(`https://huggingface.co/${repo}`),
});

/**
 * vLLM's `--quantization fp8` quantizes every linear layer of a bf16 checkpoint to FP8 with a
 * per-tensor scale at load time; embeddings, lm_head and MoE routers stay bf16. Hopper only.
 * https://docs.vllm.ai/en/latest/features/quantization/fp8.html
 */
const fp8OnTheFly = (repo: string): Variant => ({
  id: "fp8-on-the-fly",
  quantization: "fp8",
  repo,
  vllmQuantizationFlag: "fp8",
  method: "vLLM dynamic FP8 (weights quantized at load, per-tensor scales)",
  quantizedScope: "decoder-linear",
  bitsPerQuantizedWeight: 8,
  source: src("https://docs.vllm.ai/en/latest/features/quantization/fp8.html (online dynamic quantization)"),
});

const fp8Checkpoint = (id: string, repo: string, method: string, ref: string): Variant => ({
  id,
  quantization: "fp8",
  repo,
  vllmQuantizationFlag: null,
  method,
  quantizedScope: "decoder-linear",
  bitsPerQuantizedWeight: 8,
  source: src(ref),
});

/**
 * int4 weight-only checkpoints at group size 128: 4 bits plus one fp16 scale per group
 * (16/128 bits) and, for AWQ and GPTQ, one packed 4-bit zero point per group (4/128 bits).
 * https://docs.vllm.ai/en/latest/features/quantization/auto_awq.html
 */
const INT4_G128_WITH_ZEROS_BITS = 4 + 16 / 128 + 4 / 128;
const INT4_G128_SYMMETRIC_BITS = 4 + 16 / 128;
const int4Checkpoint = (id: string, repo: string, method: string, bits: number, ref: string): Variant => ({
  id,
  quantization: "int4",
  repo,
  vllmQuantizationFlag: null,
  method,
  quantizedScope: "decoder-linear",
  bitsPerQuantizedWeight: bits,
  source: src(ref),
});

const MISTRAL_LICENSE = src("https://huggingface.co/mistralai (model cards; repos ask users to share contact details before download)");
const LLAMA_GATE = (version: string) => src(`Llama ${version} Community License, https://huggingface.co/meta-llama (gated: accept the license to download)`);

export const MODELS: Record<ModelId, ModelSpec> = {
  "mistral-7b-instruct-v0.3": {
    displayName: "Mistral 7B Instruct v0.3",
    hfRepo: "mistralai/Mistral-7B-Instruct-v0.3",
    license: "Apache-2.0",
    gated: true,
    mistralFormat: true,
    architecture: {
      hfArchitecture: "MistralForCausalLM",
      hiddenLayers: 32, hiddenSize: 4096, attentionHeads: 32, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 14336, moe: null, vocabSize: 32768, tieWordEmbeddings: false,
      maxContextTokens: 32768, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 7.25e9,
    publishedActiveParams: 7.25e9,
    variants: [
      bf16("mistralai/Mistral-7B-Instruct-v0.3"),
      fp8Checkpoint("fp8-static", "neuralmagic/Mistral-7B-Instruct-v0.3-FP8", "AutoFP8 W8A8, static per-tensor scales",
        "https://huggingface.co/neuralmagic/Mistral-7B-Instruct-v0.3-FP8"),
      int4Checkpoint("gptq-int4", "neuralmagic/Mistral-7B-Instruct-v0.3-GPTQ-4bit", "GPTQ 4-bit, group 128",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/neuralmagic/Mistral-7B-Instruct-v0.3-GPTQ-4bit"),
    ],
    sources: {
      architecture: hfConfig("mistralai/Mistral-7B-Instruct-v0.3"),
      params: src("https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3 (model size 7.25B params)"),
      license: MISTRAL_LICENSE,
    },
  },
  "mixtral-8x7b-instruct-v0.1": {
    displayName: "Mixtral 8x7B Instruct v0.1",
    hfRepo: "mistralai/Mixtral-8x7B-Instruct-v0.1",
    license: "Apache-2.0",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "MixtralForCausalLM",
      hiddenLayers: 32, hiddenSize: 4096, attentionHeads: 32, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: null,
      moe: { routedExperts: 8, expertsPerToken: 2, expertIntermediateSize: 14336, sharedExperts: 0, sharedExpertIntermediateSize: 0, layerInterval: 1 },
      vocabSize: 32000, tieWordEmbeddings: false,
      maxContextTokens: 32768, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 46.7e9,
    publishedActiveParams: 12.9e9,
    variants: [
      bf16("mistralai/Mixtral-8x7B-Instruct-v0.1"),
      fp8Checkpoint("fp8-static", "neuralmagic/Mixtral-8x7B-Instruct-v0.1-FP8", "AutoFP8 W8A8, static per-tensor scales; router kept bf16",
        "https://huggingface.co/neuralmagic/Mixtral-8x7B-Instruct-v0.1-FP8"),
      int4Checkpoint("awq-int4", "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", "AWQ 4-bit GEMM, group 128; router kept fp16",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ"),
    ],
    sources: {
      architecture: hfConfig("mistralai/Mixtral-8x7B-Instruct-v0.1"),
      params: src("https://docs.cloud.google.com/distributed-cloud/hosted/docs/latest/gdcag/solutions/open-weight-models/vllm/mistral (46.7B total, 12.9B active)"),
      license: MISTRAL_LICENSE,
    },
  },
  "mixtral-8x22b-instruct-v0.1": {
    displayName: "Mixtral 8x22B Instruct v0.1",
    hfRepo: "mistralai/Mixtral-8x22B-Instruct-v0.1",
    license: "Apache-2.0",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "MixtralForCausalLM",
      hiddenLayers: 56, hiddenSize: 6144, attentionHeads: 48, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: null,
      moe: { routedExperts: 8, expertsPerToken: 2, expertIntermediateSize: 16384, sharedExperts: 0, sharedExpertIntermediateSize: 0, layerInterval: 1 },
      // The Instruct release uses the v3 tokenizer (32768); 32000 belongs to the community base upload.
      vocabSize: 32768, tieWordEmbeddings: false,
      maxContextTokens: 65536, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 141e9,
    publishedActiveParams: 39e9,
    variants: [
      bf16("mistralai/Mixtral-8x22B-Instruct-v0.1"),
      fp8Checkpoint("fp8-static", "neuralmagic/Mixtral-8x22B-Instruct-v0.1-FP8", "AutoFP8 W8A8, static per-tensor scales; router kept bf16",
        "https://huggingface.co/neuralmagic/Mixtral-8x22B-Instruct-v0.1-FP8"),
    ],
    sources: {
      architecture: hfConfig("mistralai/Mixtral-8x22B-Instruct-v0.1"),
      params: src("https://mistral.ai/news/mixtral-8x22b ('39B active parameters out of 141B', 64K context)"),
      license: MISTRAL_LICENSE,
    },
  },
  "mistral-large-instruct-2411": {
    displayName: "Mistral Large Instruct 2411 (123B)",
    hfRepo: "mistralai/Mistral-Large-Instruct-2411",
    license: "Mistral Research License",
    gated: true,
    mistralFormat: true,
    architecture: {
      hfArchitecture: "MistralForCausalLM",
      hiddenLayers: 88, hiddenSize: 12288, attentionHeads: 96, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 28672, moe: null, vocabSize: 32768, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 123e9,
    publishedActiveParams: 123e9,
    variants: [
      bf16("mistralai/Mistral-Large-Instruct-2411"),
      fp8OnTheFly("mistralai/Mistral-Large-Instruct-2411"),
      int4Checkpoint("awq-int4", "TechxGenus/Mistral-Large-Instruct-2411-AWQ", "AWQ 4-bit GEMM, group 128",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/TechxGenus/Mistral-Large-Instruct-2411-AWQ"),
    ],
    sources: {
      architecture: hfConfig("mistralai/Mistral-Large-Instruct-2411"),
      params: src("https://mistral.ai/news/mistral-large-2407 (123B parameters, 128k context)"),
      license: MISTRAL_LICENSE,
    },
  },
  "mistral-small-3.2-24b-instruct": {
    displayName: "Mistral Small 3.2 24B Instruct 2506",
    hfRepo: "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
    license: "Apache-2.0",
    gated: true,
    mistralFormat: true,
    architecture: {
      hfArchitecture: "Mistral3ForConditionalGeneration",
      // head_dim is explicit (128), not hiddenSize / heads (160): q_proj maps 5120 -> 4096.
      hiddenLayers: 40, hiddenSize: 5120, attentionHeads: 32, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 32768, moe: null, vocabSize: 131072, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null,
      // Pixtral vision encoder (~0.40B) plus projector (~0.04B), derived from its config.json (vision_config).
      visionEncoderParams: 0.44e9,
    },
    publishedTotalParams: 24e9,
    publishedActiveParams: 24e9,
    variants: [bf16("mistralai/Mistral-Small-3.2-24B-Instruct-2506"), fp8OnTheFly("mistralai/Mistral-Small-3.2-24B-Instruct-2506")],
    sources: {
      architecture: hfConfig("mistralai/Mistral-Small-3.2-24B-Instruct-2506"),
      params: src("https://mistral.ai/news/mistral-small-3-1 (24B parameters, 128k context)"),
      license: MISTRAL_LICENSE,
    },
  },
  "llama-3.2-3b-instruct": {
    displayName: "Llama 3.2 3B Instruct",
    hfRepo: "meta-llama/Llama-3.2-3B-Instruct",
    license: "Llama 3.2 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "LlamaForCausalLM",
      hiddenLayers: 28, hiddenSize: 3072, attentionHeads: 24, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 8192, moe: null, vocabSize: 128256, tieWordEmbeddings: true,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 3.21e9,
    publishedActiveParams: 3.21e9,
    variants: [
      bf16("meta-llama/Llama-3.2-3B-Instruct"),
      fp8OnTheFly("meta-llama/Llama-3.2-3B-Instruct"),
      int4Checkpoint("awq-int4", "AMead10/Llama-3.2-3B-Instruct-AWQ", "AWQ 4-bit GEMM, group 128 (community)",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/AMead10/Llama-3.2-3B-Instruct-AWQ"),
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-3.2-3B-Instruct"),
      params: src("https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct (3.21B params)"),
      license: LLAMA_GATE("3.2"),
    },
  },
  "llama-3.1-8b-instruct": {
    displayName: "Llama 3.1 8B Instruct",
    hfRepo: "meta-llama/Llama-3.1-8B-Instruct",
    license: "Llama 3.1 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "LlamaForCausalLM",
      hiddenLayers: 32, hiddenSize: 4096, attentionHeads: 32, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 14336, moe: null, vocabSize: 128256, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 8.03e9,
    publishedActiveParams: 8.03e9,
    variants: [
      bf16("meta-llama/Llama-3.1-8B-Instruct"),
      fp8Checkpoint("fp8-static", "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8", "W8A8 FP8, static per-tensor scales",
        "https://huggingface.co/neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8"),
      int4Checkpoint("awq-int4", "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "AWQ 4-bit GEMM, group 128",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4"),
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-3.1-8B-Instruct"),
      params: src("https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct (8.03B params)"),
      license: LLAMA_GATE("3.1"),
    },
  },
  "llama-3.3-70b-instruct": {
    displayName: "Llama 3.3 70B Instruct",
    hfRepo: "meta-llama/Llama-3.3-70B-Instruct",
    license: "Llama 3.3 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "LlamaForCausalLM",
      hiddenLayers: 80, hiddenSize: 8192, attentionHeads: 64, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 28672, moe: null, vocabSize: 128256, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 70.6e9,
    publishedActiveParams: 70.6e9,
    variants: [
      bf16("meta-llama/Llama-3.3-70B-Instruct"),
      fp8Checkpoint("fp8-dynamic", "RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic",
        "compressed-tensors FP8 dynamic (per-channel weight scales); llm-d measured 67.72 GiB loaded",
        "https://huggingface.co/RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic; llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md"),
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-3.3-70B-Instruct"),
      params: src("https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct (70.6B params)"),
      license: LLAMA_GATE("3.3"),
    },
  },
  "llama-3.1-405b-instruct": {
    displayName: "Llama 3.1 405B Instruct",
    hfRepo: "meta-llama/Llama-3.1-405B-Instruct",
    license: "Llama 3.1 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      // The HF checkpoints have 8 KV heads; Meta's native bf16 "MP16" files duplicate them to 16.
      hfArchitecture: "LlamaForCausalLM",
      hiddenLayers: 126, hiddenSize: 16384, attentionHeads: 128, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: 53248, moe: null, vocabSize: 128256, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 405e9,
    publishedActiveParams: 405e9,
    variants: [
      bf16("meta-llama/Llama-3.1-405B-Instruct"),
      {
        id: "fp8-meta",
        quantization: "fp8",
        repo: "meta-llama/Llama-3.1-405B-Instruct-FP8",
        vllmQuantizationFlag: null,
        method: "fbgemm fp8_mixed: per-row FP8 MLP weights; attention and the first and last layers kept bf16",
        quantizedScope: "mlp-except-first-last",
        bitsPerQuantizedWeight: 8,
        source: src("https://huggingface.co/meta-llama/Llama-3.1-405B-Instruct-FP8; https://ai.meta.com/blog/meta-llama-3-1/"),
      },
      int4Checkpoint("awq-int4", "hugging-quants/Meta-Llama-3.1-405B-Instruct-AWQ-INT4", "AWQ 4-bit GEMM, group 128 (~203 GiB to load)",
        INT4_G128_WITH_ZEROS_BITS, "https://huggingface.co/hugging-quants/Meta-Llama-3.1-405B-Instruct-AWQ-INT4"),
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-3.1-405B-Instruct"),
      params: src("https://ai.meta.com/blog/meta-llama-3-1/ (405B parameters)"),
      license: LLAMA_GATE("3.1"),
    },
  },
  "llama-4-scout-17b-16e-instruct": {
    displayName: "Llama 4 Scout 17B-16E Instruct",
    hfRepo: "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    license: "Llama 4 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "Llama4ForConditionalGeneration",
      hiddenLayers: 48, hiddenSize: 5120, attentionHeads: 40, keyValueHeads: 8, headDim: 128,
      denseIntermediateSize: null,
      moe: { routedExperts: 16, expertsPerToken: 1, expertIntermediateSize: 8192, sharedExperts: 1, sharedExpertIntermediateSize: 8192, layerInterval: 1 },
      vocabSize: 202048, tieWordEmbeddings: false,
      maxContextTokens: 10485760,
      chunkedLocalAttention: { chunkSizeTokens: 8192, globalLayerInterval: 4 },
      visionEncoderParams: 0.87e9,
    },
    publishedTotalParams: 109e9,
    publishedActiveParams: 17e9,
    variants: [
      bf16("meta-llama/Llama-4-Scout-17B-16E-Instruct"),
      fp8Checkpoint("fp8-dynamic", "RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic", "compressed-tensors FP8 dynamic; vision encoder and router kept bf16",
        "https://huggingface.co/RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic"),
      int4Checkpoint("w4a16", "RedHatAI/Llama-4-Scout-17B-16E-Instruct-quantized.w4a16", "compressed-tensors W4A16, group 128 symmetric",
        INT4_G128_SYMMETRIC_BITS, "https://huggingface.co/RedHatAI/Llama-4-Scout-17B-16E-Instruct-quantized.w4a16"),
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-4-Scout-17B-16E-Instruct"),
      params: src("https://ai.meta.com/blog/llama-4-multimodal-intelligence/ (17B active, 16 experts, 109B total, 10M context)"),
      license: LLAMA_GATE("4"),
    },
  },
  "llama-4-maverick-17b-128e-instruct": {
    displayName: "Llama 4 Maverick 17B-128E Instruct",
    hfRepo: "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
    license: "Llama 4 Community License",
    gated: true,
    mistralFormat: false,
    architecture: {
      hfArchitecture: "Llama4ForConditionalGeneration",
      hiddenLayers: 48, hiddenSize: 5120, attentionHeads: 40, keyValueHeads: 8, headDim: 128,
      // MoE on every second layer (interleave_moe_layer_step 2); the other 24 layers are dense
      // with intermediate_size_mlp 16384.
      denseIntermediateSize: 16384,
      moe: { routedExperts: 128, expertsPerToken: 1, expertIntermediateSize: 8192, sharedExperts: 1, sharedExpertIntermediateSize: 8192, layerInterval: 2 },
      vocabSize: 202048, tieWordEmbeddings: false,
      maxContextTokens: 1048576,
      chunkedLocalAttention: { chunkSizeTokens: 8192, globalLayerInterval: 4 },
      visionEncoderParams: 0.87e9,
    },
    publishedTotalParams: 400e9,
    publishedActiveParams: 17e9,
    variants: [
      bf16("meta-llama/Llama-4-Maverick-17B-128E-Instruct"),
      {
        id: "fp8-meta",
        quantization: "fp8",
        repo: "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
        vllmQuantizationFlag: null,
        method: "Meta FP8: routed and shared expert weights in FP8; attention, dense layers and vision kept bf16",
        quantizedScope: "experts",
        bitsPerQuantizedWeight: 8,
        source: src("https://huggingface.co/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8 ('fits on a single H100 DGX host')"),
      },
    ],
    sources: {
      architecture: hfConfig("meta-llama/Llama-4-Maverick-17B-128E-Instruct"),
      params: src("https://ai.meta.com/blog/llama-4-multimodal-intelligence/ (17B active, 128 experts, 400B total)"),
      license: LLAMA_GATE("4"),
    },
  },
  "phi-3.5-mini-instruct": {
    displayName: "Phi-3.5-mini-instruct",
    hfRepo: "microsoft/Phi-3.5-mini-instruct",
    license: "MIT",
    gated: false,
    mistralFormat: false,
    architecture: {
      // Full multi-head attention (32 KV heads): 3x the KV cache of Llama 3.1 8B per token.
      hfArchitecture: "Phi3ForCausalLM",
      hiddenLayers: 32, hiddenSize: 3072, attentionHeads: 32, keyValueHeads: 32, headDim: 96,
      denseIntermediateSize: 8192, moe: null, vocabSize: 32064, tieWordEmbeddings: false,
      maxContextTokens: 131072, chunkedLocalAttention: null, visionEncoderParams: 0,
    },
    publishedTotalParams: 3.8e9,
    publishedActiveParams: 3.8e9,
    variants: [bf16("microsoft/Phi-3.5-mini-instruct"), fp8OnTheFly("microsoft/Phi-3.5-mini-instruct")],
    sources: {
      architecture: hfConfig("microsoft/Phi-3.5-mini-instruct"),
      params: src("https://huggingface.co/microsoft/Phi-3.5-mini-instruct (3.8B parameters, 128K context)"),
      license: src("https://huggingface.co/microsoft/Phi-3.5-mini-instruct (MIT license, not gated)"),
    },
  },
};
