/**
 * Hosted-API prices of the catalog models, per provider: USD per million input and output tokens,
 * one dated row per provider and model. `compare` ranks self-hosting against every current row;
 * retired rows name their successor. Prices were read on READ_ON from the source each row names —
 * the provider's page where it could be read, else BerriAI/litellm's price file (which cites the
 * provider's page per entry) cross-checked against pydantic/genai-prices. Phi-3.5-mini-instruct is
 * sold by none of these providers: it has no row, and `compare` says so. Mistral Large 2411 has no
 * current offer: La Plateforme retired it for Mistral Large 3, and Bedrock never listed it (its
 * Mistral Large line was 24.02 and 24.07).
 */
import { type ModelId, type Source } from "./schema";

const READ_ON = "2026-12-06";
/** BerriAI/litellm's per-token price file; matches RoCry/llm-api-price@8442b939, its automated copy of 2026-07-24. */
const LITELLM =
  "https://github.com/BerriAI/litellm/blob/00035b69f416be24e2e323c13198d9b7d2d1bdf9/model_prices_and_context_window.json (USD per token × 1e6; copy of 2026-07-24)";
const GENAI_PRICES = "https://github.com/pydantic/genai-prices/tree/47df840a5ab10bbcffb8e5ac01b9899032245d1b/prices/providers (2026-08-21)";
const ROCRY =
  "https://github.com/RoCry/llm-api-price/blob/8442b939a6ead479f7995b5d74d8dce488bd0966 (automated copy of LiteLLM's price file, 2026-07-24)";

export const HOSTED_PROVIDERS = {
  bedrock: "Amazon Bedrock on-demand, us-east-1",
  mistral: "Mistral La Plateforme",
  together: "Together AI",
  fireworks: "Fireworks AI",
  groq: "Groq",
  deepinfra: "DeepInfra",
} as const;
export type HostedProvider = keyof typeof HOSTED_PROVIDERS;

export interface HostedPriceRow {
  model: ModelId;
  provider: HostedProvider;
  /** The provider's id for the model (what a client would call). */
  providerModelId: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  source: Source;
  note: string;
  /** Set when the provider no longer sells this model: its successor, and whose price the row holds. */
  retired?: { successor: string | null; priceIs: "last listed" | "successor's" };
}

/** What `plan` and `cost` compare a plan with: a provider's current price for its model. */
export interface HostedPrice {
  provider: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  source: Source;
}

const row = (
  model: ModelId,
  provider: HostedProvider,
  providerModelId: string,
  inputUsdPerMillion: number,
  outputUsdPerMillion: number,
  ref: string,
  note: string,
  extra: Pick<HostedPriceRow, "retired"> = {},
): HostedPriceRow => ({
  model,
  provider,
  providerModelId,
  inputUsdPerMillion,
  outputUsdPerMillion,
  source: { ref, readOn: READ_ON },
  note,
  ...extra,
});

