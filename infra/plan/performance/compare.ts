/**
 * `llm-stack compare`'s numbers: for one workload, every model × quantization × GPU the catalog
 * offers — the cheapest deployment of each that meets the load and SLOs, what it costs a month and
 * per million tokens, its predicted latencies and error band — next to every current hosted offer
 * of the model and the monthly volume at which self-hosting breaks even.
 *
 * Break-even: self-hosting is bought in units (one node, or one multi-node replica), each carrying
 * `replicasPerUnit` replicas of SLO-feasible capacity; a hosted API costs the same per token at
 * every volume. The first unit pays for itself at V = unit cost ÷ hosted price per token, provided
 * the unit can carry V; when a full unit's capacity is worth less at the hosted price than the unit
 * costs, every further unit is too, and self-hosting never breaks even.
 */
import {
  GPU_IDS,
  HOSTED_PRICE_TABLE,
  HOSTED_PROVIDERS,
  HOURS_PER_MONTH,
  MODEL_IDS,
  MODELS,
  hostedOffers,
  type GpuId,
  type ModelId,
  type Quantization,
} from "../../catalog";
import { type DeploymentPlan } from "../deployment-plan";
import { InfeasiblePlanError } from "../errors";
import { roundTo } from "../rounding";
import { type PlanRequest } from "../request";
import { replicasFittingNode } from "../serving";
import { SECONDS_PER_MONTH, tokensPerOutputToken, type Workload } from "../workload";
import { planForWorkload, type WorkloadEconomics } from "./workload-plan";
import { type NearestMeasurement, type Performance } from "./performance";

export interface HostedOffer {
  provider: string;
  providerModelId: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  readOn: string;
  source: string;
}

export interface CompareRow {
  model: ModelId;
  quantization: Quantization;
  gpu: GpuId;
  instanceType: string;
  tensorParallelSize: number;
  replicas: number;
  nodes: number;
  monthlyUsd: number;
  usdPerMillionOutputTokens: number;
  usdPerMillionTokens: number;
  utilization: number;
  sloMet: boolean;
  sloMisses: string[];
  ttftMs: { p50: number; p95: number };
  itlMs: { p50: number; p95: number };
  timeToReadySeconds: number;
  errorBand: number;
  nearestMeasurement: NearestMeasurement | null;
  /** The cheapest current hosted offer at the workload's prompt/output mix; null where no provider sells the model. */
  hosted: HostedOffer | null;
  /** Every current hosted offer, cheapest first. */
  hostedOffers: HostedOffer[];
  /** Offers the providers have retired, each with its successor (never compared: a successor is another model). */
  hostedRetired: RetiredOffer[];
  hostedMonthlyUsd: number | null;
  /** Prompt + output tokens a month at which self-hosting costs what the cheapest hosted offer does. */
  breakEvenTokensPerMonth: number | "never" | null;
}

export interface CompareRequest {
  models?: readonly ModelId[];
  region?: PlanRequest["region"];
}

export interface RetiredOffer {
  provider: string;
  providerModelId: string;
  successor: string | null;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  /** Whether the prices are the retired offer's last or its successor's. */
  priceIs: "last listed" | "successor's";
}

function retiredFor(model: ModelId): RetiredOffer[] {
  return HOSTED_PRICE_TABLE.filter((row) => row.model === model && row.retired !== undefined).map((row) => ({
    provider: HOSTED_PROVIDERS[row.provider],
    providerModelId: row.providerModelId,
    successor: row.retired?.successor ?? null,
    inputUsdPerMillion: row.inputUsdPerMillion,
    outputUsdPerMillion: row.outputUsdPerMillion,
    priceIs: row.retired?.priceIs ?? "last listed",
  }));
}

function offersFor(model: ModelId, workload: Workload): HostedOffer[] {
  return hostedOffers(model, workload.inputTokens / workload.outputTokens).map((row) => ({
    provider: HOSTED_PROVIDERS[row.provider],
    providerModelId: row.providerModelId,
    inputUsdPerMillion: row.inputUsdPerMillion,
    outputUsdPerMillion: row.outputUsdPerMillion,
    readOn: row.source.readOn,
    source: row.source.ref,
  }));
}

/** USD per prompt-or-output token of a hosted offer at the workload's mix. */
const hostedUsdPerToken = (offer: HostedOffer, workload: Workload) =>
  (workload.inputTokens * offer.inputUsdPerMillion + workload.outputTokens * offer.outputUsdPerMillion) /
  (workload.inputTokens + workload.outputTokens) /
  1e6;

