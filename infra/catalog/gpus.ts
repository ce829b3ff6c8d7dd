/** GPU facts: memory as vLLM sees it, bandwidth and dense tensor throughput. */
import { type GpuId, type GpuSpec } from "./schema";

export const GPUS: Record<GpuId, GpuSpec> = {
  h100: {
    displayName: "NVIDIA H100 SXM 80GB",
    // torch reports 79.18 GiB total on an H100 SXM 80GB (llm-d measurement).
    memoryGiB: 79.18,
    memoryBandwidthTBps: 3.35,
    // Datasheet figures are "with sparsity" (1979 / 3958); dense is half.
    denseBf16Tflops: 989.5,
    denseFp8Tflops: 1979,
    supportsFp8: true,
    source: {
      ref: "https://www.nvidia.com/en-us/data-center/h100/ (H100 SXM datasheet); memory as seen by vLLM: llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md ('H100 GPU (79.18 GiB)')",
      readOn: "2026-11-26",
    },
  },
  h200: {
    displayName: "NVIDIA H200 SXM 141GB",
    // 141 GB usable HBM3e; torch reports 139.8 GiB total.
    memoryGiB: 139.8,
    memoryBandwidthTBps: 4.8,
    denseBf16Tflops: 989.5,
    denseFp8Tflops: 1979,
    supportsFp8: true,
    source: {
      ref: "https://www.nvidia.com/en-us/data-center/h200/ (H200 SXM datasheet: 141GB HBM3e, 4.8TB/s, same tensor cores as H100 SXM)",
      readOn: "2026-11-26",
    },
  },
};
