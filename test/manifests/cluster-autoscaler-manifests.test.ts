/**
 * Cluster Autoscaler's objects, IAM policy and scale-from-zero tags. Expected values come from the
 * vendored example (charts/cluster-autoscaler, read here with `yaml`, not through the code under test)
 * and from kubernetes/autoscaler at tag cluster-autoscaler-1.35.2 (file:line in its cluster-autoscaler/
 * directory in each case); CA's own parsing of discovery flags and template tags is ported below and
 * applied to what the kit produces.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { KUBERNETES_VERSION } from "../../infra/catalog";
import {
  CLUSTER_AUTOSCALER_IMAGE,
  CLUSTER_AUTOSCALER_VERSION,
  clusterAutoscalerObjects,
  clusterAutoscalerPolicy,
  gpuNodeGroupTemplateTags,
  type GpuNodeGroupTemplateInput,
} from "../../infra/manifests/autoscaling/cluster-autoscaler";

type Json = Record<string, any>;

const vendored: Json[] = parseAllDocuments(
  readFileSync(join(__dirname, "..", "..", "charts", "cluster-autoscaler", "cluster-autoscaler-autodiscover.yaml"), "utf8"),
)
  .map((d) => d.toJSON())
  .filter((o) => o !== null);
const vendoredOf = (kind: string): Json => structuredClone(vendored.find((o) => o.kind === kind)!);

const MODELS: Record<string, { new (data: any): { validate(): void } }> = {
  ServiceAccount,
  ClusterRole,
  Role,
  ClusterRoleBinding,
  RoleBinding,
  Deployment,
};
const SYSTEM = { "llm-stack/system": "true" };
const input = { clusterName: "llm-demo", region: "us-east-2", nodeSelector: SYSTEM };
const objects = clusterAutoscalerObjects(input) as Json[];
const deploymentOf = (list: Json[]): Json => list.find((o) => o.kind === "Deployment")!;

describe("Cluster Autoscaler version", () => {
  // cluster-autoscaler/README.md:48-50 at the tag: "We recommend using Cluster Autoscaler with the Kubernetes
  // control plane ... version for which it was meant", and "Starting from Kubernetes 1.12, versioning scheme
  // was changed to match Kubernetes minor releases exactly"; :110-113: "we recommend that users always use the
  // _latest_ Cluster Autoscaler release that corresponds to the minor version of Kubernetes that their cluster
  // is running".
  it("is the release for the created cluster's Kubernetes minor version", () => {
    const minor = (version: string): string => version.split(".").slice(0, 2).join(".");
    expect(minor(CLUSTER_AUTOSCALER_VERSION)).toBe(minor(KUBERNETES_VERSION));
    expect(CLUSTER_AUTOSCALER_VERSION).toBe("1.35.2");
    expect(CLUSTER_AUTOSCALER_IMAGE).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2");
  });
});

describe("Cluster Autoscaler objects", () => {
  it("keeps the example's six objects, in install order, in kube-system", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name} ${o.metadata.namespace ?? "-"}`)).toEqual([
      "ServiceAccount cluster-autoscaler kube-system",
      "ClusterRole cluster-autoscaler -",
      "Role cluster-autoscaler kube-system",
      "ClusterRoleBinding cluster-autoscaler -",
      "RoleBinding cluster-autoscaler kube-system",
      "Deployment cluster-autoscaler kube-system",
    ]);
  });

  it("validates every object against the Kubernetes schema", () => {
    for (const object of objects) expect(() => new MODELS[object.kind]!(object).validate(), object.kind).not.toThrow();
    // The validator bites.
    expect(() =>
      new Deployment({ ...deploymentOf(objects), spec: { ...deploymentOf(objects).spec, replicas: "one" } } as never).validate(),
    ).toThrow();
  });

  it("leaves the RBAC and the ServiceAccount as upstream wrote them: no IRSA annotation (Pod Identity gives the role)", () => {
    for (const kind of ["ServiceAccount", "Role", "ClusterRoleBinding", "RoleBinding"]) {
      expect(
        objects.find((o) => o.kind === kind),
        kind,
      ).toEqual(vendoredOf(kind));
    }
    expect(objects.find((o) => o.kind === "ServiceAccount")!.metadata.annotations).toBeUndefined();
  });

  it("grants the ClusterRole read access to DRA objects, which CA 1.35 always watches, and changes nothing else", () => {
    // grantDraRead: --enable-dynamic-resource-allocation is locked to true (config/flags/flags.go:231, :301-303),
    // so CA lists and watches these (simulator/dynamicresources/provider/provider.go:35-37); the rule is the Helm
    // chart's at the tag (kubernetes/autoscaler charts/cluster-autoscaler/templates/clusterrole.yaml:64-73), placed as on master (#9487).
    const draRule = {
      apiGroups: ["resource.k8s.io"],
      resources: ["deviceclasses", "resourceslices", "resourceclaims"],
      verbs: ["watch", "list", "get"],
    };
    const upstream = vendoredOf("ClusterRole");
    expect(JSON.stringify(upstream.rules)).not.toContain("resource.k8s.io");
    const expected = structuredClone(upstream);
    const apps = expected.rules.findIndex((r: Json) => JSON.stringify(r.apiGroups) === '["apps"]');
    expect(apps).toBeGreaterThan(0);
    expected.rules.splice(apps + 1, 0, draRule);
    expect(objects.find((o) => o.kind === "ClusterRole")).toEqual(expected);
    expect(objects.find((o) => o.kind === "ClusterRole")!.rules[apps + 1]).toEqual(draRule);
  });

  it("changes only the kit's steps in the Deployment", () => {
    const deployment = deploymentOf(objects);
    const container = deployment.spec.template.spec.containers[0];
    // pinImage: the release of tag cluster-autoscaler-1.35.2 (version/version.go:20), not the example's v1.32.1.
    expect(vendoredOf("Deployment").spec.template.spec.containers[0].image).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1");
    expect(container.image).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2");
    // discoverThisCluster; the example's other flags kept as they are.
    expect(container.command).toEqual([
      "./cluster-autoscaler",
      "--v=4",
      "--stderrthreshold=info",
      "--cloud-provider=aws",
      "--skip-nodes-with-local-storage=false",
      "--expander=least-waste",
      "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/llm-demo",
    ]);
    // setRegion: CA reads AWS_REGION first, and 1.35 no longer falls back to instance metadata (cloudprovider/aws/aws_sdk_provider.go:246-257).
    expect(container.env).toEqual([{ name: "AWS_REGION", value: "us-east-2" }]);
    // useImageCaBundle: no hostPath (Pod Security baseline forbids it), no mount.
    expect(deployment.spec.template.spec.volumes).toBeUndefined();
    expect(container.volumeMounts).toBeUndefined();
    // the system-node placement.
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ "llm-stack/system": "true" });
    // Nothing else differs from the example.
    const expected = vendoredOf("Deployment");
    const expectedContainer = expected.spec.template.spec.containers[0];
    expectedContainer.image = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2";
    expectedContainer.command[6] =
      "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/llm-demo";
    expectedContainer.env = [{ name: "AWS_REGION", value: "us-east-2" }];
    delete expectedContainer.volumeMounts;
    delete expected.spec.template.spec.volumes;
    expected.spec.template.spec.nodeSelector = { "llm-stack/system": "true" };
    expect(deployment).toEqual(expected);
  });

  it("meets Pod Security restricted: non-root, RuntimeDefault seccomp, no escalation, ALL dropped, no hostPath", () => {
    const pod = deploymentOf(objects).spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
    });
    expect(JSON.stringify(pod)).not.toContain("hostPath");
  });

  it("hands out a fresh copy each call", () => {
    deploymentOf(clusterAutoscalerObjects(input)).spec.template.spec.containers[0].command.push("--edited");
    expect(deploymentOf(clusterAutoscalerObjects(input)).spec.template.spec.containers[0].command).toHaveLength(7);
  });

  it("rejects a cluster name that would change the discovery tag list", () => {
    expect(() => clusterAutoscalerObjects({ ...input, clusterName: "a,b" })).toThrow(
      'Cluster Autoscaler: clusterName "a,b" is not an EKS cluster name (letters, digits, - and _, from a letter or digit, at most 100); it is written into --node-group-auto-discovery, where a comma or = would change the tag list',
    );
  });
});

/** CA's parseASGAutoDiscoverySpec (cloudprovider/aws/aws_manager.go:530-567): the tag keys an ASG must carry, and required values ("" = any). */
function discoveryTags(flag: string): Record<string, string> {
  const spec = flag.replace(/^--node-group-auto-discovery=/, "");
  const [discoverer, param] = [spec.slice(0, spec.indexOf(":")), spec.slice(spec.indexOf(":") + 1)];
  expect(discoverer).toBe("asg");
  const [key, value] = [param.slice(0, param.indexOf("=")), param.slice(param.indexOf("=") + 1)];
  expect(key).toBe("tag");
  return Object.fromEntries(
    value
      .split(",")
      .map((label) => (label.includes("=") ? [label.slice(0, label.indexOf("=")), label.slice(label.indexOf("=") + 1)] : [label, ""])),
  );
}

