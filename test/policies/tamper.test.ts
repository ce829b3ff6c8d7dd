/**
 * The policy pack tried as an attacker would: the real program's recorded resources for each
 * committed stack (one run per stack), cloned and broken one field at a time, then run through the
 * pack's in-process runner (cli/offline/policy-run.ts loads policies/all-policies.ts, the
 * list policies/index.ts serves). Each case states every violation it expects, with its level and
 * exact message — a walk-around that slips past one policy fails the case — and the cases that
 * must pass state an empty list.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Policy, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policies/all-policies";
import { costBudget } from "../../policies/cost-budget";
import { policyResourcesOf, runPolicies, type PackConfig } from "../../cli/offline/policy-run";
import { type RecordedResource } from "../program-runner";
import { vllmScaledObject } from "../../infra/manifests/autoscaling/scaled-object";
import { vllmPrometheusRule } from "../../infra/manifests/observability/vllm-monitoring";
import { planDeployment } from "../../infra/plan";
import { gpuNodePool } from "../support/node-pool";
import { committedResources } from "../support/committed-runs";

type Stack = "dev" | "mixtral" | "scout";
type Level = "mandatory" | "advisory";
type Expected = Array<[Level, string, string]>;

interface Case {
  name: string;
  stack: Stack;
  tamper: (resources: RecordedResource[]) => void;
  expected: Expected;
  config?: PackConfig;
}

const baselines = {} as Record<Stack, RecordedResource[]>;
beforeAll(async () => {
  for (const stack of ["dev", "mixtral", "scout"] as const) {
    baselines[stack] = committedResources(stack);
  }
});

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const find = (resources: RecordedResource[], type: string, name: string): RecordedResource => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const deployment = (r: RecordedResource[]) => find(r, DEPLOYMENT, "vllm-deployment").inputs;
const podSpec = (r: RecordedResource[]) => deployment(r).spec.template.spec;
const vllm = (r: RecordedResource[]) => podSpec(r).containers[0];
/** Replaces `--flag=…` by the given words (appended, as someone editing the manifest would). */
const replaceArg = (r: RecordedResource[], flag: string, ...words: string[]) => {
  vllm(r).args = [...vllm(r).args.filter((a: string) => !a.startsWith(`--${flag}=`)), ...words];
};
const setGpus = (r: RecordedResource[], gpus: number) => {
  vllm(r).resources.limits["nvidia.com/gpu"] = String(gpus);
  vllm(r).resources.requests["nvidia.com/gpu"] = String(gpus);
};
const add = (r: RecordedResource[], type: string, name: string, inputs: Record<string, any>) =>
  r.push({ type, name, custom: true, inputs, secretInputs: [], provider: undefined });
const cluster = (r: RecordedResource[]) => find(r, "aws:eks/cluster:Cluster", "llm-cluster-cluster").inputs;
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
/**
 * The kit's ScaledObject and alert rules for the dev plan, with `edit` applied to the query or rules:
 * at most one replica, what the dev stack's fixed GPU group (1 × p5.4xlarge) can hold.
 */
const devScaledObject = (edit: (query: string) => string = (q) => q) => {
  const object = vllmScaledObject({
    name: "vllm",
    namespace: "llm",
    plan: planDeployment({ model: "llama-3.1-8b-instruct" }),
    range: { minReplicas: 1, maxReplicas: 1 },
    requestsPerReplica: 1024,
    wakeQuery: null,
    prometheusAddress: "http://prometheus-operated.monitoring.svc:9090",
  }) as any;
  object.spec.triggers[0].metadata.query = edit(object.spec.triggers[0].metadata.query);
  return object;
};
const devRules = () =>
  vllmPrometheusRule({
    name: "vllm",
    namespace: "llm",
    plan: planDeployment({ model: "llama-3.1-8b-instruct" }),
    podSelector: {},
    selectedBy: {},
    hourlyUsd: 7.4282,
    gpuNodes: null,
  }) as any;

/** The vLLM Deployment re-expressed as another kind that carries the same pod template. */
const KINDS = {
  StatefulSet: [
    "kubernetes:apps/v1:StatefulSet",
    (d) => ({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: d.metadata,
      spec: { replicas: d.spec.replicas, serviceName: "vllm", selector: d.spec.selector, template: d.spec.template },
    }),
  ],
  DaemonSet: [
    "kubernetes:apps/v1:DaemonSet",
    (d) => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: d.metadata,
      spec: { selector: d.spec.selector, template: d.spec.template },
    }),
  ],
  ReplicaSet: [
    "kubernetes:apps/v1:ReplicaSet",
    (d) => ({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: d.metadata,
      spec: { replicas: d.spec.replicas, selector: d.spec.selector, template: d.spec.template },
    }),
  ],
  Job: [
    "kubernetes:batch/v1:Job",
    (d) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: d.metadata,
      spec: { template: { ...d.spec.template, spec: { ...d.spec.template.spec, restartPolicy: "Never" } } },
    }),
  ],
  CronJob: [
    "kubernetes:batch/v1:CronJob",
    (d) => ({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: d.metadata,
      spec: {
        schedule: "0 8 * * 1-5",
        jobTemplate: { spec: { template: { ...d.spec.template, spec: { ...d.spec.template.spec, restartPolicy: "Never" } } } },
      },
    }),
  ],
  Pod: [
    "kubernetes:core/v1:Pod",
    (d) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { ...d.metadata, labels: d.spec.template.metadata.labels },
      spec: d.spec.template.spec,
    }),
  ],
  LeaderWorkerSet: [
    "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet",
    (d) => ({
      apiVersion: "leaderworkerset.x-k8s.io/v1",
      kind: "LeaderWorkerSet",
      metadata: d.metadata,
      spec: { replicas: d.spec.replicas, leaderWorkerTemplate: { size: 1, workerTemplate: d.spec.template } },
    }),
  ],
} satisfies Record<string, [string, (d: Record<string, any>) => Record<string, any>]>;
type Kind = keyof typeof KINDS;

/** Swaps the Deployment for the same server as `kind`; returns the new object's inputs. */
function asKind(r: RecordedResource[], kind: Kind): Record<string, any> {
  const resource = find(r, DEPLOYMENT, "vllm-deployment");
  const [type, build] = KINDS[kind];
  Object.assign(resource, { type, name: "vllm-workload", inputs: build(resource.inputs) });
  return resource.inputs;
}
/** The pod spec of a workload of any kind. */
const specOf = (inputs: Record<string, any>): Record<string, any> =>
  inputs.kind === "Pod"
    ? inputs.spec
    : inputs.kind === "CronJob"
      ? inputs.spec.jobTemplate.spec.template.spec
      : inputs.kind === "LeaderWorkerSet"
        ? inputs.spec.leaderWorkerTemplate.workerTemplate.spec
        : inputs.spec.template.spec;

// Messages the cases share. Hand checks: Scout's 109 B bf16 parameters are 202.4 GiB; its fp8 KV for
// 131,072 tokens at TP 1 is 12 global layers × 131,072 + 36 chunked layers × (8,192 + 8,192) tokens
// × 2 × 8 heads × 128 × 1 byte = 4.1 GiB. Mixtral's 46.7 B bf16 parameters are 87.0 GiB; 32,768
// tokens × 32 layers × 2 × 8 heads × 128 × 2 bytes = 4.0 GiB.
const SCOUT_TP1_FIT =
  "serves meta-llama/Llama-4-Scout-17B-16E-Instruct (llama-4-scout-17b-16e-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 202.4 GiB of weights + 8.5 GiB of activations and overhead per GPU leave -139.6 GiB of the 71.3 GiB budget for the KV cache, but one 131072-token sequence needs 4.1 GiB. Fix: --tensor-parallel-size 4 with nvidia.com/gpu 4 (the smallest TP that fits on one p5.48xlarge).";
const scoutTp1 = (label: string): Expected => [
  ["mandatory", "llm-stack-gpu-memory-fit", `${label} ${SCOUT_TP1_FIT}`],
  [
    "mandatory",
    "llm-stack-gpu-consistency",
    `${label}: nvidia.com/gpu is 8 but --tensor-parallel-size 1 × --pipeline-parallel-size 1 over 1 node(s) needs 1 GPU(s) per pod. Fix: set the GPU limit to 1.`,
  ],
];
const utilization = (label: string, value: string): Expected => [
  [
    "mandatory",
    "llm-stack-gpu-memory-fit",
    `${label}: --gpu-memory-utilization ${value} is above the allowed 0.95, leaving too little room for the CUDA context, NCCL buffers and fragmentation. Fix: set it to 0.95 or less (the planner uses 0.90) and add GPUs if the KV cache no longer fits.`,
  ],
];
const unpinned = (label: string, image: string, tag: string): Expected => [
  [
    "mandatory",
    "llm-stack-safety-image-pinned",
    `${label}: container vllm runs ${image}, which is not pinned (${tag}): every node may pull a different vLLM. Fix: pin a release tag such as vllm/vllm-openai:v0.33.0 or a digest.`,
  ],
];
const DIGEST = "sha256:4b1e0b1f7e3c2a9d8f6e5d4c3b2a19080706050403020100f0e0d0c0b0a09080";
const publicService = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "vllm-public", namespace: "llm", annotations },
  spec: {
    selector: { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" },
    ports: [{ port: 80, targetPort: 8000 }],
    ...spec,
  },
});
const ingress = (annotations: Record<string, string>, ingressClassName = "alb") => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "vllm", namespace: "llm", annotations },
  spec: {
    ingressClassName,
    rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "vllm", port: { number: 8000 } } } }] } }],
  },
});
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const SECRET_ARGS = (label: string, where: string, what: string, kind = "Deployment"): Expected => [
  [
    "mandatory",
    "llm-stack-safety-no-secret-args",
    `${label}: container vllm passes secret material in ${where} (${what}); args are visible to anyone who can read the ${kind}. Fix: pass it from a Secret (VLLM_API_KEY via secretKeyRef, HF_TOKEN_PATH to a mounted file).`,
  ],
];

const D = "Deployment llm/vllm";
/** What a sidecar in the server's pod needs under "restricted" (the pod already sets non-root and RuntimeDefault). */
const SIDECAR_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const GPU_POD_FIX =
  "Fix: run as a non-root user with allowPrivilegeEscalation false, capabilities drop ALL, the RuntimeDefault seccomp profile and no host access — or vouch for it by namespace/name in this policy's vouchedWorkloads.";
/** A debug pod a team might start next to the server: it tolerates the GPU nodes' taint, nothing else set. */
const debugPod = (tolerations: Record<string, string>[]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "gpu-debug", namespace: "llm" },
  spec: { tolerations, containers: [{ name: "shell", image: "busybox:1.37.0" }] },
});
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
/** The dev stack's pods that can land on its GPU nodes: the weights copy Job tolerates their taint, the server takes GPUs. */
const DEV_GPU_PODS = `Job llm/vllm-copy-6bb3ec1e2c, ${D}`;
/** The stack's Namespace object named `name`. */
const namespaceObject = (r: RecordedResource[], name: string): Record<string, any> =>
  r.find((x) => x.type === "kubernetes:core/v1:Namespace" && x.inputs.metadata?.name === name)!.inputs;
