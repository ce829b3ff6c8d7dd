/**
 * KEDA v2.20.2's core install — what upstream's `make release` writes to keda-2.20.2-core.yaml —
 * as plain objects built from the vendored kustomize tree (charts/keda/config, charts/keda/crds):
 * the six CRDs, the `keda` namespace, RBAC, the operator and the metrics API server with their
 * Services, the service account and the APIService v1beta1.external.metrics.k8s.io. No admission
 * webhooks: `config/minimal` leaves out `config/webhooks` (Makefile, release target, line 263).
 *
 * The release is reproduced by a small reader of the kustomizations it builds, limited to the
 * features they use (resources, images, labels, JSON 6902 patches, one LabelTransformer) and
 * refusing any other, so a newer vendored copy that needs more fails here instead of differing
 * silently. The release's own edits (Makefile lines 250–263) are applied to the files as read:
 * `kustomize edit set image` pins each image to the version, and `sed` writes the version into
 * the label transformer. Then the kit's adjustments, each a named step below: Pod Security
 * "restricted" on the namespace and both pods on the system nodes.
 *
 * Certificates: the operator runs with `--enable-cert-rotation=true` (config/manager/manager.yaml:38),
 * creates the Secret `kedaorg-certs` in its namespace (pkg/certificates/certificate_manager.go:83,
 * 129–168), signs a serving certificate with its own CA "KEDA" (cmd/operator/main.go:343–363) and
 * writes the CA into the APIService's spec.caBundle (certificate_manager.go:61–67, APIService type;
 * open-policy-agent/cert-controller v0.16.0 pkg/rotator/rotator.go:459–472 sets it, 867 updates the
 * object). The metrics API server mounts that Secret, not optional (config/metrics-server/deployment.yaml:74–76,
 * 91–94), and stays ContainerCreating until the operator has written it. See KEDA_MUTATED_FIELDS.
 */
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { RESTRICTED_NAMESPACE_LABELS } from "../pod-spec";
import { CHARTS_DIRECTORY, inInstallOrder, onNodes, readVendoredManifest, type KubernetesObject } from "../vendored";
import { KIT_NAMESPACES } from "../../plan";

/** The release vendored in charts/keda (tag v2.20.2, commit 68a5b5028f35b22d50597c69819ab32c4e92f21a). */
export const KEDA_VERSION = "2.20.2";
/** KEDA's namespace, as upstream names it: the APIService's service reference and the bindings' subjects name it too. */
export const KEDA_NAMESPACE = KIT_NAMESPACES.keda;
/** The APIService KEDA serves external metrics under, for the HPA controller. */
export const KEDA_METRICS_APISERVICE = "v1beta1.external.metrics.k8s.io";

/**
 * Fields of the install's objects that KEDA writes at run time, by `<kind>/<name>` → Pulumi
 * ignoreChanges paths. The kit never sets them; ignoring them keeps a refresh, or an update that
 * replaces the whole object (client-side apply), from proposing to drop the CA — which would fail
 * the aggregated API, and with it every HPA KEDA drives, until the rotator's watch writes it back.
 * - spec.caBundle of the APIService: the operator's cert rotator injects its CA
 *   (cert-controller v0.16.0 pkg/rotator/rotator.go:467, applied by ensureCerts, :835–873).
 * Nothing else in the core install is written: no CRD has a conversion webhook, and the
 * ValidatingWebhookConfiguration the rotator would also patch (`keda-admission`,
 * cmd/operator/main.go:118, 120) is not part of it.
 */
export const KEDA_MUTATED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [`APIService/${KEDA_METRICS_APISERVICE}`]: ["spec.caBundle"],
};

const CHART = "keda";
type Json = Record<string, any>;

/** The image each release step sets, by the kustomization directory it runs `kustomize edit set image` in (Makefile:251–254). */
const RELEASE_IMAGES: Record<string, { name: string; newName: string; newTag: string }> = {
  "config/manager": { name: "ghcr.io/kedacore/keda", newName: "ghcr.io/kedacore/keda", newTag: KEDA_VERSION },
  "config/metrics-server": {
    name: "ghcr.io/kedacore/keda-metrics-apiserver",
    newName: "ghcr.io/kedacore/keda-metrics-apiserver",
    newTag: KEDA_VERSION,
  },
};

/** Upstream's path under the tag → the vendored file: the CRD bases sit in charts/keda/crds, the rest keeps its path. */
const vendoredPath = (path: string): string => (path.startsWith("config/crd/bases/") ? path.replace("config/crd/bases/", "crds/") : path);
const readText = (charts: string, path: string): string => readFileSync(join(charts, CHART, vendoredPath(path)), "utf8");

