/**
 * The namespaces a stack's server may not take (infra/plan/namespaces.ts) name the ones the kit's
 * add-ons really run in: read from the vendored releases, not typed twice.
 */
import { describe, expect, it } from "vitest";
import { KIT_NAMESPACES, reservedNamespace } from "../../infra/plan";
import { kedaObjects } from "../../infra/manifests/autoscaling/keda";
import { lwsObjects } from "../../infra/manifests/serving/lws";
import { MONITORING_NAMESPACE } from "../../infra/manifests/observability/prometheus-stack";

const namespacesOf = (objects: ReadonlyArray<{ kind: string; metadata: { name: string } }>) =>
  objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);

describe("the kit's own namespaces", () => {
  it("are those KEDA's release, LeaderWorkerSet's release and the monitoring stack create", () => {
    expect(namespacesOf(kedaObjects({}))).toEqual([KIT_NAMESPACES.keda]);
    expect(namespacesOf(lwsObjects())).toEqual([KIT_NAMESPACES.lws]);
    expect(MONITORING_NAMESPACE).toBe(KIT_NAMESPACES.monitoring);
  });

  it("are refused for the server with the reason, as the system namespaces are; a namespace of its own is not", () => {
    expect(
      ["keda", "lws-system", "llm-monitoring", "kube-system", "kube-public", "kube-node-lease", "default", "llm", "inference"].map(
        reservedNamespace,
      ),
    ).toEqual([
      "keda is where the kit runs KEDA",
      "lws-system is where the kit runs the LeaderWorkerSet controller",
      "llm-monitoring is where the kit runs Prometheus and Grafana",
      "kube-system is a system namespace",
      "kube-public is a system namespace",
      "kube-node-lease is a system namespace",
      "default is a system namespace",
      null,
      null,
    ]);
  });
});