/** A NetworkPolicy a team adds in the server's namespace. */
const openPolicy = (podSelector: Record<string, unknown>, ingress: unknown[]) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "allow-all", namespace: "llm" },
  spec: { podSelector, policyTypes: ["Ingress"], ingress },
});
const NETWORK_POLICY_FIX =
  "NetworkPolicies add up, so this undoes the kit's. Fix: name the sources (a podSelector, a namespaceSelector with labels, or the clients' CIDRs), or delete it.";
/** Gateway API objects as a team would add them around the dev stack's Service llm/vllm. */
const GATEWAY_API = "kubernetes:gateway.networking.k8s.io/v1";
const route = (backendRef: Record<string, string>, gateway = "edge") => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "HTTPRoute",
  metadata: { name: "vllm", namespace: "llm" },
  spec: { parentRefs: [{ name: gateway }], rules: [{ backendRefs: [{ ...backendRef, port: 8000 }] }] },
});
const gatewayClass = (controllerName: string, parametersRef?: Record<string, string>) => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "GatewayClass",
  metadata: { name: "edge-class" },
  spec: { controllerName, ...(parametersRef ? { parametersRef } : {}) },
});
const gateway = (configName?: string) => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: { name: "edge", namespace: "llm" },
  spec: {
    gatewayClassName: "edge-class",
    listeners: [{ name: "http", protocol: "HTTP", port: 80 }],
    ...(configName
      ? { infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: configName } } }
      : {}),
  },
});
const lbConfiguration = (name: string, spec: Record<string, string>) => ({
  apiVersion: "gateway.k8s.aws/v1beta1",
  kind: "LoadBalancerConfiguration",
  metadata: { name, namespace: "llm" },
  spec,
});
const addGatewayApi = (r: RecordedResource[], objects: Record<string, any>[]) => {
  for (const o of objects) {
    const type =
      o.kind === "LoadBalancerConfiguration" ? "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration" : `${GATEWAY_API}:${o.kind}`;
    add(r, type, `${o.kind}-${o.metadata.name}`, o);
  }
};
const GATEWAY_FIX =
  "Fix: attach it to a Gateway of the AWS Load Balancer Controller whose LoadBalancerConfiguration has scheme internal, or vouch for the Gateway by namespace/name in this policy's vouchedGateways.";
const gatewayViolation = (reason: string): Expected => [
  [
    "mandatory",
    "llm-stack-safety-no-public-ingress",
    `HTTPRoute llm/vllm routes to ${D} through a Gateway not proven internal: ${reason}. ${GATEWAY_FIX}`,
  ],
];
const DEBUG_POD_PROBLEMS =
  "container shell may escalate privileges (allowPrivilegeEscalation not false); container shell may run as root (runAsNonRoot undefined, runAsUser undefined); container shell keeps capabilities (drop is not ALL); container shell has no RuntimeDefault seccomp profile";
/** The advisory every stack with a NAT gateway gets for a server whose model is a Hugging Face repository. */
const natDownload = (repo: string, cost = ""): [Level, string, string] => [
  "advisory",
  "llm-stack-cost-weights-nat",
  `${D} downloads ${repo} from Hugging Face through the stack's NAT gateway at every pod start${cost}. Fix: stream it from the stack's S3 model cache (weightsSource s3).`,
];
// Llama 4 Scout bf16: 108,639,861,120 params × 2 = 217.28 GB × $0.045 = $9.78.
const SCOUT_NAT = " (217.3 GB: $9.78 of NAT data processing at $0.045/GB)";

