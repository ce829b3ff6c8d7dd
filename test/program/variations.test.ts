/**
 * The program against stack configs other than the committed ones — each its own run under mocks:
 * secrets kept out, determinism, a model switch, existing clusters and kubeconfig, AZ placement, the
 * endpoint, support type, admins, Capacity Blocks, exposure, and every refusal with nothing registered.
 */
import { describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import * as pulumi from "@pulumi/pulumi";
import { type PlanInputError } from "../../infra/plan";
import { runProgram, stackFileConfig, type RecordedResource } from "../program-runner";
import { HF_TOKEN, API_KEY, withToken, SECRET_KEYS, byName, listOf, privateIds } from "../support/program-fixtures";
import { committedRun } from "../support/committed-runs";

describe("the program", () => {
  it("validates the Kubernetes validator is live: a broken Deployment fails", () => {
    expect(() => new Deployment({ metadata: { name: "x" }, spec: { replicas: "two" } } as never).validate()).toThrow();
  });

  it("keeps secrets out of everything but secret outputs and Kubernetes Secret data", async () => {
    process.env.LLM_STACK_TEST_API_KEY = API_KEY;
    try {
      const { resources, outputs, secretOutputs } = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS });
      const holders = resources
        .filter((r) => JSON.stringify(r.inputs).includes(HF_TOKEN) || JSON.stringify(r.inputs).includes(API_KEY))
        .map((r) => r.name);
      expect(holders).toEqual(["vllm-secrets"]);
      const secret = byName(resources, "vllm-secrets").inputs;
      expect(secret.stringData).toEqual({ "api-key": API_KEY, "hf-token": HF_TOKEN });
      const leaking = Object.entries(outputs ?? {})
        .filter(([, v]) => JSON.stringify(v).includes(API_KEY) || JSON.stringify(v).includes(HF_TOKEN))
        .map(([k]) => k);
      expect(leaking).toEqual(["apiKey"]);
      expect(secretOutputs).toContain("apiKey");
    } finally {
      delete process.env.LLM_STACK_TEST_API_KEY;
    }
  });

  it("registers identical resources and inputs when run twice with the same config", async () => {
    // The suite's run of the committed stack (its own process, before every test file) and this one.
    const first = committedRun("mixtral");
    const second = await runProgram(withToken(stackFileConfig("mixtral")), { stack: "mixtral", secretKeys: SECRET_KEYS });
    const canonical = (resources: RecordedResource[]) =>
      [...resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    expect(JSON.parse(JSON.stringify(canonical(second.resources)))).toEqual(canonical(first.resources));
    expect(JSON.parse(JSON.stringify(second.outputs))).toEqual(first.outputs);
  });

  it("changes only the GPU pool, the Deployment, the copy Job and the cache's access policies when the model changes", async () => {
    const before = committedRun("dev");
    const after = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:model": "mistral-small-3.2-24b-instruct" }), {
      secretKeys: SECRET_KEYS,
    });
    expect(listOf(after.resources)).toEqual(listOf(before.resources));
    const changed = before.resources
      .filter((r) => JSON.stringify(byName(after.resources, r.name, r.type).inputs) !== JSON.stringify(r.inputs))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    // The launch template stays: with the data on instance-store NVMe its root volume no longer
    // grows with the model, so only the pool's labels and the server change — and the model cache's
    // revision prefix: a new copy Job, and both roles' policies scoped to the new prefix.
    expect(changed).toEqual([
      "aws:eks/nodeGroup:NodeGroup llm-gpu-ng",
      "aws:iam/rolePolicy:RolePolicy vllm-model-copy-policy",
      "aws:iam/rolePolicy:RolePolicy vllm-model-read-policy",
      "kubernetes:apps/v1:Deployment vllm-deployment",
      "kubernetes:batch/v1:Job vllm-copy",
      // Its alert and cost rules select the served model's series by model_name.
      "kubernetes:monitoring.coreos.com/v1:PrometheusRule vllm-rules",
    ]);
    for (const [type, name] of [
      ["aws:ec2/vpc:Vpc", "llm-network-vpc"],
      ["aws:eks/cluster:Cluster", "llm-cluster-cluster"],
      ["aws:kms/key:Key", "llm-cluster-secrets"],
      ["aws:eks/nodeGroup:NodeGroup", "llm-system-ng"],
    ] as const) {
      expect(byName(after.resources, name, type).inputs).toEqual(byName(before.resources, name, type).inputs);
    }
  });

  it("changes only Llama 8B's Deployment when only its entry's context changes in the fleet set", async () => {
    const config = stackFileConfig("fleet");
    const models = JSON.parse(config["llm-stack:models"]!) as Array<Record<string, unknown>>;
    models[1] = { ...models[1], maxModelLen: 16384 };
    const after = await runProgram(withToken({ ...config, "llm-stack:models": JSON.stringify(models) }), {
      stack: "fleet",
      secretKeys: SECRET_KEYS,
    });
    expect(after.error).toBeUndefined();
    const resources = committedRun("fleet").resources;
    expect(listOf(after.resources)).toEqual(listOf(resources));
    const changed = resources
      .filter((r) => JSON.stringify(byName(after.resources, r.name, r.type).inputs) !== JSON.stringify(r.inputs))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    // The context is one vLLM flag of one server: its Deployment's args. Nothing of the other three
    // models, of the gateway or of the node groups moves: at 16k Llama 8B keeps its one GPU, its node
    // and its share of the bill, and its alert rules name the model, not its context.
    expect(changed).toEqual(["kubernetes:apps/v1:Deployment llama-8b-deployment"]);
  });

  it("adds a GPU pool to an existing EKS cluster without creating a VPC or cluster, in the subnets whose AZ offers the type", async () => {
    const run = await runProgram(
      withToken({
        ...stackFileConfig("dev"),
        "llm-stack:cluster": "eks:platform",
        "llm-stack:nodeSubnetIds": '["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]',
      }),
      {
        secretKeys: SECRET_KEYS,
        subnets: { "subnet-0123456789abcdef0": "use1-az1", "subnet-0fedcba9876543210": "use1-az4" },
        offerings: { "p5.4xlarge": ["use1-az4", "use1-az6"] },
      },
    );
    expect(run.error).toBeUndefined();
    expect(listOf(run.resources).filter((r) => /Vpc |eks\/cluster:|network:Network|EksCluster|SystemNodeGroup|Subnet/.test(r))).toEqual([]);
    const group = byName(run.resources, "llm-gpu-ng").inputs;
    expect([group.clusterName, group.subnetIds]).toEqual(["platform", ["subnet-0fedcba9876543210"]]);
    // An existing cluster may run its own Prometheus operator: the stack installs none unless asked (observability prometheus).
    expect(listOf(run.resources).filter((r) => /prometheus|dcgm|monitoring/i.test(r))).toEqual([]);
    expect(run.outputs?.hourlyUsd).toBe(6.88);
  });

  it("deploys where the AWS provider would without aws:region: AWS_REGION, else a refusal naming the key", async () => {
    const { "aws:region": _, ...withoutRegion } = withToken(stackFileConfig("dev"));
    const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
    try {
      delete process.env.AWS_DEFAULT_REGION;
      process.env.AWS_REGION = "us-west-2";
      // @pulumi/aws config/vars.js: region = aws:region ?? AWS_REGION ?? AWS_DEFAULT_REGION; the GPU pool lands in us-west-2's AZs.
      const west = await runProgram(withoutRegion, { secretKeys: SECRET_KEYS });
      expect(west.error).toBeUndefined();
      expect((west.outputs?.gpuZoneIds as string[]).every((id) => id.startsWith("usw2-"))).toBe(true);
      delete process.env.AWS_REGION;
      const nowhere = await runProgram(withoutRegion, { secretKeys: SECRET_KEYS });
      expect(nowhere.resources).toEqual([]);
      expect((nowhere.error as PlanInputError).issues.map((issue) => issue.path)).toEqual(["aws:region"]);
    } finally {
      for (const [name, value] of [
        ["AWS_REGION", saved[0]],
        ["AWS_DEFAULT_REGION", saved[1]],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("fails, registering nothing, when none of an existing cluster's subnets is in an AZ offering the type", async () => {
    const run = await runProgram(
      withToken({
        ...stackFileConfig("dev"),
        "llm-stack:cluster": "eks:platform",
        "llm-stack:nodeSubnetIds": '["subnet-0123456789abcdef0"]',
      }),
      { secretKeys: SECRET_KEYS, subnets: { "subnet-0123456789abcdef0": "use1-az1" }, offerings: { "p5.4xlarge": ["use1-az4"] } },
    );
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual(["llm-stack:nodeSubnetIds"]);
    expect((run.error as Error).message).toContain(
      "none of nodeSubnetIds [subnet-0123456789abcdef0 (use1-az1)] is in an AZ where p5.4xlarge can run in us-east-1 (AZ ids offering it: use1-az4)",
    );
  });

  it("puts the GPU node group only in the AZ that offers the type, by AZ id, and the VPC in every AZ", async () => {
    // Only use1-az6 (us-east-1b in the mock account) offers p5.4xlarge; use1-az3 takes nodes but no EKS control plane.
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": ["use1-az6"] } });
    expect(run.error).toBeUndefined();
    const subnet = (name: string) => byName(run.resources, name, "aws:ec2/subnet:Subnet").inputs;
    // Addresses from the AZ number: private 10.0.32N.0/19, public 10.0.N.0/24.
    expect(
      ["use1-az1", "use1-az3", "use1-az6"].map((zoneId) => [
        subnet(`llm-network-private-${zoneId}`).availabilityZoneId,
        subnet(`llm-network-private-${zoneId}`).cidrBlock,
        subnet(`llm-network-public-${zoneId}`).cidrBlock,
      ]),
    ).toEqual([
      ["use1-az1", "10.0.32.0/19", "10.0.1.0/24"],
      ["use1-az3", "10.0.96.0/19", "10.0.3.0/24"],
      ["use1-az6", "10.0.192.0/19", "10.0.6.0/24"],
    ]);
    expect(subnet("llm-network-private-use1-az6").availabilityZone).toBeUndefined();
    expect(byName(run.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az6"));
    const clusterSubnets = privateIds("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6");
    expect(byName(run.resources, "llm-system-ng").inputs.subnetIds).toEqual(clusterSubnets);
    expect(byName(run.resources, "llm-cluster-cluster").inputs.vpcConfig.subnetIds).toEqual(clusterSubnets);
    expect(run.outputs?.gpuZoneIds).toEqual(["use1-az6"]);
  });

  it("keeps the network identical when a model switch moves the GPUs to an instance type offered elsewhere", async () => {
    const offerings = { "p5.4xlarge": ["use1-az4", "use1-az6"], "p5.48xlarge": ["use1-az2", "use1-az4"] };
    const before = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings });
    const after = await runProgram(
      withToken({ ...stackFileConfig("dev"), "llm-stack:model": "llama-3.3-70b-instruct", "llm-stack:maxHourlyUsd": "60" }),
      { secretKeys: SECRET_KEYS, offerings },
    );
    const network = (run: typeof before) =>
      run.resources.filter((r) => r.type.startsWith("aws:ec2/") && !r.name.startsWith("llm-gpu")).map((r) => [r.name, r.inputs]);
    expect(network(after)).toEqual(network(before));
    expect(byName(before.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az4", "use1-az6"));
    expect(byName(after.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az2", "use1-az4"));
  });

  it("runs GPU nodes in an AZ EKS refuses for control planes (use1-az3) when only it offers the type", async () => {
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": ["use1-az3"] } });
    expect(byName(run.resources, "llm-gpu-ng").inputs.subnetIds).toEqual(privateIds("use1-az3"));
    expect(byName(run.resources, "llm-cluster-cluster").inputs.vpcConfig.subnetIds).not.toContain("llm-network-private-use1-az3-id");
  });

  it("fails, registering nothing, when the region offers the instance type in no AZ", async () => {
    const run = await runProgram(withToken(stackFileConfig("dev")), { secretKeys: SECRET_KEYS, offerings: { "p5.4xlarge": [] } });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual(["aws:region"]);
    expect((run.error as Error).message).toContain(
      "p5.4xlarge is not offered in any available AZ of us-east-1 [us-east-1c (use1-az1), us-east-1d (use1-az2), us-east-1e (use1-az3), us-east-1a (use1-az4), us-east-1f (use1-az5), us-east-1b (use1-az6)]",
    );
  });

  it("opens a public endpoint to the allowlist only, or keeps it private, and pins a version in standard support with an explicit upgrade policy", async () => {
    const publicRun = committedRun("dev");
    const cluster = byName(publicRun.resources, "llm-cluster-cluster").inputs;
    const clusterSubnets = privateIds("use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6");
    expect(cluster.vpcConfig).toEqual({
      subnetIds: clusterSubnets,
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["198.51.100.7/32"],
    });
    // EKS 1.35: standard support until 2027-03-27 (endoflife.date/amazon-eks, read 2026-11-27); 1.34 ends 2026-12-02.
    expect([cluster.version, cluster.upgradePolicy]).toEqual(["1.35", { supportType: "STANDARD" }]);
    const privateRun = await runProgram(
      withToken({ ...stackFileConfig("dev"), "llm-stack:clusterEndpointAccess": "private", "llm-stack:clusterPublicAccessCidrs": "[]" }),
      { secretKeys: SECRET_KEYS },
    );
    expect(privateRun.error).toBeUndefined();
    expect(byName(privateRun.resources, "llm-cluster-cluster").inputs.vpcConfig).toEqual({
      subnetIds: clusterSubnets,
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    });
  });

  it("prices and sets extended support when the stack chooses it: $0.60/h instead of $0.10/h for the control plane", async () => {
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:kubernetesSupportType": "extended" }), {
      secretKeys: SECRET_KEYS,
    });
    expect(byName(run.resources, "llm-cluster-cluster").inputs.upgradePolicy).toEqual({ supportType: "EXTENDED" });
    // 6.88 (p5.4xlarge) + 2 × 0.2016 (m7i.xlarge) + 0.60 (EKS extended) + 0.045 (NAT) = 7.9282
    expect(run.outputs?.hourlyUsd).toBe(7.9282);
  });

  it("gives the listed IAM principals cluster admin through access entries", async () => {
    const admins = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:user/alice"];
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:clusterAdminPrincipalArns": JSON.stringify(admins) }), {
      secretKeys: SECRET_KEYS,
    });
    expect(
      run.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry").map((r) => [r.name, r.inputs.principalArn, r.inputs.type]),
    ).toEqual([
      // Named by the first 10 hex digits of each ARN's SHA-256 (`printf %s <arn> | sha256sum`), never by position.
      ["llm-cluster-admin-262f3962e8", admins[0], "STANDARD"],
      ["llm-cluster-admin-b7d71d383b", admins[1], "STANDARD"],
    ]);
    expect(
      run.resources
        .filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
        .map((r) => [r.inputs.policyArn, r.inputs.accessScope]),
    ).toEqual([
      ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
      ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
    ]);
  });

  it("refuses, registering nothing, an admin list that names the identity running pulumi (EKS already made it admin)", async () => {
    // The mock caller is arn:aws:sts::123456789012:assumed-role/deployer/pulumi-session: the role deployer.
    const run = await runProgram(
      withToken({ ...stackFileConfig("dev"), "llm-stack:clusterAdminPrincipalArns": '["arn:aws:iam::123456789012:role/ci/deployer"]' }),
      { secretKeys: SECRET_KEYS },
    );
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => [issue.path, issue.hint])).toEqual([
      ["llm-stack:clusterAdminPrincipalArns", "Remove arn:aws:iam::123456789012:role/ci/deployer from clusterAdminPrincipalArns."],
    ]);
  });

  it("registers the same resources whether the Pulumi CLI filled in Pulumi.yaml's defaults or a key was never declared", async () => {
    const raw: Record<string, string> = {
      "aws:region": "us-east-1",
      "llm-stack:model": "llama-3.1-8b-instruct",
      "llm-stack:maxModelLen": "32768",
      "llm-stack:maxHourlyUsd": "10",
    };
    const withDefaults = committedRun("dev");
    const without = await runProgram(withToken(raw), { secretKeys: SECRET_KEYS });
    expect(Object.keys(stackFileConfig("dev")).length).toBeGreaterThan(Object.keys(raw).length);
    const canonical = (resources: RecordedResource[]) =>
      [...resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    expect(JSON.parse(JSON.stringify(canonical(without.resources)))).toEqual(canonical(withDefaults.resources));
  });

  it("deploys only the vLLM server to a cluster reached by kubeconfig", async () => {
    const run = await runProgram(
      withToken({ ...stackFileConfig("dev"), "llm-stack:cluster": "kubeconfig", "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n" }),
      { secretKeys: SECRET_KEYS },
    );
    expect(run.error).toBeUndefined();
    expect(listOf(run.resources).filter((r) => r.startsWith("aws:") || r.includes("Release"))).toEqual([]);
    const pod = byName(run.resources, "vllm-deployment").inputs.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "node.kubernetes.io/instance-type": "p5.4xlarge" });
    // Its AWS side is not the stack's: no cache, no copy Job; vLLM downloads from Hugging Face with the token file.
    expect(listOf(run.resources).filter((r) => /Job|ConfigMap|model-cache|copy|prometheus|monitoring/i.test(r))).toEqual([]);
    expect(pod.containers[0].command).toEqual(["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]);
    expect(pod.containers[0].env.find((e: any) => e.name === "HF_TOKEN_PATH")).toEqual({
      name: "HF_TOKEN_PATH",
      value: "/var/run/secrets/huggingface/token",
    });
    // Nor are its nodes' roles: images come from their own registries (imageSource auto = upstream), as pinned.
    expect(pod.containers[0].image).toBe("vllm/vllm-openai:v0.33.0");
  });

  it("buys a Capacity Block through the launch template and launches only in the reservation's AZ", async () => {
    const run = await runProgram(
      withToken({
        ...stackFileConfig("dev"),
        "llm-stack:capacityType": "capacity-block",
        // AWS sells no p5.4xlarge block (no rate in the snapshot): the reservation's type, and a budget that holds it ($34.61/h + the cluster).
        "llm-stack:allowedInstanceTypes": '["p5.48xlarge"]',
        "llm-stack:maxHourlyUsd": "40",
        "llm-stack:capacityReservationId": "cr-0123456789abcdef0",
        "llm-stack:capacityReservationZoneId": "use1-az6",
        "llm-stack:capacityReservationStartDate": "2026-12-10T11:30:00Z",
        "llm-stack:capacityReservationEndDate": "2026-12-17T11:30:00Z",
      }),
      { secretKeys: SECRET_KEYS },
    );
    const template = byName(run.resources, "llm-gpu-lt").inputs;
    expect(template.instanceMarketOptions).toEqual({ marketType: "capacity-block" });
    expect(template.capacityReservationSpecification).toEqual({
      capacityReservationTarget: { capacityReservationId: "cr-0123456789abcdef0" },
    });
    const group = byName(run.resources, "llm-gpu-ng").inputs;
    expect(group.capacityType).toBe("CAPACITY_BLOCK");
    expect(group.subnetIds).toEqual(privateIds("use1-az6"));
    expect(run.outputs?.gpuZoneIds).toEqual(["use1-az6"]);
  });

  it("puts an internal load balancer in front of vLLM and admits only the VPC", async () => {
    const run = await runProgram(withToken({ ...stackFileConfig("dev"), "llm-stack:exposure": "internal-lb" }), {
      secretKeys: SECRET_KEYS,
    });
    const lb = byName(run.resources, "vllm-internal-lb").inputs;
    expect(lb.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]).toBe("true");
    expect(lb.spec.loadBalancerSourceRanges).toEqual(["10.0.0.0/16"]);
    expect(() => new Service(lb).validate()).not.toThrow();
    expect(byName(run.resources, "vllm-netpol").inputs.spec.ingress[0].from).toEqual([
      { podSelector: { matchLabels: { "llm-stack/client": "true" } } },
      { ipBlock: { cidr: "10.0.0.0/16" } },
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llm-monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);
  });

  it("fails on bad config with one error naming every problem, and registers nothing", async () => {
    const run = await runProgram({
      "aws:region": "us-east-1",
      "llm-stack:model": "llama-4-scout-17b-16e-instruct",
      "llm-stack:quantization": "int8",
      "llm-stack:maxModelLen": "20000000",
      "llm-stack:tensorParallelSize": "16",
      "llm-stack:replicas": "two",
      "llm-stack:vllmImage": "vllm/vllm-openai:latest",
      "llm-stack:exposure": "public",
    });
    expect(run.resources).toEqual([]);
    // The program's modules are loaded afresh per run, so compare the error by name, not class identity.
    expect((run.error as Error).name).toBe("StackConfigError");
    expect(pulumi.RunError.isInstance(run.error)).toBe(true);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual([
      "llm-stack:vllmImage",
      "llm-stack:exposure",
      "llm-stack:clusterPublicAccessCidrs",
      "llm-stack:quantization",
      "llm-stack:replicas",
      "llm-stack:maxModelLen",
      "llm-stack:tensorParallelSize",
      // The image cache, on by default for a created cluster, pulls vLLM's Docker Hub image with the operator's login.
      "llm-stack:dockerHubUsername",
      "llm-stack:dockerHubAccessToken",
      "llm-stack:hfToken",
    ]);
    expect((run.error as PlanInputError).message.split("\n")[0]).toBe("invalid stack configuration; nothing was created (10 problems):");
  });

  it.each([
    ["an unknown model", { "llm-stack:model": "gpt-5" }, "llm-stack:model"],
    [
      "a quantization the model lacks",
      { "llm-stack:model": "phi-3.5-mini-instruct", "llm-stack:quantization": "int4" },
      "llm-stack:quantization",
    ],
    ["a context above the model's maximum", { "llm-stack:maxModelLen": "262144" }, "llm-stack:maxModelLen"],
    [
      "a TP that breaks vLLM's rules",
      { "llm-stack:model": "llama-4-scout-17b-16e-instruct", "llm-stack:tensorParallelSize": "16", "llm-stack:maxHourlyUsd": "100" },
      "llm-stack:tensorParallelSize",
    ],
    ["a plan above maxHourlyUsd", { "llm-stack:model": "llama-3.3-70b-instruct" }, "llm-stack:maxHourlyUsd"],
    ["a gated model without hfToken", {}, "llm-stack:hfToken"],
    ["a value of the wrong type", { "llm-stack:concurrency": "many" }, "llm-stack:concurrency"],
    ["an hfToken given in plain text", { "llm-stack:hfToken": "hf_plain" }, "llm-stack:hfToken"],
    ["a public endpoint without an allowlist", { "llm-stack:clusterPublicAccessCidrs": "[]" }, "llm-stack:clusterPublicAccessCidrs"],
    [
      "a Capacity Block without its AZ",
      {
        "llm-stack:capacityType": "capacity-block",
        "llm-stack:allowedInstanceTypes": '["p5.48xlarge"]',
        "llm-stack:maxHourlyUsd": "40",
        "llm-stack:capacityReservationId": "cr-0123456789abcdef0",
        "llm-stack:capacityReservationStartDate": "2026-12-10T11:30:00Z",
        "llm-stack:capacityReservationEndDate": "2026-12-17T11:30:00Z",
      },
      "llm-stack:capacityReservationZoneId",
    ],
    ["an admin that is not an IAM ARN", { "llm-stack:clusterAdminPrincipalArns": '["alice"]' }, "llm-stack:clusterAdminPrincipalArns"],
    // The whole internet in two halves, or one block wider than a /16: refused before anything is created (infra/plan/cidr.ts).
    [
      "an allowlist of the whole internet in two halves",
      { "llm-stack:clusterPublicAccessCidrs": '["0.0.0.0/1", "128.0.0.0/1"]' },
      "llm-stack:clusterPublicAccessCidrs",
    ],
    [
      "an allowlist block wider than a /16",
      { "llm-stack:clusterPublicAccessCidrs": '["52.0.0.0/12"]' },
      "llm-stack:clusterPublicAccessCidrs",
    ],
    // System and kit-owned namespaces (infra/plan/namespaces.ts).
    ["the server in kube-system", { "llm-stack:namespace": "kube-system" }, "llm-stack:namespace"],
    ["the server in default", { "llm-stack:namespace": "default" }, "llm-stack:namespace"],
    ["the server in the kit's own monitoring namespace", { "llm-stack:namespace": "llm-monitoring" }, "llm-stack:namespace"],
    // Moving tags in any case, also as one word of a version tag (infra/plan/image-pin.ts).
    ["a vLLM image tagged Latest", { "llm-stack:vllmImage": "vllm/vllm-openai:Latest" }, "llm-stack:vllmImage"],
    ["a vLLM image tagged stable", { "llm-stack:vllmImage": "vllm/vllm-openai:stable" }, "llm-stack:vllmImage"],
    [
      "a vLLM image whose version tag carries a moving word",
      { "llm-stack:vllmImage": "vllm/vllm-openai:v0.33.0-nightly" },
      "llm-stack:vllmImage",
    ],
    [
      "the image cache on a cluster reached by kubeconfig",
      {
        "llm-stack:cluster": "kubeconfig",
        "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n",
        "llm-stack:clusterPublicAccessCidrs": "[]",
        "llm-stack:dockerHubUsername": "",
        "llm-stack:githubUsername": "",
        "llm-stack:imageSource": "ecr-cache",
      },
      "llm-stack:imageSource",
    ],
    ["the image cache without the operator's Docker Hub user", { "llm-stack:dockerHubUsername": "" }, "llm-stack:dockerHubUsername"],
    [
      "the S3 model cache on a cluster reached by kubeconfig",
      {
        "llm-stack:cluster": "kubeconfig",
        "llm-stack:kubeconfig": "apiVersion: v1\nkind: Config\n",
        "llm-stack:clusterPublicAccessCidrs": "[]",
        "llm-stack:weightsSource": "s3",
      },
      "llm-stack:weightsSource",
    ],
  ])("fails on %s, registering nothing", async (_, override, path) => {
    // The stack as the operator completes it, then the override: hfToken as a Pulumi secret unless overridden in plain text.
    const config: Record<string, string> = { ...withToken(stackFileConfig("dev")), ...override };
    if (path === "llm-stack:hfToken" && !("llm-stack:hfToken" in override)) config["llm-stack:hfToken"] = "";
    const run = await runProgram(config, {
      secretKeys: "llm-stack:hfToken" in override ? SECRET_KEYS.filter((key) => key !== "llm-stack:hfToken") : SECRET_KEYS,
    });
    expect(run.resources).toEqual([]);
    expect((run.error as PlanInputError).issues.map((issue) => issue.path)).toEqual([path]);
  });
});
