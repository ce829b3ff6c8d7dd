/**
 * `npm run bench`: time to plan the whole catalog across quantizations, contexts and GPUs.
 * Prints the median of several full sweeps; speed goals are judged here, never in tests.
 */
import { MODEL_IDS, MODELS } from "../infra/catalog";
import { InfeasiblePlanError, planDeployment, type PlanRequest } from "../infra/plan";

const SWEEPS = 7;
const requests: PlanRequest[] = [];
for (const model of MODEL_IDS) {
  const max = MODELS[model].architecture.maxContextTokens;
  const quantizations = ["auto", ...new Set(MODELS[model].variants.map((v) => v.quantization))] as const;
  for (const quantization of quantizations) {
    for (const maxModelLen of [4096, 8192, 32768, 131072, max].filter((len, i, all) => len <= max && all.indexOf(len) === i)) {
      for (const gpu of ["h100", "h200"] as const) requests.push({ model, quantization, maxModelLen, gpu });
    }
  }
}

function sweep(): { feasible: number; infeasible: number } {
  let feasible = 0;
  let infeasible = 0;
  for (const request of requests) {
    try {
      planDeployment(request);
      feasible++;
    } catch (error) {
      if (!(error instanceof InfeasiblePlanError)) throw error;
      infeasible++;
    }
  }
  return { feasible, infeasible };
}

const timings: number[] = [];
let counts = { feasible: 0, infeasible: 0 };
for (let i = 0; i < SWEEPS; i++) {
  const start = process.hrtime.bigint();
  counts = sweep();
  timings.push(Number(process.hrtime.bigint() - start) / 1e6);
}
timings.sort((a, b) => a - b);
const median = timings[Math.floor(timings.length / 2)] ?? 0;
console.log(`plan the catalog: ${requests.length} requests (${counts.feasible} feasible, ${counts.infeasible} infeasible with alternatives)`);
console.log(`  median of ${SWEEPS} sweeps: ${median.toFixed(1)} ms (${((median / requests.length) * 1000).toFixed(0)} µs per plan); min ${timings[0]?.toFixed(1)} ms, max ${timings[timings.length - 1]?.toFixed(1)} ms`);
console.log(`  heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