const walkArounds: Case[] = [
  // Memory-relevant settings the fit model does not read fail closed (policies/lib/vllm-memory.ts).
  {
    name: "rejects a KV cache sized in bytes, which the fit model does not read",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--kv-cache-memory-bytes=60000000000"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} sets --kv-cache-memory-bytes "60000000000", which change its GPU memory in ways the fit model does not read: its fit cannot be proven. Fix: remove it (the kit sizes the KV cache from --gpu-memory-utilization and splits layers evenly), or vouch for it in this policy's vouchedSettings.`,
      ],
    ],
  },
  {
    // argparse's allow_abbrev: vLLM reads --kv-cache-mem as --kv-cache-memory-bytes.
    name: "rejects the same option abbreviated as vLLM's parser accepts it",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--kv-cache-mem=60000000000"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} sets --kv-cache-mem (--kv-cache-memory-bytes) "60000000000", which change its GPU memory in ways the fit model does not read: its fit cannot be proven. Fix: remove it (the kit sizes the KV cache from --gpu-memory-utilization and splits layers evenly), or vouch for it in this policy's vouchedSettings.`,
      ],
    ],
  },
  {
    name: "rejects --dtype float16 (another weight width) but not --dtype auto",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--dtype=float16"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} sets --dtype "float16", which change its GPU memory in ways the fit model does not read: its fit cannot be proven. Fix: remove it (the kit sizes the KV cache from --gpu-memory-utilization and splits layers evenly), or vouch for it in this policy's vouchedSettings.`,
      ],
    ],
  },
  {
    name: "passes --dtype auto: the checkpoint's own bytes, as the fit model assumes",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--dtype=auto"),
    expected: [],
  },
  {
    name: "rejects the pipeline layer-partition variable, which moves layers between stages unevenly",
    stack: "dev",
    tamper: (r) => vllm(r).env.push({ name: "VLLM_PP_LAYER_PARTITION", value: "30,2" }),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} sets VLLM_PP_LAYER_PARTITION="30,2", which change its GPU memory in ways the fit model does not read: its fit cannot be proven. Fix: remove it (the kit sizes the KV cache from --gpu-memory-utilization and splits layers evenly), or vouch for it in this policy's vouchedSettings.`,
      ],
    ],
  },
  {
    name: "passes a setting the team vouches for, deliberately",
    stack: "dev",
    tamper: (r) => vllm(r).args.push('--hf-overrides={"rope_scaling":null}'),
    config: { "llm-stack-gpu-memory-fit": { vouchedSettings: ["hf-overrides"] } },
    expected: [],
  },
  {
    // Scout's GPU group grows to 2 × p5.48xlarge (one replica each); KEDA asking for 5 would leave 3 waiting for GPUs forever.
    name: "rejects a KEDA maxReplicaCount above what the GPU node group can ever hold",
    stack: "scout",
    tamper: (r) => (find(r, SCALED_OBJECT, "vllm-scaledobject").inputs.spec.maxReplicaCount = 5),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        "Deployment llm/vllm: ScaledObject llm/vllm may scale it to 5 replica(s), which need 5 × p5.48xlarge, but the matching node groups can grow to 2 node(s): the extra replicas would wait for GPUs forever. Fix: raise the GPU node group's maximum to 5 or lower maxReplicaCount to what it holds.",
      ],
    ],
  },
  {
    name: "rejects an HPA whose maxReplicas the GPU node group cannot hold",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "vllm-hpa", {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "vllm", namespace: "llm" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm" }, minReplicas: 1, maxReplicas: 3 },
      }),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        "Deployment llm/vllm: HorizontalPodAutoscaler llm/vllm may scale it to 3 replica(s), which need 3 × p5.4xlarge, but the matching node groups can grow to 1 node(s): the extra replicas would wait for GPUs forever. Fix: raise the GPU node group's maximum to 3 or lower maxReplicas to what it holds.",
      ],
    ],
  },
  // What modifies or hides a workload is read or refused, never trusted (policies/safety-unverifiable-workloads.ts).
  {
    name: "rejects a server-side-apply DeploymentPatch that would rewrite the server after the pack read it",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:apps/v1:DeploymentPatch", "vllm-tp", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "vllm", namespace: "llm" },
        spec: { template: { spec: { containers: [{ name: "vllm", args: ["--tensor-parallel-size=1"] }] } } },
      }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-unverifiable-workloads",
        "kubernetes:apps/v1:DeploymentPatch vllm-tp cannot be verified: a server-side-apply patch changes a workload after the pack has read it, so no GPU, memory or security rule can check what it runs. Fix: express it as a Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod or LeaderWorkerSet, or vouch for kubernetes:apps/v1:DeploymentPatch in this policy's vouchedTypes.",
      ],
    ],
  },
  {
    name: "rejects a KEDA ScaledJob running a GPU container (KEDA ships with the kit)",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:keda.sh/v1alpha1:ScaledJob", "burst", {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledJob",
        metadata: { name: "burst", namespace: "llm" },
        spec: {
          jobTargetRef: {
            template: {
              spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.33.0", resources: { limits: { "nvidia.com/gpu": "8" } } }] },
            },
          },
          triggers: [],
        },
      }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-unverifiable-workloads",
        "kubernetes:keda.sh/v1alpha1:ScaledJob burst cannot be verified: it runs containers in a kind the pack does not read, so no GPU, memory or security rule can check what it runs. Fix: express it as a Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod or LeaderWorkerSet, or vouch for kubernetes:keda.sh/v1alpha1:ScaledJob in this policy's vouchedTypes.",
      ],
    ],
  },
  {
    name: "rejects a Helm release: the objects it renders are never seen",
    stack: "dev",
    tamper: (r) => add(r, "kubernetes:helm.sh/v3:Release", "vllm-chart", { chart: "vllm", values: { gpus: 8 } }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-unverifiable-workloads",
        "kubernetes:helm.sh/v3:Release vllm-chart cannot be verified: a Helm release renders objects the pack never sees, so no GPU, memory or security rule can check what it runs. Fix: express it as a Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod or LeaderWorkerSet, or vouch for kubernetes:helm.sh/v3:Release in this policy's vouchedTypes.",
      ],
    ],
  },
  {
    name: "passes an Argo Rollout the team vouches for, deliberately",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:argoproj.io/v1alpha1:Rollout", "web", {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "web", namespace: "apps" },
        spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27.3" }] } } },
      }),
    config: { "llm-stack-safety-unverifiable-workloads": { vouchedTypes: ["kubernetes:argoproj.io/v1alpha1:Rollout"] } },
    expected: [],
  },
  {
    name: "passes a foreign CronJob without GPUs: a kind the pack reads",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:batch/v1:CronJob", "report", {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "report", namespace: "apps" },
        spec: {
          schedule: "0 * * * *",
          jobTemplate: {
            spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "report", image: "busybox:1.37.0" }] } } },
          },
        },
      }),
    expected: [],
  },
  // Fail closed: every way of buying compute is priced or refused, never $0 (infra/pricing/resource-prices.ts).
  {
    name: "rejects a Capacity Block reservation: it buys GPUs the price table does not cover",
    stack: "dev",
    tamper: (r) => add(r, "aws:ec2/capacityReservation:CapacityReservation", "cb", { instanceType: "p5.48xlarge", instanceCount: 2 }),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: " +
          "cb: aws:ec2/capacityReservation:CapacityReservation buys compute the price table does not cover. Fix: express it as a node group, instance, Auto Scaling group or GPU-limited NodePool the table prices.",
      ],
    ],
  },
  {
    name: "rejects EKS Auto Mode: its built-in node pools launch instances without a bound",
    stack: "dev",
    tamper: (r) => Object.assign(cluster(r), { computeConfig: { enabled: true, nodePools: ["general-purpose", "system"] } }),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: " +
          "llm-cluster-cluster: EKS Auto Mode (computeConfig) launches instances for its built-in node pools (general-purpose, system) without a bound the table can price. Fix: turn computeConfig off on llm-cluster-cluster and buy nodes through node groups, or bound them with GPU-limited NodePools.",
      ],
    ],
  },
  {
    name: "rejects a Karpenter NodePool whose instance-type requirement uses NotIn: every other type stays open",
    stack: "dev",
    tamper: (r) => {
      const pool = gpuNodePool({ "nvidia.com/gpu": "8" });
      pool.spec.template.spec.requirements[0] = { key: "node.kubernetes.io/instance-type", operator: "NotIn", values: ["t3.micro"] };
      add(r, NODE_POOL, "gpu", pool);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: " +
          "gpu: its node.kubernetes.io/instance-type requirement uses NotIn, which leaves every instance type open. Fix: name the allowed types on NodePool gpu with operator In.",
      ],
    ],
  },
  {
    name: "rejects an older karpenter.sh/v1beta1 NodePool without a GPU limit, as the v1 one",
    stack: "dev",
    tamper: (r) => add(r, "kubernetes:karpenter.sh/v1beta1:NodePool", "gpu", { ...gpuNodePool(), apiVersion: "karpenter.sh/v1beta1" }),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: " +
          'gpu: a NodePool without a nvidia.com/gpu limit can launch GPUs without bound. Fix: set spec.limits["nvidia.com/gpu"] on NodePool gpu to the GPUs the budget allows.',
      ],
    ],
  },
  {
    name: "rejects a resource type the price table has never heard of: cannot be priced",
    stack: "dev",
    tamper: (r) => add(r, "aws:gamelift/fleet:Fleet", "games", { ec2InstanceType: "p5.48xlarge" }),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: " +
          "games: cannot be priced: aws:gamelift/fleet:Fleet is a type the price table does not know. Fix: price it in infra/pricing/resource-prices.ts, or vouch that aws:gamelift/fleet:Fleet buys no compute in the budget policy's vouchedTypes.",
      ],
    ],
  },
  {
    name: "passes a type the team vouches for in the pack config, deliberately",
    stack: "dev",
    tamper: (r) => add(r, "aws:cloudfront/distribution:Distribution", "cdn", {}),
    config: { "llm-stack-cost-budget": { vouchedTypes: ["aws:cloudfront/distribution:Distribution"] } },
    expected: [],
  },
  {
    // A warm pool kept Running bills its instances: 2 GPU nodes at most + 2 prepared = 4 × p5.4xlarge $6.88 = $27.52/h.
    name: "prices an Auto Scaling group's running warm pool beside the group",
    stack: "dev",
    tamper: (r) =>
      add(r, "aws:autoscaling/group:Group", "warm", {
        minSize: 0,
        maxSize: 2,
        desiredCapacity: 0,
        mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: "p5.4xlarge" }] } },
        warmPool: { poolState: "Running", maxGroupPreparedCapacity: 2 },
      }),
    config: { "llm-stack-cost-budget": { maxHourlyUsd: 30 } },
    // $27.52 + the dev stack's $7.6298/h at maximum = $35.1498/h, over $30.
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $35.15/h at maximum node-group size ($7.43/h at desired size): 0 × GPU nodes p5.4xlarge $0.000/h (4 at most: $27.520/h) + 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $30.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
    ],
  },
  {
    name: "rejects --tensor_parallel_size=1 (underscores) for Scout bf16",
    stack: "scout",
    tamper: (r) => replaceArg(r, "tensor-parallel-size", "--tensor_parallel_size=1"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects -tp 1 (short alias) for Scout bf16",
    stack: "scout",
    tamper: (r) => replaceArg(r, "tensor-parallel-size", "-tp", "1"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects --tensor-parallel 1 (an abbreviation argparse accepts)",
    stack: "scout",
    tamper: (r) => replaceArg(r, "tensor-parallel-size", "--tensor-parallel", "1"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects a TP 8 flag overridden by a later -tp=1 (last wins)",
    stack: "scout",
    tamper: (r) => vllm(r).args.push("-tp=1"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects the TP flag dropped altogether (vLLM's default TP is 1)",
    stack: "scout",
    tamper: (r) => replaceArg(r, "tensor-parallel-size"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects --gpu_memory_utilization=0.99 (underscores)",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization", "--gpu_memory_utilization=0.99"),
    expected: utilization(D, "0.99"),
  },
  {
    name: "rejects --gpu-mem 0.99 (an abbreviation)",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization", "--gpu-mem", "0.99"),
    expected: utilization(D, "0.99"),
  },
  {
    name: "rejects 0.9_9, which Python's float() reads as 0.99",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization", "--gpu-memory-utilization=0.9_9"),
    expected: utilization(D, "0.99"),
  },
  {
    name: "rejects 0.99 passed through a Kubernetes $(VAR) from a plain env value",
    stack: "dev",
    tamper: (r) => {
      replaceArg(r, "gpu-memory-utilization", "--gpu-memory-utilization=$(UTILIZATION)");
      vllm(r).env.push({ name: "UTILIZATION", value: "0.99" });
    },
    expected: utilization(D, "0.99"),
  },
  {
    name: "rejects the utilization flag dropped (vLLM v0.33.0 defaults to 0.92) under a 0.91 maximum",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization"),
    config: { "llm-stack-gpu-memory-fit": { maxGpuMemoryUtilization: 0.91 } },
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D}: --gpu-memory-utilization 0.92 is above the allowed 0.91, leaving too little room for the CUDA context, NCCL buffers and fragmentation. Fix: set it to 0.91 or less (the planner uses 0.90) and add GPUs if the KV cache no longer fits.`,
      ],
    ],
  },
  {
    name: "rejects a utilization vLLM reads but JavaScript would not (from a Secret: unknown here)",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization", "--gpu-memory-utilization=$(UTILIZATION)"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D}: vLLM would refuse --gpu-memory-utilization "$(UTILIZATION)" (not a number its parser reads), so its GPU memory fit cannot be checked. Fix: write plain numbers, e.g. --tensor-parallel-size=2.`,
      ],
    ],
  },
  {
    name: "rejects --max-model-len 1M (human-readable, 1,048,576 tokens)",
    stack: "dev",
    tamper: (r) => replaceArg(r, "max-model-len", "--max-model-len", "1M"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} serves meta-llama/Llama-3.1-8B-Instruct (llama-3.1-8b-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 15.0 GiB of weights + 6.0 GiB of activations and overhead per GPU leave 50.3 GiB of the 71.3 GiB budget for the KV cache, but one 1048576-token sequence needs 128.0 GiB. Fix: --max-model-len 412080 or less, or more GPUs.`,
      ],
    ],
  },
  {
    name: "rejects flags from a --config file the pack cannot see",
    stack: "scout",
    tamper: (r) => vllm(r).args.push("--config", "/etc/vllm/serve.yaml"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} reads vLLM flags from /etc/vllm/serve.yaml (--config), which the policy pack cannot see: its GPU memory fit cannot be proven. Fix: pass the flags in the container's args.`,
      ],
    ],
  },
  {
    name: "rejects Scout at TP 1 as a StatefulSet",
    stack: "scout",
    tamper: (r) => {
      asKind(r, "StatefulSet");
      find(r, "kubernetes:apps/v1:StatefulSet", "vllm-workload").inputs.spec.template.spec.containers[0].args.push("-tp", "1");
    },
    expected: scoutTp1("StatefulSet llm/vllm"),
  },
  {
    name: "rejects Scout at TP 1 as a bare Pod",
    stack: "scout",
    tamper: (r) => specOf(asKind(r, "Pod")).containers[0].args.push("-tp", "1"),
    expected: scoutTp1("Pod llm/vllm"),
  },
  {
    name: "rejects Scout at TP 1 from a renamed image running vllm serve",
    stack: "scout",
    tamper: (r) => {
      Object.assign(vllm(r), {
        image: "registry.example.com/acme/inference:2.4.1",
        command: ["vllm", "serve", "meta-llama/Llama-4-Scout-17B-16E-Instruct"],
      });
      replaceArg(r, "model", "-tp", "1");
    },
    expected: [...scoutTp1(D), natDownload("meta-llama/Llama-4-Scout-17B-16E-Instruct", SCOUT_NAT)],
  },
  {
    name: "rejects Scout at TP 1 inside an sh -c command string",
    stack: "scout",
    tamper: (r) => {
      Object.assign(vllm(r), {
        image: "acme/inference:2.4.1",
        command: ["/bin/sh", "-c"],
        args: [
          `exec vllm serve meta-llama/Llama-4-Scout-17B-16E-Instruct ${vllm(r)
            .args.filter((a: string) => !a.startsWith("--model=") && !a.startsWith("--tensor"))
            .join(" ")} -tp 1`,
        ],
      });
    },
    expected: [...scoutTp1(D), natDownload("meta-llama/Llama-4-Scout-17B-16E-Instruct", SCOUT_NAT)],
  },
  {
    name: "rejects Scout at TP 1 with the repository id in another case (Hugging Face ignores case)",
    stack: "scout",
    tamper: (r) => replaceArg(r, "model", "--model=META-LLAMA/llama-4-scout-17b-16e-instruct", "-tp", "1"),
    expected: scoutTp1(D),
  },
  {
    name: "rejects a second vLLM at TP 1 in the server's pod",
    stack: "scout",
    tamper: (r) => {
      podSpec(r).containers.push({
        ...structuredClone(vllm(r)),
        name: "vllm-b",
        args: ["--model=meta-llama/Llama-4-Scout-17B-16E-Instruct", "-tp", "1"],
        resources: { limits: { "nvidia.com/gpu": "1" } },
      });
    },
    expected: [
      // No other flag: vLLM's defaults, gpu-memory-utilization 0.92 and Scout's full 10,485,760-token context
      // (bf16 KV: 12 global layers × 10,485,760 + 36 chunked layers × 16,384 tokens × 4,096 bytes = 482.3 GiB).
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} serves meta-llama/Llama-4-Scout-17B-16E-Instruct (llama-4-scout-17b-16e-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.92: 202.4 GiB of weights + 8.5 GiB of activations and overhead per GPU leave -138.1 GiB of the 72.8 GiB budget for the KV cache, but one 10485760-token sequence needs 482.3 GiB. Fix: more GPUs per replica or an fp8/int4 variant.`,
      ],
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        `${D}: one pod takes 9 GPUs, more than one p5.48xlarge has (8): it can never be scheduled. Fix: request at most 8 GPU(s) per pod.`,
      ],
      // Scout at zero sits behind the gateway: its pool now reaches two servers of two names in one pod.
      [
        "mandatory",
        "llm-stack-safety-model-routes",
        `InferencePool llm/vllm selects pods of several models (llama-4-scout-17b-16e-instruct, meta-llama/Llama-4-Scout-17B-16E-Instruct): ${D}. A request for one model would reach another. Fix: select one model's pods only (its instance label).`,
      ],
    ],
  },
  {
    name: "rejects Scout at TP 1 as a native sidecar (an init container with restartPolicy Always)",
    stack: "scout",
    tamper: (r) => {
      const server = podSpec(r).containers.shift();
      podSpec(r).initContainers = [{ ...server, restartPolicy: "Always", args: [...server.args, "-tp", "1"] }];
      podSpec(r).containers = [{ name: "pause", image: "registry.k8s.io/pause:3.10", securityContext: SIDECAR_SECURITY }];
    },
    expected: scoutTp1(D),
  },
  {
    name: "rejects Mixtral at TP 1 through the api_server module, the GPU request lowered to match",
    stack: "mixtral",
    tamper: (r) => {
      replaceArg(r, "tensor-parallel-size", "--tensor-parallel-size", "1");
      setGpus(r, 1);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} serves mistralai/Mixtral-8x7B-Instruct-v0.1 (mixtral-8x7b-instruct-v0.1, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 87.0 GiB of weights + 8.5 GiB of activations and overhead per GPU leave -24.3 GiB of the 71.3 GiB budget for the KV cache, but one 32768-token sequence needs 4.0 GiB. Fix: --tensor-parallel-size 2 with nvidia.com/gpu 2 (the smallest TP that fits on one p5.48xlarge).`,
      ],
    ],
  },
  {
    // Fail closed: a GPU server the pack cannot read is refused, not noted.
    name: "rejects a GPU server whose model cannot be read (a wrapper script)",
    stack: "dev",
    tamper: (r) => Object.assign(vllm(r), { image: "acme/inference:2.4.1", command: ["/opt/start.sh"], args: [] }),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-unknown-model",
        `${D}: container vllm takes GPUs, but which model it serves cannot be read from its command line ("/opt/start.sh"): its GPU memory fit cannot be checked. Fix: run \`vllm serve <model> …\` (directly or in \`sh -c\` with its arguments written out), or vouch for it by setting this policy's enforcementLevel to advisory in the pack config.`,
      ],
    ],
  },
  {
    name: "rejects a GPU server hidden behind eval of a variable the pod spec does not set",
    stack: "dev",
    tamper: (r) => Object.assign(vllm(r), { command: ["sh", "-c", 'eval "$SERVE_CMD"'], args: [] }),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-unknown-model",
        `${D}: container vllm takes GPUs, but which model it serves cannot be read from its command line ("sh -c eval \\"$SERVE_CMD\\""): its GPU memory fit cannot be checked. Fix: run \`vllm serve <model> …\` (directly or in \`sh -c\` with its arguments written out), or vouch for it by setting this policy's enforcementLevel to advisory in the pack config.`,
      ],
    ],
  },
  {
    // The usual wrapper whose arguments are written out: read as vLLM reads them, no violation.
    name: "passes the usual sh -c 'exec vllm serve …' wrapper whose arguments are readable",
    stack: "dev",
    tamper: (r) => {
      const container = vllm(r);
      const script = ["exec", ...container.command, ...container.args].join(" ");
      Object.assign(container, { command: ["sh", "-c", script], args: [] });
    },
    expected: [],
  },
  {
    name: "passes memory fit with a positional repository under vllm serve, flagging only its download through the NAT gateway",
    stack: "mixtral",
    tamper: (r) => {
      Object.assign(vllm(r), { command: ["vllm", "serve", "mistralai/Mixtral-8x7B-Instruct-v0.1"] });
      replaceArg(r, "model");
      // Mixtral 8x7B bf16: 46,702,792,704 params × 2 = 93.41 GB × $0.045 = $4.20.
    },
    expected: [natDownload("mistralai/Mixtral-8x7B-Instruct-v0.1", " (93.4 GB: $4.20 of NAT data processing at $0.045/GB)")],
  },
  {
    name: "rejects an EKS endpoint open to 0.0.0.0/1 + 128.0.0.0/1",
    stack: "dev",
    tamper: (r) => Object.assign(cluster(r).vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-eks-endpoint",
        "EKS cluster llm-cluster-cluster exposes its API endpoint too widely: publicAccessCidrs [0.0.0.0/1, 128.0.0.0/1] together admit every public address. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).",
      ],
    ],
  },
  {
    name: "rejects an EKS endpoint open to every public address but 10/8 and the other private ranges",
    stack: "dev",
    tamper: (r) =>
      Object.assign(cluster(r).vpcConfig, {
        publicAccessCidrs: ["0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"],
      }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-eks-endpoint",
        "EKS cluster llm-cluster-cluster exposes its API endpoint too widely: publicAccessCidrs [0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8, 12.0.0.0/6, 16.0.0.0/4, 32.0.0.0/3, 64.0.0.0/2, 128.0.0.0/1] together admit every public address. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).",
      ],
    ],
  },
  {
    name: "rejects a load balancer whose source ranges 0.0.0.0/1 + 128.0.0.0/1 cover the internet",
    stack: "dev",
    tamper: (r) =>
      add(r, SERVICE, "vllm-public", publicService({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"] })),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-lb",
        `Service llm/vllm-public is an internet-facing LoadBalancer in front of ${D}, and its source ranges [0.0.0.0/1, 128.0.0.0/1] together cover every public address. Fix: list only the clients' CIDRs, or make it internal (service.beta.kubernetes.io/aws-load-balancer-internal: "true").`,
      ],
    ],
  },
  {
    name: "rejects an API key inside a shell command string",
    stack: "dev",
    tamper: (r) =>
      Object.assign(vllm(r), {
        command: ["sh", "-c"],
        args: [`vllm serve meta-llama/Llama-3.1-8B-Instruct --api-key sk-live-0123456789abcdefghijkl`],
      }),
    // 8,030,261,248 params × 2 = 16.06 GB × $0.045 = $0.72.
    expected: [
      natDownload("meta-llama/Llama-3.1-8B-Instruct", " (16.1 GB: $0.72 of NAT data processing at $0.045/GB)"),
      ...SECRET_ARGS(D, "its shell command", "--api-key"),
    ],
  },
  {
    name: "rejects an API key as --api_key with a value that is no token pattern",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--api_key", "correct-horse-battery"),
    expected: SECRET_ARGS(D, "its args", "--api-key"),
  },
  {
    name: "rejects a literal key given first and overridden by a Secret reference (vLLM uses the last; the first is still in the args)",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--api-key=correct-horse-battery", "--api-key=$(VLLM_API_KEY)"),
    expected: SECRET_ARGS(D, "its args", "--api-key"),
  },
  {
    name: "rejects a Hugging Face token under an abbreviation argparse accepts (--hf-tok)",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--hf-tok", "correct-horse-battery"),
    expected: SECRET_ARGS(D, "its args", "--hf-token"),
  },
  {
    name: "rejects an image tagged LATEST (any case)",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:LATEST"),
    expected: unpinned(D, "vllm/vllm-openai:LATEST", "LATEST"),
  },
  {
    name: "rejects an image tagged nightly",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:nightly"),
    expected: unpinned(D, "vllm/vllm-openai:nightly", "nightly"),
  },
  {
    name: "rejects an image tagged main",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:main"),
    expected: unpinned(D, "vllm/vllm-openai:main", "main"),
  },
  {
    name: "rejects a version tag with a moving word (v0.33.0-latest)",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:v0.33.0-latest"),
    expected: unpinned(D, "vllm/vllm-openai:v0.33.0-latest", "v0.33.0-latest"),
  },
];