/** CA's template from ASG tags: extractLabelsFromAsg, extractTaintsFromAsg, extractAllocatableResourcesFromAsg (cloudprovider/aws/aws_manager.go:404-507). */
function templateFromAsgTags(tags: Record<string, string>): {
  labels: Record<string, string>;
  taints: Array<{ key: string; value: string; effect: string }>;
  resources: Record<string, string>;
} {
  const labels: Record<string, string> = {};
  const taints: Array<{ key: string; value: string; effect: string }> = [];
  const resources: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    let splits = k.split("k8s.io/cluster-autoscaler/node-template/label/");
    if (splits.length <= 1) splits = k.split("eks:");
    if (splits.length > 1 && splits[1] !== "") labels[splits[1]!] = v;
    if (/(.*):(?:NoSchedule|NoExecute|PreferNoSchedule)/.test(v)) {
      const key = k.split("k8s.io/cluster-autoscaler/node-template/taint/");
      const at = v.indexOf(":");
      if (key.length > 1 && at >= 0) taints.push({ key: key[1]!, value: v.slice(0, at), effect: v.slice(at + 1) });
    }
    const resource = k.split("k8s.io/cluster-autoscaler/node-template/resources/");
    if (resource.length > 1 && resource[1] !== "") resources[resource[1]!] = v;
  }
  return { labels, taints, resources };
}

