/**
 * agentgateway v1.4.1's controller (Kubernetes mode) — what `helm install agentgateway
 * oci://cr.agentgateway.dev/charts/agentgateway --version v1.4.1 -n agentgateway-system --set
 * inferenceExtension.enabled=true` renders — rebuilt as plain objects from the chart's own Helm golden
 * (charts/agentgateway/controller/default.golden, upstream controller/test/helm/testdata/agentgateway/default.golden:
 * `helm template test-release` of the chart with its default values, namespace `default`). The golden
 * is refused unless it has the shape the steps below expect, so a newer vendored copy that renders
 * differently fails here instead of differing silently. Each step names the template line it reproduces:
 *
 * 1. Release name `agentgateway`, namespace `agentgateway-system` (the namespace the chart's docs use,
 *    values.yaml l.7–11). `agentgateway.fullname` is the release name when it contains the chart name
 *    (templates/_helpers.tpl l.13–24), so `test-release-agentgateway` (ServiceAccount, Service,
 *    Deployment, serviceAccountName, AGW_XDS_SERVICE_NAME) becomes `agentgateway` and the
 *    `app.kubernetes.io/instance` label `test-release` becomes `agentgateway` (l.51–55). The ClusterRole
 *    is `agentgateway-<namespace>` and the binding `<name>-role-<namespace>` (templates/role.yaml l.5,
 *    and its ClusterRoleBinding), the subject's namespace the release's.
 * 2. The release's version: `make release-charts` packages the chart with `--version v1.4.1
 *    --app-version v1.4.1` (controller/Makefile l.541–545, HELM_CHART_VERSION_V l.510), so the label
 *    `helm.sh/chart` is `agentgateway-v1.4.1` (_helpers.tpl l.29–31), `app.kubernetes.io/version` is
 *    `v1.4.1` (l.39–41) and the controller image `cr.agentgateway.dev/controller:v1.4.1`
 *    (templates/deployment.yaml l.59: registry `cr.agentgateway.dev` values.yaml l.205, repository
 *    `controller` l.66, tag = appVersion, `agentgateway.imageTag` keeps a leading v, _helpers.tpl l.87–96).
 * 3. `inferenceExtension.enabled=true` (values.yaml l.212–214): the ClusterRole gains
 *    `inference.networking.k8s.io` `inferencepools` get/watch/list and `inferencepools/status`
 *    patch/update (templates/role.yaml l.197–206, appended after the last rule), and the container
 *    gains `AGW_ENABLE_INFER_EXT=true` (templates/deployment.yaml l.171–174, right before AGW_XDS_MODE,
 *    l.179). Without it the controller keeps a static empty InferencePool collection
 *    (controller/pkg/agentgateway/plugins/collection.go l.209–221).
 * 4. The kit's placement and Pod Security: `nodeSelector` (values.yaml l.45, deployment.yaml l.212–215)
 *    on the system nodes, `podSecurityContext: {seccompProfile: RuntimeDefault}` (values.yaml l.33,
 *    deployment.yaml l.41–44) — the golden's container already runs non-root, without privilege
 *    escalation and with every capability dropped (deployment.yaml l.51–57), seccomp is what
 *    "restricted" still lacks — and the namespace with the restricted labels (Helm's `-n` does not
 *    create one).
 *
 * What the controller does on its own, from its source at v1.4.1:
 * - It creates the GatewayClass `agentgateway` with controllerName `agentgateway.dev/agentgateway`
 *   itself (controller/pkg/controller/gatewayclass.go l.89–91, 149–176: seeded at start and applied
 *   with server-side apply; defaults controller/api/settings/settings.go l.261–267; the golden's
 *   ClusterRole grants gatewayclasses create). The kit emits none.
 * - For each Gateway it deploys a proxy Deployment, Service and ServiceAccount named after the Gateway,
 *   in the Gateway's namespace (controller/test/deployer/testdata/agentgateway-aws-nlb-dummy-port-out.yaml),
 *   with image `<AGW_PROXY_IMAGE_REGISTRY>/<AGW_PROXY_IMAGE_REPOSITORY>:<tag>`: registry
 *   `cr.agentgateway.dev` and repository `agentgateway` (golden env; settings.go l.229–234), tag
 *   `AGW_PROXY_IMAGE_TAG` when set — the chart sets it only from `proxy.image.tag`/`image.tag`, both
 *   empty (deployment.yaml l.102–105) — else `v` + the binary's linker version (controller/pkg/controller/start.go
 *   l.222–233, 270–272; `-X ...version.Version=$(VERSION)`, controller/Makefile l.46). So a v1.4.1
 *   controller deploys `cr.agentgateway.dev/agentgateway:v1.4.1` (AGENTGATEWAY_IMAGES.proxy); the
 *   Gateway's AgentgatewayParameters pins it explicitly all the same (inference-gateway.ts).
 * - CRDs it needs: it watches AgentgatewayPolicy and AgentgatewayBackend with plain (not delayed)
 *   informers unconditionally (plugins/collection.go l.212–213), so both CRDs must be installed or its
 *   collections never sync; AgentgatewayParameters through a delayed informer
 *   (controller/pkg/deployer/agentgateway_parameters.go l.235) — the kit uses it, so it is installed;
 *   AgentgatewayModel only with `agentgatewayModels.enabled` (collection.go l.214, 222–224), off here,
 *   so that CRD (309 KB) is not vendored. The Gateway API CRDs come from charts/gateway-api, the
 *   InferencePool CRD from charts/gateway-api-inference-extension.
 */
