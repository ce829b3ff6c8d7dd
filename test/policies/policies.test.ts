import { beforeAll, describe, expect, it } from "vitest";
import { gpuMemoryFit } from "../../policies/gpu-memory-fit";
import { POLICIES } from "../../policies/all-policies";
import { asPolicyResource, mandatory, runPolicies, type PackConfig, type Violation } from "../../cli/offline/policy-run";
import { runProgram, stackFileConfig, type RecordedResource } from "../program-runner";
import { OPERATOR_SECRET_KEYS, withOperatorValues } from "../support/operator";
import { committedResources } from "../support/committed-runs";

const SECRET_KEYS = OPERATOR_SECRET_KEYS;
/** The stack as its operator completes it: a Hugging Face token and the endpoint allowlist (a documentation address). */
const run = (config: Record<string, string>, stack = "dev") => runProgram(withOperatorValues(config), { stack, secretKeys: SECRET_KEYS });

const clone = (resources: RecordedResource[]): RecordedResource[] => structuredClone(resources);
const find = (resources: RecordedResource[], type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const deploymentOf = (resources: RecordedResource[]) => find(resources, "kubernetes:apps/v1:Deployment", "vllm-deployment").inputs;
const vllmContainer = (resources: RecordedResource[]) => deploymentOf(resources).spec.template.spec.containers[0];
const setArg = (resources: RecordedResource[], flag: string, value: string) => {
  const container = vllmContainer(resources);
  container.args = container.args.map((arg: string) => (arg.startsWith(`--${flag}=`) ? `--${flag}=${value}` : arg));
};
const only = (violations: Violation[], policy: string) => violations.filter((v) => v.policy === policy).map((v) => v.message);

/** Baselines: the real program under mocks, per committed stack and for the tampering cases. */
const baselines: Record<string, RecordedResource[]> = {};
beforeAll(async () => {
  for (const stack of ["dev", "mixtral", "scout"] as const) baselines[stack] = committedResources(stack);
  baselines.llama70b = (
    await run({
      ...stackFileConfig("dev"),
      "llm-stack:model": "llama-3.3-70b-instruct",
      "llm-stack:quantization": "bf16",
      "llm-stack:maxHourlyUsd": "100",
    })
  ).resources;
});

describe("the committed stacks", () => {
  it.each(["dev", "mixtral", "scout"])("%s passes every policy, mandatory and advisory", async (stack) => {
    expect(await runPolicies(baselines[stack]!)).toEqual([]);
  });

  it("Llama 3.3 70B bf16 as planned (TP 8 on p5.48xlarge) passes every policy", async () => {
    expect(await runPolicies(baselines.llama70b!)).toEqual([]);
  });

  it("names every policy llm-stack-<area>-<rule>, documented and with a level", () => {
    for (const policy of POLICIES) {
      expect(policy.name).toMatch(/^llm-stack-(gpu|cost|safety|observability)-[a-z0-9-]+$/);
      expect(policy.description.length).toBeGreaterThan(20);
      expect(["mandatory", "advisory"]).toContain(policy.enforcementLevel);
    }
    expect(POLICIES.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name)).toEqual([
      "llm-stack-gpu-memory-fit",
      "llm-stack-gpu-consistency",
      "llm-stack-cost-budget",
      "llm-stack-gpu-unknown-model",
      // The security rules a cluster enforcing Pod Security "restricted" (and the stack's own config) would refuse: mandatory by default.
      "llm-stack-safety-image-pinned",
      "llm-stack-safety-no-secret-args",
      "llm-stack-safety-no-public-lb",
      "llm-stack-safety-no-public-ingress",
      // A request for one model answered by another, or by none: refused like an exposure.
      "llm-stack-safety-model-routes",
      "llm-stack-safety-no-privileged",
      "llm-stack-safety-no-host-path",
      "llm-stack-safety-no-host-namespaces",
      "llm-stack-safety-no-system-namespace",
      "llm-stack-safety-gpu-node-pods",
      "llm-stack-safety-gpu-namespaces",
      "llm-stack-safety-unverifiable-workloads",
      "llm-stack-safety-eks-endpoint",
      "llm-stack-observability-vllm-metrics",
    ]);
  });
});

