/**
 * Published measurements the planner's memory and throughput model is held to (test/plan/accuracy.test.ts,
 * `npm run bench`). They are not inputs to the planner: each is a number someone measured or
 * published for a vLLM deployment, with the vLLM release it was taken on.
 */
import { type Source } from "./schema";

const LLM_D =
  "llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md (vLLM v0.11.0, H100 79.18 GiB, --max-model-len 16000), read at commit d773a122^";
const VLLM_LLAMA4_BLOG = "https://blog.vllm.ai/2025/04/05/llama4.html (vLLM v0.8.3: recommended --max-model-len per model and GPU, TP 8)";

export interface KvCacheMeasurement {
  id: string;
  model: string;
  variant: string;
  tensorParallelSize: number;
  gpuMemoryUtilization: number;
  maxModelLen: number;
  /** "Available KV cache memory" vLLM logged, GiB per GPU. */
  kvCacheGiBPerGpu: number;
  vllmVersion: string;
  source: Source;
}

export const KV_CACHE_MEASUREMENTS: readonly KvCacheMeasurement[] = [
  {
    id: "llama-3.1-8b bf16 TP1",
    model: "llama-3.1-8b-instruct",
    variant: "bf16",
    tensorParallelSize: 1,
    gpuMemoryUtilization: 0.9,
    maxModelLen: 16000,
    kvCacheGiBPerGpu: 51.38,
    vllmVersion: "0.11.0",
    source: { ref: LLM_D, readOn: "2026-11-27" },
  },
  {
    id: "llama-3.3-70b fp8 TP2",
    model: "llama-3.3-70b-instruct",
    variant: "fp8-dynamic",
    tensorParallelSize: 2,
    gpuMemoryUtilization: 0.9,
    maxModelLen: 16000,
    kvCacheGiBPerGpu: 32.0,
    vllmVersion: "0.11.0",
    source: { ref: LLM_D, readOn: "2026-11-27" },
  },
  {
    id: "mistral-small-3.2-24b bf16 TP1",
    model: "mistral-small-3.2-24b-instruct",
    variant: "bf16",
    tensorParallelSize: 1,
    gpuMemoryUtilization: 0.95,
    maxModelLen: 16000,
    kvCacheGiBPerGpu: 28.2,
    vllmVersion: "0.11.0",
    source: { ref: LLM_D, readOn: "2026-11-27" },
  },
];

export interface ContextMeasurement {
  id: string;
  model: string;
  variant: string;
  gpu: "h100" | "h200";
  /** The blog's setup: one node, all 8 GPUs in one tensor-parallel group. */
  tensorParallelSize: number;
  /** The --max-model-len vLLM published as what one 8-GPU node serves. */
  maxModelLen: number;
  vllmVersion: string;
  source: Source;
}

export const LLAMA4_CONTEXT_MEASUREMENTS: readonly ContextMeasurement[] = [
  {
    id: "scout bf16 8×H100",
    model: "llama-4-scout-17b-16e-instruct",
    variant: "bf16",
    gpu: "h100",
    tensorParallelSize: 8,
    maxModelLen: 1_000_000,
    vllmVersion: "0.8.3",
    source: { ref: VLLM_LLAMA4_BLOG, readOn: "2026-11-27" },
  },
  {
    id: "maverick fp8 8×H100",
    model: "llama-4-maverick-17b-128e-instruct",
    variant: "fp8-meta",
    gpu: "h100",
    tensorParallelSize: 8,
    maxModelLen: 430_000,
    vllmVersion: "0.8.3",
    source: { ref: VLLM_LLAMA4_BLOG, readOn: "2026-11-27" },
  },
  {
    id: "scout bf16 8×H200",
    model: "llama-4-scout-17b-16e-instruct",
    variant: "bf16",
    gpu: "h200",
    tensorParallelSize: 8,
    maxModelLen: 3_600_000,
    vllmVersion: "0.8.3",
    source: { ref: VLLM_LLAMA4_BLOG, readOn: "2026-11-27" },
  },
];
