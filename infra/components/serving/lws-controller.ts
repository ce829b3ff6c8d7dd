/**
 * LwsController: the LeaderWorkerSet controller (kubernetes-sigs/lws v0.10.0), installed from the
 * vendored release manifest (charts/lws/manifests.yaml) object by object, so every object is
 * visible to tests and policies — no Helm (which installs CRDs on first install only and never
 * upgrades them, charts/lws/README.md). Installed only when a plan's replica spans nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readVendoredManifest, type KubernetesObject } from "../vendored-manifests";

export const LWS_MANIFEST = { chart: "lws", file: "manifests.yaml" } as const;

type Constructor = new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed resource for each kind the manifest holds (a kind outside it is a vendoring error). */
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
  MutatingWebhookConfiguration: k8s.admissionregistration.v1.MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration: k8s.admissionregistration.v1.ValidatingWebhookConfiguration,
};

/** Cluster-wide objects first (namespace, CRDs, RBAC), then the rest, each depending on those before it. */
const ORDER = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "ConfigMap", "Secret", "Service", "Deployment", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

export function lwsObjects(): KubernetesObject[] {
  const objects = readVendoredManifest(LWS_MANIFEST.chart, LWS_MANIFEST.file);
  const unknown = objects.filter((o) => !(o.kind in KINDS)).map((o) => `${o.kind} ${o.metadata.name}`);
  if (unknown.length > 0) throw new Error(`charts/lws/manifests.yaml: no resource type for ${unknown.join(", ")}`);
  return [...objects].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

export class LwsController extends pulumi.ComponentResource {
  /** The controller Deployment: LeaderWorkerSets wait for it (its webhooks must answer first). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:addons:LwsController", name, {}, opts);
    const created: Record<string, pulumi.CustomResource[]> = {};
    for (const object of lwsObjects()) {
      const earlier = ORDER.slice(0, ORDER.indexOf(object.kind)).flatMap((kind) => created[kind] ?? []);
      const Kind = KINDS[object.kind]!;
      const resource = new Kind(`${name}-${object.kind.toLowerCase()}-${object.metadata.name}`, object, {
        parent: this, provider: opts.provider, dependsOn: earlier.length > 0 ? [earlier[earlier.length - 1]!] : [],
      });
      (created[object.kind] ??= []).push(resource);
    }
    this.ready = [...(created.Deployment ?? []), ...(created.MutatingWebhookConfiguration ?? []), ...(created.ValidatingWebhookConfiguration ?? [])];
    this.registerOutputs({});
  }
}