describe("tampered stacks", () => {
  it("rejects Llama 3.3 70B bf16 forced to TP 1", async () => {
    const resources = clone(baselines.llama70b!);
    setArg(resources, "tensor-parallel-size", "1");
    vllmContainer(resources).resources.limits["nvidia.com/gpu"] = "1";
    vllmContainer(resources).resources.requests["nvidia.com/gpu"] = "1";
    expect(mandatory(await runPolicies(resources))).toEqual([
      {
        policy: "llm-stack-gpu-memory-fit",
        level: "mandatory",
        message:
          "Deployment llm/vllm serves meta-llama/Llama-3.3-70B-Instruct (llama-3.3-70b-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 131.4 GiB of weights + 6.0 GiB of activations and overhead per GPU leave -66.2 GiB of the 71.3 GiB budget for the KV cache, but one 32768-token sequence needs 10.0 GiB. Fix: --tensor-parallel-size 4 with nvidia.com/gpu 4 (the smallest TP that fits on one p5.48xlarge).",
      },
    ]);
  });

  it("rejects a $10/h budget under an 8 × H100 plan", async () => {
    expect(only(await runPolicies(baselines.mixtral!, { "llm-stack-cost-budget": { maxHourlyUsd: 10 } }), "llm-stack-cost-budget")).toEqual(
      [
        "The stack costs $55.79/h at maximum node-group size ($55.59/h at desired size): 1 × GPU nodes p5.48xlarge $55.040/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h, above maxHourlyUsd $10.00. Fix: shrink the plan (fewer replicas, fp8 or int4, a shorter context) or raise the budget in the policy pack config.",
      ],
    );
  });

  it("rejects gpu-memory-utilization 0.99", async () => {
    const resources = clone(baselines.dev!);
    setArg(resources, "gpu-memory-utilization", "0.99");
    expect(only(await runPolicies(resources), "llm-stack-gpu-memory-fit")).toEqual([
      "Deployment llm/vllm: --gpu-memory-utilization 0.99 is above the allowed 0.95, leaving too little room for the CUDA context, NCCL buffers and fragmentation. Fix: set it to 0.95 or less (the planner uses 0.90) and add GPUs if the KV cache no longer fits.",
    ]);
  });

  it("flags an unpinned image", async () => {
    const resources = clone(baselines.dev!);
    vllmContainer(resources).image = "vllm/vllm-openai:latest";
    expect(await runPolicies(resources)).toEqual([
      {
        policy: "llm-stack-safety-image-pinned",
        level: "mandatory",
        message:
          "Deployment llm/vllm: container vllm runs vllm/vllm-openai:latest, which is not pinned (latest): every node may pull a different vLLM. Fix: pin a release tag such as vllm/vllm-openai:v0.33.0 or a digest.",
      },
    ]);
  });
});

type Case = [string, string, (resources: RecordedResource[]) => void, Array<[string, string]>, PackConfig?];

