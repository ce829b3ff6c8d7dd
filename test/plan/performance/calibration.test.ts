/**
 * The committed calibration is the dataset's fit, and the engine ratio is the published
 * head-to-head's: nothing in CALIBRATION is typed by hand.
 */
import { describe, expect, it } from "vitest";
import { SERVING_MEASUREMENTS, tensorRtLlmOverVllmMeasured } from "../../../infra/catalog/serving-measurements";
import { accuracyOf, CALIBRATION, ERROR_BAND, fitCalibration, fittableRows, isThroughput } from "../../../infra/plan/performance";

describe("calibration", () => {
  const refit = fitCalibration(SERVING_MEASUREMENTS);

  it("commits the fit of the dataset: every constant within 1 % of a refit", () => {
    const pairs: Array<[string, number, number]> = [
      ["h100 MBU", CALIBRATION.perGpu.h100.memoryBandwidthUtilization, refit.perGpu.h100.memoryBandwidthUtilization],
      ["h100 MFU", CALIBRATION.perGpu.h100.computeUtilization, refit.perGpu.h100.computeUtilization],
      ["h200 MBU", CALIBRATION.perGpu.h200.memoryBandwidthUtilization, refit.perGpu.h200.memoryBandwidthUtilization],
      ["h200 MFU", CALIBRATION.perGpu.h200.computeUtilization, refit.perGpu.h200.computeUtilization],
      ["step overhead", CALIBRATION.globals.stepOverheadMs, refit.globals.stepOverheadMs],
      ["all-reduce", CALIBRATION.globals.allReduceLatencyUs, refit.globals.allReduceLatencyUs],
      ["MoE GEMMs", CALIBRATION.globals.moeComputeEfficiency, refit.globals.moeComputeEfficiency],
      ["MoE expert", CALIBRATION.globals.moeExpertOverheadUs, refit.globals.moeExpertOverheadUs],
      ["request overhead", CALIBRATION.globals.requestOverheadMs, refit.globals.requestOverheadMs],
    ];
    for (const [name, committed, fitted] of pairs) expect(Math.abs(committed / fitted - 1), name).toBeLessThan(0.01);
  });

  it("takes TensorRT-LLM's speed over vLLM from GPUStack's head-to-head: 1,280.04 / 1,131.55 output tok/s on one H100", () => {
    expect(tensorRtLlmOverVllmMeasured()).toBeCloseTo(1280.04 / 1131.55, 6);
    expect(CALIBRATION.tensorRtLlmOverVllm).toBeCloseTo(1.1312, 4);
  });

  it("states the error band it is: 4 in 5 comparable throughput rows within it (80th percentile, nearest rank)", () => {
    const errors = accuracyOf(fittableRows(SERVING_MEASUREMENTS).filter(isThroughput))
      .map((r) => Math.abs(r.error))
      .sort((a, b) => a - b);
    const p80 = errors[Math.ceil(0.8 * errors.length) - 1] ?? Number.NaN;
    expect(ERROR_BAND - p80).toBeGreaterThanOrEqual(0);
    expect(ERROR_BAND - p80).toBeLessThan(0.01);
    expect(errors.filter((e) => e <= ERROR_BAND).length / errors.length).toBeGreaterThanOrEqual(0.8);
  });
});
