/**
 * The committed autoscaled stack (Pulumi.scout.yaml) under mocks, from the suite's one run of it:
 * KEDA on vLLM's queue, Cluster Autoscaler, the inference gateway in front of a server at zero, what fits on the system nodes, its outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { crdValidator } from "../support/crd-schema";
import { type RecordedResource } from "../program-runner";
import { schedulingProblems } from "../support/kube-scheduling";
import { byName, cacheOf } from "../support/program-fixtures";
import { committedRun } from "../support/committed-runs";
import { join } from "node:path";
import { readStackFile, resolveStackFile } from "../../infra/settings";
import { oneModel } from "../support/stack-settings";

/**
 * The committed autoscaled stack (Pulumi.scout.yaml: Llama 4 Scout, minReplicas 0, maxReplicas 2). Hand values:
 * - time to ready from a new node: 100 s boot + 288 s image pull + 140 s S3 stream + 163 s engine start = 691 s
 *   (test/plan/time-to-ready.test.ts, Llama 4 Scout's S3 row);
 * - one replica holds as many requests in flight as its declared workload's SLOs allow (8,000-token prompts,
 *   TTFT p95 ≤ 5 s, ITL p95 ≤ 80 ms): the performance model's SLO-feasible concurrency, read here from the
 *   stack's resolved settings, as the program reads it (test/plan/performance/ holds the model to measurements);
 * - $/hour besides the GPU nodes: 2 × m7i.xlarge $0.2016 + EKS $0.10 + NAT $0.045 = $0.5482; a p5.48xlarge $55.04.
 */
/** The stack's SLO-feasible concurrency per replica, from its settings resolved as `pulumi up` would. */
const requestsPerReplica = (): number => {
  const scaling = oneModel(resolveStackFile(readStackFile("scout", join(__dirname, "..", ".."))).settings).autoscaling;
  if (!scaling) throw new Error("Pulumi.scout.yaml autoscales");
  return scaling.requestsPerReplica;
};