import { RESTRICTED_NAMESPACE_LABELS } from "../pod-spec";
import { readVendoredManifest, type KubernetesObject } from "../vendored";

export const AGENTGATEWAY_VERSION = "v1.4.1";
/** Upstream commit of tag v1.4.1 (agentgateway/agentgateway). */
export const AGENTGATEWAY_COMMIT = "163ea2146acb7b82082acea30ed691b29079095f";
/** The controller's namespace: the one agentgateway's chart documents (values.yaml l.7–11). */
export const AGENTGATEWAY_NAMESPACE = "agentgateway-system";
/** The Helm release the install reproduces; its fullname is the release name (_helpers.tpl l.18–19). */
export const AGENTGATEWAY_RELEASE = "agentgateway";
/** The GatewayClass the controller creates, and its controllerName (settings.go l.261–267). */
export const AGENTGATEWAY_GATEWAY_CLASS = "agentgateway";
export const AGENTGATEWAY_CONTROLLER_NAME = "agentgateway.dev/agentgateway";

/**
 * Every image the agentgateway install runs, pinned by tag (the release publishes no digest in the
 * repository; none was available offline): the controller (step 2 above) and the per-Gateway proxy.
 */
export const AGENTGATEWAY_IMAGES = {
  controller: `cr.agentgateway.dev/controller:${AGENTGATEWAY_VERSION}`,
  proxy: `cr.agentgateway.dev/agentgateway:${AGENTGATEWAY_VERSION}`,
} as const;

export const AGENTGATEWAY_CHART = "agentgateway";
const CHART = AGENTGATEWAY_CHART;
const GOLDEN = "controller/default.golden";
const GOLDEN_RELEASE = "test-release";
const GOLDEN_NAMESPACE = "default";
const GOLDEN_IMAGE = "cr.agentgateway.dev/controller:v0.0.0-dev";
const GOLDEN_CHART_LABEL = "agentgateway-0.0.2";
const GOLDEN_APP_VERSION = "0.0.0-dev";
const GOLDEN_KINDS = ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment"];

/** templates/role.yaml l.197–206, as rendered. */
export const INFERENCE_EXTENSION_RULES = [
  { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools"], verbs: ["get", "watch", "list"] },
  { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools/status"], verbs: ["patch", "update"] },
] as const;

type Json = Record<string, any>;

function refuse(what: string): never {
  throw new Error(
    `charts/${CHART}/${GOLDEN}: ${what} — not the shape agentgatewayInstall reproduces; re-derive the steps from the new chart`,
  );
}

/** Replaces every string value equal to a key of `names` (names, labels, env values, subjects). */
function renameStrings(node: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => renameStrings(item, names));
  if (node !== null && typeof node === "object")
    return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, renameStrings(v, names)]));
  return typeof node === "string" && Object.hasOwn(names, node) ? names[node] : node;
}

/** The golden's objects as read, checked for the shape the steps expect. */
function readGolden(): KubernetesObject[] {
  const objects = readVendoredManifest(CHART, GOLDEN);
  const kinds = objects.map((o) => o.kind);
  if (JSON.stringify(kinds) !== JSON.stringify(GOLDEN_KINDS)) refuse(`kinds ${kinds.join(", ")}, expected ${GOLDEN_KINDS.join(", ")}`);
  const deployment = objects.find((o) => o.kind === "Deployment") as Json;
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  if (containers.length !== 1 || containers[0].name !== "controller") refuse("the Deployment has not exactly the container `controller`");
  const container = containers[0];
  if (container.image !== GOLDEN_IMAGE) refuse(`controller image ${container.image}, expected ${GOLDEN_IMAGE}`);
  const envNames: string[] = (container.env ?? []).map((e: Json) => e.name);
  if (!envNames.includes("AGW_XDS_MODE")) refuse("no AGW_XDS_MODE env to place AGW_ENABLE_INFER_EXT before");
  if (envNames.includes("AGW_ENABLE_INFER_EXT")) refuse("AGW_ENABLE_INFER_EXT already set");
  if (envNames.includes("AGW_PROXY_IMAGE_TAG")) refuse("AGW_PROXY_IMAGE_TAG set: the proxy tag would not follow the controller's version");
  if (deployment.spec.template.spec.securityContext !== undefined) refuse("a pod securityContext is already set");
  if (deployment.spec.template.spec.nodeSelector !== undefined) refuse("a nodeSelector is already set");
  const role = objects.find((o) => o.kind === "ClusterRole") as Json;
  if (JSON.stringify(role.rules).includes("inference.networking.k8s.io"))
    refuse("the ClusterRole already names inference.networking.k8s.io");
  const last = role.rules.at(-1);
  if (last?.apiGroups?.[0] !== "security.istio.io") refuse("the ClusterRole's last rule is not security.istio.io (role.yaml l.189–196)");
  if (role.metadata.name !== `agentgateway-${GOLDEN_NAMESPACE}`) refuse(`ClusterRole ${role.metadata.name}`);
  for (const object of objects as Json[]) {
    const labels = object.metadata.labels;
    if (labels && (labels["helm.sh/chart"] !== GOLDEN_CHART_LABEL || labels["app.kubernetes.io/version"] !== GOLDEN_APP_VERSION))
      refuse(`${object.kind} labels ${JSON.stringify(labels)}`);
  }
  return objects;
}