/** The label transformer's file after the release's `sed -e 's@version:[ ].*@version: $(VERSION)@g'` (Makefile:260). */
function releaseText(charts: string, path: string): string {
  const text = readText(charts, path);
  return path.endsWith("kustomize-config/metadataLabelTransformer.yaml")
    ? text.replace(/version:[ ].*/g, `version: ${KEDA_VERSION}`)
    : text;
}

const SUPPORTED_FIELDS = ["apiVersion", "kind", "resources", "images", "labels", "patches", "transformers"];

/** A kustomization as read, with the release's image edit applied (`kustomize edit set image` replaces the entry of that name). */
function readKustomization(charts: string, directory: string): Json {
  const kustomization: Json = parse(releaseText(charts, `${directory}/kustomization.yaml`));
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED_FIELDS.includes(key));
  if (unsupported.length > 0)
    throw new Error(
      `charts/keda/${directory}/kustomization.yaml: ${unsupported.join(", ")} not reproduced (supported: ${SUPPORTED_FIELDS.join(", ")})`,
    );
  const edit = RELEASE_IMAGES[directory];
  if (edit) kustomization.images = [...(kustomization.images ?? []).filter((image: Json) => image.name !== edit.name), edit];
  return kustomization;
}

/** Sets `labels` under the path's map, creating it (kustomize fieldSpec `create: true`). */
function addLabels(object: Json, path: readonly string[], labels: Record<string, string>): void {
  let node = object;
  for (const key of path) node = node[key] ??= {};
  Object.assign(node, labels);
}

/**
 * Where kustomize's `labels` with includeSelectors puts the labels beyond metadata.labels, for the
 * kinds this install has (kustomize api/internal/konfig/builtinpluginconsts/commonlabels.go: Service
 * spec/selector; Deployment spec/selector/matchLabels and, through metadataLabelsFieldSpecs,
 * spec/template/metadata/labels). The affinity and topology-spread selectors are `create: false`
 * and KEDA's Deployments set none. A kind with other selectors is refused.
 */
const SELECTOR_PATHS: Record<string, readonly (readonly string[])[]> = {
  Namespace: [],
  CustomResourceDefinition: [],
  ServiceAccount: [],
  ClusterRole: [],
  Role: [],
  ClusterRoleBinding: [],
  RoleBinding: [],
  APIService: [],
  Service: [["spec", "selector"]],
  Deployment: [
    ["spec", "selector", "matchLabels"],
    ["spec", "template", "metadata", "labels"],
  ],
};

function applyLabels(objects: KubernetesObject[], entry: Json, origin: string): void {
  const extra = Object.keys(entry).filter((key) => !["pairs", "includeSelectors"].includes(key));
  if (extra.length > 0) throw new Error(`${origin}: labels ${extra.join(", ")} not reproduced`);
  for (const object of objects) {
    addLabels(object, ["metadata", "labels"], entry.pairs);
    if (!entry.includeSelectors) continue;
    const paths = SELECTOR_PATHS[object.kind];
    if (!paths) throw new Error(`${origin}: labels with includeSelectors on a ${object.kind} not reproduced`);
    for (const path of paths) addLabels(object, path, entry.pairs);
  }
}

/** kustomize's image transformer on pod templates: an image whose name (before the tag or digest) matches takes newName:newTag. */
function applyImage(objects: KubernetesObject[], image: Json): void {
  for (const object of objects as Json[]) {
    const pod = object.spec?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const name = String(container.image)
        .split("@")[0]!
        .replace(/:[^:/]*$/, "");
      if (name === image.name) container.image = `${image.newName ?? name}:${image.newTag}`;
    }
  }
}

/** RFC 6902 add and remove, the operations KEDA's CRD patches use (RFC 6901 pointers, `-` appends to an array). */
function applyJsonPatch(document: Json, operations: Json[], origin: string): void {
  for (const operation of operations) {
    const keys = String(operation.path)
      .split("/")
      .slice(1)
      .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop()!;
    let parent: any = document;
    for (const key of keys) {
      parent = parent?.[Array.isArray(parent) ? Number(key) : key];
      if (parent === undefined) throw new Error(`${origin}: ${operation.op} ${operation.path}: no ${key}`);
    }
    if (operation.op === "add" && Array.isArray(parent)) parent.splice(last === "-" ? parent.length : Number(last), 0, operation.value);
    else if (operation.op === "add") parent[last] = operation.value;
    else if (operation.op === "remove" && last in parent) Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else throw new Error(`${origin}: ${operation.op} ${operation.path} not reproduced`);
  }
}

