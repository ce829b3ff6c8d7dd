/**
 * The planner against published measurements (infra/catalog/measurements.ts), each with the vLLM
 * release it was taken on. Targets from issue 9: KV cache per GPU within ±5 % of llm-d's H100
 * measurements; Llama 4 contexts reconciled with vLLM's own published figures. Throughput and latency are held
 * against their own dataset in test/plan/performance/.
 */
import { describe, expect, it } from "vitest";
import { accuracyRows } from "../../infra/plan";

const rows = accuracyRows();
const row = (id: string) => rows.find((r) => r.id === id)!;

describe("KV cache per GPU vs llm-d's measurements on H100 (vLLM v0.11.0)", () => {
  it.each([
    ["llama-3.1-8b bf16 TP1", 51.38],
    ["llama-3.3-70b fp8 TP2", 32.0],
    ["mistral-small-3.2-24b bf16 TP1", 28.2],
  ])("%s: within 5 % of %s GiB, and below it by about the 1.03 GiB CUDA-graph reserve v0.11.0 did not hold", (id, measuredGiB) => {
    const r = row(id);
    expect(r.published).toBe(measuredGiB);
    expect(Math.abs(r.ratio - 1)).toBeLessThan(0.05);
    // Same activation, weights and non-torch terms as measured: the gap is the CUDA-graph reserve, ±0.05 GiB of rounding.
    expect(measuredGiB - r.planned).toBeGreaterThan(0.9);
    expect(measuredGiB - r.planned).toBeLessThan(1.1);
  });
});

describe("Llama 4 contexts vs vLLM's published figures (blog.vllm.ai 2025-04-05, vLLM v0.8.3)", () => {
  it.each([
    ["scout bf16 8×H100", 1_000_000],
    ["maverick fp8 8×H100", 430_000],
    ["scout bf16 8×H200", 3_600_000],
  ])(
    "%s: the published --max-model-len %s fits under that release's rule (every layer full attention), with under 60 % to spare",
    (id, published) => {
      const r = row(id);
      expect(r.published).toBe(published);
      // The blog recommends round settings that fit, not the exact capacity: Scout's 1M is 64 % of 1.55M.
      expect(r.ratio).toBeGreaterThanOrEqual(1);
      expect(r.ratio).toBeLessThan(1.6);
    },
  );
});