describe("the autoscaled stack scout under mocks", () => {
  let resources: RecordedResource[];
  beforeAll(() => {
    resources = committedRun("scout").resources;
  });
  const system = () => ({ labels: { ...byName(resources, "llm-system-ng").inputs.labels, "kubernetes.io/os": "linux" }, taints: [] });
  const inputs = (name: string, type?: string) => byName(resources, name, type).inputs;

  it("scales the server with a KEDA ScaledObject on vLLM's queue, held for its time to ready, and woken by the requests its endpoint picker holds", () => {
    const scaledObject = inputs("vllm-scaledobject");
    expect(crdValidator("keda", "crds/keda.sh_scaledobjects.yaml", "v1alpha1", { rejectUnknownFields: true })(scaledObject)).toEqual([]);
    expect(scaledObject.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "vllm" });
    expect([scaledObject.spec.minReplicaCount, scaledObject.spec.maxReplicaCount, scaledObject.spec.cooldownPeriod]).toEqual([0, 2, 691]);
    expect(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(691);
    const [queue, kvCache, wake] = scaledObject.spec.triggers;
    expect(queue).toEqual({
      type: "prometheus",
      name: "queue",
      metadata: {
        serverAddress: "http://prometheus-operated.llm-monitoring.svc:9090",
        // vLLM labels its series model_name = the served model name (--served-model-name=llama-4-scout-17b-16e-instruct).
        query:
          'sum(vllm:num_requests_running{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"}) + sum(vllm:num_requests_waiting{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"})',
        // Acts above the requests one replica holds within the stack's SLOs (Pulumi.scout.yaml's workload:
        // the performance model's SLO-feasible concurrency). The HPA (replica_calculator.go) adds replicas
        // only when sum / (threshold × replicas) > 1 + 0.1 (its default tolerance), so the threshold is
        // that concurrency / 1.1 in KEDA's milli-units, rounded down: it acts just above the concurrency.
        threshold: String(Math.floor((requestsPerReplica() / 1.1) * 1000) / 1000),
        activationThreshold: "0",
      },
    });
    // Acts above a mean KV cache use of 0.9: 0.9 / 1.1 = 0.81818… → 0.818, acting above 0.818 × 1.1 = 0.8998.
    // A threshold of 0.9 would act only above 0.9 × 1.1 = 0.99.
    expect(kvCache.metadata).toMatchObject({
      query: 'sum(vllm:kv_cache_usage_perc{namespace="llm", model_name="llama-4-scout-17b-16e-instruct"})',
      threshold: "0.818",
    });
    // Requests its endpoint picker holds now, or held within a window that with the 691 s cooldown outlasts
    // the longest wait by a minute. The wait (the picker's queue TTL): the time to ready with the node boot at
    // its slow end, 691 − 100 + 900 = 1,491 s, after KEDA's 60 s to see the request = 1,551 s; window 1,551 + 60 − 691 = 920 s.
    expect(scaledObject.spec.initialCooldownPeriod).toBe(691);
    expect(wake.metadata).toMatchObject({
      query:
        'clamp_max((sum(llm_d_epp_flow_control_queue_size{namespace="llm",inference_pool="vllm"}) or vector(0)) + (sum(increase(llm_d_epp_flow_control_request_queue_duration_seconds_count{namespace="llm",inference_pool="vllm"}[920s])) or vector(0)), 1)',
      ignoreNullValues: "false",
    });
    expect(inputs("llm-gateway-vllm-epp-config").data["default-plugins.yaml"]).toContain('"defaultRequestTTL": "1551s"');
    // The HPA owns the replica count: the manifest leaves it out (server-side apply would otherwise fight it).
    expect("replicas" in inputs("vllm-deployment").spec).toBe(false);
  });

  it("adds a replica where the README says, under the HPA's tolerance rule: mean KV cache use above 0.9, in flight above the SLO-feasible concurrency", () => {
    // kubernetes pkg/controller/podautoscaler/replica_calculator.go, GetExternalPerPodMetricReplicas
    // (AverageValue): usageRatio = usage / (target × replicas); the count changes only when
    // |1 − usageRatio| > tolerance (0.1 by default), and then becomes ceil(usage / target).
    const hpaReplicas = (usage: number, target: number, replicas: number): number =>
      Math.abs(1 - usage / (target * replicas)) > 0.1 ? Math.ceil(usage / target) : replicas;
    const [queue, kvCache] = inputs("vllm-scaledobject").spec.triggers;
    const kvTarget = Number(kvCache.metadata.threshold);
    const queueTarget = Number(queue.metadata.threshold);
    // One replica: 0.89 of its KV cache used stays at one, 0.91 asks for two (not only above 0.99).
    expect([hpaReplicas(0.89, kvTarget, 1), hpaReplicas(0.91, kvTarget, 1), hpaReplicas(0.95, kvTarget, 1)]).toEqual([1, 2, 2]);
    // Just below the SLO-feasible concurrency one replica stays one; just above it asks for a second.
    const held = requestsPerReplica();
    expect([hpaReplicas(held - 1, queueTarget, 1), hpaReplicas(held + 1, queueTarget, 1)]).toEqual([1, 2]);
    // Two replicas whose mean KV use falls to 0.4 (0.8 in all) go back to one: ceil(0.8 / 0.818) = 1.
    expect(hpaReplicas(0.8, kvTarget, 2)).toBe(1);
  });

  it("puts the inference gateway before a server that scales to zero: one pool of its pods, its endpoint picker, clients at the gateway", () => {
    // The server's Service selects its own pods again (no front between them).
    expect(inputs("vllm-service").spec.selector).toEqual({ "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" });
    const pool = inputs("llm-gateway-vllm-pool");
    expect(pool.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" });
    expect(pool.spec.endpointPickerRef).toMatchObject({ name: "vllm-epp", port: { number: 9002 } });
    // Clients send the model id they always sent: the route matches vLLM's served name.
    const route = inputs("llm-gateway-route-0");
    expect(route.spec.rules[0].matches[0].headers).toEqual([
      { type: "Exact", name: "X-Gateway-Model-Name", value: "llama-4-scout-17b-16e-instruct" },
    ]);
    // Only the gateway's proxy and the model's endpoint picker reach the server; clients are admitted to the gateway.
    const from = inputs("vllm-netpol").spec.ingress[0].from;
    // The proxy's labels as agentgateway's deployer sets them on the pods of Gateway llm-gateway (instance, name,
    // gateway-name: its testdata); the picker's as llm-d-router's chart labels its Deployment's pods.
    expect(from.slice(0, 2)).toEqual([
      {
        podSelector: {
          matchLabels: {
            "app.kubernetes.io/instance": "llm-gateway",
            "app.kubernetes.io/name": "llm-gateway",
            "gateway.networking.k8s.io/gateway-name": "llm-gateway",
          },
        },
      },
      { podSelector: { matchLabels: { "llm-d-router-gateway": "vllm-epp", "app.kubernetes.io/name": "vllm-epp" } } },
    ]);
    expect(inputs("llm-gateway-netpol").spec.ingress[0].from[0]).toEqual({ podSelector: { matchLabels: { "llm-stack/client": "true" } } });
    expect(committedRun("scout").outputs?.endpoint).toBe("http://llm-gateway.llm.svc.cluster.local:8000/v1");
    // The benchmark Job is a client too: it measures through the gateway, which admits its labelled pod.
    const bench = inputs("vllm-benchmark", "kubernetes:batch/v1:Job").spec.template;
    const args: string[] = bench.spec.containers[0].args;
    expect(args[args.indexOf("--base-url") + 1]).toBe("http://llm-gateway.llm.svc.cluster.local:8000");
    expect(bench.metadata.labels["llm-stack/client"]).toBe("true");
    // No Envoy of our own any more.
    expect(resources.filter((r) => /wake-front/.test(r.name))).toEqual([]);
  });

  it("runs KEDA v2.20.2 and Cluster Autoscaler 1.35.2 on the system nodes, CA with a Pod Identity role scoped to its cluster's groups", () => {
    // KEDA's six CRDs, as one YAML stream applied before the operator, each a valid CRD.
    const crds = parseAllDocuments(inputs("llm-keda-crds").yaml).map((d) => d.toJSON());
    expect(crds.map((c: any) => c.metadata.name).sort()).toEqual([
      "cloudeventsources.eventing.keda.sh",
      "clustercloudeventsources.eventing.keda.sh",
      "clustertriggerauthentications.keda.sh",
      "scaledjobs.keda.sh",
      "scaledobjects.keda.sh",
      "triggerauthentications.keda.sh",
    ]);
    for (const crd of crds) expect(() => new CustomResourceDefinition(crd).validate(), crd.metadata.name).not.toThrow();
    for (const name of [
      "llm-keda-deployment-keda-operator",
      "llm-keda-deployment-keda-metrics-apiserver",
      "llm-cluster-autoscaler-deployment-cluster-autoscaler",
    ]) {
      expect(schedulingProblems(inputs(name).spec.template.spec, system()), name).toEqual([]);
    }
    expect(inputs("llm-keda-deployment-keda-operator").spec.template.spec.containers[0].image).toBe(
      `${cacheOf("scout")}/ghcr/kedacore/keda:2.20.2`,
    );
    const ca = inputs("llm-cluster-autoscaler-deployment-cluster-autoscaler").spec.template.spec.containers[0];
    expect(ca.image).toBe(`${cacheOf("scout")}/k8s/autoscaling/cluster-autoscaler:v1.35.2`);
    expect(ca.command).toContain(
      "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/llm-stack-scout",
    );
    expect(ca.env).toContainEqual({ name: "AWS_REGION", value: "us-east-1" });
    expect(inputs("llm-cluster-autoscaler-access-association")).toMatchObject({
      namespace: "kube-system",
      serviceAccount: "cluster-autoscaler",
    });
    const policy = JSON.parse(inputs("llm-cluster-autoscaler-access-policy").policy);
    const resize = policy.Statement.find((s: any) => s.Action.includes("autoscaling:SetDesiredCapacity"));
    expect(resize.Condition).toEqual({ Null: { "autoscaling:ResourceTag/k8s.io/cluster-autoscaler/llm-stack-scout": "false" } });
    // What a p5.48xlarge offers, for CA to scale the group up from zero nodes (read through eks:DescribeNodegroup).
    expect(inputs("llm-gpu-ng").tags).toEqual({ "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "8" });
    // Prometheus keeps its data through a system node's removal.
    expect(inputs("llm-prometheus-llm-stack").spec.podMetadata.annotations).toEqual({
      "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
    });
  });

  it("fits every pod it puts on the system nodes into the two m7i.xlarge, with room left for EKS's own add-ons", () => {
    // Allocatable per m7i.xlarge (4 vCPU, 16 GiB) as nodeadm reserves it (awslabs/amazon-eks-ami
    // nodeadm/internal/kubelet/config.go): CPU 6% of the first core + 1% of the second + 0.5% of cores
    // 3–4 = 80m; memory 11 MiB × maxPods + 255 MiB, maxPods = 4 ENIs × (15 − 1) + 2 = 58 (instance-info.jsonl):
    // 893 MiB, plus the 100 Mi memory.available eviction threshold.
    const allocatable = { cpuMilli: 2 * (4000 - 80), memoryMiB: 2 * (16384 - 893 - 100) };
    // A choice, not a measurement: CoreDNS, kube-proxy, the VPC CNI, the Pod Identity agent and Prometheus' config reloader.
    const addOns = { cpuMilli: 1000, memoryMiB: 1024 };
    const cpuMilli = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const memoryMiB = (q: string) =>
      q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : q.endsWith("Mi") ? Number(q.slice(0, -2)) : Number.NaN;
    const onSystem = resources.filter(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && schedulingProblems(r.inputs.spec.template.spec, system()).length === 0,
    );
    expect(onSystem.map((r) => r.inputs.metadata.name).sort()).toEqual([
      "agentgateway",
      "cluster-autoscaler",
      "grafana",
      "keda-metrics-apiserver",
      "keda-operator",
      "prometheus-operator",
      "vllm-epp",
    ]);
    const requests = [
      ...onSystem.flatMap((r) =>
        r.inputs.spec.template.spec.containers.map((c: any) => ({ replicas: r.inputs.spec.replicas ?? 1, ...c.resources.requests })),
      ),
      { replicas: 1, ...inputs("llm-prometheus-llm-stack").spec.resources.requests },
      // The Gateway's proxy, which agentgateway's controller creates: the requests its parameters give it.
      { replicas: 1, ...inputs("llm-gateway-parameters").spec.resources.requests },
    ];
    const total = requests.reduce(
      (sum, r) => ({ cpuMilli: sum.cpuMilli + r.replicas * cpuMilli(r.cpu), memoryMiB: sum.memoryMiB + r.replicas * memoryMiB(r.memory) }),
      addOns,
    );
    expect(total.cpuMilli).toBeLessThanOrEqual(allocatable.cpuMilli);
    expect(total.memoryMiB).toBeLessThanOrEqual(allocatable.memoryMiB);
  });

  it("leaves KEDA's own writes alone and deletes the ScaledObject before any part of KEDA (its finalizer needs the operator and its RBAC)", () => {
    expect(byName(resources, "llm-keda-apiservice-v1beta1.external.metrics.k8s.io").ignoreChanges).toEqual(["spec.caBundle"]);
    // The CRDs' ConfigGroup and the install's 15 objects (test "produces Kubernetes objects…" counts them).
    const keda = resources.filter((r) => r.name.startsWith("llm-keda-")).map((r) => r.name);
    expect(keda).toHaveLength(16);
    expect(byName(resources, "vllm-scaledobject").dependencies).toEqual(expect.arrayContaining([...keda, "vllm-deployment"]));
  });

  it("outputs the replica range, its GPU nodes and its cost at each end", async () => {
    const { outputs } = committedRun("scout");
    expect(outputs?.autoscaling).toEqual({
      minReplicas: 0,
      maxReplicas: 2,
      minNodes: 0,
      maxNodes: 2,
      requestsPerReplica: requestsPerReplica(),
      minHourlyUsd: 0.5482,
      maxHourlyUsd: 110.8298,
    });
    expect(committedRun("dev").outputs?.autoscaling).toBeNull();
  });

  it("records the live cost from the GPU nodes up now, not the planned count", () => {
    const rules = inputs("vllm-rules").spec.groups[1].rules;
    expect(rules[0]).toEqual({
      record: "llm_stack:cost_usd_per_hour",
      expr: "vector(0.5482) + (count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL)) or vector(0)) * 55.04",
    });
  });
});
