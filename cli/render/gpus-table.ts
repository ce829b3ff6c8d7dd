/** `llm-stack gpus`: the GPU types, the instance types that carry them, and the dated price table. */
import { GPUS, GPU_IDS, INSTANCES, INSTANCE_TYPES, PRICE_TABLE_DATE, PRICES } from "../../infra/catalog";
import { textTable } from "./format";

const table = (header: string[], rows: string[][]): string[] => textTable([header, ...rows]);

export function renderGpus(): string {
  const gpus = table(
    ["gpu", "name", "memory (GiB, as vLLM sees it)", "HBM TB/s", "bf16 / fp8 TFLOPS"],
    GPU_IDS.map((id) => {
      const g = GPUS[id];
      return [id, g.displayName, g.memoryGiB.toFixed(2), g.memoryBandwidthTBps.toFixed(2), `${g.denseBf16Tflops} / ${g.denseFp8Tflops}`];
    }),
  );
  const instances = table(
    ["instance type", "GPUs", "vCPU", "memory GiB", "EFA", "local NVMe GB"],
    INSTANCE_TYPES.map((type) => {
      const i = INSTANCES[type];
      return [
        type,
        i.gpu ? `${i.gpuCount} × ${i.gpu}` : "—",
        String(i.vcpu),
        String(i.memoryGiB),
        String(i.efaInterfaces),
        String(i.localNvmeGB),
      ];
    }),
  );
  const prices = table(
    ["instance type", "region", "$/h on demand", "read on", "note"],
    PRICES.map((row) => [
      row.instanceType,
      row.region,
      row.onDemandHourlyUsd.toString(),
      row.source.readOn,
      row.assumedFrom ? `ASSUMED equal to ${row.assumedFrom} (not read for this region)` : "",
    ]),
  );
  return [
    ...gpus,
    "",
    ...instances,
    "",
    `prices (one dated table, infra/catalog/prices.ts, reviewed ${PRICE_TABLE_DATE}):`,
    ...prices,
    "",
  ].join("\n");
}
