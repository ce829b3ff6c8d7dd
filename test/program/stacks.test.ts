/**
 * Each committed stack (dev, mixtral, scout) as the real program registers it under mocks — one
 * run per stack for the whole suite (test/support/committed-runs-setup.ts): its resources, images,
 * GPU pool, storage, server, secrets, model cache, monitoring, schemas and scheduling.
 */
import { describe, expect, it } from "vitest";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import PostalMime from "postal-mime";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { crdValidator } from "../support/crd-schema";
import { eksTaint, schedulingProblems } from "../support/kube-scheduling";
import { unknownVllmSeries } from "../../infra/catalog";
import { imagePullProblems, pulledImages, registryOf } from "../support/image-pulls";
import {
  byName,
  planOf,
  KUBERNETES_MODELS,
  STACK_REGIONS,
  cacheOf,
  listOf,
  createModeResources,
  AUTOSCALED_RESOURCES,
  BENCHMARK_RESOURCES,
  BENCHMARKED_STACKS,
  FALLBACK_RESOURCES,
  FALLBACK_STACKS,
  AUTOSCALED_GROUPS,
  STACK_MODELS,
} from "../support/program-fixtures";
import { committedRun } from "../support/committed-runs";

describe.each(["dev", "mixtral", "scout"])("stack %s under mocks", (stack) => {
  const plan = planOf(stack);
  const runPromise = Promise.resolve().then(() => committedRun(stack as "dev" | "mixtral" | "scout"));

  it("pulls every pod's image through the stack's own ECR pull-through cache, NGC's (which ECR cannot mirror) alone directly", async () => {
    const { resources } = await runPromise;
    expect(imagePullProblems(resources, { accountId: "123456789012", region: STACK_REGIONS[stack]!, stackPrefix: `llm-${stack}` })).toEqual(
      [],
    );
    // vllm/vllm-openai:v0.33.0 is docker.io's: under the Docker Hub rule, its path kept.
    expect(byName(resources, "vllm-deployment").inputs.spec.template.spec.containers[0].image).toBe(
      `${cacheOf(stack)}/docker-hub/vllm/vllm-openai:v0.33.0`,
    );
    expect(
      pulledImages(resources)
        .filter((p) => registryOf(p.image) === "nvcr.io")
        .map((p) => p.image)
        .sort(),
    ).toEqual(["nvcr.io/nvidia/k8s-device-plugin:v0.20.0", "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless"]);
    // Every rule under the stack's own prefix; the nodes may import upstream images into those repositories and create them.
    for (const rule of resources.filter((r) => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"))
      expect(rule.inputs.ecrRepositoryPrefix).toMatch(new RegExp(`^llm-${stack}/`));
    expect(JSON.parse(byName(resources, "llm-nodes-inline").inputs.policy).Statement).toEqual([
      {
        Sid: "PullThroughCache",
        Effect: "Allow",
        Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        Resource: `arn:aws:ecr:${STACK_REGIONS[stack]}:123456789012:repository/llm-${stack}/*`,
      },
    ]);
    // The operator's Docker Hub login reaches Secrets Manager only as a Pulumi secret, named as ECR requires.
    expect(byName(resources, "llm-image-cache-docker-hub-login", "aws:secretsmanager/secret:Secret").inputs.name).toBe(
      `ecr-pullthroughcache/llm-${stack}-docker-hub`,
    );
    const login = byName(resources, "llm-image-cache-docker-hub-login", "aws:secretsmanager/secretVersion:SecretVersion");
    expect(login.secretInputs).toContain("secretString");
    expect(JSON.parse(login.inputs.secretString)).toEqual({ username: "operator", accessToken: "dckr_pat_test" });
    expect(resources.filter((r) => r !== login && JSON.stringify(r.inputs).includes("dckr_pat_test")).map((r) => r.name)).toEqual([]);
    // Kubernetes objects wait for the rules (through the provider, which waits for the nodes and the cache).
    expect(byName(resources, "llm-k8s").dependencies).toEqual(
      expect.arrayContaining(["llm-image-cache-docker-hub", "llm-image-cache-quay"]),
    );
  });

  it("registers exactly the expected resources, once each — no LeaderWorkerSet objects for a single-node plan", async () => {
    const { resources, error } = await runPromise;
    expect(error).toBeNull();
    expect(listOf(resources)).toEqual(
      [
        ...createModeResources(plan.region),
        ...(stack in AUTOSCALED_GROUPS ? AUTOSCALED_RESOURCES : []),
        ...(BENCHMARKED_STACKS.includes(stack) ? BENCHMARK_RESOURCES : []),
        ...(FALLBACK_STACKS.includes(stack) ? FALLBACK_RESOURCES : []),
      ].sort(),
    );
    expect(resources.filter((r) => /leaderworkerset|LwsController|llm-lws/.test(`${r.type} ${r.name}`))).toEqual([]);
  });

  it("sizes the GPU node group from the plan", async () => {
    const { resources } = await runPromise;
    const group = byName(resources, "llm-gpu-ng").inputs;
    expect(group.instanceTypes).toEqual([plan.instanceType]);
    expect(group.scalingConfig).toEqual(AUTOSCALED_GROUPS[stack] ?? { desiredSize: plan.nodes, minSize: plan.nodes, maxSize: plan.nodes });
    // Cluster Autoscaler owns an autoscaled stack's group sizes (both groups: EKS tags each for its discovery); a fixed stack's are Pulumi's.
    const sizedByAutoscaler = stack in AUTOSCALED_GROUPS ? ["scalingConfig.desiredSize"] : [];
    expect([byName(resources, "llm-gpu-ng").ignoreChanges, byName(resources, "llm-system-ng").ignoreChanges]).toEqual([
      sizedByAutoscaler,
      sizedByAutoscaler,
    ]);
    expect(group.amiType).toBe("AL2023_x86_64_NVIDIA");
    expect(group.capacityType).toBe("ON_DEMAND");
    expect(group.nodeGroupNamePrefix).toBe("llm-gpu-");
    expect(group.nodeGroupName).toBeUndefined();
    expect(group.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    // Cluster Autoscaler reads k8s.amazonaws.com/accelerator as "GPUs still starting" (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/aws_cloud_provider.go).
    const accelerator = stack in AUTOSCALED_GROUPS ? { "k8s.amazonaws.com/accelerator": "nvidia-h100" } : {};
    expect(group.labels).toEqual({
      "llm-stack/gpu-pool": "true",
      "llm-stack/stack": stack,
      "llm-stack/model": STACK_MODELS[stack],
      "llm-stack/gpu": "h100",
      ...accelerator,
    });
    expect(group.updateConfig).toEqual({ maxUnavailable: 1, updateStrategy: "MINIMAL" });
    expect(group.launchTemplate).toEqual({ id: "llm-gpu-lt-id", version: "1" });

    const template = byName(resources, "llm-gpu-lt").inputs;
    expect(template.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  // Every H100 type in the catalog has instance-store NVMe (p5.48xlarge: 8 × 3.84 TB), so kubelet
  // and containerd move there and the EBS root keeps only the OS: 30 GiB at gp3's baseline.
  it("puts kubelet and containerd on instance-store NVMe (nodeadm RAID0 in MIME user data), leaving a 30 GiB OS root volume", async () => {
    const { resources } = await runPromise;
    const template = byName(resources, "llm-gpu-lt").inputs;
    expect(template.blockDeviceMappings).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    // Read it as nodeadm does (nodeadm/internal/configprovider/mime.go): base64, then an RFC 822
    // message whose multipart body carries `application/node.eks.aws` parts.
    const document = Buffer.from(template.userData, "base64").toString("utf8");
    const email = await PostalMime.parse(document, { attachmentEncoding: "utf8" });
    const contentType = email.headers.find((h) => h.key === "content-type")?.value ?? "";
    expect(contentType.startsWith("multipart/mixed;")).toBe(true);
    const parts = email.attachments.filter((a) => a.mimeType === "application/node.eks.aws");
    expect(parts).toHaveLength(1);
    const nodeConfig = parseYaml(String(parts[0]!.content));
    expect(nodeConfig).toEqual({
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: { instance: { localStorage: { strategy: "RAID0" } } },
    });
    const validateNodeConfig = crdValidator("nodeadm", "node.eks.aws_nodeconfigs.yaml", "v1alpha1", { rejectUnknownFields: true });
    expect(validateNodeConfig(nodeConfig)).toEqual([]);
    // The schema bites: nodeadm would silently ignore a misspelt key, and knows no RAID5.
    expect(validateNodeConfig({ ...nodeConfig, spec: { instance: { localstorage: { strategy: "RAID0" } } } })).not.toEqual([]);
    expect(validateNodeConfig({ ...nodeConfig, spec: { instance: { localStorage: { strategy: "RAID5" } } } })).not.toEqual([]);
    // The system nodes (m7i, no instance store) keep EKS's own user data.
    expect(byName(resources, "llm-system-lt").inputs.userData).toBeUndefined();
  });

  // Args, GPU counts, resources, replicas, the startup budget and the node selector are pinned by the
  // golden manifests (test/golden/manifests/<stack>/, test/program/manifests.test.ts); what stays here are
  // values written by hand.
  it("runs vLLM with the rollout, probes and security settings a GPU server needs", async () => {
    const { resources } = await runPromise;
    const deployment = byName(resources, "vllm-deployment").inputs;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: "/health", port: "http" },
      periodSeconds: 5,
      failureThreshold: 3,
      timeoutSeconds: 5,
    });
    // 6 failures 30 s apart: a server busy for under 3 minutes is not restarted.
    expect(container.livenessProbe).toEqual({
      httpGet: { path: "/health", port: "http" },
      periodSeconds: 30,
      failureThreshold: 6,
      timeoutSeconds: 20,
    });
    expect(pod.terminationGracePeriodSeconds).toBe(75);
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 2000,
      fsGroup: 2000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: false,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("wires secrets as a file and a secretKeyRef, never as values: the HF token only into the copy Job", async () => {
    const { resources } = await runPromise;
    const pod = byName(resources, "vllm-deployment").inputs.spec.template.spec;
    const container = pod.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.VLLM_API_KEY).toEqual({ secretKeyRef: { name: "vllm-secrets", key: "api-key" } });
    // The server streams from S3: no token file, variable or volume anywhere in its pod.
    expect([env.HF_TOKEN_PATH, env.HF_TOKEN]).toEqual([undefined, undefined]);
    expect(JSON.stringify(pod)).not.toContain("hf-token");
    expect(container.args.some((arg: string) => arg.startsWith("--api-key"))).toBe(false);
    const copyPod = byName(resources, "vllm-copy").inputs.spec.template.spec;
    const copyEnv = Object.fromEntries(copyPod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(copyEnv.HF_TOKEN_PATH).toBe("/var/run/secrets/huggingface/token");
    expect(copyPod.volumes.find((v: any) => v.name === "hf-token").secret).toEqual({
      secretName: "vllm-secrets",
      items: [{ key: "hf-token", path: "token" }],
      defaultMode: 0o440,
    });
    const secret = byName(resources, "vllm-secrets");
    expect(Object.keys(secret.inputs.stringData).sort()).toEqual(["api-key", "hf-token"]);
    expect(secret.secretInputs).toContain("stringData");
  });

  // Issue #13: the server streams its weights from the stack's S3 cache; only the copy Job writes it.
  it("keeps the model in a private, encrypted S3 bucket reached through a gateway endpoint", async () => {
    const { resources } = await runPromise;
    const bucketName = `llm-stack-${stack}-123456789012-${plan.region}`;
    expect(byName(resources, "llm-model-cache", "aws:s3/bucket:Bucket").inputs).toMatchObject({ bucket: bucketName, forceDestroy: true });
    expect(byName(resources, "llm-model-cache-public-access").inputs).toEqual({
      bucket: "llm-model-cache-id",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(byName(resources, "llm-model-cache-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(byName(resources, "llm-model-cache-encryption").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(byName(resources, "llm-model-cache-lifecycle").inputs.rules).toEqual([
      {
        id: "intelligent-tiering",
        status: "Enabled",
        filter: { prefix: "models/" },
        transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
      },
      {
        id: "abort-incomplete-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    // Versioning stays off: no versioning resource at all.
    expect(resources.filter((r) => r.type.startsWith("aws:s3/bucketVersioning"))).toEqual([]);
    expect(byName(resources, "llm-network-s3").inputs).toEqual({
      vpcId: "llm-network-vpc-id",
      serviceName: `com.amazonaws.${plan.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: ["llm-network-private-rt-id"],
      tags: { Name: "llm-network-s3" },
    });
    expect(byName(resources, "llm-cluster-eks-pod-identity-agent").inputs.addonName).toBe("eks-pod-identity-agent");
  });

  it("lets the server read only its model revision's prefix, and only the copy Job write it, through Pod Identity", async () => {
    const { resources } = await runPromise;
    const bucketArn = `arn:aws:s3:::llm-stack-${stack}-123456789012-${plan.region}`;
    const prefix = `models/${plan.repo}/main/`;
    const association = (name: string) => byName(resources, `${name}-association`).inputs;
    expect(association("vllm-model-read")).toEqual({
      clusterName: `llm-stack-${stack}`,
      namespace: "llm",
      serviceAccount: "vllm",
      roleArn: "arn:aws:mock:123456789012:vllm-model-read-role",
    });
    expect(association("vllm-model-copy")).toEqual({
      clusterName: `llm-stack-${stack}`,
      namespace: "llm",
      serviceAccount: "vllm-model-copy",
      roleArn: "arn:aws:mock:123456789012:vllm-model-copy-role",
    });
    expect(JSON.parse(byName(resources, "vllm-model-read-policy").inputs.policy).Statement).toEqual([
      { Sid: "ReadModelRevision", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${prefix}*`] },
      {
        Sid: "ListModelRevision",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } },
      },
    ]);
    expect(JSON.parse(byName(resources, "vllm-model-copy-policy").inputs.policy).Statement[0].Action).toEqual([
      "s3:GetObject",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
    ]);
    expect(JSON.parse(byName(resources, "vllm-model-read-role").inputs.assumeRolePolicy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": `llm-stack-${stack}`,
            "aws:RequestTag/kubernetes-namespace": "llm",
            "aws:RequestTag/kubernetes-service-account": "vllm",
          },
        },
      },
    ]);
    expect(byName(resources, "vllm-copy-sa").inputs.metadata.name).toBe("vllm-model-copy");
  });

  it("streams the weights from s3:// with the Run:ai streamer, after the copy Job, which runs on the GPU pool without a GPU", async () => {
    const { resources } = await runPromise;
    const container = byName(resources, "vllm-deployment").inputs.spec.template.spec.containers[0];
    expect(container.command).toEqual(["vllm", "serve", `s3://llm-stack-${stack}-123456789012-${plan.region}/models/${plan.repo}/main/`]);
    expect(container.args).toContain("--load-format=runai_streamer");
    // Both names: the streamer's C++ reads take AWS_REGION, boto3 (its listing, the copy script) only AWS_DEFAULT_REGION.
    expect(container.env.filter((e: any) => /^AWS_(DEFAULT_)?REGION$/.test(e.name))).toEqual([
      { name: "AWS_REGION", value: plan.region },
      { name: "AWS_DEFAULT_REGION", value: plan.region },
    ]);
    const job = byName(resources, "vllm-copy").inputs;
    // A failed Job is replaced on the next up, not awaited again (pulumi-kubernetes replaceUnready).
    expect(job.metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
    expect(job.spec.template.spec.containers[0].command.slice(2, 6)).toEqual([
      plan.repo,
      "main",
      `llm-stack-${stack}-123456789012-${plan.region}`,
      `models/${plan.repo}/main/`,
    ]);
    expect(job.spec.template.spec.containers[0].resources.requests["nvidia.com/gpu"]).toBeUndefined();
    const group = byName(resources, "llm-gpu-ng").inputs;
    const node = { labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType }, taints: group.taints.map(eksTaint) };
    expect(schedulingProblems(job.spec.template.spec, node)).toEqual([]);
    // The SDK registers a resource only once its dependencies have registered: the Job comes first.
    const order = resources.map((r) => r.name);
    expect(order.indexOf("vllm-copy")).toBeLessThan(order.indexOf("vllm-deployment"));
  });

  // Issue #14 (observability: prometheus, the default for created clusters).
  it("runs the Prometheus operator v0.93.0 and a Prometheus on the system nodes, watching vLLM with a PodMonitor and alert rules", async () => {
    const { resources } = await runPromise;
    const crd = (file: string, version: string) =>
      crdValidator("prometheus-operator", `crds/${file}`, version, { rejectUnknownFields: true });
    const prometheus = byName(resources, "llm-prometheus-llm-stack").inputs;
    expect(crd("monitoring.coreos.com_prometheuses.yaml", "v1")(prometheus)).toEqual([]);
    expect(crd("monitoring.coreos.com_podmonitors.yaml", "v1")(byName(resources, "vllm-podmonitor").inputs)).toEqual([]);
    const rules = byName(resources, "vllm-rules").inputs;
    expect(crd("monitoring.coreos.com_prometheusrules.yaml", "v1")(rules)).toEqual([]);
    // The cost rule carries the stack's price: 6.88 (p5.4xlarge) + 2 × 0.2016 (m7i.xlarge) + 0.10 (EKS) + 0.045 (NAT) = 7.4282 for dev.
    const costRule = rules.spec.groups[1].rules.find((r: any) => r.record === "llm_stack:cost_usd_per_hour");
    if (stack === "dev") expect(costRule.expr).toBe("vector(7.4282)");
    const operator = byName(resources, "llm-prometheus-deployment-prometheus-operator").inputs;
    // quay.io/prometheus-operator/prometheus-operator:v0.93.0 through the stack's cache rule for Quay.
    expect([operator.metadata.namespace, operator.spec.template.spec.containers[0].image]).toEqual([
      "llm-monitoring",
      `${cacheOf(stack)}/quay/prometheus-operator/prometheus-operator:v0.93.0`,
    ]);
    // Cluster-wide names carry the kit's prefix (kube-prometheus uses the upstream ones), and the binding follows its role.
    const binding = byName(resources, "llm-prometheus-clusterrolebinding-llm-stack-prometheus-operator").inputs;
    expect([binding.subjects, binding.roleRef.name]).toEqual([
      [{ kind: "ServiceAccount", name: "prometheus-operator", namespace: "llm-monitoring" }],
      "llm-stack-prometheus-operator",
    ]);
    // On the system nodes by Kubernetes' own rules, and never on a GPU node (its taint).
    // kubelet labels every node kubernetes.io/os (a well-known label); EKS adds the node group's own.
    const system = { labels: { ...byName(resources, "llm-system-ng").inputs.labels, "kubernetes.io/os": "linux" }, taints: [] };
    const group = byName(resources, "llm-gpu-ng").inputs;
    const gpuNode = {
      labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType },
      taints: group.taints.map(eksTaint),
    };
    for (const spec of [operator.spec.template.spec, prometheus.spec]) {
      expect(schedulingProblems(spec, system)).toEqual([]);
      expect(schedulingProblems(spec, gpuNode)).not.toEqual([]);
    }
    // The five CRDs the Prometheus controller watches, applied as the vendored files' text.
    const crdYaml: string = byName(resources, "llm-prometheus-crds").inputs.yaml;
    // Empty documents between files are skipped by every YAML reader, the provider's included.
    const crds = parseAllDocuments(crdYaml)
      .map((d) => d.toJSON())
      .filter((c) => c !== null);
    expect(crds.map((c: any) => `${c.kind} ${c.metadata.name} ${c.metadata.annotations["operator.prometheus.io/version"]}`)).toEqual(
      ["prometheuses", "podmonitors", "servicemonitors", "probes", "prometheusrules"].map(
        (plural) => `CustomResourceDefinition ${plural}.monitoring.coreos.com 0.93.0`,
      ),
    );
    for (const c of crds) expect(() => new CustomResourceDefinition(c).validate()).not.toThrow();
    // GPU telemetry: NVIDIA's DCGM exporter on the GPU pool only (it tolerates the pool's taint), scraped on its metrics port.
    const dcgm = byName(resources, "llm-dcgm-exporter-daemonset").inputs;
    expect(dcgm.spec.template.spec.containers[0].image).toBe("nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless");
    expect(schedulingProblems(dcgm.spec.template.spec, gpuNode)).toEqual([]);
    expect(schedulingProblems(dcgm.spec.template.spec, system)).not.toEqual([]);
    const dcgmMonitor = byName(resources, "llm-dcgm-exporter-podmonitor").inputs;
    expect(crd("monitoring.coreos.com_podmonitors.yaml", "v1")(dcgmMonitor)).toEqual([]);
    expect(dcgmMonitor.spec.selector.matchLabels).toEqual(dcgm.spec.selector.matchLabels);
    // Grafana on the system nodes, provisioned from files: the Prometheus datasource, vLLM's four vendored dashboards (Overview, Instances,
    // KV Cache, Speculative Decoding) and the kit's cost dashboard, whose every vLLM query names a series the pinned vLLM emits.
    const grafana = byName(resources, "llm-grafana-deployment-grafana").inputs;
    expect(grafana.spec.template.spec.containers[0].image).toBe(`${cacheOf(stack)}/docker-hub/grafana/grafana:13.0.1`);
    expect(schedulingProblems(grafana.spec.template.spec, system)).toEqual([]);
    const provisioning = byName(resources, "llm-grafana-configmap-grafana-provisioning").inputs.data;
    expect(JSON.parse(provisioning["datasources.yaml"]).datasources[0].url).toBe("http://prometheus-operated.llm-monitoring.svc:9090");
    const dashboards: Record<string, string> = byName(resources, "llm-grafana-configmap-grafana-dashboards").inputs.data;
    expect(Object.keys(dashboards).sort()).toEqual([
      "llm-stack-cost.json",
      "vllm_instances.json",
      "vllm_kv_cache.json",
      "vllm_overview.json",
      "vllm_speculative_decoding.json",
    ]);
    const exprs = (node: unknown): string[] =>
      Array.isArray(node)
        ? node.flatMap(exprs)
        : node && typeof node === "object"
          ? Object.entries(node).flatMap(([key, value]) => (key === "expr" && typeof value === "string" ? [value] : exprs(value)))
          : [];
    for (const [file, text] of Object.entries(dashboards)) {
      const queries = exprs(JSON.parse(text));
      expect(queries.length, file).toBeGreaterThan(0);
      for (const query of queries) expect(unknownVllmSeries(query), `${file}: ${query}`).toEqual([]);
    }
    // Prometheus in its namespace reaches the metrics port through the server's NetworkPolicy.
    expect(byName(resources, "vllm-netpol").inputs.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llm-monitoring" } },
      podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
    });
  });

  it("produces Kubernetes objects that validate against the Kubernetes schema", async () => {
    const { resources } = await runPromise;
    const objects = resources.filter((r) => r.type in KUBERNETES_MODELS);
    // The server's 11, the Prometheus stack's 8 (namespace, 2 service accounts, 2 cluster roles and bindings, the operator; its CRDs are the vendored text),
    // the DCGM exporter and Grafana's 4 (2 ConfigMaps, Deployment, Service).
    // An autoscaled stack that scales to zero adds 36: KEDA's 15 (namespace, service account, 2 Services, 2 Deployments, the APIService, 2 cluster
    // roles and 3 bindings, a Role and 2 RoleBindings; its CRDs are one YAML string, checked below), Cluster Autoscaler's 6 (service account, cluster role and
    // binding, Role and binding, Deployment) and the inference gateway's 15 core objects (agentgateway's namespace, service account, cluster
    // role and binding, Service and Deployment; the key Secret; the proxy's NetworkPolicy; the picker's service account, Role and binding,
    // ConfigMap, Service, NetworkPolicy and Deployment) — counted from AUTOSCALED_RESOURCES; the benchmark adds 3 (Job, ConfigMap, ServiceAccount),
    // capacity fallbacks 1 (the options' ConfigMap).
    expect(objects).toHaveLength(
      (stack in AUTOSCALED_GROUPS ? 60 : 24) + (BENCHMARKED_STACKS.includes(stack) ? 3 : 0) + (FALLBACK_STACKS.includes(stack) ? 1 : 0),
    );
    for (const object of objects) {
      const Model = KUBERNETES_MODELS[object.type]!;
      expect(() => new Model(object.inputs).validate(), object.name).not.toThrow();
    }
  });

  it("schedules the NVIDIA device plugin and vLLM onto the GPU node group, by Kubernetes' own matching rules", async () => {
    const { resources } = await runPromise;
    const group = byName(resources, "llm-gpu-ng").inputs;
    const node = { labels: { ...group.labels, "node.kubernetes.io/instance-type": plan.instanceType }, taints: group.taints.map(eksTaint) };
    const plugin = byName(resources, "llm-nvidia-device-plugin-daemonset").inputs;
    expect(plugin.spec.template.spec.containers[0].image).toBe("nvcr.io/nvidia/k8s-device-plugin:v0.20.0");
    expect(plugin.metadata.namespace).toBe("kube-system");
    expect(schedulingProblems(plugin.spec.template.spec, node)).toEqual([]);
    expect(schedulingProblems(byName(resources, "vllm-deployment").inputs.spec.template.spec, node)).toEqual([]);
    // ...and neither lands on the system nodes, which carry no GPU pool label.
    expect(schedulingProblems(plugin.spec.template.spec, { labels: { "llm-stack/system": "true" }, taints: [] })).toEqual([
      "nodeSelector llm-stack/gpu-pool=true does not match the node's labels",
      `nodeSelector llm-stack/stack=${stack} does not match the node's labels`,
    ]);
    // ...nor on another stack's GPU pool in the same cluster, and it is this stack's own copy, not NVIDIA's name.
    expect(
      schedulingProblems(plugin.spec.template.spec, { labels: { ...node.labels, "llm-stack/stack": "other" }, taints: node.taints }),
    ).toEqual([`nodeSelector llm-stack/stack=${stack} does not match the node's labels`]);
    expect(plugin.metadata.name).toBe(`nvidia-device-plugin-daemonset-llm-stack-${stack}`);
  });

  it("exports the endpoint, plan, cost and secret kubeconfig and API key", async () => {
    const { outputs, secretOutputs } = await runPromise;
    // A server at zero (scout) is reached through the inference gateway; the others at their own Service.
    expect(outputs?.endpoint).toBe(
      stack === "scout" ? "http://llm-gateway.llm.svc.cluster.local:8000/v1" : "http://vllm.llm.svc.cluster.local:8000/v1",
    );
    expect([outputs?.model, outputs?.variant]).toEqual([plan.model, plan.variant]);
    expect(outputs?.plan).toEqual({
      instanceType: plan.instanceType,
      nodes: plan.nodes,
      gpus: plan.gpusPerReplica * plan.replicas,
      gpusPerReplica: plan.gpusPerReplica,
      tensorParallelSize: plan.tensorParallelSize,
      pipelineParallelSize: plan.pipelineParallelSize,
      replicas: plan.replicas,
      maxModelLen: plan.maxModelLen,
    });
    expect(secretOutputs).toEqual(["apiKey", "kubeconfig"]);
  });
});
