/**
 * KEDA v2.20.2's core install (keda-2.20.2-core.yaml, `kustomize build config/minimal` after the
 * release edits of the Makefile's `release` target) rebuilt from charts/keda, and the kit's two
 * steps on top. Every expected value below was read by hand from the vendored files at the tag
 * (charts/keda/config/**, charts/keda/crds/*) and the Makefile (VERSION is the tag without its
 * `v`: kedacore/keda .github/workflows/release-build.yml:62), not from the builder.
 */
import Ajv from "ajv";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APIService } from "kubernetes-models/apiregistration.k8s.io/v1/APIService";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { KEDA_MUTATED_FIELDS, kedaObjects, kedaReleaseObjects } from "../../infra/manifests/autoscaling/keda";
import { CHARTS_DIRECTORY } from "../../infra/manifests/vendored";
import { schedulingProblems } from "../support/kube-scheduling";

const SYSTEM = { "llm-stack/system": "true" };
const release = kedaReleaseObjects() as any[];
const installed = kedaObjects(SYSTEM) as any[];
const find = (objects: any[], kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`${found.length} ${kind} ${name}`);
  return found[0];
};
const podOf = (name: string) => find(installed, "Deployment", name).spec.template.spec;
const schemaOf = (crd: any) => crd.spec.versions[0].schema.openAPIV3Schema;

