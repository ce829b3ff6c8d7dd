/**
 * Multi-node serving: Llama 3.1 405B in bf16 (Pulumi.llama405b.yaml) on 2 × p5.48xlarge as one
 * LeaderWorkerSet group (lws v0.10.0), TP 8 inside each node, PP 2 across them. One program run
 * under mocks; every LeaderWorkerSet object validated against the vendored CRD's schema.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { mandatory, runPolicies } from "../../cli/offline/policy-run";
import { runProgram, stackFileConfig, type RecordedResource } from "../program-runner";
import { crdValidator } from "../support/crd-schema";
import { imagePullProblems } from "../support/image-pulls";
import { eksTaint, schedulingProblems } from "../support/kube-scheduling";
import { OPERATOR_SECRET_KEYS, withOperatorValues } from "../support/operator";
import { committedResources } from "../support/committed-runs";

const operator = withOperatorValues;
const LWS_TYPE = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet";

let resources: RecordedResource[] = [];
beforeAll(async () => {
  resources = committedResources("llama405b");
}, 120_000);

const one = (type: string, name?: string) => {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`${found.length} × ${type} ${name ?? ""}`);
  return found[0]!;
};
const lws = () => one(LWS_TYPE).inputs;
const clone = () => structuredClone(resources);

describe("the 405B bf16 stack under mocks", () => {
  it("installs the LeaderWorkerSet controller from the vendored v0.10.0 manifest: its 3 CRDs as one YAML stream, the other 17 objects one by one", () => {
    const controller = resources.filter((r) => r.name.startsWith("llm-lws-"));
    expect(controller).toHaveLength(18);
    const crds = parseAllDocuments(one("kubernetes:yaml/v2:ConfigGroup", "llm-lws-crds").inputs.yaml).map((d) => d.toJSON());
    expect(crds.map((c) => [c.kind, c.metadata.name]).sort()).toEqual([
      ["CustomResourceDefinition", "disaggregatedsetrolescalers.disaggregatedset.x-k8s.io"],
      ["CustomResourceDefinition", "disaggregatedsets.disaggregatedset.x-k8s.io"],
      ["CustomResourceDefinition", "leaderworkersets.leaderworkerset.x-k8s.io"],
    ]);
    // The controller and the sets wait for the CRDs.
    expect(one("kubernetes:apps/v1:Deployment", "llm-lws-deployment-lws-controller-manager").dependencies).toContain("llm-lws-crds");
    // registry.k8s.io/lws/lws:v0.10.0, through the stack's ECR pull-through cache (prefix llm-llama405b/k8s).
    expect(
      one("kubernetes:apps/v1:Deployment", "llm-lws-deployment-lws-controller-manager").inputs.spec.template.spec.containers[0].image,
    ).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-llama405b/k8s/lws/lws:v0.10.0");
  });

  it("runs one LeaderWorkerSet of size 2 whose leader and worker take all 8 GPUs of their node, with the plan's TP 8 × PP 2", () => {
    const spec = lws().spec;
    expect([spec.replicas, spec.leaderWorkerTemplate.size, spec.leaderWorkerTemplate.restartPolicy, spec.startupPolicy]).toEqual([
      1,
      2,
      "RecreateGroupOnPodRestart",
      "LeaderCreated",
    ]);
    const leader = spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0];
    const worker = spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
    for (const container of [leader, worker]) {
      expect(container.resources.limits["nvidia.com/gpu"]).toBe("8");
      expect(container.args).toContain("--tensor-parallel-size=8");
      expect(container.args).toContain("--pipeline-parallel-size=2");
      expect(container.args).toContain("--nnodes=2");
    }
    expect(leader.args).toContain("--node-rank=0");
    // Both run `vllm serve <model>`: only that entrypoint honours --headless (vllm/entrypoints/cli/serve.py);
    // each node streams the same cached revision from S3.
    const uri = "s3://llm-stack-llama405b-123456789012-us-east-1/models/meta-llama/Llama-3.1-405B-Instruct/main/";
    expect([leader.command, worker.command]).toEqual([
      ["vllm", "serve", uri],
      ["vllm", "serve", uri],
    ]);
    expect(worker.args).toContain("--load-format=runai_streamer");
    expect(worker.args).toEqual(
      expect.arrayContaining(["--headless", "--node-rank=$(LWS_WORKER_INDEX)", "--master-addr=$(LWS_LEADER_ADDRESS)"]),
    );
    expect([leader.startupProbe === undefined, worker.startupProbe === undefined]).toEqual([false, true]);
    // /dev/shm for NCCL: min(64, pod memory / 8) GiB — (2048 × 0.9 − 4) GiB / 8 = 229 → 64 GiB.
    expect(spec.leaderWorkerTemplate.workerTemplate.spec.volumes.find((v: { name: string }) => v.name === "dshm")).toEqual({
      name: "dshm",
      emptyDir: { medium: "Memory", sizeLimit: "64Gi" },
    });
    expect(resources.some((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "vllm-deployment")).toBe(false);
  });

  it("validates every LeaderWorkerSet against the CRD's OpenAPI schema (lws v0.10.0), which is live: a bad size fails", () => {
    const validate = crdValidator("lws", "crd-leaderworkersets.yaml", "v1");
    expect(validate(lws())).toEqual([]);
    const broken = structuredClone(lws());
    broken.spec.leaderWorkerTemplate.size = "two";
    expect(validate(broken)).not.toEqual([]);
  });

  /**
   * LeaderWorkerSet v0.10.0's own rules, applied to what the program registers
   * (kubernetes-sigs/lws at tag v0.10.0):
   * - the leader StatefulSet is named like the set and governs its pods: pod `<lws>-<group>`,
   *   subdomain `<lws>` (SubdomainPolicy Shared, the webhook's default; leaderworkerset_controller.go);
   * - every container gets LWS_LEADER_ADDRESS = `<lws>-<group>.<subdomain>.<namespace>` (pkg/utils/pod/pod_utils.go);
   * - the controller creates a headless Service named `<lws>` only when no Service of that name exists
   *   (CreateHeadlessServiceIfNotExists, pkg/utils/controller/controller_utils.go); an existing one is used as is.
   * And DNS's (Kubernetes DNS-based service discovery, which CoreDNS's kubernetes plugin implements):
   * `<hostname>.<subdomain>.<namespace>.svc` resolves only through a headless Service named
   * `<subdomain>` that selects the pod, and for a pod that is not Ready only if the Service
   * publishes not-ready addresses.
   */
  it("gives the workers a leader address that resolves before the leader is ready, through a headless Service of the set's name", () => {
    const set = lws();
    const subdomain = set.metadata.name;
    const leaderAddress = `${set.metadata.name}-0.${subdomain}.${set.metadata.namespace}`;
    expect(leaderAddress).toBe("vllm-group-0.vllm-group.llm");
    const named = resources.filter((r) => r.type === "kubernetes:core/v1:Service" && r.inputs.metadata.name === subdomain);
    expect(named).toHaveLength(1);
    const service = named[0]!.inputs;
    expect([service.spec.clusterIP, service.spec.publishNotReadyAddresses]).toEqual(["None", true]);
    // The leader pod carries its template's labels plus the set's name label, which the Service selects.
    const leaderLabels = {
      ...set.spec.leaderWorkerTemplate.leaderTemplate.metadata.labels,
      "leaderworkerset.sigs.k8s.io/name": "vllm-group",
      "leaderworkerset.sigs.k8s.io/worker-index": "0",
    };
    expect(Object.entries(service.spec.selector).every(([key, value]) => leaderLabels[key] === value)).toBe(true);
    // The client Service keeps the endpoint's name and is not the one DNS would use for the group.
    expect(one("kubernetes:core/v1:Service", "vllm-service").inputs.metadata.name).toBe("vllm");
    // Created before the set, so the controller always finds it.
    expect(one(LWS_TYPE).dependencies).toContain("vllm-group");
    // A replaced set (a stack deployed when it was named vllm) is deleted first: its pods hold the fixed
    // pool's only GPU nodes, so a new group created beside it would wait, awaited, until the up times out.
    expect(one(LWS_TYPE).deleteBeforeReplace).toBe(true);
  });

  /**
   * pulumi-kubernetes (provider/pkg/await/await.go and metadata/overrides.go): a kind without
   * built-in await logic is ready once created, unless `pulumi.com/waitFor` names a condition
   * (`condition=<type>[=<status>]`, status True by default, or a JSON list of such); the wait lasts
   * `pulumi.com/timeoutSeconds` (strconv.Atoi), 10 minutes without it.
   */
  it("makes pulumi up wait until the set is Available, as long as a Deployment's rollout", () => {
    const annotations = lws().metadata.annotations;
    const parse = (value: string): string[] => {
      try {
        return JSON.parse(value) as string[];
      } catch {
        return [value];
      }
    };
    expect(parse(annotations["pulumi.com/waitFor"])).toEqual(["condition=Available"]);
    // Rollout: slow boot 900 s + image pull 288 × 1.5 = 432 s + the startup budget. 405B bf16 on S3, 2 × p5.48xlarge,
    // 8 ranks per node each streaming the 811.7 GB checkpoint over the node's 100 Gb/s: 811.7 × 8 / 12.5 = 519.5 → 520 s;
    // engine start 126 layers: 145 + 1.3273 × 46 = 206.05 + P2P 60 = 266.05 → 267 s; (520 + 267) × 1.5 = 1180.5 → 1190 s.
    expect(Number.parseInt(annotations["pulumi.com/timeoutSeconds"], 10)).toBe(900 + 432 + 1190);
  });

  it("sends the Service to the leader and lets the group's pods reach each other", () => {
    expect(one("kubernetes:core/v1:Service", "vllm-service").inputs.spec.selector).toEqual({
      "app.kubernetes.io/name": "vllm",
      "app.kubernetes.io/instance": "vllm",
      "llm-stack/role": "leader",
    });
    const ingress = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "vllm-netpol").inputs.spec.ingress;
    expect(ingress[1]).toEqual({
      from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" } } }],
    });
  });

  it("puts the 2 GPU nodes in one AZ and a cluster placement group", () => {
    const group = one("aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs;
    expect(group.scalingConfig).toEqual({ desiredSize: 2, minSize: 2, maxSize: 2 });
    expect(group.subnetIds).toHaveLength(1);
    expect(one("aws:ec2/placementGroup:PlacementGroup", "llm-gpu-pg").inputs.strategy).toBe("cluster");
    expect(one("aws:ec2/launchTemplate:LaunchTemplate", "llm-gpu-lt").inputs.placement).toEqual({ groupName: "llm-gpu-pg" });
  });

  it("passes every policy, mandatory and advisory", async () => {
    expect(await runPolicies(resources)).toEqual([]);
  });

  it("pulls the leader's, the workers' and every add-on's image through the stack's own ECR cache", () => {
    expect(imagePullProblems(resources, { accountId: "123456789012", region: "us-east-1", stackPrefix: "llm-llama405b" })).toEqual([]);
    const group = lws().spec.leaderWorkerTemplate;
    expect([group.leaderTemplate, group.workerTemplate].map((t: any) => t.spec.containers[0].image)).toEqual([
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-llama405b/docker-hub/vllm/vllm-openai:v0.33.0",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-llama405b/docker-hub/vllm/vllm-openai:v0.33.0",
    ]);
  });

  it.each<[string, (r: RecordedResource[]) => void]>([
    [
      "a group of size 1",
      (r) => {
        r.find((x) => x.type === LWS_TYPE)!.inputs.spec.leaderWorkerTemplate.size = 1;
      },
    ],
    [
      "TP 16 on 8-GPU pods",
      (r) => {
        const spec = r.find((x) => x.type === LWS_TYPE)!.inputs.spec.leaderWorkerTemplate;
        for (const t of [spec.leaderTemplate, spec.workerTemplate])
          t.spec.containers[0].args = t.spec.containers[0].args.map((a: string) =>
            a.startsWith("--tensor-parallel-size") ? "--tensor-parallel-size=16" : a,
          );
      },
    ],
    [
      "a worker without GPUs",
      (r) => {
        const worker = r.find((x) => x.type === LWS_TYPE)!.inputs.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
        delete worker.resources.limits["nvidia.com/gpu"];
        delete worker.resources.requests["nvidia.com/gpu"];
      },
    ],
  ])("rejects %s with a mandatory violation", async (_, tamper) => {
    const tampered = clone();
    tamper(tampered);
    expect(mandatory(await runPolicies(tampered)).length).toBeGreaterThan(0);
  });
});

