/**
 * The autoscaling keys (minReplicas, maxReplicas) as every entry point resolves them
 * (infra/settings/resolve.ts): the range and its GPU nodes, and each refusal with its key, value,
 * what is allowed and the fix — all problems at once.
 */
import { describe, expect, it } from "vitest";
import {
  vllmScaledObject,
  HPA_MAX_POLICY_PERIOD_SECONDS,
  HPA_MAX_STABILIZATION_SECONDS,
} from "../../infra/manifests/autoscaling/scaled-object";
import { planDeployment, timeToReady } from "../../infra/plan";
import { resolveStackSettings } from "../../infra/settings";
import { DEV, SECRETS, issuesOf, oneModel } from "../support/stack-settings";
import { kedaReleaseObjects } from "../../infra/manifests/autoscaling/keda";
import { crdObjectValidator } from "../support/crd-schema";

describe("autoscaling settings", () => {
  it("packs the range onto nodes as the planner does: 8 one-GPU replicas of Llama 3.1 8B share one p5.48xlarge", () => {
    // allowedInstanceTypes p5.48xlarge and 8 expected replicas: TP 1, 8 per node; 0 to 12 replicas need 0 to ceil(12 / 8) = 2 nodes.
    const { autoscaling, cost } = oneModel(
      resolveStackSettings(
        { ...DEV, allowedInstanceTypes: '["p5.48xlarge"]', replicas: "8", minReplicas: "0", maxReplicas: "12", maxHourlyUsd: "120" },
        "us-east-1",
        SECRETS,
      ),
    );
    expect(autoscaling).toMatchObject({ minReplicas: 0, maxReplicas: 12, minNodes: 0, maxNodes: 2 });
    // 2 × $55.04 + 3 × $0.2016 + $0.10 + $0.045 at most; 2 × $0.2016 + $0.145 at least.
    expect([cost.minHourlyUsd, cost.maxHourlyUsd]).toEqual([0.5482, 110.8298]);
  });

  it("takes minReplicas 1 by default, and a range of one point as no autoscaling", () => {
    expect(oneModel(resolveStackSettings({ ...DEV, maxReplicas: "3", maxHourlyUsd: "30" }, "us-east-1", SECRETS)).autoscaling).toEqual({
      minReplicas: 1,
      maxReplicas: 3,
      minNodes: 1,
      maxNodes: 3,
      // No workload declared, so no SLO: the KV-bound batch at vllm bench serve's default lengths, each request
      // holding 1,024 prompt + 128 / 2 output tokens on average: floor(412,080 KV tokens / 1,088) = 378 (≤ --max-num-seqs 1024).
      requestsPerReplica: 378,
    });
    expect(oneModel(resolveStackSettings({ ...DEV, minReplicas: "1", maxReplicas: "1" }, "us-east-1", SECRETS)).autoscaling).toBeNull();
  });

  it("refuses every autoscaling problem at once, each with its key, value and fix", () => {
    const issues = issuesOf({
      ...DEV,
      replicas: "2",
      minReplicas: "3",
      maxReplicas: "1",
      observability: "none",
      capacityType: "capacity-block",
      capacityReservationId: "cr-0123456789abcdef0",
      capacityReservationZoneId: "use1-az4",
      maxHourlyUsd: "100",
    });
    expect(issues.filter((i) => /Replicas|observability/.test(i.path)).map((i) => [i.path, i.value, i.expected])).toEqual([
      ["llm-stack:maxReplicas", 1, "at least replicas (2), the expected count the plan is sized for"],
      ["llm-stack:minReplicas", 3, "at most replicas (2)"],
      ["llm-stack:maxReplicas", 1, "unset when capacityType is capacity-block"],
      ["llm-stack:observability", "none", "prometheus (or auto) when maxReplicas is set"],
    ]);
  });

  it("refuses minReplicas alone, autoscaling on a cluster it does not create, and a maximum beyond maxNodes", () => {
    expect(issuesOf({ ...DEV, minReplicas: "0" }).map((i) => [i.path, i.expected])).toEqual([
      ["llm-stack:minReplicas", "unset unless maxReplicas is set"],
    ]);
    const existing = issuesOf({
      ...DEV,
      cluster: "eks:inference",
      nodeSubnetIds: '["subnet-0123456789abcdef0"]',
      clusterPublicAccessCidrs: undefined,
      maxReplicas: "2",
      maxHourlyUsd: "20",
    });
    expect(existing.map((i) => [i.path, i.expected])).toEqual([["llm-stack:maxReplicas", "unset unless cluster is create"]]);
    // 17 one-GPU replicas on p5.4xlarge are 17 nodes, over the default maxNodes 16.
    const tooMany = issuesOf({ ...DEV, maxReplicas: "17", maxHourlyUsd: "200" });
    expect(tooMany.map((i) => [i.path, i.expected, i.hint])).toEqual([
      [
        "llm-stack:maxReplicas",
        "a maximum whose GPU nodes (17 × p5.4xlarge) stay within maxNodes 16",
        "Lower maxReplicas, or raise maxNodes to 17 if you mean it.",
      ],
    ]);
  });

  it("keeps a slow model's scale-down within the HPA's limits (3600 s window, 1800 s policy period)", () => {
    const plan = planDeployment({
      model: "llama-3.1-405b-instruct",
      quantization: "bf16",
      weightsSource: "huggingface",
      maxModelLen: 32768,
    });
    expect(timeToReady(plan).totalSeconds).toBeGreaterThan(HPA_MAX_STABILIZATION_SECONDS);
    const scaledObject = vllmScaledObject({
      name: "vllm",
      namespace: "llm",
      plan,
      range: { minReplicas: 0, maxReplicas: 1 },
      requestsPerReplica: 1024,
      prometheusAddress: "http://p:9090",
      wakeQuery: "vector(0)",
    }) as any;
    expect(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 3600,
      policies: [{ type: "Pods", value: 1, periodSeconds: 1800 }],
    });
    // The ScaledObject CRD as KEDA's release applies it (its patch caps the window at 3600): the clamped object passes, the time to
    // ready itself is refused. The 1800 s policy period is the HPA API's own limit (kubernetes pkg/apis/autoscaling/validation,
    // MaxPeriodSeconds), which the CRD only describes: KEDA's HPA would be refused instead.
    const validate = crdObjectValidator(
      kedaReleaseObjects().find((o) => o.metadata.name === "scaledobjects.keda.sh"),
      "v1alpha1",
      { rejectUnknownFields: true },
    );
    expect(validate(scaledObject)).toEqual([]);
    const unclamped = structuredClone(scaledObject);
    unclamped.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown = {
      stabilizationWindowSeconds: timeToReady(plan).totalSeconds,
      policies: [{ type: "Pods", value: 1, periodSeconds: timeToReady(plan).totalSeconds }],
    };
    expect(validate(unclamped)).toEqual([
      "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds must be <= 3600",
    ]);
    expect([HPA_MAX_STABILIZATION_SECONDS, HPA_MAX_POLICY_PERIOD_SECONDS]).toEqual([3600, 1800]);
  });
});
