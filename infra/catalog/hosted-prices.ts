/**
 * Hosted-API prices the cost tool compares self-hosting against: USD per million input and output
 * tokens, one dated row per model. Only rows whose source could be named are listed; for the other
 * models pass --hosted-input-usd-per-million / --hosted-output-usd-per-million to `llm-stack cost`.
 */
import { type ModelId, type Source } from "./schema";

export interface HostedPrice {
  provider: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  source: Source;
}

export const HOSTED_PRICES: Partial<Record<ModelId, HostedPrice>> = {
  "mistral-large-instruct-2411": {
    provider: "Mistral La Plateforme (mistral-large-2411)",
    inputUsdPerMillion: 2,
    outputUsdPerMillion: 6,
    source: { ref: "https://mistral.ai/pricing#api-pricing (Mistral Large 24.11: $2 / M input, $6 / M output)", readOn: "2026-11-26" },
  },
  "mistral-small-3.2-24b-instruct": {
    provider: "Mistral La Plateforme (mistral-small-latest)",
    inputUsdPerMillion: 0.1,
    outputUsdPerMillion: 0.3,
    source: { ref: "https://mistral.ai/pricing#api-pricing (Mistral Small 3.x: $0.1 / M input, $0.3 / M output)", readOn: "2026-11-26" },
  },
  "llama-3.3-70b-instruct": {
    provider: "Amazon Bedrock on-demand, us-east-1",
    inputUsdPerMillion: 0.72,
    outputUsdPerMillion: 0.72,
    source: {
      ref: "https://aws.amazon.com/bedrock/pricing/ (Meta Llama 3.3 Instruct 70B: $0.00072 per 1,000 input and output tokens)",
      readOn: "2026-11-26",
    },
  },
  "llama-3.1-8b-instruct": {
    provider: "Amazon Bedrock on-demand, us-east-1",
    inputUsdPerMillion: 0.22,
    outputUsdPerMillion: 0.22,
    source: {
      ref: "https://aws.amazon.com/bedrock/pricing/ (Meta Llama 3.1 Instruct 8B: $0.00022 per 1,000 input and output tokens)",
      readOn: "2026-11-26",
    },
  },
};