const mustPass: Case[] = [
  {
    name: "passes the kit's own ScaledObject and alert rules for the dev plan",
    stack: "dev",
    tamper: (r) => {
      add(r, SCALED_OBJECT, "vllm-scaler", devScaledObject());
      add(r, PROMETHEUS_RULE, "vllm-rules", devRules());
    },
    expected: [],
  },
  { name: "passes a digest-pinned image", stack: "dev", tamper: (r) => (vllm(r).image = `vllm/vllm-openai@${DIGEST}`), expected: [] },
  {
    name: "passes a tag pinned with a digest as well",
    stack: "scout",
    tamper: (r) => (vllm(r).image = `vllm/vllm-openai:latest@${DIGEST}`),
    expected: [],
  },
  {
    name: "passes a version tag with a build suffix",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:v0.33.0-cu130"),
    expected: [],
  },
  {
    name: "passes a duplicate flag whose last value fits",
    stack: "dev",
    tamper: (r) => replaceArg(r, "gpu-memory-utilization", "--gpu-memory-utilization=0.99", "--gpu_memory_utilization", "0.90"),
    expected: [],
  },
  {
    name: "passes a duplicate TP flag whose last value is the planned 8",
    stack: "scout",
    tamper: (r) => vllm(r).args.unshift("-tp", "1"),
    expected: [],
  },
  {
    name: "passes an API key referenced from a Secret through $(VAR)",
    stack: "dev",
    tamper: (r) => vllm(r).args.push("--api-key=$(VLLM_API_KEY)"),
    expected: [],
  },
  {
    name: "passes an internal load balancer open to 0.0.0.0/0 inside the VPC",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        SERVICE,
        "vllm-internal",
        publicService(
          { type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"] },
          { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
        ),
      ),
    expected: [],
  },
  {
    name: "passes an internet-facing load balancer limited to one office range",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        SERVICE,
        "vllm-public",
        publicService({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24", "198.51.100.7/32"] }),
      ),
    expected: [],
  },
  {
    name: "passes an ALB Ingress on the controller's default internal scheme",
    stack: "dev",
    tamper: (r) => add(r, INGRESS, "vllm", ingress({})),
    expected: [],
  },
  {
    // Each block at most a /16 (65,536 addresses), the largest an organisation's egress plausibly needs.
    name: "rejects an EKS endpoint open to two halves of one /8",
    stack: "dev",
    tamper: (r) => Object.assign(cluster(r).vpcConfig, { publicAccessCidrs: ["52.0.0.0/9", "52.128.0.0/9"] }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-eks-endpoint",
        "EKS cluster llm-cluster-cluster exposes its API endpoint too widely: publicAccessCidrs 52.0.0.0/9, 52.128.0.0/9 are wider than a /16 (IPv6 /48). Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).",
      ],
    ],
  },
  {
    // Seventeen /16s: 17 × 65,536 = 1,114,112 public addresses, over sixteen /16s (1,048,576).
    name: "rejects an EKS endpoint open to seventeen /16s",
    stack: "dev",
    tamper: (r) => Object.assign(cluster(r).vpcConfig, { publicAccessCidrs: Array.from({ length: 17 }, (_, i) => `52.${i}.0.0/16`) }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-eks-endpoint",
        `EKS cluster llm-cluster-cluster exposes its API endpoint too widely: publicAccessCidrs [${Array.from({ length: 17 }, (_, i) => `52.${i}.0.0/16`).join(", ")}] admit 1,114,112 public addresses together, over 1,048,576 (sixteen /16s). Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).`,
      ],
    ],
  },
  {
    name: "passes an EKS endpoint open to two offices' /16s",
    stack: "dev",
    tamper: (r) => Object.assign(cluster(r).vpcConfig, { publicAccessCidrs: ["52.0.0.0/16", "52.128.0.0/16"] }),
    expected: [],
  },
  {
    name: "passes a GPU-less sidecar pinned by version in the server's pod",
    stack: "dev",
    tamper: (r) =>
      podSpec(r).containers.push({ name: "metrics", image: "prom/statsd-exporter:v0.28.0", securityContext: SIDECAR_SECURITY }),
    expected: [],
  },
];