describe("EFA (efa: true, with AWS's vLLM deep-learning container)", () => {
  const DLC = "public.ecr.aws/deep-learning-containers/vllm:0.33.0-gpu-py312";
  let efa: RecordedResource[] = [];
  beforeAll(async () => {
    const run = await runProgram(operator({ ...stackFileConfig("llama405b"), "llm-stack:efa": "true", "llm-stack:vllmImage": DLC }), {
      stack: "llama405b",
      secretKeys: OPERATOR_SECRET_KEYS,
    });
    if (run.error) throw run.error;
    efa = run.resources;
  }, 120_000);
  const find = (type: string, name: string) => efa.find((r) => r.type === type && r.name === name)!;

  it("gives the launch template one EFA interface per network card: card 0 efa at device 0, the other 31 efa-only at device 1 (EC2 efa-acc-inst-types)", () => {
    const interfaces = find("aws:ec2/launchTemplate:LaunchTemplate", "llm-gpu-lt").inputs.networkInterfaces;
    expect(interfaces).toHaveLength(32);
    expect(interfaces[0]).toEqual({
      networkCardIndex: 0,
      deviceIndex: 0,
      interfaceType: "efa",
      securityGroups: ["llm-gpu-efa-id", "sg-cluster-llm-cluster-cluster"],
      deleteOnTermination: "true",
    });
    expect(interfaces[31]).toEqual({
      networkCardIndex: 31,
      deviceIndex: 1,
      interfaceType: "efa-only",
      securityGroups: ["llm-gpu-efa-id", "sg-cluster-llm-cluster-cluster"],
      deleteOnTermination: "true",
    });
  });

  it("lets the EFA security group reach itself on all traffic, in and out", () => {
    for (const name of ["llm-gpu-efa-in", "llm-gpu-efa-out"]) {
      const rule = efa.find((r) => r.name === name)!.inputs;
      expect([rule.securityGroupId, rule.referencedSecurityGroupId, rule.ipProtocol]).toEqual(["llm-gpu-efa-id", "llm-gpu-efa-id", "-1"]);
    }
  });

  it("runs the EFA device plugin on the GPU pool (its affinity lists p5.48xlarge; the GPU taint tolerated) and has every pod take all 32 EFA interfaces", () => {
    const plugin = find("kubernetes:apps/v1:DaemonSet", "llm-nvidia-device-plugin-efa-daemonset").inputs;
    const group = find("aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs;
    const node = { labels: { ...group.labels, "node.kubernetes.io/instance-type": "p5.48xlarge" }, taints: group.taints.map(eksTaint) };
    expect(schedulingProblems(plugin.spec.template.spec, node)).toEqual([]);
    expect(plugin.metadata.namespace).toBe("kube-system");
    const spec = efa.find((r) => r.type === LWS_TYPE)!.inputs.spec.leaderWorkerTemplate;
    for (const template of [spec.leaderTemplate, spec.workerTemplate])
      expect(template.spec.containers[0].resources.limits["vpc.amazonaws.com/efa"]).toBe("32");
  });

  it("passes every policy", async () => {
    expect(await runPolicies(efa)).toEqual([]);
  });

  it("pulls AWS's container from ECR Public through the stack's cache, and the EFA plugin from AWS's own registry", () => {
    expect(imagePullProblems(efa, { accountId: "123456789012", region: "us-east-1", stackPrefix: "llm-llama405b" })).toEqual([]);
    expect(efa.find((r) => r.type === LWS_TYPE)!.inputs.spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0].image).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-llama405b/ecr-public/deep-learning-containers/vllm:0.33.0-gpu-py312",
    );
  });

  it.each([
    ["the upstream image, which has no EFA userspace", { "llm-stack:efa": "true" }, ["llm-stack:vllmImage"]],
    [
      "a single-node plan",
      { "llm-stack:efa": "true", "llm-stack:vllmImage": DLC, "llm-stack:model": "llama-3.1-8b-instruct", "llm-stack:quantization": "auto" },
      ["llm-stack:efa"],
    ],
  ])("refuses efa with %s, registering nothing", async (_, override, paths) => {
    const run = await runProgram(operator({ ...stackFileConfig("llama405b"), ...override }), {
      stack: "llama405b",
      secretKeys: OPERATOR_SECRET_KEYS,
    });
    expect(run.resources).toEqual([]);
    expect((run.error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(paths);
  });
});

/**
 * The 405B stack autoscaled (maxReplicas 2): KEDA scales the LeaderWorkerSet through its scale
 * subresource (charts/lws CRD: specReplicasPath .spec.replicas), and Cluster Autoscaler grows the
 * GPU group a whole replica's nodes at a time, inside the group's one placement group and launch
 * template. By hand: one replica = 2 × p5.48xlarge, so 1 to 2 replicas are 2 to 4 nodes; at most
 * 4 × $55.04 + 3 × $0.2016 + $0.145 = $220.9098/h.
 */
describe("the 405B stack autoscaled to 2 replicas", () => {
  let scaled: RecordedResource[] = [];
  beforeAll(async () => {
    const run = await runProgram(
      operator({ ...stackFileConfig("llama405b"), "llm-stack:maxReplicas": "2", "llm-stack:maxHourlyUsd": "221" }),
      { stack: "llama405b", secretKeys: OPERATOR_SECRET_KEYS },
    );
    if (run.error) throw run.error;
    scaled = run.resources;
  }, 120_000);
  const find = (type: string, name: string) => scaled.find((r) => r.type === type && r.name === name)!;

  it("scales the LeaderWorkerSet, which leaves its replicas to KEDA, and sizes the group in whole replicas", () => {
    const scaledObject = find("kubernetes:keda.sh/v1alpha1:ScaledObject", "vllm-scaledobject").inputs;
    expect(crdValidator("keda", "crds/keda.sh_scaledobjects.yaml", "v1alpha1", { rejectUnknownFields: true })(scaledObject)).toEqual([]);
    expect(scaledObject.spec.scaleTargetRef).toEqual({
      apiVersion: "leaderworkerset.x-k8s.io/v1",
      kind: "LeaderWorkerSet",
      name: "vllm-group",
    });
    expect([scaledObject.spec.minReplicaCount, scaledObject.spec.maxReplicaCount]).toEqual([1, 2]);
    expect("replicas" in find(LWS_TYPE, "vllm-lws").inputs.spec).toBe(false);
    const group = find("aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng");
    expect(group.inputs.scalingConfig).toEqual({ desiredSize: 2, minSize: 2, maxSize: 4 });
    expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
  });

  it("passes every policy at a budget that pays for the maximum, and fails the pack's default $120/h", async () => {
    expect(await runPolicies(scaled, { "llm-stack-cost-budget": { maxHourlyUsd: 221, maxMonthlyUsd: 221 * 730 } })).toEqual([]);
    expect(mandatory(await runPolicies(scaled)).map((v) => v.policy)).toEqual(["llm-stack-cost-budget", "llm-stack-cost-budget"]);
  });
});
