/**
 * The time-to-ready estimate (infra/plan/time-to-ready.ts) for the README's four models on both
 * weight paths, against arithmetic done by hand from the published rates
 * (infra/catalog/startup-rates.ts):
 *
 * - node boot: 40 s launch to Ready + 60 s to GPUs allocatable = 100 s;
 * - image pull: 12 GB ÷ 41.7 MB/s = 287.8 → 288 s;
 * - S3: each rank at 3.51 GiB/s = 3,768,833,720 B/s, a node at most 100 Gb/s = 12.5 GB/s for all its ranks;
 * - Hugging Face: 262 MB/s download, then 7 GB/s load;
 * - engine start: the line through (36 layers, 86.6 s) and (80 layers, 145 s): 58.4 / 44 = 1.32727 s per
 *   layer from 38.818 s, plus 60 s of P2P check on a multi-GPU pod;
 * - cache fill: download at 262 MB/s, then upload at 10 × 85 MB/s = 850 MB/s.
 * Every step is rounded up to the second.
 *
 * Checkpoint sizes as stored (10^9-byte GB), from the published parameter counts:
 * - Llama 3.1 8B bf16: 8,030,261,248 × 2 = 16,060,522,496 B;
 * - Llama 3.3 70B FP8-dynamic: embeddings and head 2 × 128,256 × 8,192 and norms 80 × 2 × 8,192 + 8,192 at 2 bytes
 *   (4,205,330,432 B), the other 68,451,041,280 parameters at 1 byte: 72,656,371,712 B;
 * - Llama 4 Scout bf16: 108,639,861,120 × 2 = 217,279,722,240 B;
 * - Llama 3.1 405B FP8 (Meta's): the FFNs of 124 of 126 layers (3 × 16,384 × 53,248 each) at 1 byte
 *   (324,538,466,304 B), the other 81,314,922,496 parameters at 2: 487,168,311,296 B.
 */
import { describe, expect, it } from "vitest";
import { STARTUP_RATES, ENGINE_START_POINTS } from "../../infra/catalog";
import { cacheFillTimeoutSeconds, checkpointBytes, planDeployment, rolloutSeconds, startupBudget, timeToReady } from "../../infra/plan";
import { renderTimeToReadyComparison, timeToReadyComparison, TIME_TO_READY_COMPARISON } from "../../cli/render/time-to-ready-text";

type Expected = { bytes: number; layers: number; ranks: number; s3: number[]; huggingface: number[]; cacheFill: number };