// The kit's p5.48xlarge pool with EFA: 8 H100s and 32 EFA interfaces (infra/catalog/instances.ts) and its taint (gpu-node-pool.ts).
const pool: GpuNodeGroupTemplateInput = {
  gpusPerNode: 8,
  efaInterfacesPerNode: 32,
  taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
};

describe("GPU node group tags for scale from zero", () => {
  const tags = gpuNodeGroupTemplateTags(pool);

  it("names the discovery keys the Deployment's flag asks for, and nothing more", () => {
    const flag = deploymentOf(objects).spec.template.spec.containers[0].command.find((a: string) =>
      a.startsWith("--node-group-auto-discovery="),
    );
    expect(discoveryTags(flag)).toEqual({ "k8s.io/cluster-autoscaler/enabled": "", "k8s.io/cluster-autoscaler/llm-demo": "" });
  });

  it("declares the EFA interfaces (unknown to CA's instance table) and the GPUs on the node group, as CA reads resource tags", () => {
    expect(tags).toEqual({
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "8",
      "k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa": "32",
    });
    // CA parses a managed node group's tags with the same resource rule as ASG tags (aws_manager.go:327-336, extractAllocatableResourcesFromTags).
    expect(templateFromAsgTags(tags)).toEqual({
      labels: {},
      taints: [],
      resources: { "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32" },
    });
    expect(gpuNodeGroupTemplateTags({ ...pool, efaInterfacesPerNode: 0 })).toEqual({
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "8",
    });
  });

  it("rejects a valueless taint, no GPUs and a negative EFA count, all at once", () => {
    expect(() =>
      gpuNodeGroupTemplateTags({
        ...pool,
        gpusPerNode: 0,
        efaInterfacesPerNode: -1,
        taints: [{ key: "nvidia.com/gpu", value: "", effect: "NO_SCHEDULE" }],
      }),
    ).toThrow(
      "GPU node group tags for Cluster Autoscaler:\n" +
        "- gpusPerNode 0: expected a whole number of at least 1\n" +
        "- efaInterfacesPerNode -1: expected a whole number, 0 without EFA\n" +
        "- taint nvidia.com/gpu: needs a value — CA ignores a valueless node group taint at zero nodes and would start nodes the pods cannot use",
    );
  });
});

describe("Cluster Autoscaler IAM policy", () => {
  it("is README's full-features policy (cloudprovider/aws/README.md:40-68), resizing held to this cluster's tagged groups", () => {
    expect(clusterAutoscalerPolicy("llm-demo")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DescribeGroupsAndInstanceTypes",
          Effect: "Allow",
          Action: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup",
          ],
          Resource: ["*"],
        },
        {
          Sid: "ResizeThisClustersGroups",
          Effect: "Allow",
          Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
          Resource: ["*"],
          Condition: { Null: { "autoscaling:ResourceTag/k8s.io/cluster-autoscaler/llm-demo": "false" } },
        },
      ],
    });
  });
});