const cases: Case[] = [
  [
    "llm-stack-gpu-memory-fit",
    "fails when the GPU cannot be determined",
    (r) => {
      deploymentOf(r).spec.template.spec.nodeSelector = { pool: "elsewhere" };
    },
    [
      [
        "llm-stack-gpu-memory-fit",
        'Deployment llm/vllm serves s3://llm-stack-dev-123456789012-us-east-1/models/meta-llama/Llama-3.1-8B-Instruct/main/ but its GPU cannot be determined: the node selector {"pool":"elsewhere"} names no catalog GPU instance type and matches no node group in the stack. Fix: select the GPU nodes by node.kubernetes.io/instance-type.',
      ],
      [
        "llm-stack-gpu-consistency",
        'Deployment llm/vllm: its node selector {"pool":"elsewhere"} matches no node group in the stack (llm-system-ng: m7i.xlarge, llm-gpu-ng: p5.4xlarge). Fix: select the GPU node group\'s instance type and labels.',
      ],
    ],
  ],
  [
    "llm-stack-cost-weights-nat",
    "fails for a server downloading from Hugging Face through the NAT gateway",
    (r) => (vllmContainer(r).command = ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]),
    [
      // 8,030,261,248 params × 2 bytes = 16.06 GB × $0.045/GB = $0.72 per pod start.
      [
        "llm-stack-cost-weights-nat",
        "Deployment llm/vllm downloads meta-llama/Llama-3.1-8B-Instruct from Hugging Face through the stack's NAT gateway at every pod start (16.1 GB: $0.72 of NAT data processing at $0.045/GB). Fix: stream it from the stack's S3 model cache (weightsSource s3).",
      ],
    ],
  ],
  [
    "llm-stack-cost-weights-nat",
    "fails for streaming from S3 without a gateway endpoint",
    (r) => {
      r.splice(
        r.findIndex((x) => x.type === "aws:ec2/vpcEndpoint:VpcEndpoint"),
        1,
      );
    },
    [
      [
        "llm-stack-cost-weights-nat",
        "Deployment llm/vllm streams s3://llm-stack-dev-123456789012-us-east-1/models/meta-llama/Llama-3.1-8B-Instruct/main/ through the stack's NAT gateway at every pod start: the VPC has no S3 gateway endpoint on a route table. Fix: add an aws.ec2.VpcEndpoint (vpcEndpointType Gateway, serviceName com.amazonaws.<region>.s3) on the private route tables.",
      ],
    ],
  ],
  [
    "llm-stack-gpu-unknown-model",
    "fails for a model outside the catalog",
    (r) => (vllmContainer(r).command = ["vllm", "serve", "acme/secret-model-7b"]),
    [
      [
        "llm-stack-cost-weights-nat",
        "Deployment llm/vllm downloads acme/secret-model-7b from Hugging Face through the stack's NAT gateway at every pod start. Fix: stream it from the stack's S3 model cache (weightsSource s3).",
      ],
      [
        "llm-stack-gpu-unknown-model",
        "Deployment llm/vllm serves acme/secret-model-7b, which is not in the llm-stack catalog: its GPU memory fit cannot be checked. Fix: serve a catalog variant (llm-stack models) or add the model to infra/catalog/models.ts.",
      ],
    ],
  ],
  [
    "llm-stack-gpu-consistency",
    "fails when the GPU limit disagrees with TP × PP",
    (r) => {
      vllmContainer(r).resources.limits["nvidia.com/gpu"] = "2";
    },
    [
      [
        "llm-stack-gpu-consistency",
        "Deployment llm/vllm: nvidia.com/gpu is 2 but --tensor-parallel-size 1 × --pipeline-parallel-size 1 over 1 node(s) needs 1 GPU(s) per pod. Fix: set the GPU limit to 1.",
      ],
      [
        "llm-stack-gpu-consistency",
        "Deployment llm/vllm: one pod takes 2 GPUs, more than one p5.4xlarge has (1): it can never be scheduled. Fix: request at most 1 GPU(s) per pod.",
      ],
    ],
  ],
  [
    "llm-stack-gpu-consistency",
    "fails when the node selector matches no node group",
    (r) => {
      deploymentOf(r).spec.template.spec.nodeSelector["node.kubernetes.io/instance-type"] = "p5.48xlarge";
    },
    [
      [
        "llm-stack-gpu-consistency",
        'Deployment llm/vllm: its node selector {"llm-stack/gpu-pool":"true","llm-stack/stack":"dev","node.kubernetes.io/instance-type":"p5.48xlarge"} matches no node group in the stack (llm-system-ng: m7i.xlarge, llm-gpu-ng: p5.4xlarge). Fix: select the GPU node group\'s instance type and labels.',
      ],
    ],
  ],
  [
    "llm-stack-gpu-consistency",
    "fails when the node groups hold too few GPUs",
    (r) => {
      deploymentOf(r).spec.replicas = 3;
    },
    [
      [
        "llm-stack-gpu-consistency",
        "Deployment llm/vllm: 3 replica(s) × 1 GPU(s) need 3 × p5.4xlarge (1 GPUs each), but the matching node groups hold 1 node(s). Fix: size the GPU node group to 3 nodes or lower the replicas.",
      ],
    ],
  ],
  [
    "llm-stack-cost-budget",
    "fails above maxMonthlyUsd",
    () => undefined,
    [
      [
        "llm-stack-cost-budget",
        "The stack costs $5,569.75/month at maximum node-group size (730 h at $7.63/h at maximum node-group size ($7.43/h at desired size): 1 × GPU nodes p5.4xlarge $6.880/h + 2 × CPU nodes m7i.xlarge $0.403/h (3 at most: $0.605/h) + 1 × EKS control plane $0.100/h + 1 × NAT gateway $0.045/h), above maxMonthlyUsd $5,000.00. Fix: shrink the plan or raise the budget in the policy pack config.",
      ],
    ],
    { "llm-stack-cost-budget": { maxMonthlyUsd: 5000 } },
  ],
  [
    "llm-stack-cost-budget",
    "fails when an instance type has no price",
    (r) => {
      find(r, "aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs.instanceTypes = ["g6e.xlarge"];
    },
    [
      [
        "llm-stack-gpu-consistency",
        'Deployment llm/vllm: its node selector {"llm-stack/gpu-pool":"true","llm-stack/stack":"dev","node.kubernetes.io/instance-type":"p5.4xlarge"} matches no node group in the stack (llm-system-ng: m7i.xlarge, llm-gpu-ng: g6e.xlarge). Fix: select the GPU node group\'s instance type and labels.',
      ],
      [
        "llm-stack-cost-budget",
        "The budget cannot be proven with the price table of 2026-12-06: llm-gpu-ng: g6e.xlarge in us-east-1 has no on-demand price in the snapshot. Fix: use a priced instance type or add its row to infra/catalog/ec2-prices.json with its source (npm run prices:generate).",
      ],
    ],
  ],
  [
    "llm-stack-safety-image-pinned",
    "fails without a tag",
    (r) => {
      vllmContainer(r).image = "vllm/vllm-openai";
    },
    [
      [
        "llm-stack-safety-image-pinned",
        "Deployment llm/vllm: container vllm runs vllm/vllm-openai, which is not pinned (no tag): every node may pull a different vLLM. Fix: pin a release tag such as vllm/vllm-openai:v0.33.0 or a digest.",
      ],
    ],
  ],
  [
    "llm-stack-safety-image-pinned",
    "fails below the minimum version",
    (r) => {
      vllmContainer(r).image = "vllm/vllm-openai:v0.6.3";
    },
    [
      [
        "llm-stack-safety-image-pinned",
        "Deployment llm/vllm: container vllm runs vLLM 0.6.3, older than the minimum 0.33.0. Fix: upgrade the image to v0.33.0 or later.",
      ],
    ],
  ],
  [
    "llm-stack-safety-no-secret-args",
    "fails for an API key in args and a token in a plain env value",
    (r) => {
      vllmContainer(r).args.push("--api-key=sk-live-0123456789abcdefghijkl");
      vllmContainer(r).env.push({ name: "HF_TOKEN", value: "hf_abcdefghijklmnopqrstuvwx" });
    },
    [
      [
        "llm-stack-safety-no-secret-args",
        "Deployment llm/vllm: container vllm passes secret material in its args (--api-key); args are visible to anyone who can read the Deployment. Fix: pass it from a Secret (VLLM_API_KEY via secretKeyRef, HF_TOKEN_PATH to a mounted file).",
      ],
      [
        "llm-stack-safety-no-secret-args",
        "Deployment llm/vllm: container vllm sets HF_TOKEN as a plain value. Fix: use valueFrom.secretKeyRef or a mounted Secret file.",
      ],
    ],
  ],
  [
    "llm-stack-safety-no-public-lb",
    "fails for an internet-facing LoadBalancer in front of vLLM",
    (r) => {
      r.push({
        type: "kubernetes:core/v1:Service",
        name: "vllm-public",
        custom: true,
        secretInputs: [],
        provider: undefined,
        inputs: {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "vllm-public", namespace: "llm" },
          spec: {
            type: "LoadBalancer",
            selector: { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" },
            ports: [{ port: 80, targetPort: 8000 }],
          },
        },
      });
    },
    [
      [
        "llm-stack-safety-no-public-lb",
        'Service llm/vllm-public is an internet-facing LoadBalancer in front of Deployment llm/vllm. Fix: annotate it service.beta.kubernetes.io/aws-load-balancer-internal: "true" (llm-stack exposure internal-lb) or use a ClusterIP Service.',
      ],
    ],
  ],
  [
    "llm-stack-safety-probes",
    "fails for a missing liveness probe and a short startup budget",
    (r) => {
      delete vllmContainer(r).livenessProbe;
      vllmContainer(r).startupProbe.failureThreshold = 12;
    },
    [
      [
        "llm-stack-safety-probes",
        "Deployment llm/vllm: container vllm has no livenessProbe. Fix: probe GET /health with a startup probe sized for download and load, then readiness and liveness.",
      ],
      [
        "llm-stack-safety-probes",
        "Deployment llm/vllm: container vllm's startup probe allows 120 s, less than the minimum 600 s for downloading and loading weights. Fix: raise failureThreshold × periodSeconds.",
      ],
    ],
  ],
  [
    "llm-stack-safety-gpu-rollout",
    "fails for a surge rollout of a GPU workload",
    (r) => {
      deploymentOf(r).spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    },
    [
      [
        "llm-stack-safety-gpu-rollout",
        "Deployment llm/vllm requests GPUs but rolls out with maxSurge 1: the surge pod needs GPUs the node pool does not have. Fix: set strategy.rollingUpdate.maxSurge to 0 (maxUnavailable 1) or use Recreate.",
      ],
    ],
  ],
  [
    "llm-stack-safety-imdsv2",
    "fails for IMDSv1 and a hop limit of 2",
    (r) => {
      find(r, "aws:ec2/launchTemplate:LaunchTemplate", "llm-gpu-lt").inputs.metadataOptions = {
        httpEndpoint: "enabled",
        httpTokens: "optional",
        httpPutResponseHopLimit: 2,
      };
    },
    [
      [
        "llm-stack-safety-imdsv2",
        'Launch template llm-gpu-lt allows IMDSv1 (httpTokens optional). Fix: set metadataOptions.httpTokens to "required".',
      ],
      [
        "llm-stack-safety-imdsv2",
        "Launch template llm-gpu-lt has IMDS hop limit 2: pods can reach the node's credentials. Fix: set metadataOptions.httpPutResponseHopLimit to 1.",
      ],
    ],
  ],
  [
    "llm-stack-safety-eks-endpoint",
    "fails for a public endpoint open to the internet",
    (r) => {
      Object.assign(find(r, "aws:eks/cluster:Cluster", "llm-cluster-cluster").inputs.vpcConfig, {
        endpointPublicAccess: true,
        publicAccessCidrs: ["0.0.0.0/0"],
      });
    },
    [
      [
        "llm-stack-safety-eks-endpoint",
        "EKS cluster llm-cluster-cluster exposes its API endpoint too widely: publicAccessCidrs [0.0.0.0/0] together admit every public address. Fix: set clusterEndpointAccess private, or list the administrators' CIDRs in clusterPublicAccessCidrs (each at most a /16).",
      ],
    ],
  ],
  [
    "llm-stack-safety-eks-secrets-encrypted",
    "fails without KMS encryption of secrets",
    (r) => {
      delete find(r, "aws:eks/cluster:Cluster", "llm-cluster-cluster").inputs.encryptionConfig;
    },
    [
      [
        "llm-stack-safety-eks-secrets-encrypted",
        'EKS cluster llm-cluster-cluster does not encrypt Kubernetes Secrets with KMS. Fix: set encryptionConfig { provider.keyArn, resources: ["secrets"] }.',
      ],
    ],
  ],
  [
    "llm-stack-safety-gpu-taint",
    "fails for an untainted GPU node group",
    (r) => {
      find(r, "aws:eks/nodeGroup:NodeGroup", "llm-gpu-ng").inputs.taints = [];
    },
    [
      [
        "llm-stack-safety-gpu-taint",
        'Node group llm-gpu-ng (p5.4xlarge) has no nvidia.com/gpu NoSchedule taint: any pod may land on its GPU nodes. Fix: add taints [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }].',
      ],
    ],
  ],
];