// Steps: [node boot, image pull, weights…, engine start].
const CASES: Record<string, Expected> = {
  // S3: max(16,060,522,496 / 3,768,833,720 = 4.26, 16.06e9 × 1 / 12.5e9 = 1.28) → 5; engine 38.818 + 32 × 1.32727 = 81.29 → 82.
  // HF: 16.06e9 / 262e6 = 61.30 → 62; 16.06 / 7 = 2.29 → 3. Fill: 61.30 + 18.89 = 80.19 → 81.
  "Llama 3.1 8B": { bytes: 16_060_522_496, layers: 32, ranks: 1, s3: [100, 288, 5, 82], huggingface: [100, 288, 62, 3, 82], cacheFill: 81 },
  // S3: 8 ranks share the node: 72.656e9 × 8 / 12.5e9 = 46.50 → 47; engine 38.818 + 80 × 1.32727 + 60 = 205.0 → 205.
  // HF: 72.656e9 / 262e6 = 277.31 → 278; 72.656 / 7 = 10.38 → 11. Fill: 277.31 + 85.48 = 362.79 → 363.
  "Llama 3.3 70B FP8": {
    bytes: 72_656_371_712,
    layers: 80,
    ranks: 8,
    s3: [100, 288, 47, 205],
    huggingface: [100, 288, 278, 11, 205],
    cacheFill: 363,
  },
  // S3: 217.28e9 × 8 / 12.5e9 = 139.06 → 140; engine 38.818 + 48 × 1.32727 + 60 = 162.53 → 163.
  // HF: 217.28e9 / 262e6 = 829.31 → 830; 31.04 → 32. Fill: 829.31 + 255.62 = 1,084.93 → 1,085.
  "Llama 4 Scout": {
    bytes: 217_279_722_240,
    layers: 48,
    ranks: 8,
    s3: [100, 288, 140, 163],
    huggingface: [100, 288, 830, 32, 163],
    cacheFill: 1085,
  },
  // S3: 487.17e9 × 8 / 12.5e9 = 311.79 → 312; engine 38.818 + 126 × 1.32727 + 60 = 266.05 → 267.
  // HF: 487.17e9 / 262e6 = 1,859.42 → 1,860; 69.60 → 70. Fill: 1,859.42 + 573.14 = 2,432.56 → 2,433.
  "Llama 3.1 405B FP8": {
    bytes: 487_168_311_296,
    layers: 126,
    ranks: 8,
    s3: [100, 288, 312, 267],
    huggingface: [100, 288, 1860, 70, 267],
    cacheFill: 2433,
  },
};

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("time to ready", () => {
  it("reads the rates it was written against", () => {
    expect([
      STARTUP_RATES.nodeLaunchToReadySeconds.value,
      STARTUP_RATES.gpuAllocatableAfterReadySeconds.value,
      STARTUP_RATES.vllmImageCompressedGB.value,
      STARTUP_RATES.imagePullMBPerSecond.value,
      STARTUP_RATES.s3StreamGiBPerSecondPerProcess.value,
      STARTUP_RATES.s3InstanceGbps.value,
      STARTUP_RATES.huggingFaceDownloadMBPerSecond.value,
      STARTUP_RATES.localLoadGBPerSecond.value,
      STARTUP_RATES.s3UploadConcurrency.value,
      STARTUP_RATES.s3ConnectionMBPerSecond.value,
      ENGINE_START_POINTS.singleGpu.seconds,
      ENGINE_START_POINTS.tensorParallel.seconds,
      ENGINE_START_POINTS.p2pCheckSeconds.value,
    ]).toEqual([40, 60, 12, 41.7, 3.51, 100, 262, 7, 10, 85, 86.6, 145, 60]);
  });

  it.each(TIME_TO_READY_COMPARISON.map((row) => [row.label, row.request] as const))("%s: every step on both paths", (label, request) => {
    const expected = CASES[label]!;
    const plan = planDeployment(request, { suggestAlternatives: false });
    expect(checkpointBytes(plan)).toBe(expected.bytes);
    expect(plan.tensorParallelSize * plan.pipelineParallelSize).toBe(expected.ranks);
    const s3 = timeToReady(plan, "s3");
    expect(s3.steps.map((s) => s.step)).toEqual(["node boot", "image pull", "weights from S3", "engine start"]);
    expect(s3.steps.map((s) => s.seconds)).toEqual(expected.s3);
    expect([s3.totalSeconds, s3.podStartSeconds, s3.cacheFillSeconds]).toEqual([
      sum(expected.s3),
      sum(expected.s3.slice(2)),
      expected.cacheFill,
    ]);
    // The boot is an assumption (no GPU-node figure is published): 100 s, up to 900 s (Cluster Autoscaler's 15 min).
    expect([s3.steps[0]!.slowSeconds, s3.slowTotalSeconds]).toEqual([900, sum(expected.s3) - 100 + 900]);
    const hf = timeToReady(plan, "huggingface");
    expect(hf.steps.map((s) => s.step)).toEqual(["node boot", "image pull", "weights from Hugging Face", "weights load", "engine start"]);
    expect(hf.steps.map((s) => s.seconds)).toEqual(expected.huggingface);
    expect([hf.totalSeconds, hf.podStartSeconds, hf.cacheFillSeconds]).toEqual([
      sum(expected.huggingface),
      sum(expected.huggingface.slice(2)),
      null,
    ]);
  });

  it("derives the startup probe from the estimate with a 1.5× margin, never under 600 s", () => {
    // 8B on S3: 87 × 1.5 = 130.5 → the 600 s floor. 405B FP8 on S3: 579 × 1.5 = 868.5 → 87 periods of 10 s = 870 s.
    // 405B FP8 from Hugging Face: 2,197 × 1.5 = 3,295.5 → 330 periods = 3,300 s.
    const small = planDeployment({ model: "llama-3.1-8b-instruct" });
    const large = planDeployment({ model: "llama-3.1-405b-instruct", quantization: "fp8" }, { suggestAlternatives: false });
    const largeHf = planDeployment(
      { model: "llama-3.1-405b-instruct", quantization: "fp8", weightsSource: "huggingface" },
      { suggestAlternatives: false },
    );
    expect([startupBudget(small).totalSeconds, startupBudget(large).totalSeconds, startupBudget(largeHf).totalSeconds]).toEqual([
      600, 870, 3300,
    ]);
    expect(startupBudget(large).probeFailureThreshold).toBe(87);
    // Rollout: the node boot at its assumed slow end, 900 s, + image pull 288 × 1.5 = 432, plus the startup budget.
    expect([rolloutSeconds(small), rolloutSeconds(large)]).toEqual([900 + 432 + 600, 900 + 432 + 870]);
    // Copy Job: (cache fill + image pull) × 1.5, at least 600: 8B (81 + 288) × 1.5 = 553.5 → 600; 405B (2,433 + 288) × 1.5 = 4,081.5 → 4,082.
    expect([cacheFillTimeoutSeconds(small), cacheFillTimeoutSeconds(large)]).toEqual([600, 4082]);
  });

  it("renders the README's comparison table from the same estimate", () => {
    const table = renderTimeToReadyComparison(timeToReadyComparison());
    // 405B FP8: S3 312 s, ready in (100 + 288 + 312 + 267) / 60 = 16.1 min, restart 579 / 60 = 9.7 min;
    // Hugging Face 1,860 + 70 = 1,930 s, 2,585 / 60 = 43.1 min, 2,197 / 60 = 36.6 min; fill 2,433 / 60 = 40.5 min.
    expect(table.split("\n")).toContain(
      "| Llama 3.1 405B FP8 | fp8-meta, 1 × p5.48xlarge, TP 8 | 487.2 | 312 s · 16.1 min · 9.7 min | 1930 s · 43.1 min · 36.6 min | 40.5 min |",
    );
  });
});
