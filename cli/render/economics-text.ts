/** Unit economics in words: every number next to the assumptions that produce it. */
import { type Economics } from "../../infra/plan";
import { count, usd } from "./format";

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function describeEconomics(e: Economics): string[] {
  const a = e.assumptions;
  const lines = [
    `~${count(e.outputTokensPerSecondPerReplica)} output tokens/s per replica (decode ${count(e.decodeTokensPerSecond)} tokens/s at ${e.batchSequences} sequences, ${e.decodeStepMs} ms per step; prefill ${count(e.prefillTokensPerSecond)} tokens/s)`,
    `${usd(e.usdPerMillionOutputTokens)} per million output tokens at ${percent(a.utilization)} utilization`,
  ];
  if (a.hosted && e.hostedUsdPerMillionOutputTokens !== null && e.breakEvenUtilization !== null) {
    const verdict =
      e.breakEvenUtilization <= 1
        ? `self-hosting breaks even at ${percent(e.breakEvenUtilization)} utilization`
        : `self-hosting never breaks even (it would need ${percent(e.breakEvenUtilization)} utilization)`;
    lines.push(
      `hosted ${a.hosted.provider}: ${usd(a.hosted.inputUsdPerMillion)} in / ${usd(a.hosted.outputUsdPerMillion)} out per million → ${usd(e.hostedUsdPerMillionOutputTokens)} per million output tokens with their input; ${verdict} (price read ${a.hosted.source.readOn})`,
    );
  } else {
    lines.push(
      "no hosted reference price for this model: pass --hosted-input-usd-per-million and --hosted-output-usd-per-million to compare",
    );
  }
  lines.push(
    `assumes memory-bandwidth utilization ${a.memoryBandwidthUtilization} (Databricks, 2023), prefill MFU ${a.prefillMfu}, ${count(a.averageContextTokens)} tokens per sequence in flight, at most ${a.maxBatchSequences} sequences, ${a.inputTokensPerOutputToken} input tokens per output token`,
  );
  return lines;
}