export function breakEvenTokensPerMonth(
  unit: { monthlyUsd: number; replicas: number },
  feasibleOutputTokensPerSecondPerReplica: number,
  offer: HostedOffer,
  workload: Workload,
): number | "never" {
  const unitCapacity = unit.replicas * feasibleOutputTokensPerSecondPerReplica * tokensPerOutputToken(workload) * SECONDS_PER_MONTH;
  const price = hostedUsdPerToken(offer, workload);
  if (unitCapacity * price < unit.monthlyUsd) return "never";
  return Math.round(unit.monthlyUsd / price);
}

/** A deployment against hosted APIs at one workload: what the plan, `cost` and `compare` print. */
export interface HostedComparison {
  /** The cheapest current offer at the workload's prompt/output mix (or the one given); null where no provider sells the model. */
  offer: HostedOffer | null;
  /** Every current offer, cheapest first. */
  offers: HostedOffer[];
  /** Offers the providers have retired, each with its successor (never compared: a successor is another model). */
  retired: RetiredOffer[];
  /** The offer's price per million prompt + output tokens at the workload's mix. */
  usdPerMillionTokens: number | null;
  /** What the deployment's monthly volume (economics.outputTokensPerMonth with its prompts) would cost at the offer. */
  monthlyUsd: number | null;
  /** Prompt + output tokens a month at which self-hosting costs what the offer does; "never" when a full unit cannot earn its cost. */
  breakEvenTokensPerMonth: number | "never" | null;
}

/**
 * The plan against hosted offers of its model at the workload. The unit self-hosting is bought in
 * is a node with every replica that fits it, or one multi-node replica.
 */
export function hostedComparison(
  plan: Pick<DeploymentPlan, "model" | "cost" | "nodesPerReplica" | "instanceType" | "gpusPerReplica">,
  performance: Pick<Performance, "workload" | "sloFeasibleOutputTokensPerSecondPerReplica">,
  economics: Pick<WorkloadEconomics, "outputTokensPerMonth">,
  given?: HostedOffer,
): HostedComparison {
  const workload = performance.workload;
  const offers = given ? [given] : offersFor(plan.model, workload);
  const offer = offers[0] ?? null;
  const unit = { monthlyUsd: plan.cost.instanceHourlyUsd * plan.nodesPerReplica * HOURS_PER_MONTH, replicas: replicasFittingNode(plan) };
  const tokensPerMonth = economics.outputTokensPerMonth * tokensPerOutputToken(workload);
  return {
    offer,
    offers,
    retired: given ? [] : retiredFor(plan.model),
    usdPerMillionTokens: offer ? roundTo(hostedUsdPerToken(offer, workload) * 1e6, 4) : null,
    monthlyUsd: offer ? Math.round(tokensPerMonth * hostedUsdPerToken(offer, workload)) : null,
    breakEvenTokensPerMonth: offer
      ? breakEvenTokensPerMonth(unit, performance.sloFeasibleOutputTokensPerSecondPerReplica, offer, workload)
      : null,
  };
}

export function compareModels(workload: Workload, request: CompareRequest = {}): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const model of request.models ?? MODEL_IDS) {
    const quantizations = [...new Set(MODELS[model].variants.map((v) => v.quantization))];
    const offers = offersFor(model, workload);
    for (const gpu of GPU_IDS)
      for (const quantization of quantizations) {
        let result;
        try {
          result = planForWorkload({ model, quantization, gpu, ...(request.region ? { region: request.region } : {}) }, workload);
        } catch (error) {
          if (error instanceof InfeasiblePlanError) continue;
          throw error;
        }
        const { plan, performance, economics } = result;
        const hosted = hostedComparison(plan, performance, economics);
        rows.push({
          model,
          quantization: plan.quantization,
          gpu,
          instanceType: plan.instanceType,
          tensorParallelSize: plan.tensorParallelSize,
          replicas: plan.replicas,
          nodes: plan.nodes,
          monthlyUsd: plan.cost.monthlyUsd,
          usdPerMillionOutputTokens: economics.usdPerMillionOutputTokens,
          usdPerMillionTokens: economics.usdPerMillionTokens,
          utilization: economics.utilization,
          sloMet: performance.sloMet,
          sloMisses: performance.sloMisses,
          ttftMs: performance.atLoad.ttftMs,
          itlMs: performance.atLoad.itlMs,
          timeToReadySeconds: plan.timeToReady.totalSeconds,
          errorBand: performance.errorBand,
          nearestMeasurement: performance.nearestMeasurement,
          hosted: hosted.offer,
          hostedOffers: hosted.offers,
          hostedRetired: hosted.retired,
          hostedMonthlyUsd: hosted.monthlyUsd,
          breakEvenTokensPerMonth: hosted.breakEvenTokensPerMonth,
        });
      }
  }
  // SLO met first, then cheapest per million tokens.
  return rows.sort((a, b) => Number(b.sloMet) - Number(a.sloMet) || a.usdPerMillionTokens - b.usdPerMillionTokens);
}
