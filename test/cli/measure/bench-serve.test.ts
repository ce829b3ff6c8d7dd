/** The `vllm bench serve` reader, on published outputs of the tool (test/fixtures/vllm-bench-serve/README.md). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { measurementRows, parseBenchServe } from "../../../cli/measure/bench-serve";

const fixture = (name: string) => readFileSync(join(__dirname, "..", "..", "fixtures", "vllm-bench-serve", name), "utf8");

describe("vllm bench serve output", () => {
  it("reads a closed-loop run's figures exactly as printed", () => {
    const run = parseBenchServe(fixture("qwen3-8b-fp8-c8.txt"));
    expect(run).toMatchObject({
      requests: 100,
      maxConcurrency: 8,
      requestRate: null,
      durationSeconds: 42.94,
      totalInputTokens: 204169,
      totalOutputTokens: 12800,
      outputTokensPerSecond: 298.07,
    });
    expect(run.ttftMs).toEqual({ mean: 495.44, median: 455.84, percentiles: { 99: 912.34 } });
    expect(run.tpotMs).toEqual({ mean: 22.59, median: 23.0, percentiles: { 99: 25.05 } });
    expect(run.itlMs).toEqual({ mean: 22.59, median: 17.88, percentiles: { 99: 150.3 } });
  });

  it("turns a run into dataset rows at its mean lengths and load, per GPU, each passing the dataset's schema", () => {
    const run = parseBenchServe(fixture("qwen3-8b-fp8-c1.txt"));
    const rows = measurementRows(run, {
      id: "example",
      engineVersion: "0.10.2",
      model: "qwen3-8b",
      variant: "bf16",
      gpu: "h100",
      tensorParallelSize: 2,
      kvCacheDtype: "auto",
      source: { ref: "https://example.org/run", readOn: "2026-12-06" },
    });
    // 20,431 prompt tokens over 10 requests = 2,043; 1,280 generated / 10 = 128; 111.15 tok/s over TP 2 = 55.575 per GPU.
    expect(rows.map((r) => [r.metric, r.value])).toEqual([
      ["outputTokensPerSecondPerGpu", 55.575],
      ["ttftMsMean", 23.06],
      ["ttftMsMedian", 23.14],
      ["tpotMsMean", 8.88],
      ["tpotMsMedian", 8.88],
      ["itlMsMean", 8.88],
      ["itlMsMedian", 8.68],
    ]);
    expect(rows.every((r) => r.inputTokens === 2043 && r.outputTokens === 128 && r.load.kind === "concurrency")).toBe(true);
  });

  it("refuses text that is not a result block, saying what it expected", () => {
    expect(() => parseBenchServe("INFO: Started server process\n")).toThrow('no "Serving Benchmark Result" block');
  });
});