describe("each policy from the dev baseline, one broken field at a time", () => {
  it.each(cases)("%s %s", async (policy, _, breakIt, messages, config) => {
    const resources = clone(baselines.dev!);
    breakIt(resources);
    const violations = await runPolicies(resources, config ?? {});
    expect(violations.map((v) => [v.policy, v.message])).toEqual(messages);
    expect(messages.some(([p]) => p === policy)).toBe(true);
  });

  it("fails memory fit for a context beyond the KV cache with the longest context that fits", async () => {
    const resources = clone(baselines.dev!);
    setArg(resources, "max-model-len", "600000");
    expect(only(await runPolicies(resources), "llm-stack-gpu-memory-fit")).toEqual([
      "Deployment llm/vllm serves meta-llama/Llama-3.1-8B-Instruct (llama-3.1-8b-instruct, bf16) on NVIDIA H100 SXM 80GB at TP 1 × PP 1, gpu-memory-utilization 0.9: 15.0 GiB of weights + 6.0 GiB of activations and overhead per GPU leave 50.3 GiB of the 71.3 GiB budget for the KV cache, but one 600000-token sequence needs 73.2 GiB. Fix: --max-model-len 412080 or less, or more GPUs.",
    ]);
  });

  it("fails shm for a multi-GPU vLLM without a memory-backed /dev/shm", async () => {
    const resources = clone(baselines.mixtral!);
    const volumes = deploymentOf(resources).spec.template.spec.volumes;
    volumes.find((v: { name: string }) => v.name === "dshm").emptyDir = {};
    expect(await runPolicies(resources)).toEqual([
      {
        policy: "llm-stack-safety-shm",
        level: "advisory",
        message:
          "Deployment llm/vllm: container vllm runs vLLM on 8 GPUs without a memory-backed /dev/shm. Fix: mount an emptyDir with medium Memory at /dev/shm.",
      },
    ]);
  });

  it("rejects an invalid TP for the model", async () => {
    const resources = clone(baselines.llama70b!);
    setArg(resources, "tensor-parallel-size", "3");
    vllmContainer(resources).resources.limits["nvidia.com/gpu"] = "3";
    expect(only(await runPolicies(resources), "llm-stack-gpu-consistency")).toEqual([
      "Deployment llm/vllm: --tensor-parallel-size 3 is invalid for llama-3.3-70b-instruct: the 64 attention heads are not divisible by 3. Fix: use one of 1, 2, 4, 8.",
    ]);
  });

  it("refuses a model it cannot verify by default, and lets the pack config vouch for it deliberately (advisory)", async () => {
    const resources = clone(baselines.dev!);
    vllmContainer(resources).command = ["vllm", "serve", "acme/secret-model-7b"];
    expect(mandatory(await runPolicies(resources)).map((v) => v.policy)).toEqual(["llm-stack-gpu-unknown-model"]);
    const vouched = await runPolicies(resources, { "llm-stack-gpu-unknown-model": { enforcementLevel: "advisory" } });
    expect(mandatory(vouched)).toEqual([]);
    expect(vouched.filter((v) => v.policy === "llm-stack-gpu-unknown-model").map((v) => v.level)).toEqual(["advisory"]);
  });
});