function applyPatch(charts: string, objects: KubernetesObject[], directory: string, patch: Json): void {
  const path = posix.join(directory, patch.path);
  const operations = parse(readText(charts, path));
  if (!Array.isArray(operations)) throw new Error(`charts/keda/${path}: only JSON 6902 patches are reproduced`);
  const { group, version, kind, name, ...rest } = patch.target ?? {};
  if (Object.keys(rest).length > 0)
    throw new Error(`charts/keda/${directory}: patch target ${Object.keys(rest).join(", ")} not reproduced`);
  const targets = objects.filter(
    (o) => o.kind === kind && o.metadata.name === name && o.apiVersion === (group ? `${group}/${version}` : version),
  );
  if (targets.length !== 1) throw new Error(`charts/keda/${path}: ${targets.length} objects match ${kind} ${name}`);
  applyJsonPatch(targets[0]!, operations, `charts/keda/${path}`);
}

/** A `transformers:` entry: only the builtin LabelTransformer on metadata/labels, as config/minimal uses it. */
function applyTransformer(charts: string, objects: KubernetesObject[], path: string): void {
  const transformer: Json = parseAllDocuments(releaseText(charts, path))[0]!.toJSON();
  const fieldSpecs = JSON.stringify(transformer.fieldSpecs);
  if (transformer.kind !== "LabelTransformer" || fieldSpecs !== JSON.stringify([{ path: "metadata/labels", create: true }])) {
    throw new Error(`charts/keda/${path}: ${transformer.kind} with fieldSpecs ${fieldSpecs} not reproduced`);
  }
  for (const object of objects) addLabels(object, ["metadata", "labels"], transformer.labels);
}

/**
 * `kustomize build <directory>`: its resources (files, or directories built first), then its
 * transformations in kustomize's order — patches, labels, images — then its `transformers:`.
 */
function build(charts: string, directory: string): KubernetesObject[] {
  const kustomization = readKustomization(charts, directory);
  const origin = `charts/keda/${directory}/kustomization.yaml`;
  const objects = (kustomization.resources ?? []).flatMap((resource: string) => {
    const path = posix.join(directory, resource);
    return path.endsWith(".yaml") ? readVendoredManifest(CHART, vendoredPath(path), charts) : build(charts, path);
  });
  for (const patch of kustomization.patches ?? []) applyPatch(charts, objects, directory, patch);
  for (const entry of kustomization.labels ?? []) applyLabels(objects, entry, origin);
  for (const image of kustomization.images ?? []) applyImage(objects, image);
  for (const transformer of kustomization.transformers ?? []) applyTransformer(charts, objects, posix.join(directory, transformer));
  return objects;
}

/**
 * keda-2.20.2-core.yaml's objects, in the order kustomize accumulates them (`kustomize build
 * config/minimal` after the release edits). `chartsDirectory` (default: the repository's charts/)
 * lets tests build an altered copy.
 */
export function kedaReleaseObjects(chartsDirectory = CHARTS_DIRECTORY): KubernetesObject[] {
  return build(chartsDirectory, "config/minimal");
}

/**
 * Kit step "restricted namespace": Pod Security "restricted" enforced on `keda`. Both pods already
 * meet it — runAsNonRoot, every container drops ALL capabilities, no privilege escalation,
 * RuntimeDefault seccomp, only secret and emptyDir volumes (config/manager/manager.yaml:25–26,
 * 70–78, 86–91; config/metrics-server/deployment.yaml:22–23, 77–94) — and both images run as 65532:65532,
 * numeric, so the kubelet can check runAsNonRoot (Dockerfile:40, Dockerfile.adapter:40).
 */
function withRestrictedPodSecurity(namespace: KubernetesObject): KubernetesObject {
  const labels = RESTRICTED_NAMESPACE_LABELS;
  return {
    ...namespace,
    metadata: { ...namespace.metadata, labels: { ...(namespace.metadata as Json).labels, ...labels } } as KubernetesObject["metadata"],
  };
}

/** The core install as the kit runs it, in install order: the release's objects, then the kit's steps. */
export function kedaObjects(nodeSelector: Record<string, string>): KubernetesObject[] {
  const objects = kedaReleaseObjects()
    .map((object) => (object.kind === "Namespace" && object.metadata.name === KEDA_NAMESPACE ? withRestrictedPodSecurity(object) : object))
    // Kit step "system nodes": both Deployments keep upstream's kubernetes.io/os: linux; the system
    // nodes carry no taint, so no toleration, and the GPU nodes' taint keeps KEDA off them.
    .map((object) => onNodes(object, nodeSelector));
  return inInstallOrder(objects, "charts/keda");
}
