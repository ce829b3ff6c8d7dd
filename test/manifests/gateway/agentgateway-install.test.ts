/**
 * charts/agentgateway and charts/llm-d-router hold upstream's files byte for byte, and the controller
 * install rebuilt from agentgateway's Helm golden carries exactly the chart's
 * `inferenceExtension.enabled=true` and release-version changes (templates read from the vendored chart).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { agentgatewayCrds, agentgatewayInstall } from "../../../infra/manifests/gateway/agentgateway";
import { readVendoredManifest } from "../../../infra/manifests/vendored";

const CHARTS = join(__dirname, "..", "..", "..", "charts");

/**
 * `git rev-parse <tag>:<path>` in upstream's history: agentgateway/agentgateway v1.4.1 (commit
 * 163ea2146acb7b82082acea30ed691b29079095f) and llm-d/llm-d-router v0.10.0 (commit
 * 71f4f0999f95b96c49a9d0c4afbd18dfdb943c26).
 */
const UPSTREAM_BLOBS: Record<string, Record<string, string>> = {
  agentgateway: {
    LICENSE: "f7b5e615693b3618c2d10228851355921fc4656e",
    "crds/agentgateway.dev_agentgatewaybackends.yaml": "3df8e9697a130712f211f14329a491f9d65d65a8",
    "crds/agentgateway.dev_agentgatewayparameters.yaml": "d57830603d337946396df8ab5b01d69c626a4a02",
    "crds/agentgateway.dev_agentgatewaypolicies.yaml": "cbbe7d052843d3b18f61b1c20f1f9aac7ea32a33",
    "controller/default.golden": "adde084d134a72605cb6cda158de15557b29ee94",
    "controller/templates/role.yaml": "819ae6b72d3d34a0dc9d70cbce5905a74ca8917f",
    "controller/templates/deployment.yaml": "28ef2113369892e6bea3c811ed4af9cc146b3992",
    "controller/templates/_helpers.tpl": "9475ce5063590668d69cbd8fbe86d70c88908c55",
    "controller/values.yaml": "59eb9b8d17e02a4d6162e1db838fcaac224f2172",
    "controller/Chart.yaml": "7629faf093018df8eb9df36fce73a68a3f0dcabd",
  },
  "llm-d-router": {
    LICENSE: "261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64",
    "routerlib/templates/_deployment.yaml": "1ad9d6f2848cc10a41a98a9962eed270e47585fc",
    "routerlib/templates/_config.yaml": "0bed2b1cac9284958fea66648b2fa4a6ace8fedf",
    "routerlib/templates/_rbac.yaml": "f6757a031fa350695b0745fb86ed791636b822f9",
    "routerlib/templates/_service.yaml": "261874941c679c6bbbc9ce9fe4344481da416216",
    "routerlib/values.yaml": "ac353732e5581206945cd2c6d89bc8ebde7b4a80",
    "llm-d-router-gateway/templates/rbac.yaml": "d232e92625ceb300864353a6860cd58924d2564f",
  },
};

const gitBlobId = (bytes: Buffer): string => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(directory, entry.name)).map((f) => join(entry.name, f))
      : [relative(directory, join(directory, entry.name))],
  );

describe("vendored agentgateway and llm-d-router files", () => {
  it.each(Object.keys(UPSTREAM_BLOBS))("charts/%s holds exactly the listed files and its README", (chart) => {
    expect(filesUnder(join(CHARTS, chart)).sort()).toEqual([...Object.keys(UPSTREAM_BLOBS[chart]!), "README.md"].sort());
  });
  it.each(Object.entries(UPSTREAM_BLOBS).flatMap(([chart, files]) => Object.entries(files).map(([file, blob]) => [chart, file, blob])))(
    "%s/%s has upstream's git blob id",
    (chart, file, blob) => {
      expect(gitBlobId(readFileSync(join(CHARTS, chart!, file!)))).toBe(blob);
    },
  );
});

describe("agentgateway controller install", () => {
  const objects = agentgatewayInstall({ "llm-stack/pool": "system" }) as any[];
  const golden = readVendoredManifest("agentgateway", "controller/default.golden") as any[];
  const byKind = (kind: string) => objects.find((o) => o.kind === kind);
  const roleTemplate = readFileSync(join(CHARTS, "agentgateway/controller/templates/role.yaml"), "utf8");
  const deploymentTemplate = readFileSync(join(CHARTS, "agentgateway/controller/templates/deployment.yaml"), "utf8");

  it("validates with kubernetes-models", () => {
    const models: Record<string, any> = { Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, Service, Deployment };
    expect(objects.map((o) => o.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Service",
      "Deployment",
    ]);
    for (const o of objects) expect(() => new models[o.kind](o).validate(), o.kind).not.toThrow();
  });

  it("adds the inference-extension rules role.yaml renders under inferenceExtension.enabled, after the golden's", () => {
    const block = roleTemplate.split("{{- if .Values.inferenceExtension.enabled }}")[1]!.split("{{- end }}")[0]!;
    expect(block).toContain('resources: ["inferencepools"]');
    expect(block).toContain('resources: ["inferencepools/status"]');
    const rules = byKind("ClusterRole").rules;
    const goldenRules = golden.find((o) => o.kind === "ClusterRole").rules;
    expect(rules.slice(0, goldenRules.length)).toEqual(goldenRules);
    expect(rules.slice(goldenRules.length)).toEqual([
      { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools"], verbs: ["get", "watch", "list"] },
      { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools/status"], verbs: ["patch", "update"] },
    ]);
  });

  it("sets AGW_ENABLE_INFER_EXT=true right before AGW_XDS_MODE, as deployment.yaml orders them", () => {
    expect(deploymentTemplate).toMatch(/name: AGW_ENABLE_INFER_EXT\s+value: "true"[\s\S]*name: AGW_XDS_MODE/);
    const env = byKind("Deployment").spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env[env.indexOf("AGW_XDS_MODE") - 1]).toBe("AGW_ENABLE_INFER_EXT");
    expect(byKind("Deployment").spec.template.spec.containers[0].env.find((e: any) => e.name === "AGW_ENABLE_INFER_EXT").value).toBe(
      "true",
    );
    expect(env).not.toContain("AGW_PROXY_IMAGE_TAG");
  });

  it("runs the release's controller image and version labels, as release agentgateway in agentgateway-system", () => {
    const deployment = byKind("Deployment");
    expect(deployment.spec.template.spec.containers[0].image).toBe("cr.agentgateway.dev/controller:v1.4.1");
    expect(deployment.metadata.labels["helm.sh/chart"]).toBe("agentgateway-v1.4.1");
    expect(deployment.metadata.labels["app.kubernetes.io/version"]).toBe("v1.4.1");
    expect(deployment.metadata).toMatchObject({ name: "agentgateway", namespace: "agentgateway-system" });
    expect(byKind("ClusterRole").metadata.name).toBe("agentgateway-agentgateway-system");
    expect(byKind("ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "agentgateway", namespace: "agentgateway-system" },
    ]);
    expect(JSON.stringify(objects)).not.toContain("test-release");
  });

  it("runs under Pod Security restricted on the system nodes", () => {
    const pod = byKind("Deployment").spec.template.spec;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.nodeSelector).toEqual({ "llm-stack/pool": "system" });
    expect(byKind("Namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("ships the CRDs the controller watches", () => {
    expect(agentgatewayCrds().map((c) => c.metadata.name)).toEqual([
      "agentgatewaybackends.agentgateway.dev",
      "agentgatewayparameters.agentgateway.dev",
      "agentgatewaypolicies.agentgateway.dev",
    ]);
  });
});