/** @pulumi/policy's own unknown sentinel and proxy (marked internal, so untyped): exactly what a preview hands policies. */
interface ProxyInternals {
  unknownCheckingProxy<T extends object>(props: T): T;
  unknownStringValue: never;
  UnknownValueError: new (...args: never[]) => Error;
}

describe("preview unknowns", () => {
  let proxy: ProxyInternals;
  beforeAll(async () => {
    proxy = (await import("@pulumi/policy/proxy")) as unknown as ProxyInternals;
  });

  /** Runs the memory-fit policy with one resource's value replaced by the engine's unknown sentinel. */
  function fitWithUnknown(
    baseline: string,
    type: string,
    name: string,
    makeUnknown: (inputs: Record<string, any>) => void,
    alsoBreak: (resources: RecordedResource[]) => void = () => undefined,
  ) {
    const resources = clone(baselines[baseline]!);
    alsoBreak(resources);
    const target = find(resources, type, name);
    makeUnknown(target.inputs);
    const policyResources = resources
      .filter((r) => r.custom)
      .map((r) => (r === target ? asPolicyResource(r, proxy.unknownCheckingProxy(r.inputs)) : asPolicyResource(r)));
    const reported: string[] = [];
    const run = () =>
      gpuMemoryFit.validateStack(
        {
          resources: policyResources,
          stackTags: new Map(),
          getConfig: <T>() => ({ maxGpuMemoryUtilization: 0.95 }) as T,
          notApplicable: () => {
            throw new Error("n/a");
          },
        },
        (m) => reported.push(m),
      );
    return { run, reported };
  }

  it("neither crashes nor passes when a vLLM arg is unknown: it raises UnknownValueError for the engine to report", () => {
    const { run, reported } = fitWithUnknown("llama70b", "kubernetes:apps/v1:Deployment", "vllm-deployment", (inputs) => {
      inputs.spec.template.spec.containers[0].args = proxy.unknownStringValue;
    });
    expect(run).toThrow(proxy.UnknownValueError);
    expect(reported).toEqual([]);
  });

  it("decides from what is known when unrelated values are unknown", async () => {
    const { run, reported } = fitWithUnknown(
      "dev",
      "aws:eks/cluster:Cluster",
      "llm-cluster-cluster",
      (inputs) => {
        inputs.roleArn = proxy.unknownStringValue;
      },
      (resources) => setArg(resources, "gpu-memory-utilization", "0.99"),
    );
    await run();
    expect(reported).toEqual([
      "Deployment llm/vllm: --gpu-memory-utilization 0.99 is above the allowed 0.95, leaving too little room for the CUDA context, NCCL buffers and fragmentation. Fix: set it to 0.95 or less (the planner uses 0.90) and add GPUs if the KV cache no longer fits.",
    ]);
  });
});

describe("the pack's documentation and example config", () => {
  it("lists every policy in the README table and in policies/config.example.json", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "policies", "config.example.json"), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(example)).toEqual(POLICIES.map((p) => p.name));
    for (const policy of POLICIES) {
      expect(readme).toContain(`| \`${policy.name}\` |`);
      for (const key of Object.keys(policy.configSchema?.properties ?? {})) expect(example[policy.name]).toHaveProperty(key);
    }
  });
});
