/**
 * Registers vendored objects (infra/manifests/vendored.ts read and ordered them) as typed
 * Kubernetes resources, each after the last object of an earlier kind, with the stack's image source applied.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../plan";
import { withImagesFrom } from "../manifests/pod-spec";
import { INSTALL_ORDER, type InstallKind, type KubernetesObject } from "../manifests/vendored";

type Constructor = new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed resource for each kind a vendored manifest may hold (a kind outside it is a vendoring error). */
const KINDS: Record<InstallKind, Constructor> = {
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
    const kind = object.kind as InstallKind;
    const earlier = INSTALL_ORDER.slice(0, INSTALL_ORDER.indexOf(kind)).flatMap((k) => created[k] ?? []);
    const Kind = KINDS[kind];
    const resource = new Kind(`${name}-${object.kind.toLowerCase()}-${object.metadata.name}`, withImagesFrom(object, opts.images), {
      parent: opts.parent,
      provider: opts.provider,
      dependsOn: [...(opts.dependsOn ?? []), ...(earlier.length > 0 ? [earlier[earlier.length - 1]!] : [])],
      ignoreChanges: [...(opts.ignoreChanges?.[`${object.kind}/${object.metadata.name}`] ?? [])],
    });
    (created[object.kind] ??= []).push(resource);
  }
  return created;
}
