import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDefaultPlansMarkdown } from "../cli/render/models-table";
import { renderTimeToReadyComparison, timeToReadyComparison } from "../cli/render/time-to-ready-text";
import { usd } from "../cli/render/format";
import { resolveStackFile } from "../infra/settings/resolve-stack-file";
import { parseStackFile } from "../infra/settings/stack-file";
import { timeToReady } from "../infra/plan";
import { oneModel } from "./support/stack-settings";
import { DOCKER_HUB_ANONYMOUS_PULL_LIMIT } from "../infra/catalog/registries";
import { ERROR_BAND, performanceFor } from "../infra/plan/performance";
import { planDeployment as plan } from "../infra/plan";
import { resolveWorkload } from "../infra/plan/workload";
import { findHourlyPriceUsd, HOURS_PER_MONTH } from "../infra/catalog";

describe("README", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

  it("embeds exactly the default-plan table the tool generates", () => {
    const match = /<!-- default-plans:begin -->\n([\s\S]*?)\n<!-- default-plans:end -->/.exec(readme);
    expect(match?.[1]).toBe(renderDefaultPlansMarkdown().trimEnd());
  });

  it("embeds exactly the time-to-ready comparison `npm run bench` prints", () => {
    const match = /<!-- time-to-ready:begin -->\n([\s\S]*?)\n<!-- time-to-ready:end -->/.exec(readme);
    expect(match?.[1]).toBe(renderTimeToReadyComparison(timeToReadyComparison()).trimEnd());
  });

  it("states the autoscaled example's range, cost, scale-down wait and a held request's wait as `plan --stack scout` resolves them", () => {
    const settings = oneModel(
      resolveStackFile(parseStackFile("scout", readFileSync(join(__dirname, "..", "Pulumi.scout.yaml"), "utf8"))).settings,
    );
    const { cost, autoscaling } = settings;
    expect(autoscaling).toMatchObject({ minReplicas: 0, maxReplicas: 2, minNodes: 0, maxNodes: 2 });
    expect(readme).toContain(`| min (idle, scaled to zero) | 0 | ${usd(cost.minHourlyUsd)} | ${usd(cost.minMonthlyUsd)} |`);
    expect(readme).toContain(`| expected (1 replica) | 1 × p5.48xlarge | ${usd(cost.hourlyUsd)} | ${usd(cost.monthlyUsd)} |`);
    expect(readme).toContain(
      `| max (2 replicas, what the budget checks) | 2 × p5.48xlarge | ${usd(cost.maxHourlyUsd)} | ${usd(cost.maxMonthlyUsd)} |`,
    );
    const seconds = settings.plan.timeToReady.totalSeconds;
    expect(readme).toContain(`(${seconds} s for Scout on a new node: removing a replica`);
    // The picker's queue TTL: the slow-end time to ready and KEDA's minute (manifests/gateway/endpoint-picker.ts queueTtlSecondsOf).
    expect(readme).toContain(
      `after KEDA's minute to see it (${(settings.plan.timeToReady.slowTotalSeconds + 60).toLocaleString("en-US")} s for Scout`,
    );
  });

  it("states Docker Hub's anonymous pull limit as the catalog holds it, with its source", () => {
    const { pulls, windowHours } = DOCKER_HUB_ANONYMOUS_PULL_LIMIT;
    expect(readme).toContain(`Docker Hub allows **${pulls} anonymous pulls per ${windowHours} hours per IPv4 address**`);
    expect(DOCKER_HUB_ANONYMOUS_PULL_LIMIT.source.ref).toContain("docs.docker.com/docker-hub/usage/pulls");
  });

  it("states the corrected claims as the catalog and the calibrated model give them today", () => {
    const node = (findHourlyPriceUsd("p5.4xlarge", "us-east-1") ?? 0) * HOURS_PER_MONTH;
    expect(readme).toContain(`One p5.4xlarge (one H100) costs\n  ${usd(node)} a month`);
    expect(readme).toContain(`even at **${(node / 0.22e-6 / 1e9).toFixed(1)} B tokens a month**`);
    const w = resolveWorkload({ inputTokens: 1000, outputTokens: 250 });
    const perReplica = (model: Parameters<typeof plan>[0]) => performanceFor(plan(model), w).saturatedOutputTokensPerSecondPerReplica;
    const large = perReplica({ model: "mistral-large-instruct-2411", quantization: "fp8" });
    const scout = perReplica({ model: "llama-4-scout-17b-16e-instruct", quantization: "bf16" });
    expect(readme).toContain(`about\n  ${(Math.round(large / 100) * 100).toLocaleString("en-US")} output tokens/s per replica`);
    expect(readme).toContain(
      `about ${(Math.round(scout / 100) * 100).toLocaleString("en-US")} per replica (~${(Math.round(scout / 8 / 100) * 100).toLocaleString("en-US")} per\n  GPU)`,
    );
    expect(readme).toContain(`prediction prints a ±${Math.round(ERROR_BAND * 100)} % band`);
  });

  it("states Scout's queue target as its settings derive it from the declared workload", () => {
    const scaling = oneModel(
      resolveStackFile(parseStackFile("scout", readFileSync(join(__dirname, "..", "Pulumi.scout.yaml"), "utf8"))).settings,
    ).autoscaling;
    const held = scaling?.requestsPerReplica ?? 0;
    expect(readme).toContain(`${held} for Scout's declared workload`);
    expect(readme).toContain(`(0.818 and ${Math.floor((held / 1.1) * 1000) / 1000} for Scout;`);
    // Two replicas with 40 in flight: 40 / (threshold × 2) stays within the HPA's 10 % tolerance of 1.
    expect(Math.abs(1 - 40 / ((Math.floor((held / 1.1) * 1000) / 1000) * 2))).toBeLessThanOrEqual(0.1);
  });

  it("opens with the two set-up commands, the second being the one .ci/run runs", () => {
    expect(readme).toContain("npm ci && npm run plan");
    expect(readme).toContain("npm ci && npm test");
    expect(readFileSync(join(__dirname, "..", ".ci", "run"), "utf8")).toContain("npm ci && npm test");
  });
});