/** One broken field per rule, from the dev stack unless the rule needs more GPUs. */
const perRule: Case[] = [
  {
    name: "rejects a debug pod that tolerates the GPU taint without Pod Security restricted",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", debugPod([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }])),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `Pod llm/gpu-debug can run on a GPU node but breaks Pod Security "restricted": ${DEBUG_POD_PROBLEMS}. ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "rejects a pod that tolerates every taint and runs as root with SYS_ADMIN",
    stack: "dev",
    tamper: (r) => {
      const pod = debugPod([{ operator: "Exists" }]);
      Object.assign(pod.spec.containers[0]!, {
        securityContext: {
          ...SIDECAR_SECURITY,
          runAsNonRoot: true,
          runAsUser: 0,
          capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
      });
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", pod);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `Pod llm/gpu-debug can run on a GPU node but breaks Pod Security "restricted": container shell may run as root (runAsNonRoot true, runAsUser 0); container shell adds SYS_ADMIN. ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "rejects the server's namespace lowered to Pod Security baseline",
    stack: "dev",
    tamper: (r) => (namespaceObject(r, "llm").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-namespaces",
        `Namespace llm runs pods that can land on a GPU node (${DEV_GPU_PODS}) but its pod-security.kubernetes.io/enforce label is "baseline": any pod created there later may run as root or privileged beside the GPUs. Fix: label it pod-security.kubernetes.io/enforce: restricted.`,
      ],
    ],
  },
  {
    name: "rejects the server's namespace without a Pod Security enforce label",
    stack: "dev",
    tamper: (r) => delete namespaceObject(r, "llm").metadata.labels["pod-security.kubernetes.io/enforce"],
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-namespaces",
        `Namespace llm runs pods that can land on a GPU node (${DEV_GPU_PODS}) but its pod-security.kubernetes.io/enforce label is unset: any pod created there later may run as root or privileged beside the GPUs. Fix: label it pod-security.kubernetes.io/enforce: restricted.`,
      ],
    ],
  },
  {
    name: "rejects a NetworkPolicy that admits every source to every pod of the server's namespace",
    stack: "dev",
    tamper: (r) => add(r, NETWORK_POLICY, "allow-all", openPolicy({}, [{}])),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-namespaces",
        `NetworkPolicy llm/allow-all opens pods that can land on a GPU node (${DEV_GPU_PODS}) to everyone: an ingress rule without from admits every source. ${NETWORK_POLICY_FIX}`,
      ],
    ],
  },
  {
    name: "rejects a NetworkPolicy admitting 0.0.0.0/0 (an except list left in) and every pod of every namespace to the server's pods",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        NETWORK_POLICY,
        "allow-all",
        openPolicy({ matchLabels: { "app.kubernetes.io/name": "vllm" } }, [
          { from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] },
          { from: [{ namespaceSelector: {}, podSelector: {} }] },
        ]),
      ),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-namespaces",
        `NetworkPolicy llm/allow-all opens pods that can land on a GPU node (${D}) to everyone: ipBlock 0.0.0.0/0 (except 10.0.0.0/8) admits every public address; namespaceSelector {} admits every pod of every namespace. ${NETWORK_POLICY_FIX}`,
      ],
    ],
  },
  {
    name: "passes an open NetworkPolicy for pods that never land on a GPU node, and one naming its sources",
    stack: "dev",
    tamper: (r) => {
      add(r, NETWORK_POLICY, "allow-all", openPolicy({ matchLabels: { app: "docs" } }, [{}]));
      add(r, NETWORK_POLICY, "allow-gateway", {
        ...openPolicy({}, [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } },
              { ipBlock: { cidr: "10.0.0.0/16" } },
            ],
          },
        ]),
        metadata: { name: "allow-gateway", namespace: "llm" },
      });
    },
    expected: [],
  },
  {
    name: "rejects a token in a ConfigMap the server reads with envFrom, by key name and by value",
    stack: "dev",
    tamper: (r) => {
      add(r, "kubernetes:core/v1:ConfigMap", "vllm-env", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "vllm-env", namespace: "llm" },
        // A made-up token of the hf_ shape (hf_ and 34 letters), never a real one.
        data: { HF_TOKEN: "redacted", NOTES: "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", VLLM_LOGGING_LEVEL: "INFO" },
      });
      vllm(r).envFrom = [{ configMapRef: { name: "vllm-env" } }];
    },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-secret-args",
        "ConfigMap llm/vllm-env holds secret material (HF_TOKEN, NOTES): a ConfigMap is neither secret nor encrypted, and envFrom.configMapRef hands it to a container as env. Fix: move it to a Secret and read it with secretKeyRef (or envFrom.secretRef), or mount it as a file.",
      ],
    ],
  },
  {
    name: "rejects an API key read from a ConfigMap key",
    stack: "dev",
    tamper: (r) => vllm(r).env.push({ name: "OPENAI_API_KEY", valueFrom: { configMapKeyRef: { name: "settings", key: "openai" } } }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-secret-args",
        `${D}: container vllm reads OPENAI_API_KEY from ConfigMap settings key openai: a ConfigMap is neither secret nor encrypted. Fix: move it to a Secret and read it with secretKeyRef (or envFrom.secretRef), or mount it as a file.`,
      ],
    ],
  },
  {
    name: "passes plain settings through envFrom.configMapRef and tokens through envFrom.secretRef",
    stack: "dev",
    tamper: (r) => {
      add(r, "kubernetes:core/v1:ConfigMap", "vllm-env", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "vllm-env", namespace: "llm" },
        data: { VLLM_LOGGING_LEVEL: "INFO" },
      });
      vllm(r).envFrom = [{ configMapRef: { name: "vllm-env" } }, { secretRef: { name: "vllm-tokens" } }];
    },
    expected: [],
  },
  {
    name: "rejects an HTTPRoute to the server's Service through an internet-facing ALB Gateway",
    stack: "dev",
    tamper: (r) =>
      addGatewayApi(r, [
        route({ name: "vllm" }),
        gatewayClass("gateway.k8s.aws/alb"),
        gateway("public"),
        lbConfiguration("public", { scheme: "internet-facing" }),
      ]),
    expected: gatewayViolation("Gateway llm/edge is internet-facing (LoadBalancerConfiguration scheme)"),
  },
  {
    name: "rejects an internal Gateway overruled by its class's internet-facing configuration (prefer-gateway-class)",
    stack: "dev",
    tamper: (r) =>
      addGatewayApi(r, [
        route({ name: "vllm" }),
        gatewayClass("gateway.k8s.aws/alb", {
          group: "gateway.k8s.aws",
          kind: "LoadBalancerConfiguration",
          name: "class-wide",
          namespace: "llm",
        }),
        gateway("private"),
        lbConfiguration("private", { scheme: "internal" }),
        lbConfiguration("class-wide", { scheme: "internet-facing" }),
      ]),
    expected: gatewayViolation("Gateway llm/edge is internet-facing (LoadBalancerConfiguration scheme)"),
  },
  {
    name: "rejects an HTTPRoute to an InferencePool of the server's pods through another controller's Gateway",
    stack: "dev",
    tamper: (r) => {
      addGatewayApi(r, [
        route({ group: "inference.networking.k8s.io", kind: "InferencePool", name: "vllm-pool" }),
        gatewayClass("istio.io/gateway-controller"),
        gateway(),
      ]);
      add(r, "kubernetes:inference.networking.k8s.io/v1:InferencePool", "vllm-pool", {
        apiVersion: "inference.networking.k8s.io/v1",
        kind: "InferencePool",
        metadata: { name: "vllm-pool", namespace: "llm" },
        spec: { selector: { matchLabels: { "app.kubernetes.io/name": "vllm" } }, targetPorts: [{ number: 8000 }] },
      });
    },
    expected: gatewayViolation(
      "Gateway llm/edge's GatewayClass edge-class belongs to istio.io/gateway-controller, whose exposure the policy pack cannot see",
    ),
  },
  {
    name: "rejects an HTTPRoute through a Gateway the stack does not declare",
    stack: "dev",
    tamper: (r) => addGatewayApi(r, [route({ name: "vllm" }, "shared-edge")]),
    expected: gatewayViolation("Gateway llm/shared-edge is not in the stack, so its exposure cannot be read"),
  },
  {
    name: "passes an HTTPRoute through an internal ALB Gateway, and one through a Gateway vouched for",
    stack: "dev",
    tamper: (r) => {
      addGatewayApi(r, [
        route({ name: "vllm" }),
        gatewayClass("gateway.k8s.aws/alb"),
        gateway("private"),
        lbConfiguration("private", { scheme: "internal" }),
      ]);
      addGatewayApi(r, [{ ...route({ name: "vllm" }, "shared-edge"), metadata: { name: "vllm-shared", namespace: "llm" } }]);
    },
    config: { "llm-stack-safety-no-public-ingress": { vouchedGateways: ["llm/shared-edge"] } },
    expected: [],
  },
  {
    name: "rejects a debug pod on the GPU nodes with the node's disk, network and privileges, not only the server",
    stack: "dev",
    tamper: (r) => {
      const pod = debugPod([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
      Object.assign(pod.spec, { hostNetwork: true, volumes: [{ name: "root", hostPath: { path: "/" } }] });
      Object.assign(pod.spec.containers[0]!, { securityContext: { privileged: true } });
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", pod);
    },
    config: { "llm-stack-safety-gpu-node-pods": { vouchedWorkloads: ["llm/gpu-debug"] } },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-privileged",
        "Pod llm/gpu-debug: container shell runs privileged: it sees every device on the node and can take the node over. Fix: remove securityContext.privileged; request GPUs with nvidia.com/gpu.",
      ],
      [
        "mandatory",
        "llm-stack-safety-no-host-path",
        "Pod llm/gpu-debug: volume root mounts the node's / (hostPath). Fix: use an emptyDir or a PersistentVolumeClaim for weights and caches.",
      ],
      [
        "mandatory",
        "llm-stack-safety-no-host-namespaces",
        "Pod llm/gpu-debug shares the node's namespaces (hostNetwork): it bypasses NetworkPolicy and sees the node's processes. Fix: remove hostNetwork.",
      ],
    ],
  },
  {
    name: "rejects a moving tag on a pod that tolerates the GPU taint, not only on the server",
    stack: "dev",
    tamper: (r) => {
      const pod = debugPod([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
      pod.spec.containers[0]!.image = "busybox:Latest";
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", pod);
    },
    config: { "llm-stack-safety-gpu-node-pods": { vouchedWorkloads: ["llm/gpu-debug"] } },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-image-pinned",
        "Pod llm/gpu-debug: container shell runs busybox:Latest, which is not pinned (Latest): every node may pull a different image. Fix: pin a version tag or a digest.",
      ],
    ],
  },
  {
    // AWS's vLLM Deep Learning Container runs the OpenAI-compatible server with the flags appended,
    // as vllm/vllm-openai does (https://aws.github.io/deep-learning-containers/vllm/deployment/ec2/, read
    // 2026-12-06); its version tags (0.15-gpu-py312-ec2) predate the pinned release, so a digest pins it.
    name: "passes AWS's vLLM container image pinned by digest",
    stack: "dev",
    tamper: (r) => (vllm(r).image = `public.ecr.aws/deep-learning-containers/vllm@${DIGEST}`),
    expected: [],
  },
  {
    // Kubernetes sets an extended resource's request to its limit when only the limit is given
    // (https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/: GPUs are specified in limits).
    name: "passes a GPU requested as a limit only",
    stack: "dev",
    tamper: (r) => delete vllm(r).resources.requests["nvidia.com/gpu"],
    expected: [],
  },
  {
    name: "rejects a NodePort in front of a pod that tolerates the GPU taint, not only in front of the server",
    stack: "dev",
    tamper: (r) => {
      const pod = debugPod([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", { ...pod, metadata: { ...pod.metadata, labels: { app: "gpu-debug" } } });
      add(r, SERVICE, "gpu-debug", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "gpu-debug", namespace: "llm" },
        spec: { type: "NodePort", selector: { app: "gpu-debug" }, ports: [{ port: 22 }] },
      });
    },
    config: { "llm-stack-safety-gpu-node-pods": { vouchedWorkloads: ["llm/gpu-debug"] } },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-lb",
        "Service llm/gpu-debug is a NodePort in front of Pod llm/gpu-debug: every node's port reaches its pods, around their NetworkPolicy's source addresses. Fix: use a ClusterIP Service (llm-stack exposure cluster or internal-lb).",
      ],
    ],
  },
  {
    name: "rejects a Pod named like the kit's device plugin, pinned to a node by nodeName, with root at pod level and a hostPort",
    stack: "dev",
    tamper: (r) => {
      const pod = debugPod([]);
      Object.assign(pod, { metadata: { name: "nvidia-device-plugin-daemonset-debug", namespace: "kube-system" } });
      Object.assign(pod.spec, {
        nodeName: "ip-10-0-1-23.ec2.internal",
        securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
      });
      Object.assign(pod.spec.containers[0]!, {
        securityContext: { ...SIDECAR_SECURITY, runAsNonRoot: true, runAsUser: 1000 },
        ports: [{ containerPort: 8080, hostPort: 8080 }],
      });
      add(r, "kubernetes:core/v1:Pod", "impostor", pod);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `Pod kube-system/nvidia-device-plugin-daemonset-debug can run on a GPU node but breaks Pod Security "restricted": pod securityContext runAsUser 0; container shell binds hostPort 8080. ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "rejects a restricted namespace pinned to an old Pod Security version",
    stack: "dev",
    tamper: (r) => (namespaceObject(r, "llm").metadata.labels["pod-security.kubernetes.io/enforce-version"] = "v1.21"),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-namespaces",
        `Namespace llm runs pods that can land on a GPU node (${DEV_GPU_PODS}) but pins pod-security.kubernetes.io/enforce-version: v1.21, an older release's "restricted". Fix: remove the label or set it to latest.`,
      ],
    ],
  },
  {
    name: "rejects a pod whose empty-key toleration tolerates every taint",
    stack: "dev",
    tamper: (r) => add(r, "kubernetes:core/v1:Pod", "gpu-debug", debugPod([{ key: "", operator: "Exists" }])),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `Pod llm/gpu-debug can run on a GPU node but breaks Pod Security "restricted": ${DEBUG_POD_PROBLEMS}. ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "rejects an ALB Gateway whose LoadBalancerConfiguration is not in the stack",
    stack: "dev",
    tamper: (r) => addGatewayApi(r, [route({ name: "vllm" }), gatewayClass("gateway.k8s.aws/alb"), gateway("elsewhere")]),
    expected: gatewayViolation(
      "Gateway llm/edge's parametersRef LoadBalancerConfiguration elsewhere is not a LoadBalancerConfiguration in the stack, so its scheme cannot be read",
    ),
  },
  {
    name: "rejects an NFS volume, an unsafe sysctl and an unmasked /proc in a sidecar of the server",
    stack: "dev",
    tamper: (r) => {
      podSpec(r).volumes.push({ name: "shared", nfs: { server: "10.0.0.5", path: "/exports" } });
      podSpec(r).securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }];
      podSpec(r).containers.push({
        name: "metrics",
        image: "prom/statsd-exporter:v0.28.0",
        securityContext: { ...SIDECAR_SECURITY, procMount: "Unmasked" },
      });
    },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `${D} can run on a GPU node but breaks Pod Security "restricted": pod sets sysctls kernel.msgmax; volume shared is nfs; container metrics procMount Unmasked. ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "passes a switch whose name ends in TOKEN: HF_HUB_DISABLE_IMPLICIT_TOKEN=1",
    stack: "dev",
    tamper: (r) => vllm(r).env.push({ name: "HF_HUB_DISABLE_IMPLICIT_TOKEN", value: "1" }),
    expected: [],
  },
  {
    name: "rejects a route that mirrors a public Gateway's traffic to the server, and one attached through a ListenerSet",
    stack: "dev",
    tamper: (r) => {
      const mirror = route({ name: "docs" }, "shared-edge");
      mirror.spec.rules[0] = {
        ...mirror.spec.rules[0]!,
        filters: [{ type: "RequestMirror", requestMirror: { backendRef: { name: "vllm", port: 8000 } } }],
      } as never;
      const viaListenerSet = route({ name: "vllm" });
      viaListenerSet.metadata.name = "vllm-listeners";
      viaListenerSet.spec.parentRefs = [{ group: "gateway.networking.x-k8s.io", kind: "XListenerSet", name: "team-listeners" } as never];
      addGatewayApi(r, [mirror, viaListenerSet]);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-ingress",
        `HTTPRoute llm/vllm routes to ${D} through a Gateway not proven internal: Gateway llm/shared-edge is not in the stack, so its exposure cannot be read. ${GATEWAY_FIX}`,
      ],
      [
        "mandatory",
        "llm-stack-safety-no-public-ingress",
        `HTTPRoute llm/vllm-listeners routes to ${D} through a Gateway not proven internal: parent XListenerSet llm/team-listeners (a ListenerSet or another attachment) cannot be read. ${GATEWAY_FIX}`,
      ],
    ],
  },
  {
    name: "passes a debug pod that tolerates the GPU taint once vouched for by namespace/name",
    stack: "dev",
    tamper: (r) =>
      add(r, "kubernetes:core/v1:Pod", "gpu-debug", debugPod([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }])),
    config: { "llm-stack-safety-gpu-node-pods": { vouchedWorkloads: ["llm/gpu-*"] } },
    expected: [],
  },
  {
    name: "passes an unrestricted pod that cannot land on a GPU node (no GPUs, no GPU toleration)",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        "kubernetes:core/v1:Pod",
        "gpu-debug",
        debugPod([{ key: "dedicated", operator: "Equal", value: "ops", effect: "NoSchedule" }]),
      ),
    expected: [],
  },
  {
    name: "rejects a Karpenter NodePool without a GPU limit: what it may spend has no bound",
    stack: "dev",
    tamper: (r) => add(r, NODE_POOL, "gpu", gpuNodePool()),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        'The budget cannot be proven with the price table of 2026-12-06: gpu: a NodePool without a nvidia.com/gpu limit can launch GPUs without bound. Fix: set spec.limits["nvidia.com/gpu"] on NodePool gpu to the GPUs the budget allows.',
      ],
    ],
  },
  {
    // "1k" is a Kubernetes quantity: a thousand GPUs (quantity.go), not NaN. 1000 ÷ 8 per p5.48xlarge = 125 nodes
    // × $55.04 = $6,880/h, + the dev stack's $7.6298/h at maximum = $6,887.6298/h; × 730 h = $5,027,969.75/month.
    name: "rejects a Karpenter NodePool whose GPU limit is written as a quantity (1k)",
    stack: "dev",
    tamper: (r) => add(r, NODE_POOL, "gpu", gpuNodePool({ "nvidia.com/gpu": "1k" })),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $6,887.63/h at maximum node-group size ($7.43/h at desired size): 0 × GPU nodes p5.48xlarge $0.000/h (125 at most: $6880.000/h) + 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $130.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $5,027,969.75/month at maximum node-group size (730 h at $6,887.63/h at maximum node-group size ($7.43/h at desired size): 0 × GPU nodes p5.48xlarge $0.000/h (125 at most: $6880.000/h) + 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h), above maxMonthlyUsd $94,900.00. Fix: shrink the plan or raise the budget in the policy pack config.",
      ],
    ],
  },
  {
    name: "rejects a Karpenter NodePool whose GPU limit the budget cannot pay for",
    stack: "dev",
    tamper: (r) => add(r, NODE_POOL, "gpu", gpuNodePool({ "nvidia.com/gpu": "24" })),
    // 24 GPUs ÷ 8 per p5.48xlarge = 3 nodes × $55.04 = $165.12/h, on top of the dev stack's $7.6298/h at maximum
    // (6.88 + 3 × 0.2016 + 0.10 + 0.045): $172.7498/h, × 730 h = $126,107.35/month.
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $172.75/h at maximum node-group size ($7.43/h at desired size): 0 × GPU nodes p5.48xlarge $0.000/h (3 at most: $165.120/h) + 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $130.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $126,107.35/month at maximum node-group size (730 h at $172.75/h at maximum node-group size ($7.43/h at desired size): 0 × GPU nodes p5.48xlarge $0.000/h (3 at most: $165.120/h) + 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h), above maxMonthlyUsd $94,900.00. Fix: shrink the plan or raise the budget in the policy pack config.",
      ],
    ],
  },
  // Pulumi.scout.yaml autoscales 0–2 replicas, one per p5.48xlarge; its group's maxSize raised to 3 (maxReplicas 3 past the
  // stack's own check) costs 3 × $55.04 + 3 × $0.2016 + $0.10 + $0.045 = $165.8698/h at most (× 730 h = $121,084.95/month), over the
  // pack's defaults of $130/h and $94,900/month.
  {
    name: "rejects the autoscaled stack's GPU group raised to 3 nodes (maxReplicas 3) over the budget",
    stack: "scout",
    tamper: (r) => (find(r, "aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs.scalingConfig.maxSize = 3),
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $165.87/h at maximum node-group size ($55.59/h at desired size): 1 × GPU nodes p5.48xlarge $55.040/h (3 at most: $165.120/h) + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $130.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
      // The record of its capacity options no longer describes the deployed group: its options cannot be priced against it.
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The budget cannot be proven for the stack's capacity options: ConfigMap llm-stack-capacity-options: its deployed option's p5.48xlarge group (0–2 nodes) is not a node group of the stack. Fix: let the program write it (do not edit it).",
      ],
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $121,084.95/month at maximum node-group size (730 h at $165.87/h at maximum node-group size ($55.59/h at desired size): 1 × GPU nodes p5.48xlarge $55.040/h (3 at most: $165.120/h) + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h), above maxMonthlyUsd $94,900.00. Fix: shrink the plan or raise the budget in the policy pack config.",
      ],
    ],
  },
  {
    name: "rejects the committed autoscaled stack's ScaledObject switched to vllm:gpu_cache_usage_perc",
    stack: "scout",
    tamper: (r) => {
      const trigger = find(r, SCALED_OBJECT, "vllm-scaledobject").inputs.spec.triggers[0];
      trigger.metadata.query = trigger.metadata.query.replace("vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc");
    },
    expected: [
      [
        "mandatory",
        "llm-stack-observability-vllm-metrics",
        "ScaledObject llm/vllm: trigger 0 (prometheus) queries vllm:gpu_cache_usage_perc, which vLLM v0.33.0 does not emit (deprecated in PR #18354, hidden in PR #24245, removed in PR #29330 (2025-11); use vllm:kv_cache_usage_perc): it would never match. Fix: query a metric from infra/catalog/vllm-metrics.ts.",
      ],
    ],
  },
  {
    name: "rejects a ScaledObject on a metric vLLM v0.33.0 no longer emits (vllm:gpu_cache_usage_perc)",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        SCALED_OBJECT,
        "vllm-scaler",
        devScaledObject(() => "avg(vllm:gpu_cache_usage_perc)"),
      ),
    expected: [
      [
        "mandatory",
        "llm-stack-observability-vllm-metrics",
        "ScaledObject llm/vllm: trigger 0 (prometheus) queries vllm:gpu_cache_usage_perc, which vLLM v0.33.0 does not emit (deprecated in PR #18354, hidden in PR #24245, removed in PR #29330 (2025-11); use vllm:kv_cache_usage_perc): it would never match. Fix: query a metric from infra/catalog/vllm-metrics.ts.",
      ],
    ],
  },
  {
    name: "rejects an alert rule on a histogram spelt as a counter (vllm:time_to_first_token_seconds_total)",
    stack: "dev",
    tamper: (r) => {
      const rules = devRules();
      rules.spec.groups[0].rules[0].expr = "histogram_quantile(0.99, rate(vllm:time_to_first_token_seconds_total[5m])) > 2";
      add(r, PROMETHEUS_RULE, "vllm-rules", rules);
    },
    expected: [
      [
        "mandatory",
        "llm-stack-observability-vllm-metrics",
        "PrometheusRule llm/vllm: rule VllmKvCacheNearlyFull in group llm-stack-vllm-alerts queries vllm:time_to_first_token_seconds_total, which vLLM v0.33.0 does not emit (no such vLLM metric): it would never match. Fix: query a metric from infra/catalog/vllm-metrics.ts.",
      ],
    ],
  },
  {
    name: "rejects memory fit: a context beyond the KV cache",
    stack: "dev",
    tamper: (r) => replaceArg(r, "max-model-len", "--max-model-len=600000"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-memory-fit",
        `${D} serves meta-llama/Llama-3.1-8B-Instruct (llama-3.1-8b-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 15.0 GiB of weights + 6.0 GiB of activations and overhead per GPU leave 50.3 GiB of the 71.3 GiB budget for the KV cache, but one 600000-token sequence needs 73.2 GiB. Fix: --max-model-len 412080 or less, or more GPUs.`,
      ],
    ],
  },
  {
    name: "rejects consistency: TP 4 on a 1-GPU pod",
    stack: "mixtral",
    tamper: (r) => replaceArg(r, "tensor-parallel-size", "-tp", "4"),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        `${D}: nvidia.com/gpu is 8 but --tensor-parallel-size 4 × --pipeline-parallel-size 1 over 1 node(s) needs 4 GPU(s) per pod. Fix: set the GPU limit to 4.`,
      ],
    ],
  },
  {
    name: "rejects consistency: 3 replicas on a 1-node pool",
    stack: "mixtral",
    tamper: (r) => (deployment(r).spec.replicas = 3),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        `${D}: 3 replica(s) × 8 GPU(s) need 3 × p5.48xlarge (8 GPUs each), but the matching node groups hold 1 node(s). Fix: size the GPU node group to 3 nodes or lower the replicas.`,
      ],
    ],
  },
  {
    name: "rejects cost budget: $10/h under an 8 × H100 plan",
    stack: "mixtral",
    tamper: () => undefined,
    config: { "llm-stack-cost-budget": { maxHourlyUsd: 10 } },
    expected: [
      [
        "mandatory",
        "llm-stack-cost-budget",
        "The stack costs $55.79/h at maximum node-group size ($55.59/h at desired size): 1 × GPU nodes p5.48xlarge $55.040/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $10.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
    ],
  },
  {
    name: "rejects unknown model: a repository outside the catalog",
    stack: "dev",
    tamper: (r) => (vllm(r).command = ["vllm", "serve", "acme/secret-model-7b"]),
    expected: [
      natDownload("acme/secret-model-7b"),
      [
        "mandatory",
        "llm-stack-gpu-unknown-model",
        `${D} serves acme/secret-model-7b, which is not in the llm-stack catalog: its GPU memory fit cannot be checked. Fix: serve a catalog variant (llm-stack models) or add the model to infra/catalog/models.ts.`,
      ],
    ],
  },
  {
    name: "rejects image pinned: a tag that is no version",
    stack: "dev",
    tamper: (r) => (vllm(r).image = "vllm/vllm-openai:gpu-build"),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-image-pinned",
        `${D}: container vllm runs vllm/vllm-openai:gpu-build, whose tag gpu-build is neither a version nor a digest: it can be moved to another build. Fix: pin a release tag such as vllm/vllm-openai:v0.33.0 or a digest.`,
      ],
    ],
  },
  {
    name: "rejects no secret args: a token in a plain env value",
    stack: "dev",
    tamper: (r) => vllm(r).env.push({ name: "HF_TOKEN", value: "hf_abcdefghijklmnopqrstuvwx" }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-secret-args",
        `${D}: container vllm sets HF_TOKEN as a plain value. Fix: use valueFrom.secretKeyRef or a mounted Secret file.`,
      ],
    ],
  },
  {
    name: "rejects no public LB: a NodePort in front of vLLM",
    stack: "dev",
    tamper: (r) => add(r, SERVICE, "vllm-nodeport", publicService({ type: "NodePort" })),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-lb",
        `Service llm/vllm-public is a NodePort in front of ${D}: every node's port reaches its pods, around their NetworkPolicy's source addresses. Fix: use a ClusterIP Service (llm-stack exposure cluster or internal-lb).`,
      ],
    ],
  },
  {
    name: "rejects no public LB: an internet-facing LoadBalancer",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        SERVICE,
        "vllm-public",
        publicService(
          { type: "LoadBalancer" },
          {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
          },
        ),
      ),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-lb",
        `Service llm/vllm-public is an internet-facing LoadBalancer in front of ${D}. Fix: annotate it service.beta.kubernetes.io/aws-load-balancer-internal: "true" (llm-stack exposure internal-lb) or use a ClusterIP Service.`,
      ],
    ],
  },
  {
    name: "rejects no public ingress: an internet-facing ALB",
    stack: "dev",
    tamper: (r) => add(r, INGRESS, "vllm", ingress({ "alb.ingress.kubernetes.io/scheme": "internet-facing" })),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-ingress",
        `Ingress llm/vllm is an internet-facing ALB in front of ${D}, open to every address. Fix: remove alb.ingress.kubernetes.io/scheme: internet-facing, or list only the clients' CIDRs in alb.ingress.kubernetes.io/inbound-cidrs.`,
      ],
    ],
  },
  {
    name: "rejects no public ingress: inbound CIDRs that cover the internet",
    stack: "dev",
    tamper: (r) =>
      add(
        r,
        INGRESS,
        "vllm",
        ingress({
          "alb.ingress.kubernetes.io/scheme": "internet-facing",
          "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/1, 128.0.0.0/1",
        }),
      ),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-ingress",
        `Ingress llm/vllm is an internet-facing ALB in front of ${D}, open to [0.0.0.0/1, 128.0.0.0/1], which together cover every public address. Fix: remove alb.ingress.kubernetes.io/scheme: internet-facing, or list only the clients' CIDRs in alb.ingress.kubernetes.io/inbound-cidrs.`,
      ],
    ],
  },
  {
    name: "rejects no public ingress: a controller whose exposure the pack cannot see",
    stack: "dev",
    tamper: (r) => add(r, INGRESS, "vllm", ingress({}, "nginx")),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-public-ingress",
        `Ingress llm/vllm routes to ${D} through ingress class nginx, whose exposure the policy pack cannot see. Fix: use ingressClassName alb (internal by default) or a ClusterIP Service.`,
      ],
    ],
  },
  {
    name: "rejects no privileged: a privileged init container",
    stack: "dev",
    tamper: (r) => (podSpec(r).initContainers = [{ name: "warm-cache", image: "busybox:1.37.0", securityContext: { privileged: true } }]),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-privileged",
        `${D}: container warm-cache runs privileged: it sees every device on the node and can take the node over. Fix: remove securityContext.privileged; request GPUs with nvidia.com/gpu.`,
      ],
      [
        "mandatory",
        "llm-stack-safety-gpu-node-pods",
        `${D} can run on a GPU node but breaks Pod Security "restricted": container warm-cache may escalate privileges (allowPrivilegeEscalation not false); container warm-cache keeps capabilities (drop is not ALL). ${GPU_POD_FIX}`,
      ],
    ],
  },
  {
    name: "rejects no host path: weights on the node's disk",
    stack: "dev",
    tamper: (r) => podSpec(r).volumes.push({ name: "weights", hostPath: { path: "/mnt/models" } }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-host-path",
        `${D}: volume weights mounts the node's /mnt/models (hostPath). Fix: use an emptyDir or a PersistentVolumeClaim for weights and caches.`,
      ],
    ],
  },
  {
    name: "rejects no host namespaces: hostNetwork and hostIPC",
    stack: "dev",
    tamper: (r) => Object.assign(podSpec(r), { hostNetwork: true, hostIPC: true }),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-host-namespaces",
        `${D} shares the node's namespaces (hostNetwork, hostIPC): it bypasses NetworkPolicy and sees the node's processes. Fix: remove hostNetwork, hostIPC.`,
      ],
    ],
  },
  {
    name: "rejects no system namespace: kube-system",
    stack: "dev",
    tamper: (r) => (deployment(r).metadata.namespace = "kube-system"),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-system-namespace",
        `Deployment kube-system/vllm runs in the system namespace kube-system. Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").`,
      ],
    ],
  },
  {
    name: "rejects no system namespace: no namespace at all (default)",
    stack: "dev",
    tamper: (r) => delete deployment(r).metadata.namespace,
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-system-namespace",
        `Deployment default/vllm runs in the system namespace default (no namespace set). Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").`,
      ],
    ],
  },
  {
    name: "rejects probes: no readiness probe",
    stack: "dev",
    tamper: (r) => delete vllm(r).readinessProbe,
    expected: [
      [
        "advisory",
        "llm-stack-safety-probes",
        `${D}: container vllm has no readinessProbe. Fix: probe GET /health with a startup probe sized for download and load, then readiness and liveness.`,
      ],
    ],
  },
  {
    name: "rejects GPU rollout: the default 25% surge",
    stack: "dev",
    tamper: (r) => delete deployment(r).spec.strategy,
    expected: [
      [
        "advisory",
        "llm-stack-safety-gpu-rollout",
        `${D} requests GPUs but rolls out with maxSurge 25%: the surge pod needs GPUs the node pool does not have. Fix: set strategy.rollingUpdate.maxSurge to 0 (maxUnavailable 1) or use Recreate.`,
      ],
    ],
  },
  {
    name: "rejects shm: an 8-GPU server with a disk-backed /dev/shm",
    stack: "scout",
    tamper: (r) => (podSpec(r).volumes.find((v: { name: string }) => v.name === "dshm").emptyDir = {}),
    expected: [
      [
        "advisory",
        "llm-stack-safety-shm",
        `${D}: container vllm runs vLLM on 8 GPUs without a memory-backed /dev/shm. Fix: mount an emptyDir with medium Memory at /dev/shm.`,
      ],
    ],
  },
  {
    name: "rejects IMDSv2: httpTokens optional",
    stack: "dev",
    tamper: (r) => (find(r, "aws:ec2/launchTemplate:LaunchTemplate", "llm-gpu-lt").inputs.metadataOptions.httpTokens = "optional"),
    expected: [
      [
        "advisory",
        "llm-stack-safety-imdsv2",
        'Launch template llm-gpu-lt allows IMDSv1 (httpTokens optional). Fix: set metadataOptions.httpTokens to "required".',
      ],
    ],
  },
  {
    name: "rejects EKS secrets encryption: no KMS provider",
    stack: "dev",
    tamper: (r) => delete cluster(r).encryptionConfig,
    expected: [
      [
        "advisory",
        "llm-stack-safety-eks-secrets-encrypted",
        'EKS cluster llm-cluster-cluster does not encrypt Kubernetes Secrets with KMS. Fix: set encryptionConfig { provider.keyArn, resources: ["secrets"] }.',
      ],
    ],
  },
  {
    name: "rejects GPU taint: the GPU pool untainted",
    stack: "dev",
    tamper: (r) => (find(r, "aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs.taints = []),
    expected: [
      [
        "advisory",
        "llm-stack-safety-gpu-taint",
        'Node group llm-gpu-ng (p5.4xlarge) has no nvidia.com/gpu NoSchedule taint: any pod may land on its GPU nodes. Fix: add taints [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }].',
      ],
    ],
  },
];

const KIND_NAMES = Object.keys(KINDS) as Kind[];
/** Each kind as a compliant fixture, then one broken field each, all carried by the same pod template. */
const perKind: Case[] = [
  ...KIND_NAMES.map((kind): Case => ({
    name: `passes the dev server as a compliant ${kind}`,
    stack: "dev",
    tamper: (r) => void asKind(r, kind),
    expected: [],
  })),
  ...KIND_NAMES.map((kind): Case => ({
    name: `rejects a ${kind} at gpu-memory-utilization 0.99`,
    stack: "dev",
    tamper: (r) => {
      const container = specOf(asKind(r, kind)).containers[0];
      container.args = [...container.args, "--gpu-memory-utilization", "0.99"];
    },
    expected: utilization(`${kind} llm/vllm`, "0.99"),
  })),
  ...KIND_NAMES.map((kind): Case => ({
    name: `rejects a ${kind} on hostPID`,
    stack: "dev",
    tamper: (r) => (specOf(asKind(r, kind)).hostPID = true),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-host-namespaces",
        `${kind} llm/vllm shares the node's namespaces (hostPID): it bypasses NetworkPolicy and sees the node's processes. Fix: remove hostPID.`,
      ],
    ],
  })),
  {
    name: "rejects a StatefulSet of 2 replicas on a 1-node pool",
    stack: "mixtral",
    tamper: (r) => (asKind(r, "StatefulSet").spec.replicas = 2),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        "StatefulSet llm/vllm: 2 replica(s) × 8 GPU(s) need 2 × p5.48xlarge (8 GPUs each), but the matching node groups hold 1 node(s). Fix: size the GPU node group to 2 nodes or lower the replicas.",
      ],
    ],
  },
  {
    name: "rejects a Job of parallelism 2 on a 1-node pool",
    stack: "mixtral",
    tamper: (r) => (asKind(r, "Job").spec.parallelism = 2),
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        "Job llm/vllm: 2 replica(s) × 8 GPU(s) need 2 × p5.48xlarge (8 GPUs each), but the matching node groups hold 1 node(s). Fix: size the GPU node group to 2 nodes or lower the replicas.",
      ],
    ],
  },
  {
    name: "rejects a LeaderWorkerSet group of 2 nodes per replica on a 1-node pool",
    stack: "scout",
    tamper: (r) => {
      const lws = asKind(r, "LeaderWorkerSet");
      lws.spec.leaderWorkerTemplate.size = 2;
      const container = lws.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
      container.args = [
        ...container.args.filter((a: string) => !a.startsWith("--tensor")),
        "-tp",
        "8",
        "-pp",
        "2",
        "--distributed-executor-backend=ray",
      ];
    },
    expected: [
      [
        "mandatory",
        "llm-stack-gpu-consistency",
        "LeaderWorkerSet llm/vllm: 1 replica(s) × 8 GPU(s) need 2 × p5.48xlarge (8 GPUs each), but the matching node groups hold 1 node(s). Fix: size the GPU node group to 2 nodes or lower the replicas.",
      ],
    ],
  },
  {
    name: "rejects a DaemonSet surging onto GPU nodes",
    stack: "dev",
    tamper: (r) =>
      (asKind(r, "DaemonSet").spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }),
    expected: [
      [
        "advisory",
        "llm-stack-safety-gpu-rollout",
        "DaemonSet llm/vllm requests GPUs but rolls out with maxSurge 1: the surge pod needs GPUs the node pool does not have. Fix: set maxSurge to 0.",
      ],
    ],
  },
  {
    name: "rejects a CronJob passing an API key",
    stack: "dev",
    tamper: (r) => specOf(asKind(r, "CronJob")).containers[0].args.push("--api-key=sk-live-0123456789abcdefghijkl"),
    expected: SECRET_ARGS("CronJob llm/vllm", "its args", "--api-key", "CronJob"),
  },
  {
    name: "rejects a Pod on an unpinned image",
    stack: "dev",
    tamper: (r) => (specOf(asKind(r, "Pod")).containers[0].image = "vllm/vllm-openai:latest"),
    expected: unpinned("Pod llm/vllm", "vllm/vllm-openai:latest", "latest"),
  },
  {
    name: "rejects a ReplicaSet in kube-system",
    stack: "dev",
    tamper: (r) => (asKind(r, "ReplicaSet").metadata.namespace = "kube-system"),
    expected: [
      [
        "mandatory",
        "llm-stack-safety-no-system-namespace",
        'ReplicaSet kube-system/vllm runs in the system namespace kube-system. Fix: deploy it to its own namespace (llm-stack uses llm, with Pod Security "restricted").',
      ],
    ],
  },
];

