/** `llm-stack gpus`: the GPU types, the instance types that carry them, and the dated price table. */
import {
  GPUS,
  GPU_IDS,
  INSTANCES,
  INSTANCE_TYPES,
  PRICE_SNAPSHOT,
  PRICE_TABLE_DATE,
  PRICES,
  findCapacityBlockRow,
  findSpotRow,
} from "../../infra/catalog";
import { spotRateUsd } from "../../infra/catalog/spot-history";
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
  // Each way of buying the type: spot at the dearest AZ of its snapshot (as plans price it), a Capacity Block per instance-hour.
  const prices = table(
    ["instance type", "region", "$/h on demand", "read on", "$/h spot (dearest AZ, when)", "$/h Capacity Block (read on)", "note"],
    PRICES.map((row) => {
      const spot = findSpotRow(row.instanceType, row.region);
      const block = findCapacityBlockRow(row.instanceType, row.region);
      const notes = [
        ...(row.assumedFrom ? [`on-demand ASSUMED equal to ${row.assumedFrom}`] : []),
        ...(row.stale ? ["on-demand STALE"] : []),
        ...(block?.assumedFrom ? [`block ASSUMED equal to ${block.assumedFrom}`] : []),
        ...(block?.stale ? ["block STALE"] : []),
        ...(spot?.stale ? ["spot STALE"] : []),
      ];
      return [
        row.instanceType,
        row.region,
        row.onDemandHourlyUsd.toString(),
        row.source.readOn,
        spot ? `${spotRateUsd(spot.zones)} (${spot.observedAt.slice(0, 10)})` : "—",
        block ? `${block.hourlyUsdPerInstance} (${block.source.readOn})` : "—",
        notes.join("; "),
      ];
    }),
  );
  return [
    ...gpus,
    "",
    ...instances,
    "",
    `prices (one dated snapshot, infra/catalog/ec2-prices.json, taken ${PRICE_TABLE_DATE}; ${PRICE_SNAPSHOT.readBy}):`,
    ...prices,
    "",
  ].join("\n");
}
