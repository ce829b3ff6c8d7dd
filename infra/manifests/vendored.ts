/**
 * Third-party Kubernetes manifests vendored under charts/<name>/ (pinned upstream file, its source
 * URL, commit and license in the file's header and the folder's README). Components build their
 * objects from these documents, so what the cluster runs is visible to tests and policies — no
 * Helm release whose merged values nobody can see offline.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { type ImageSource } from "../plan";
import { withImagesFrom } from "../manifests/pod-spec";
import { PROJECT_ROOT } from "../project-root";

export const CHARTS_DIRECTORY = join(PROJECT_ROOT, "charts");

export type KubernetesObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

/**
 * Parsed manifests by content, kept on globalThis: the offline runner loads the program afresh
 * for every mock run, and parsing the Prometheus CRD alone (833 KB of YAML) takes about 0.4 s.
 */
const parsed: Map<string, KubernetesObject[]> = ((
  globalThis as { __llmStackVendoredManifests?: Map<string, KubernetesObject[]> }
).__llmStackVendoredManifests ??= new Map());

const streams: Map<string, string> = ((globalThis as { __llmStackYamlStreams?: Map<string, string> }).__llmStackYamlStreams ??= new Map());

/**
 * Objects as one YAML stream, for a `k8s.yaml.v2.ConfigGroup`: under mocks a large CRD schema as
 * typed inputs costs a fraction of a second a run to serialize, one string nothing. Cached by
 * content on globalThis, as the parses are.
 */
export function yamlStream(objects: readonly KubernetesObject[]): string {
  const json = JSON.stringify(objects);
  const key = createHash("sha1").update(json).digest("hex");
  let text = streams.get(key);
  if (text === undefined) {
    text = objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n");
    streams.set(key, text);
  }
  return text;
}

/**
 * A vendored object placed on the nodes `nodeSelector` names (the system nodes): a Deployment's pod
 * template keeps the vendor's own selector (kubernetes.io/os: linux) and gains these labels; any
 * other kind is returned as is. A copy: the vendored objects stay as read.
 */
export function onNodes<T extends KubernetesObject>(object: T, nodeSelector: Record<string, string>): T {
  if (object.kind !== "Deployment") return object;
  const placed = structuredClone(object) as T & { spec: { template: { spec: { nodeSelector?: Record<string, string> } } } };
  placed.spec.template.spec.nodeSelector = { ...placed.spec.template.spec.nodeSelector, ...nodeSelector };
  return placed;
}

/**
 * Vendored files as one YAML stream, their text as vendored (no parse, no re-render): for CRDs the
 * program applies as they are — the Gateway API's and agentgateway's are 2.5 MB, which parsing and
 * re-rendering would spend most of a second on in every run.
 */
export function vendoredYamlStream(files: ReadonlyArray<{ chart: string; file: string }>, directory = CHARTS_DIRECTORY): string {
  return files
    .map(({ chart, file }) =>
      readFileSync(join(directory, chart, file), "utf8")
        .replace(/^---\s*\n/, "")
        .trimEnd(),
    )
    .join("\n---\n");
}

/** Every object of charts/<chart>/<file>, in file order (a fresh copy each call: callers may edit it). */
export function readVendoredManifest(chart: string, file: string, directory = CHARTS_DIRECTORY): KubernetesObject[] {
  const path = join(directory, chart, file);
  const text = readFileSync(path, "utf8");
  const key = createHash("sha1").update(text).digest("hex");
  let objects = parsed.get(key);
  if (!objects) {
    objects = parseAllDocuments(text)
      .map((document) => document.toJSON() as KubernetesObject)
      .filter((object) => object !== null);
    parsed.set(key, objects);
  }
  return structuredClone(objects);
}

/**
 * The kinds a vendored manifest may hold, in install order: cluster-wide objects first (namespace,
 * CRDs, RBAC), then the rest, each depending on those before it (components/vendored-install.ts
 * has a resource type for each).
 */
export const INSTALL_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "ClusterRole",
  "Role",
  "ClusterRoleBinding",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "Service",
  "Deployment",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
] as const;
export type InstallKind = (typeof INSTALL_ORDER)[number];
const isInstallKind = (kind: string): kind is InstallKind => (INSTALL_ORDER as readonly string[]).includes(kind);

/** The objects sorted into install order; `origin` names the vendored file in the error for a kind without a resource type. */
export function inInstallOrder(objects: readonly KubernetesObject[], origin: string): KubernetesObject[] {
  const unknown = objects.filter((o) => !isInstallKind(o.kind)).map((o) => `${o.kind} ${o.metadata.name}`);
  if (unknown.length > 0) throw new Error(`${origin}: no resource type for ${unknown.join(", ")}`);
  const rank = (kind: string) => (INSTALL_ORDER as readonly string[]).indexOf(kind);
  return [...objects].sort((a, b) => rank(a.kind) - rank(b.kind));
}