const cases: Case[] = [...walkArounds, ...mustPass, ...perRule, ...perKind];

describe("the pack against tampered resources", () => {
  it("has at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, { stack, tamper, expected, config }) => {
    const resources = structuredClone(baselines[stack]);
    tamper(resources);
    const violations = await runPolicies(resources, config ?? {});
    expect(violations.map((v) => [v.level, v.policy, v.message])).toEqual(expected);
  });
});

describe("config that would disable a guard", () => {
  it.each<[string, PackConfig, string[]]>([
    [
      'rejects "maxHourlyUsd": "abc"',
      { "llm-stack-cost-budget": { maxHourlyUsd: "abc" } },
      ["llm-stack-cost-budget: maxHourlyUsd: Invalid type. Expected: number, given: string"],
    ],
    [
      "rejects a negative budget",
      { "llm-stack-cost-budget": { maxMonthlyUsd: -1 } },
      ["llm-stack-cost-budget: maxMonthlyUsd: Must be greater than or equal to 0"],
    ],
    [
      "rejects a misspelt key",
      { "llm-stack-cost-budget": { maxHourlyUSD: 10 } },
      ["llm-stack-cost-budget: Additional property maxHourlyUSD is not allowed"],
    ],
    [
      "rejects a misspelt policy name",
      { "llm-stack-cost-budgte": { maxHourlyUsd: 10 } },
      ["llm-stack-cost-budgte: the pack has no such policy, so this entry configures nothing; did you mean llm-stack-cost-budget?"],
    ],
    [
      "rejects an unknown enforcement level",
      { "llm-stack-gpu-memory-fit": { enforcementLevel: "warn" } },
      ['parsing enforcement level for "llm-stack-gpu-memory-fit": "warn" is not a valid enforcement level'],
    ],
    [
      "rejects a utilization maximum above 1",
      { "llm-stack-gpu-memory-fit": { maxGpuMemoryUtilization: 1.5 } },
      ["llm-stack-gpu-memory-fit: maxGpuMemoryUtilization: Must be less than or equal to 1"],
    ],
  ])("%s: nothing runs, every problem is named", async (_, config, problems) => {
    await expect(runPolicies(structuredClone(baselines.mixtral), config)).rejects.toThrow(
      `invalid policy pack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  });

  it("runs a mandatory policy raised from advisory by a bare level, and remediate as mandatory", async () => {
    const resources = structuredClone(baselines.dev);
    podSpec(resources).hostNetwork = true;
    const violations = await runPolicies(resources, { "llm-stack-safety-no-host-namespaces": "remediate" });
    expect(violations.map((v) => [v.level, v.policy])).toEqual([["mandatory", "llm-stack-safety-no-host-namespaces"]]);
  });
});

/** Runs one policy as the engine would if it had passed `config` through unchecked; returns what it threw. */
async function thrownBy(policy: Policy, config: Record<string, unknown>, resources: RecordedResource[]): Promise<unknown> {
  const policyResources = policyResourcesOf(resources);
  const common = {
    stackTags: new Map(),
    getConfig: <T>() => config as T,
    notApplicable: (): never => {
      throw new Error("not applicable");
    },
  };
  try {
    if ("validateStack" in policy) {
      await (policy as StackValidationPolicy).validateStack({ ...common, resources: policyResources }, () => undefined);
    } else {
      for (const validate of [(policy as ResourceValidationPolicy).validateResource ?? []].flat()) {
        const only = (validate as { __pulumiType?: string }).__pulumiType;
        for (const r of policyResources.filter((p) => only === undefined || p.type === only)) {
          await validate(
            {
              ...common,
              type: r.type,
              props: r.props,
              urn: r.urn,
              name: r.name,
              opts: r.opts,
              isType: r.isType,
              asType: r.asType as never,
            },
            () => undefined,
          );
        }
      }
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("each policy checks its own config, where the engine does not", () => {
  const defaults = (policy: Policy) =>
    Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]) => [k, v.default]));

  it.each(POLICIES.map((p) => [p.name, p] as const))("%s fails on a key it does not declare", async (name, policy) => {
    const error = await thrownBy(policy, { ...defaults(policy), maxHourlyUSD: 10 }, structuredClone(baselines.dev));
    expect((error as Error | undefined)?.message).toBe(
      `invalid policy pack config (1 problem):\n  - ${name}: Additional property maxHourlyUSD is not allowed`,
    );
  });

  it('llm-stack-cost-budget fails on "maxHourlyUsd": "abc" instead of passing every stack', async () => {
    const error = await thrownBy(costBudget, { ...defaults(costBudget), maxHourlyUsd: "abc" }, structuredClone(baselines.scout));
    expect((error as Error | undefined)?.message).toBe(
      "invalid policy pack config (1 problem):\n  - llm-stack-cost-budget: maxHourlyUsd: Invalid type. Expected: number, given: string",
    );
  });
});