/**
 * The controller install for `inferenceExtension.enabled=true` at v1.4.1, in namespace
 * agentgateway-system, its pod on the nodes `nodeSelector` names: the Namespace, then the golden's
 * ServiceAccount, ClusterRole, ClusterRoleBinding, Service and Deployment, transformed as the module
 * comment lists. The CRDs are charts/agentgateway/crds (agentgatewayCrds).
 */
export function agentgatewayInstall(nodeSelector: Record<string, string>): KubernetesObject[] {
  // Step 1: release name and namespace (exact string values only; a leftover is refused below).
  const renamed = renameStrings(readGolden(), {
    [`${GOLDEN_RELEASE}-agentgateway`]: AGENTGATEWAY_RELEASE,
    [GOLDEN_RELEASE]: AGENTGATEWAY_RELEASE,
    [`agentgateway-${GOLDEN_NAMESPACE}`]: `agentgateway-${AGENTGATEWAY_NAMESPACE}`,
    [`agentgateway-role-${GOLDEN_NAMESPACE}`]: `agentgateway-role-${AGENTGATEWAY_NAMESPACE}`,
  }) as Json[];
  for (const object of renamed) {
    if (object.metadata.namespace !== undefined) {
      if (object.metadata.namespace !== GOLDEN_NAMESPACE) refuse(`${object.kind} in namespace ${object.metadata.namespace}`);
      object.metadata.namespace = AGENTGATEWAY_NAMESPACE;
    }
    for (const subject of object.subjects ?? []) {
      if (subject.namespace !== GOLDEN_NAMESPACE) refuse(`subject namespace ${subject.namespace}`);
      subject.namespace = AGENTGATEWAY_NAMESPACE;
    }
    // Step 2: the release's chart version and appVersion.
    const labels = object.metadata.labels;
    if (labels) {
      labels["helm.sh/chart"] = `agentgateway-${AGENTGATEWAY_VERSION}`;
      labels["app.kubernetes.io/version"] = AGENTGATEWAY_VERSION;
    }
  }
  if (JSON.stringify(renamed).includes(GOLDEN_RELEASE)) refuse(`"${GOLDEN_RELEASE}" left after renaming`);

  const role = renamed.find((o) => o.kind === "ClusterRole")!;
  const deployment = renamed.find((o) => o.kind === "Deployment")!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  container.image = AGENTGATEWAY_IMAGES.controller;

  // Step 3: inferenceExtension.enabled.
  role.rules.push(...structuredClone(INFERENCE_EXTENSION_RULES as unknown as Json[]));
  const xdsMode = container.env.findIndex((e: Json) => e.name === "AGW_XDS_MODE");
  container.env.splice(xdsMode, 0, { name: "AGW_ENABLE_INFER_EXT", value: "true" });

  // Step 4: podSecurityContext and nodeSelector values, and the namespace.
  pod.securityContext = { seccompProfile: { type: "RuntimeDefault" } };
  pod.nodeSelector = { ...nodeSelector };
  const namespace: KubernetesObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: AGENTGATEWAY_NAMESPACE, labels: { ...RESTRICTED_NAMESPACE_LABELS } } as KubernetesObject["metadata"],
  };
  return [namespace, ...(renamed as KubernetesObject[])];
}

/** The vendored CRD files the controller needs (see the module comment), relative to charts/agentgateway. */
export const AGENTGATEWAY_CRD_FILES = [
  "crds/agentgateway.dev_agentgatewaybackends.yaml",
  "crds/agentgateway.dev_agentgatewayparameters.yaml",
  "crds/agentgateway.dev_agentgatewaypolicies.yaml",
] as const;

/** The three CRDs, as vendored (plain YAML in upstream's agentgateway-crds chart, no templating). */
export function agentgatewayCrds(): KubernetesObject[] {
  return AGENTGATEWAY_CRD_FILES.flatMap((file) => readVendoredManifest(CHART, file));
}