export const HOSTED_PRICE_TABLE: readonly HostedPriceRow[] = [
  row(
    "mistral-7b-instruct-v0.3",
    "bedrock",
    "mistral.mistral-7b-instruct-v0:2",
    0.15,
    0.2,
    LITELLM,
    "Bedrock serves Mistral 7B Instruct v0.2 (not v0.3); no v0.3 on Bedrock. Same price under key bedrock/us-east-1/mistral.mistral-7b-instruct-v0:2 (1.5e-07/2e-07).",
  ),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "bedrock",
    "mistral.mixtral-8x7b-instruct-v0:1",
    0.45,
    0.7,
    LITELLM,
    "Same price under bedrock/us-east-1/mistral.mixtral-8x7b-instruct-v0:1. Cross-check genai-prices aws.yml: 0.45/0.7.",
  ),
  row(
    "llama-3.2-3b-instruct",
    "bedrock",
    "meta.llama3-2-3b-instruct-v1:0",
    0.15,
    0.15,
    LITELLM,
    "In us-east-1 invoked via cross-region profile us.meta.llama3-2-3b-instruct-v1:0 (same price in LiteLLM). Cross-check genai-prices aws.yml: 0.15/0.15.",
  ),
  row(
    "llama-3.1-8b-instruct",
    "bedrock",
    "meta.llama3-1-8b-instruct-v1:0",
    0.22,
    0.22,
    LITELLM,
    "us. cross-region profile same price. Cross-check genai-prices aws.yml: 0.22/0.22.",
  ),
  row(
    "llama-3.3-70b-instruct",
    "bedrock",
    "meta.llama3-3-70b-instruct-v1:0",
    0.72,
    0.72,
    LITELLM,
    "us.meta.llama3-3-70b-instruct-v1:0 same price. Cross-check genai-prices aws.yml: 0.72/0.72.",
  ),
  row(
    "llama-3.1-405b-instruct",
    "bedrock",
    "meta.llama3-1-405b-instruct-v1:0",
    5.32,
    16.0,
    LITELLM,
    "CAUTION: likely stale (launch price). artificialanalysis.ai/models/llama-3-1-instruct-405b/providers (third-party, stored page) shows Amazon Bedrock Standard at a $2.40 blended price (3:1), i.e.",
  ),
  row(
    "llama-4-scout-17b-16e-instruct",
    "bedrock",
    "meta.llama4-scout-17b-instruct-v1:0",
    0.17,
    0.66,
    LITELLM,
    "Batch: 0.085/0.33. Cross-check genai-prices aws.yml: 0.17/0.66.",
  ),
  row(
    "llama-4-maverick-17b-128e-instruct",
    "bedrock",
    "meta.llama4-maverick-17b-instruct-v1:0",
    0.24,
    0.97,
    LITELLM,
    "Batch: 0.12/0.485. Cross-check genai-prices aws.yml: 0.24/0.97.",
  ),
  row("mistral-7b-instruct-v0.3", "mistral", "open-mistral-7b", 0.25, 0.25, LITELLM, "Last listed price.", {
    retired: { successor: null, priceIs: "last listed" },
  }),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "mistral",
    "open-mixtral-8x7b",
    0.7,
    0.7,
    LITELLM,
    "Last listed price. Retired status not confirmed from a source read this session (see Mistral 7B row). genai-prices mistral.yml 'mixtral-8x7b' 0.7/0.7.",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "mixtral-8x22b-instruct-v0.1",
    "mistral",
    "open-mixtral-8x22b",
    2.0,
    6.0,
    LITELLM,
    "Last listed price. Retired status not confirmed from a source read this session (see Mistral 7B row). genai-prices mistral.yml 'mixtral-8x22b-instruct' lists 0.9/0.9 (imported, inconsistent).",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "mistral-large-instruct-2411",
    "mistral",
    "mistral-large-2512",
    0.5,
    1.5,
    LITELLM,
    "mistral-large-2411 last listed at 2.00/6.00 (LiteLLM key mistral/mistral-large-2411).",
    { retired: { successor: "Mistral Large 3 (mistral-large-2512 / mistral-large-latest)", priceIs: "successor's" } },
  ),
  row(
    "mistral-small-3.2-24b-instruct",
    "mistral",
    "mistral-small-2506",
    0.06,
    0.18,
    LITELLM,
    "LiteLLM key mistral/mistral-small-3-2-2506 (also mistral-small-latest), source field https://mistral.ai/pricing.",
  ),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "together",
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
    0.6,
    0.6,
    LITELLM,
    "genai-prices together.yml lists 0.9/0.9 (older). Current serverless availability not verified.",
  ),
  row(
    "mixtral-8x22b-instruct-v0.1",
    "together",
    "mistralai/Mixtral-8x22B-Instruct-v0.1",
    2.4,
    2.4,
    GENAI_PRICES,
    "genai-prices input_mtok/output_mtok (already per million). Not in LiteLLM's together_ai list; likely an old listing - current serverless availability not verified.",
  ),
  row(
    "llama-3.1-8b-instruct",
    "together",
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    0.18,
    0.18,
    LITELLM,
    "Cross-check genai-prices together.yml: 0.18/0.18.",
  ),
  row(
    "llama-3.3-70b-instruct",
    "together",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    0.88,
    0.88,
    LITELLM,
    "Cross-check genai-prices together.yml: 0.88/0.88. A free variant (-Turbo-Free, 0/0) is also listed in LiteLLM.",
  ),
  row(
    "llama-3.1-405b-instruct",
    "together",
    "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",
    3.5,
    3.5,
    LITELLM,
    "Cross-check genai-prices together.yml: 3.5/3.5.",
  ),
  row(
    "llama-4-scout-17b-16e-instruct",
    "together",
    "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    0.18,
    0.59,
    LITELLM,
    "Cross-check genai-prices together.yml: 0.18/0.59.",
  ),
  row(
    "llama-4-maverick-17b-128e-instruct",
    "together",
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    0.27,
    0.85,
    LITELLM,
    "FP8. Cross-check genai-prices together.yml: 0.27/0.85.",
  ),
  row(
    "mistral-7b-instruct-v0.3",
    "fireworks",
    "accounts/fireworks/models/mistral-7b-instruct-v3",
    0.2,
    0.2,
    LITELLM,
    "Single per-token price in LiteLLM (applied to input and output). Consistent with fireworks.ai/pricing tier 'up to 16B $0.20' (stored page). Serverless availability as of 2026-12 not verified.",
  ),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "fireworks",
    "accounts/fireworks/models/mixtral-8x7b-instruct",
    0.5,
    0.5,
    "https://fireworks.ai/pricing",
    "Provider page tier 'MoE 0B - 56B (Mixtral 8x7B) $0.50 per 1M tokens' (one price for input and output). LiteLLM BerriAI/litellm@00035b69f416be24e2e323c13198d9b7d2d1bdf9:model_prices_and_context_window.json agrees (5e-07/5e-07 per token).",
  ),
  row(
    "mixtral-8x22b-instruct-v0.1",
    "fireworks",
    "accounts/fireworks/models/mixtral-8x22b-instruct",
    1.2,
    1.2,
    "https://fireworks.ai/pricing",
    "Provider page tier 'MoE 56.1B - 176B (DBRX, Mixtral 8x22B) $1.20 per 1M tokens'. LiteLLM agrees for mixtral-8x22b-instruct and mixtral-8x22b-instruct-hf (1.2e-06). Serverless availability as of 2026-12 not verified.",
  ),
  row(
    "llama-3.2-3b-instruct",
    "fireworks",
    "accounts/fireworks/models/llama-v3p2-3b-instruct",
    0.1,
    0.1,
    LITELLM,
    "LiteLLM source field https://fireworks.ai/pricing (sub-4B tier). The older stored provider page only shows 'up to 16B $0.20'.",
  ),
  row(
    "llama-3.1-8b-instruct",
    "fireworks",
    "accounts/fireworks/models/llama-v3p1-8b-instruct",
    0.2,
    0.2,
    "https://fireworks.ai/pricing",
    "Provider page tier 'up to 16B $0.20 per 1M tokens'. DISCREPANCY: LiteLLM (BerriAI/litellm@00035b69f416be24e2e323c13198d9b7d2d1bdf9:model_prices_and_context_window.json) lists 1e-07/1e-07 per token = 0.10/0.10; genai-prices fireworks.yml lists 0.2/0.2.",
  ),
  row(
    "llama-3.3-70b-instruct",
    "fireworks",
    "accounts/fireworks/models/llama-v3p3-70b-instruct",
    0.9,
    0.9,
    LITELLM,
    "Consistent with provider page tier '16.1B - 80B $0.90'.",
  ),
  row(
    "llama-3.1-405b-instruct",
    "fireworks",
    "accounts/fireworks/models/llama-v3p1-405b-instruct",
    3.0,
    3.0,
    LITELLM,
    "LiteLLM source field https://fireworks.ai/pricing.",
  ),
  row(
    "llama-4-scout-17b-16e-instruct",
    "fireworks",
    "accounts/fireworks/models/llama4-scout-instruct-basic",
    0.15,
    0.6,
    LITELLM,
    "LiteLLM source field https://fireworks.ai/pricing.",
  ),
  row(
    "llama-4-maverick-17b-128e-instruct",
    "fireworks",
    "accounts/fireworks/models/llama4-maverick-instruct-basic",
    0.22,
    0.88,
    LITELLM,
    "Cross-check genai-prices fireworks.yml: 0.22/0.88.",
  ),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "groq",
    "mixtral-8x7b-32768",
    0.24,
    0.24,
    GENAI_PRICES,
    "Last listed price (genai-prices, per million). Decommissioned 2025-03-20 per papi-ai/groq v0.15.2 release notes (third-party); Groq's own deprecations page (console.groq.com/docs/deprecations) not readable in full here. Not in current LiteLLM groq list.",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "llama-3.2-3b-instruct",
    "groq",
    "llama-3.2-3b-preview",
    0.06,
    0.06,
    GENAI_PRICES,
    "Last listed price (genai-prices legacy entry, per million). Preview model; absent from current LiteLLM groq list - retirement inferred, date not verified.",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "llama-3.1-8b-instruct",
    "groq",
    "llama-3.1-8b-instant",
    0.05,
    0.08,
    LITELLM,
    "Last listed price (genai-prices groq.yml agrees 0.05/0.08). Decommissioned 2026-08-16 per papi-ai/groq v0.15.2 release notes (third-party); LiteLLM still lists it. Groq-recommended replacement not confirmed for this model.",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "llama-3.3-70b-instruct",
    "groq",
    "llama-3.3-70b-versatile",
    0.59,
    0.79,
    LITELLM,
    "Last listed price (genai-prices groq.yml agrees 0.59/0.79). Decommissioned 2026-08-16 per codedaily04/commit-craft issue #1 quoting Groq's announcement and papi-ai/groq v0.15.2 release notes (both third-party).",
    { retired: { successor: "openai/gpt-oss-120b (per third-party report of Groq's recommendation)", priceIs: "last listed" } },
  ),
  row(
    "llama-3.1-405b-instruct",
    "groq",
    "llama-3.1-405b-reasoning",
    0.59,
    0.79,
    GENAI_PRICES,
    "genai-prices legacy entry (per million; same numbers as 70B - possibly a placeholder). This was a limited-access 2024 endpoint; absent from current LiteLLM groq list - retirement inferred.",
    { retired: { successor: null, priceIs: "last listed" } },
  ),
  row(
    "llama-4-scout-17b-16e-instruct",
    "groq",
    "meta-llama/llama-4-scout-17b-16e-instruct",
    0.11,
    0.34,
    LITELLM,
    "Cross-check genai-prices groq.yml: 0.11/0.34. Current status after Groq's 2026 Llama decommissions not verified.",
  ),
  row(
    "llama-4-maverick-17b-128e-instruct",
    "groq",
    "meta-llama/llama-4-maverick-17b-128e-instruct",
    0.2,
    0.6,
    LITELLM,
    "Cross-check genai-prices groq.yml: 0.2/0.6. Current status after Groq's 2026 Llama decommissions not verified.",
  ),
  row(
    "mistral-7b-instruct-v0.3",
    "deepinfra",
    "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
    0.075,
    0.2,
    LITELLM,
    "https://deepinfra.com/mistralai/Mistral-7B-Instruct-v0.3 (stored page, undated): 'Due to low usage this model has been replaced by mistralai/Mistral-Small-3.2-24B-Instruct-2506 ... requests ...",
    { retired: { successor: "Mistral Small 3.2 24B (mistralai/Mistral-Small-3.2-24B-Instruct-2506)", priceIs: "successor's" } },
  ),
  row(
    "mixtral-8x7b-instruct-v0.1",
    "deepinfra",
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
    0.4,
    0.4,
    LITELLM,
    "Current availability not verified (DeepInfra redirects low-usage models).",
  ),
  row(
    "mistral-small-3.2-24b-instruct",
    "deepinfra",
    "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
    0.075,
    0.2,
    LITELLM,
    "LiteLLM stores USD per token; converted to USD per million (x1e6).",
  ),
  row(
    "llama-3.2-3b-instruct",
    "deepinfra",
    "meta-llama/Llama-3.2-3B-Instruct",
    0.02,
    0.02,
    ROCRY,
    "Read from the RoCry copy (the BerriAI offset read began just after this entry); other repos indexed by find_string show the same $0.02/$0.02.",
  ),
  row(
    "llama-3.1-8b-instruct",
    "deepinfra",
    "meta-llama/Meta-Llama-3.1-8B-Instruct",
    0.03,
    0.05,
    LITELLM,
    "LiteLLM stores USD per token; converted to USD per million (x1e6).",
  ),
  row(
    "llama-3.1-8b-instruct",
    "deepinfra",
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    0.02,
    0.03,
    LITELLM,
    "Turbo (quantized) variant.",
  ),
  row(
    "llama-3.3-70b-instruct",
    "deepinfra",
    "meta-llama/Llama-3.3-70B-Instruct",
    0.23,
    0.4,
    LITELLM,
    "LiteLLM stores USD per token; converted to USD per million (x1e6).",
  ),
  row("llama-3.3-70b-instruct", "deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo", 0.13, 0.39, LITELLM, "Turbo (quantized) variant."),
  row(
    "llama-4-scout-17b-16e-instruct",
    "deepinfra",
    "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    0.08,
    0.3,
    LITELLM,
    "LiteLLM stores USD per token; converted to USD per million (x1e6).",
  ),
  row("llama-4-maverick-17b-128e-instruct", "deepinfra", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", 0.15, 0.6, LITELLM, "FP8."),
];

/** The current rows for a model, cheapest first at `inputTokensPerOutputToken` prompt tokens per output token. */
export function hostedOffers(model: ModelId, inputTokensPerOutputToken: number): HostedPriceRow[] {
  const blended = (r: HostedPriceRow) => r.outputUsdPerMillion + inputTokensPerOutputToken * r.inputUsdPerMillion;
  return HOSTED_PRICE_TABLE.filter((r) => r.model === model && r.retired === undefined).sort((a, b) => blended(a) - blended(b));
}

/** The cheapest current offer for a model as plan economics reads it, or undefined where no provider sells it. */
export function cheapestHostedPrice(model: ModelId, inputTokensPerOutputToken: number): HostedPrice | undefined {
  const best = hostedOffers(model, inputTokensPerOutputToken)[0];
  if (!best) return undefined;
  return {
    provider: `${HOSTED_PROVIDERS[best.provider]} (${best.providerModelId})`,
    inputUsdPerMillion: best.inputUsdPerMillion,
    outputUsdPerMillion: best.outputUsdPerMillion,
    source: best.source,
  };
}