describe("KEDA v2.20.2 core release, rebuilt", () => {
  it("holds the 21 objects of config/minimal in kustomize's resource order, no admission webhooks", () => {
    // config/minimal/kustomization.yaml: ../crd, ../general, ../rbac, ../manager, ../metrics-server, ../service_account.
    expect(release.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toEqual([
      "CustomResourceDefinition /scaledobjects.keda.sh",
      "CustomResourceDefinition /scaledjobs.keda.sh",
      "CustomResourceDefinition /triggerauthentications.keda.sh",
      "CustomResourceDefinition /clustertriggerauthentications.keda.sh",
      "CustomResourceDefinition /cloudeventsources.eventing.keda.sh",
      "CustomResourceDefinition /clustercloudeventsources.eventing.keda.sh",
      "Namespace /keda",
      "ClusterRole /keda-operator",
      "Role keda/keda-operator",
      "ClusterRoleBinding /keda-operator",
      "RoleBinding keda/keda-operator",
      "Deployment keda/keda-operator",
      "Service keda/keda-operator",
      "ClusterRole /keda-external-metrics-reader",
      "ClusterRoleBinding /keda-system-auth-delegator",
      "RoleBinding kube-system/keda-auth-reader",
      "ClusterRoleBinding /keda-hpa-controller-external-metrics",
      "Deployment keda/keda-metrics-apiserver",
      "Service keda/keda-metrics-apiserver",
      "APIService /v1beta1.external.metrics.k8s.io",
      "ServiceAccount keda/keda-operator",
    ]);
  });

  it("pins both images to the release tag (kustomize edit set image, Makefile:251–254)", () => {
    const images = release
      .filter((o) => o.kind === "Deployment")
      .flatMap((o) => o.spec.template.spec.containers.map((c: any) => `${o.metadata.name}: ${c.image}`));
    expect(images).toEqual([
      "keda-operator: ghcr.io/kedacore/keda:2.20.2",
      "keda-metrics-apiserver: ghcr.io/kedacore/keda-metrics-apiserver:2.20.2",
    ]);
  });

  it("labels every object with the release version and part-of, on metadata only (metadataLabelTransformer after the release's sed)", () => {
    for (const object of release) {
      expect(
        [object.metadata.labels["app.kubernetes.io/version"], object.metadata.labels["app.kubernetes.io/part-of"]],
        `${object.kind} ${object.metadata.name}`,
      ).toEqual(["2.20.2", "keda-operator"]);
    }
    // The fieldSpec is metadata/labels only: pod templates keep upstream's labels, without a version.
    expect(find(release, "Deployment", "keda-operator").spec.template.metadata.labels).toEqual({
      app: "keda-operator",
      name: "keda-operator",
    });
    expect(find(release, "Deployment", "keda-metrics-apiserver").spec.template.metadata.labels).toEqual({ app: "keda-metrics-apiserver" });
    expect(find(release, "Deployment", "keda-operator").metadata.labels).toEqual({
      app: "keda-operator",
      "app.kubernetes.io/name": "keda-operator",
      "app.kubernetes.io/version": "2.20.2",
      "app.kubernetes.io/component": "operator",
      "app.kubernetes.io/part-of": "keda-operator",
    });
    expect(find(release, "Namespace", "keda").metadata.labels).toEqual({
      "app.kubernetes.io/name": "keda",
      "app.kubernetes.io/version": "2.20.2",
      "app.kubernetes.io/part-of": "keda-operator",
    });
    // The CRDs carry no labels upstream; the transformer creates them.
    expect(find(release, "CustomResourceDefinition", "scaledobjects.keda.sh").metadata.labels).toEqual({
      "app.kubernetes.io/version": "2.20.2",
      "app.kubernetes.io/part-of": "keda-operator",
    });
  });

  it("labels config/rbac's four objects keda-operator; includeSelectors reaches no selector there (RBAC kinds have none)", () => {
    const rbac = [
      ["ClusterRole", "keda-operator"],
      ["Role", "keda-operator"],
      ["ClusterRoleBinding", "keda-operator"],
      ["RoleBinding", "keda-operator"],
    ] as const;
    for (const [kind, name] of rbac) {
      expect(find(release, kind, name).metadata.labels, kind).toEqual({
        "app.kubernetes.io/name": "keda-operator",
        "app.kubernetes.io/part-of": "keda-operator",
        "app.kubernetes.io/version": "2.20.2",
      });
    }
    // The rbac labels stay out of the manager's selector and template (another kustomization).
    expect(find(release, "Deployment", "keda-operator").spec.selector).toEqual({ matchLabels: { app: "keda-operator" } });
  });

  it("keeps every selector matching its pods: Deployments and Services select the pod template's labels", () => {
    for (const name of ["keda-operator", "keda-metrics-apiserver"]) {
      const deployment = find(installed, "Deployment", name);
      const podLabels = deployment.spec.template.metadata.labels;
      for (const selector of [deployment.spec.selector.matchLabels, find(installed, "Service", name).spec.selector]) {
        expect(selector).toEqual({ app: name });
        for (const [key, value] of Object.entries(selector)) expect(podLabels[key]).toBe(value);
      }
    }
  });

  it("applies config/crd's patches: ScaledJob ports require protocol, its template metadata is open, triggers lose metricType; ScaledObject windows are 0–3600 s", () => {
    const job = schemaOf(find(release, "CustomResourceDefinition", "scaledjobs.keda.sh")).properties.spec.properties;
    const podSpec = job.jobTargetRef.properties.template.properties.spec.properties;
    for (const list of ["containers", "ephemeralContainers", "initContainers"])
      expect(podSpec[list].items.properties.ports.items.required, list).toEqual(["containerPort", "protocol"]);
    expect(job.jobTargetRef.properties.template.properties.metadata["x-kubernetes-preserve-unknown-fields"]).toBe(true);
    expect(Object.keys(job.triggers.items.properties).sort()).toEqual([
      "authenticationRef",
      "metadata",
      "name",
      "type",
      "useCachedMetrics",
    ]);
    const behavior = schemaOf(find(release, "CustomResourceDefinition", "scaledobjects.keda.sh")).properties.spec.properties.advanced
      .properties.horizontalPodAutoscalerConfig.properties.behavior.properties;
    for (const direction of ["scaleUp", "scaleDown"]) {
      const window = behavior[direction].properties.stabilizationWindowSeconds;
      expect([window.type, window.minimum, window.maximum], direction).toEqual(["integer", 0, 3600]);
    }
    // The vendored bases are unpatched: the patch is what adds the bounds.
    const base = parse(readFileSync(join(CHARTS_DIRECTORY, "keda", "crds", "keda.sh_scaledobjects.yaml"), "utf8"));
    expect(
      schemaOf(base).properties.spec.properties.advanced.properties.horizontalPodAutoscalerConfig.properties.behavior.properties.scaleDown
        .properties.stabilizationWindowSeconds.maximum,
    ).toBeUndefined();
  });

  it("rejects a vendored kustomization that uses a feature the builder does not reproduce", () => {
    const copy = mkdtempSync(join(tmpdir(), "keda-charts-"));
    try {
      cpSync(join(CHARTS_DIRECTORY, "keda"), join(copy, "keda"), { recursive: true });
      const file = join(copy, "keda", "config", "minimal", "kustomization.yaml");
      writeFileSync(file, `${readFileSync(file, "utf8")}namespace: other\n`);
      expect(() => kedaReleaseObjects(copy)).toThrow(
        "charts/keda/config/minimal/kustomization.yaml: namespace not reproduced (supported: apiVersion, kind, resources, images, labels, patches, transformers)",
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

/**
 * Pod Security Standards, "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * as k8s.io/pod-security-admission/policy checks it: check_hostNamespaces, check_privileged,
 * check_hostPathVolumes, check_hostPorts (baseline); check_restrictedVolumes, check_allowPrivilegeEscalation,
 * check_runAsNonRoot, check_runAsUser, check_seccompProfile_restricted, check_capabilities_restricted.
 */
function restrictedViolations(pod: any): string[] {
  const problems: string[] = [];
  const containers: any[] = [...(pod.initContainers ?? []), ...pod.containers];
  const sc = (c: any) => c.securityContext ?? {};
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[field]) problems.push(field);
  const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
  for (const volume of pod.volumes ?? [])
    if (!Object.keys(volume).some((key) => allowedVolumes.includes(key))) problems.push(`volume ${volume.name}`);
  for (const c of containers) {
    if (sc(c).privileged) problems.push(`${c.name}: privileged`);
    if ((c.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${c.name}: hostPort`);
    if (sc(c).allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation != false`);
    if (!(sc(c).capabilities?.drop ?? []).includes("ALL")) problems.push(`${c.name}: capabilities not dropping ALL`);
    if ((sc(c).capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) problems.push(`${c.name}: capabilities added`);
    if (sc(c).runAsNonRoot === false || (sc(c).runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true))
      problems.push(`${c.name}: runAsNonRoot`);
    if (sc(c).runAsUser === 0 || pod.securityContext?.runAsUser === 0) problems.push(`${c.name}: runAsUser 0`);
    const seccomp = sc(c).seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${c.name}: seccompProfile`);
  }
  return problems;
}

describe("the kit's KEDA install", () => {
  it("installs namespace, CRDs and RBAC before the pods, and the APIService after the server it names", () => {
    expect(installed.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      "Namespace keda",
      "CustomResourceDefinition scaledobjects.keda.sh",
      "CustomResourceDefinition scaledjobs.keda.sh",
      "CustomResourceDefinition triggerauthentications.keda.sh",
      "CustomResourceDefinition clustertriggerauthentications.keda.sh",
      "CustomResourceDefinition cloudeventsources.eventing.keda.sh",
      "CustomResourceDefinition clustercloudeventsources.eventing.keda.sh",
      "ServiceAccount keda-operator",
      "ClusterRole keda-operator",
      "ClusterRole keda-external-metrics-reader",
      "Role keda-operator",
      "ClusterRoleBinding keda-operator",
      "ClusterRoleBinding keda-system-auth-delegator",
      "ClusterRoleBinding keda-hpa-controller-external-metrics",
      "RoleBinding keda-operator",
      "RoleBinding keda-auth-reader",
      "Service keda-operator",
      "Service keda-metrics-apiserver",
      "Deployment keda-operator",
      "Deployment keda-metrics-apiserver",
      "APIService v1beta1.external.metrics.k8s.io",
    ]);
  });

  it("runs everything namespaced in keda, except the auth reader binding kube-system's own role requires", () => {
    const namespaced = installed.filter((o) => o.metadata.namespace !== undefined);
    expect(
      namespaced.filter((o) => o.metadata.namespace !== "keda").map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(["RoleBinding kube-system/keda-auth-reader"]);
    expect(namespaced).toHaveLength(8);
    for (const object of installed.filter((o) => o.subjects)) {
      for (const subject of object.subjects)
        expect(`${subject.namespace}/${subject.name}`).toBe(
          subject.name === "horizontal-pod-autoscaler" ? "kube-system/horizontal-pod-autoscaler" : "keda/keda-operator",
        );
    }
  });

  it("puts both pods on the system nodes and never on a GPU node, by the scheduler's rules", () => {
    const systemNode = { labels: { "llm-stack/system": "true", "kubernetes.io/os": "linux" }, taints: [] };
    const gpuNode = {
      labels: { "llm-stack/gpu-pool": "true", "kubernetes.io/os": "linux" },
      taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
    };
    for (const name of ["keda-operator", "keda-metrics-apiserver"]) {
      expect(podOf(name).nodeSelector).toEqual({ "kubernetes.io/os": "linux", "llm-stack/system": "true" });
      expect(podOf(name).tolerations).toBeUndefined();
      expect(schedulingProblems(podOf(name), systemNode)).toEqual([]);
      expect(schedulingProblems(podOf(name), gpuNode)).toEqual([
        "nodeSelector llm-stack/system=true does not match the node's labels",
        "taint nvidia.com/gpu=present:NoSchedule is not tolerated",
      ]);
    }
    // An existing cluster (no system node group) keeps upstream's selector alone.
    expect(
      kedaObjects({})
        .filter((o: any) => o.kind === "Deployment")
        .map((o: any) => o.spec.template.spec.nodeSelector),
    ).toEqual([{ "kubernetes.io/os": "linux" }, { "kubernetes.io/os": "linux" }]);
  });

  it('enforces Pod Security "restricted" on keda, which both pods meet as upstream writes them', () => {
    expect(find(installed, "Namespace", "keda").metadata.labels).toEqual({
      "app.kubernetes.io/name": "keda",
      "app.kubernetes.io/version": "2.20.2",
      "app.kubernetes.io/part-of": "keda-operator",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    for (const name of ["keda-operator", "keda-metrics-apiserver"]) expect(restrictedViolations(podOf(name)), name).toEqual([]);
    // The check bites: a container that keeps its capabilities, a hostPath volume.
    const broken = structuredClone(podOf("keda-operator"));
    broken.containers[0].securityContext.capabilities = {};
    broken.volumes.push({ name: "host", hostPath: { path: "/" } });
    expect(restrictedViolations(broken)).toEqual(["volume host", "keda-operator: capabilities not dropping ALL"]);
  });

  it("asks the system nodes for 200m CPU and 200Mi in all: 100m and 100Mi per pod, limits 1 CPU and 1000Mi (manager.yaml, deployment.yaml)", () => {
    for (const name of ["keda-operator", "keda-metrics-apiserver"]) {
      expect(find(installed, "Deployment", name).spec.replicas).toBe(1);
      expect(podOf(name).containers.map((c: any) => c.resources)).toEqual([
        { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "1000m", memory: "1000Mi" } },
      ]);
    }
  });

  it("serves external metrics on keda-metrics-apiserver:443 → 6443 and the operator's gRPC metrics service on 9666, Prometheus metrics on 8080 of each", () => {
    expect(find(installed, "Service", "keda-metrics-apiserver").spec.ports).toEqual([
      { name: "https", port: 443, targetPort: 6443 },
      { name: "metrics", port: 8080, targetPort: 8080 },
    ]);
    expect(find(installed, "Service", "keda-operator").spec.ports).toEqual([
      { name: "metricsservice", port: 9666, targetPort: 9666 },
      { name: "metrics", port: 8080, targetPort: 8080 },
    ]);
    expect(podOf("keda-metrics-apiserver").containers[0].ports).toEqual([
      { containerPort: 6443, name: "https" },
      { containerPort: 8080, name: "http" },
    ]);
    expect(podOf("keda-operator").containers[0].ports).toEqual([{ containerPort: 8080, name: "http", protocol: "TCP" }]);
    // The APIService names the Service without a port: the aggregator then uses 443 (APIService ServiceReference.port default).
    expect(find(installed, "APIService", "v1beta1.external.metrics.k8s.io").spec).toEqual({
      service: { name: "keda-metrics-apiserver", namespace: "keda" },
      group: "external.metrics.k8s.io",
      version: "v1beta1",
      groupPriorityMinimum: 100,
      versionPriority: 100,
    });
  });

  it("lists the APIService's caBundle as written by KEDA, and ships no CA of its own there", () => {
    expect(KEDA_MUTATED_FIELDS).toEqual({ "APIService/v1beta1.external.metrics.k8s.io": ["spec.caBundle"] });
    const apiService = find(installed, "APIService", "v1beta1.external.metrics.k8s.io");
    expect([apiService.spec.caBundle, apiService.spec.insecureSkipTLSVerify]).toEqual([undefined, undefined]);
    // The operator rotates its certificates itself, and both pods read them from the Secret it writes.
    expect(podOf("keda-operator").containers[0].args).toContain("--enable-cert-rotation=true");
    for (const name of ["keda-operator", "keda-metrics-apiserver"])
      expect(podOf(name).volumes.find((v: any) => v.name === "certificates").secret.secretName).toBe("kedaorg-certs");
  });
});

describe("the objects against the Kubernetes schema", () => {
  const MODELS: Record<string, { new (data: any): { validate(): void } }> = {
    Namespace,
    CustomResourceDefinition,
    ServiceAccount,
    ClusterRole,
    Role,
    ClusterRoleBinding,
    RoleBinding,
    Service,
    Deployment,
    APIService,
  };

  it("validates every object with kubernetes-models, and the validator bites", () => {
    expect(new Set(installed.map((o) => o.kind))).toEqual(new Set(Object.keys(MODELS)));
    for (const object of installed)
      expect(() => new MODELS[object.kind]!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    expect(() => new APIService({ metadata: { name: "x" }, spec: { groupPriorityMinimum: "high" } } as never).validate()).toThrow();
  });

  it("builds well-formed CRDs: named plural.group, one served storage version, a schema that compiles", () => {
    const crds = installed.filter((o) => o.kind === "CustomResourceDefinition");
    expect(crds.map((c) => `${c.spec.names.kind} ${c.spec.scope} ${c.spec.versions.map((v: any) => v.name).join(",")}`)).toEqual([
      "ScaledObject Namespaced v1alpha1",
      "ScaledJob Namespaced v1alpha1",
      "TriggerAuthentication Namespaced v1alpha1",
      "ClusterTriggerAuthentication Cluster v1alpha1",
      "CloudEventSource Namespaced v1alpha1",
      "ClusterCloudEventSource Cluster v1alpha1",
    ]);
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const crd of crds) {
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
      expect(crd.spec.versions.filter((v: any) => v.storage && v.served)).toHaveLength(1);
      expect(schemaOf(crd).type).toBe("object");
      expect(() => ajv.compile(schemaOf(crd)), crd.metadata.name).not.toThrow();
    }
  });

  it("admits a scale-down window of 3600 s under the patched ScaledObject CRD and refuses 3601 s (the HPA's own limit, enforced at admission)", () => {
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(
      schemaOf(find(installed, "CustomResourceDefinition", "scaledobjects.keda.sh")),
    );
    const scaler = (seconds: number) => ({
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "vllm", namespace: "llm" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm" },
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: seconds } } } },
        triggers: [
          {
            type: "prometheus",
            metadata: { serverAddress: "http://prometheus-operated.llm-monitoring.svc:9090", query: "vector(0)", threshold: "1" },
          },
        ],
      },
    });
    expect(validate(scaler(3600)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(scaler(3601))).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([
      "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds must be <= 3600",
    ]);
  });
});
