/**
 * Third-party Kubernetes manifests vendored under charts/<name>/ (pinned upstream file, its source
 * URL, commit and license in the file's header and the folder's README). Components build their
 * objects from these documents, so what the cluster runs is visible to tests and policies — no
 * Helm release whose merged values nobody can see offline.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { type ImageSource } from "../plan";
import { withImagesFrom } from "./pod-spec";

export const CHARTS_DIRECTORY = join(__dirname, "..", "..", "charts");

export type KubernetesObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/**
 * Parsed manifests by content, kept on globalThis: the offline runner loads the program afresh
 * for every mock run, and parsing the Prometheus CRD alone (833 KB of YAML) takes about 0.4 s.
 */
const parsed: Map<string, KubernetesObject[]> = ((globalThis as { __llmStackVendoredManifests?: Map<string, KubernetesObject[]> }).__llmStackVendoredManifests ??= new Map());

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

/** Every object of charts/<chart>/<file>, in file order (a fresh copy each call: callers may edit it). */
export function readVendoredManifest(chart: string, file: string, directory = CHARTS_DIRECTORY): KubernetesObject[] {
  const path = join(directory, chart, file);
  const text = readFileSync(path, "utf8");
  const key = createHash("sha1").update(text).digest("hex");
  let objects = parsed.get(key);
  if (!objects) {
    objects = parseAllDocuments(text).map((document) => document.toJSON() as KubernetesObject).filter((object) => object !== null);
    parsed.set(key, objects);
  }
  return structuredClone(objects);
}

type Constructor = new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed resource for each kind a vendored manifest may hold (a kind outside it is a vendoring error). */
const KINDS: Record<string, Constructor> = {
  Namespace: k8s.core.v1.Namespace,
  CustomResourceDefinition: k8s.apiextensions.v1.CustomResourceDefinition,
  ServiceAccount: k8s.core.v1.ServiceAccount,
  Role: k8s.rbac.v1.Role,
  ClusterRole: k8s.rbac.v1.ClusterRole,
  RoleBinding: k8s.rbac.v1.RoleBinding,
  ClusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding,
  ConfigMap: k8s.core.v1.ConfigMap,
  Secret: k8s.core.v1.Secret,
  Service: k8s.core.v1.Service,
  Deployment: k8s.apps.v1.Deployment,
  APIService: k8s.apiregistration.v1.APIService,
  MutatingWebhookConfiguration: k8s.admissionregistration.v1.MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration: k8s.admissionregistration.v1.ValidatingWebhookConfiguration,
};

/** Cluster-wide objects first (namespace, CRDs, RBAC), then the rest, each depending on those before it. */
const ORDER = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "ConfigMap", "Secret", "Service", "Deployment", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/** The objects sorted into install order; `origin` names the vendored file in the error for a kind without a resource type. */
export function inInstallOrder(objects: readonly KubernetesObject[], origin: string): KubernetesObject[] {
  const unknown = objects.filter((o) => !(o.kind in KINDS)).map((o) => `${o.kind} ${o.metadata.name}`);
  if (unknown.length > 0) throw new Error(`${origin}: no resource type for ${unknown.join(", ")}`);
  return [...objects].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** Registers each object (already in install order) after the last one of an earlier kind; returns them by kind. */
export function installInOrder(
  name: string,
  objects: readonly KubernetesObject[],
  opts: {
    parent: pulumi.Resource;
    provider: k8s.Provider;
    dependsOn?: pulumi.Resource[];
    /** Fields the vendor's controller writes at run time, by `<kind>/<name>`: Pulumi leaves them alone. */
    ignoreChanges?: Readonly<Record<string, readonly string[]>>;
    /** Where the objects' pods pull their images (the stack's ECR cache, or as vendored). */
    images: ImageSource;
  },
): Record<string, pulumi.CustomResource[]> {
  const created: Record<string, pulumi.CustomResource[]> = {};
  for (const object of objects) {
    const earlier = ORDER.slice(0, ORDER.indexOf(object.kind)).flatMap((kind) => created[kind] ?? []);
    const Kind = KINDS[object.kind]!;
    const resource = new Kind(`${name}-${object.kind.toLowerCase()}-${object.metadata.name}`, withImagesFrom(object, opts.images), {
      parent: opts.parent, provider: opts.provider, dependsOn: [...(opts.dependsOn ?? []), ...(earlier.length > 0 ? [earlier[earlier.length - 1]!] : [])],
      ignoreChanges: [...(opts.ignoreChanges?.[`${object.kind}/${object.metadata.name}`] ?? [])],
    });
    (created[object.kind] ??= []).push(resource);
  }
  return created;
}
