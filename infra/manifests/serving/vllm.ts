/**
 * The Kubernetes objects of one vLLM server, as plain data derived from the plan. Pure (no Pulumi),
 * so tests validate exactly these objects against the Kubernetes schema; VllmServer only adds the
 * Secret's values and registers them.
 *
 * Security decisions:
 * - The pod runs as UID 2000 — the `vllm` user the pinned vllm-openai image defines (vLLM PR
 *   #40275; infra/catalog/vllm-release.ts) — non-root, no privilege escalation, all capabilities
 *   dropped, RuntimeDefault seccomp: the namespace enforces Pod Security "restricted". The image
 *   itself defaults to root, and images before that PR (v0.11.0 and its era, which a stack may still
 *   pin with vllmImage) have no passwd entry for any UID but 0. PyTorch's
 *   inductor calls getpass.getuser(), which reads LOGNAME, USER, LNAME and USERNAME before looking
 *   the UID up and raises KeyError("getpwuid(): uid not found") on Python 3.12 when that fails
 *   (CPython Lib/getpass.py, 3.12), so USER and LOGNAME are set; HOME, the Hugging Face cache and
 *   the inductor, Triton and XDG caches point at the writable cache volume. The root filesystem
 *   stays writable: Python and the JIT compilers write to paths this kit cannot enumerate and
 *   verify offline; "restricted" does not require a read-only root.
 * - Secrets: the Hugging Face token is a file (HF_TOKEN_PATH), the API key an env var from a
 *   secretKeyRef; neither is ever in args or a plain env value.
 */
import { RESTRICTED_NAMESPACE_LABELS, awsRegionEnv, hfTokenFile, restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import {
  type DeploymentPlan,
  type ServerScaling,
  modelCacheGiB,
  podResources,
  rolloutSeconds,
  startupBudget,
  STARTUP_PROBE_PERIOD_SECONDS,
  VLLM_PORT,
} from "../../plan";

export const SECRET_KEYS = { apiKey: "api-key", hfToken: "hf-token" } as const;
/** The image's `vllm` user where it has one (UID 2000, HOME /home/vllm, vLLM PR #40275). */
export const VLLM_UID = 2000;
const USER_NAME = "vllm";
const CACHE_MOUNT = "/cache";
/** Seconds the preStop hook waits so endpoints and kube-proxy stop sending traffic before vLLM stops. */
export const PRE_STOP_DELAY_SECONDS = 15;
/** Seconds vLLM gets after SIGTERM to finish in-flight requests and release the GPUs. */
export const VLLM_SHUTDOWN_SECONDS = 60;

type Json = Record<string, unknown>;

/**
 * Where the server reads its weights: the S3 model cache (an `s3://` URI, streamed; the pod's AWS
 * credentials come from Pod Identity) or Hugging Face (downloaded at every start, with the token
 * when the stack sets one).
 */
export type WeightsLocation = { source: "s3"; uri: string; region: string } | { source: "huggingface"; hfTokenSet: boolean };

export interface VllmManifestInput {
  name: string;
  namespace: string;
  plan: DeploymentPlan;
  image: string;
  weights: WeightsLocation;
  nodeSelector: Record<string, string>;
  tolerations: Json[];
  exposure: "cluster" | "internal-lb";
  allowedClientNamespaces: string[];
  /** The VPC's CIDR, admitted by the NetworkPolicy for the internal load balancer (exposure internal-lb). */
  vpcCidr: string | null;
  /** vpc.amazonaws.com/efa each pod takes (all its node's EFA interfaces); 0 without EFA. */
  efaInterfacesPerPod: number;
  /** The namespace Prometheus scrapes from, admitted to the metrics port by the NetworkPolicy; null without monitoring. */
  monitoringNamespace: string | null;
  /** KEDA's range when autoscaled (the workload then leaves `replicas` to it); null: the plan's replicas, fixed. */
  autoscaling: ServerScaling | null;
  /**
   * Behind the stack's inference gateway (a set's server, or one that scales to zero): only these
   * sources (the gateway's proxy and the model's endpoint picker) reach it, clients go through the
   * gateway, and at zero the picker holds their requests. Absent: reached at its own Service.
   */
  behindGateway?: { sources: Json[] };
}

/**
 * The workload's `replicas`, unless KEDA's HPA owns it: with server-side apply a field the manifest
 * sets stays the applier's, so the next `pulumi up` would fight the HPA over it (conflict) — the
 * Kubernetes docs say to leave `replicas` out of the manifest when an HPA scales the object
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership). A new
 * workload then starts at its API default of 1 and KEDA moves it into the range.
 */
const replicasField = (input: VllmManifestInput): Json => (input.autoscaling ? {} : { replicas: input.plan.replicas });

/**
 * The stack owns its workload: a field another field manager took — the HPA's `spec.replicas` once
 * autoscaling is turned off, a `kubectl scale` — is taken back instead of failing `pulumi up` with
 * a server-side apply conflict (pulumi-kubernetes provider/pkg/await/await.go, patchForce: the
 * annotation forces the apply; https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts).
 */
const FORCE_APPLY = { "pulumi.com/patchForce": "true" } as const;

/**
 * pulumi-kubernetes awaits readiness only for kinds it knows (a Deployment's rollout); any other
 * custom resource counts as created once the API server accepts it — unless it carries
 * `pulumi.com/waitFor` (provider 4.18 and later; pinned 4.34.2), which waits for the condition,
 * as long as `pulumi.com/timeoutSeconds` allows. LeaderWorkerSet v0.10.0 reports `Available` once
 * its groups are ready, so a group that can never start fails `pulumi up` with the condition it
 * waited for instead of printing an endpoint. The time is the Deployment's: the plan's rollout.
 */
function awaitedUntilAvailable(plan: DeploymentPlan): Record<string, string> {
  return { "pulumi.com/waitFor": "condition=Available", "pulumi.com/timeoutSeconds": String(rolloutSeconds(plan)) };
}

export interface VllmManifests extends VllmObjects {
  /** The workload: a Deployment, or a LeaderWorkerSet when a replica spans nodes. */
  workload: Json;
}

/**
 * The workload's name: the server's for a Deployment; for a LeaderWorkerSet, one that no other
 * Service of the server takes. LeaderWorkerSet v0.10.0 gives every pod of a group the subdomain
 * `<lws name>` (SubdomainPolicy Shared, the default) and the workers LWS_LEADER_ADDRESS
 * `<lws name>-<group>.<lws name>.<namespace>`, and creates the headless Service of that name only
 * when no Service of that name exists (CreateHeadlessServiceIfNotExists,
 * pkg/utils/controller/controller_utils.go, tag v0.10.0). A LeaderWorkerSet named like the client
 * Service (`vllm`) would so find that ClusterIP Service, which selects only a ready leader: the
 * address would resolve only once the leader is Ready, which it never is before its workers join.
 */
export function workloadName(input: Pick<VllmManifestInput, "name" | "plan">): string {
  return input.plan.nodesPerReplica > 1 ? `${input.name}-group` : input.name;
}

/** The label LeaderWorkerSet v0.10.0 puts on every pod of a set, valued with the set's name (api/leaderworkerset/v1/leaderworkerset_types.go SetNameLabelKey). */
const LWS_SET_NAME_LABEL = "leaderworkerset.sigs.k8s.io/name";

/**
 * The Service that names a multi-node replica's pods in DNS (`<pod>.<lws name>.<namespace>.svc`):
 * headless, publishing not-ready pods (a worker must find its leader long before the leader's
 * /health answers), over every pod of the set — the Service LeaderWorkerSet would create itself,
 * made by the stack so the leader address is the stack's by construction, visible and validated.
 * The set waits for it (VllmServer), so the controller always finds it and creates none.
 */
export function groupHeadlessService(input: Pick<VllmManifestInput, "name" | "namespace" | "plan">): Json {
  const name = workloadName(input);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: input.namespace, labels: selectorLabels(input.name) },
    spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { [LWS_SET_NAME_LABEL]: name } },
  };
}

/** Everything but the workload: none of it depends on where the weights come from or which model is served. */
export interface VllmObjects {
  namespace: Json;
  serviceAccount: Json;
  /** Without data: VllmServer adds the secret values. */
  secretMetadata: Json;
  service: Json;
  podDisruptionBudget: Json;
  networkPolicy: Json;
  internalLoadBalancer: Json | null;
}

/** The pods that serve the API: all of them, or the leaders of multi-node groups. */
export function servingPodSelector(input: Pick<VllmManifestInput, "name" | "plan">): Record<string, string> {
  return input.plan.nodesPerReplica > 1 ? { ...selectorLabels(input.name), [ROLE_LABEL]: "leader" } : selectorLabels(input.name);
}

export function selectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name };
}

/** A multi-node replica's pods: `leader` (serves the API) or `worker`. */
export const ROLE_LABEL = "llm-stack/role";
/** Labels LeaderWorkerSet v0.10.0 sets on its pods (api/leaderworkerset/v1/leaderworkerset_types.go). */
export const LWS_LABELS = {
  name: LWS_SET_NAME_LABEL,
  groupKey: "leaderworkerset.sigs.k8s.io/group-key",
  workerIndex: "leaderworkerset.sigs.k8s.io/worker-index",
} as const;

/** The label a client pod in the server's namespace carries to be admitted by the NetworkPolicy. */
export const CLIENT_LABEL = "llm-stack/client";

function httpProbe(periodSeconds: number, failureThreshold: number, timeoutSeconds: number): Json {
  return { httpGet: { path: "/health", port: "http" }, periodSeconds, failureThreshold, timeoutSeconds };
}

/** Only a server downloading from Hugging Face holds the token; on the S3 path only the copy Job does. */
const mountsHfToken = (weights: WeightsLocation): boolean => weights.source === "huggingface" && weights.hfTokenSet;

/** What a pod of the server runs: the whole replica, or the leader (rank 0, the API) or a worker of a multi-node one. */
type PodRole = "replica" | "leader" | "worker";

function container(input: VllmManifestInput, secretName: string, role: PodRole): Json {
  const { plan } = input;
  // A multi-node replica's pod takes every GPU of its node: TP inside the node, PP across nodes.
  const gpusPerPod = String(plan.gpusPerReplica / plan.nodesPerReplica);
  // EFA interfaces are a device like GPUs (the EFA device plugin advertises vpc.amazonaws.com/efa).
  const efa = input.efaInterfacesPerPod > 0 ? { "vpc.amazonaws.com/efa": String(input.efaInterfacesPerPod) } : {};
  const resources = podResources(plan);
  const budget = startupBudget(plan);
  const env: Json[] = [
    { name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: secretName, key: SECRET_KEYS.apiKey } } },
    { name: "USER", value: USER_NAME },
    { name: "LOGNAME", value: USER_NAME },
    { name: "HOME", value: `${CACHE_MOUNT}/home` },
    { name: "HF_HOME", value: `${CACHE_MOUNT}/huggingface` },
    { name: "XDG_CACHE_HOME", value: `${CACHE_MOUNT}/xdg` },
    { name: "TORCHINDUCTOR_CACHE_DIR", value: `${CACHE_MOUNT}/torchinductor` },
    { name: "TRITON_CACHE_DIR", value: `${CACHE_MOUNT}/triton` },
    { name: "VLLM_NO_USAGE_STATS", value: "1" },
    { name: "DO_NOT_TRACK", value: "1" },
  ];
  const mounts: Json[] = [
    { name: "cache", mountPath: CACHE_MOUNT },
    { name: "dshm", mountPath: "/dev/shm" },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const { weights } = input;
  // The Run:ai streamer's C++ reads and its boto3 listing and config pull both need the region.
  if (weights.source === "s3") env.push(...awsRegionEnv(weights.region));
  if (mountsHfToken(weights)) {
    const token = hfTokenFile(secretName, SECRET_KEYS.hfToken);
    env.push(token.env);
    mounts.push(token.mount);
  }
  return {
    name: "vllm",
    image: input.image,
    // `vllm serve <model>`, the image's own entrypoint: only it acts on --headless (a worker of a
    // multi-node replica runs the engine without an API server; vllm/entrypoints/cli/serve.py
    // ServeSubcommand.cmd), and it warns that its --model option is going away ("provide the model as
    // a positional argument", vllm/utils/argparse_utils.py), so the model is positional.
    command: ["vllm", "serve", weights.source === "s3" ? weights.uri : plan.repo],
    args: (role === "worker" ? (plan.vllmWorkerArgs ?? []) : plan.vllmArgs).filter((arg) => !arg.startsWith("--model=")),
    ports: [{ name: "http", containerPort: VLLM_PORT, protocol: "TCP" }],
    env,
    resources: {
      requests: { cpu: String(resources.cpu), memory: `${resources.memoryGiB}Gi`, "nvidia.com/gpu": gpusPerPod, ...efa },
      // No CPU limit: throttling the tokenizer and scheduler costs latency; memory is capped at the request.
      limits: { memory: `${resources.memoryGiB}Gi`, "nvidia.com/gpu": gpusPerPod, ...efa },
    },
    volumeMounts: mounts,
    // A headless worker serves no HTTP: the leader's probes cover the group (LeaderWorkerSet restarts
    // the whole group when any pod fails, RecreateGroupOnPodRestart).
    ...(role === "worker"
      ? {}
      : {
          startupProbe: httpProbe(STARTUP_PROBE_PERIOD_SECONDS, budget.probeFailureThreshold, 5),
          readinessProbe: httpProbe(5, 3, 5),
          // vLLM's /health awaits the engine's check_health(): 200, or 503 once the engine is dead
          // (vllm/entrypoints/serve/instrumentator/health.py). A busy server can answer slowly; a restart
          // costs a full model load, so liveness allows 3 minutes (6 × 30 s, 20 s each) before it acts.
          livenessProbe: httpProbe(30, 6, 20),
        }),
    lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_DELAY_SECONDS)] } } },
    securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: false }),
  };
}

function podTemplate(input: VllmManifestInput, labels: Record<string, string>, secretName: string, role: PodRole): Json {
  const { plan } = input;
  const resources = podResources(plan);
  const volumes: Json[] = [
    { name: "cache", emptyDir: { sizeLimit: `${modelCacheGiB(plan)}Gi` } },
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${resources.shmGiB}Gi` } },
    { name: "tmp", emptyDir: { sizeLimit: "4Gi" } },
  ];
  if (mountsHfToken(input.weights)) volumes.push(hfTokenFile(secretName, SECRET_KEYS.hfToken).volume);
  // The pods of one group on distinct nodes: each takes all its node's GPUs anyway; the anti-affinity
  // says so to the scheduler (matchLabelKeys: the group LeaderWorkerSet labels each pod with).
  const groupAntiAffinity =
    role === "replica"
      ? {}
      : {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: selectorLabels(input.name) },
                  matchLabelKeys: [LWS_LABELS.groupKey],
                  topologyKey: "kubernetes.io/hostname",
                },
              ],
            },
          },
        };
  return {
    metadata: { labels: role === "replica" ? labels : { ...labels, [ROLE_LABEL]: role } },
    spec: {
      serviceAccountName: input.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: PRE_STOP_DELAY_SECONDS + VLLM_SHUTDOWN_SECONDS,
      securityContext: restrictedPodSecurity(VLLM_UID),
      nodeSelector: input.nodeSelector,
      tolerations: input.tolerations,
      ...groupAntiAffinity,
      containers: [container(input, secretName, role)],
      volumes,
    },
  };
}

function deployment(input: VllmManifestInput, labels: Record<string, string>, secretName: string): Json {
  const { plan } = input;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels,
      annotations: { ...FORCE_APPLY, "pulumi.com/timeoutSeconds": String(rolloutSeconds(plan)) },
    },
    spec: {
      ...replicasField(input),
      selector: { matchLabels: selectorLabels(input.name) },
      progressDeadlineSeconds: rolloutSeconds(plan),
      // maxSurge 0: a rollout never asks for GPUs beyond the plan's; one replica at a time goes down.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: podTemplate(input, labels, secretName, "replica"),
    },
  };
}

/**
 * A replica over several nodes as one LeaderWorkerSet group (lws v0.10.0, charts/lws): size = nodes
 * per replica, the leader serving the API, the workers joining it; any pod's restart recreates the
 * whole group (a pipeline with a missing stage cannot serve).
 */
function leaderWorkerSet(input: VllmManifestInput, labels: Record<string, string>, secretName: string): Json {
  const { plan } = input;
  return {
    apiVersion: "leaderworkerset.x-k8s.io/v1",
    kind: "LeaderWorkerSet",
    metadata: {
      name: workloadName(input),
      namespace: input.namespace,
      labels,
      annotations: { ...FORCE_APPLY, ...awaitedUntilAvailable(plan) },
    },
    spec: {
      ...replicasField(input),
      startupPolicy: "LeaderCreated",
      // maxSurge 0: a rollout never asks for GPUs beyond the plan's.
      rolloutStrategy: { type: "RollingUpdate", rollingUpdateConfiguration: { maxUnavailable: 1, maxSurge: 0 } },
      leaderWorkerTemplate: {
        size: plan.nodesPerReplica,
        restartPolicy: "RecreateGroupOnPodRestart",
        leaderTemplate: podTemplate(input, labels, secretName, "leader"),
        workerTemplate: podTemplate(input, labels, secretName, "worker"),
      },
    },
  };
}

/** Who may call the API: labelled pods of the namespace, the allowed namespaces, and the VPC behind an internal load balancer. */
export function clientSources(input: Pick<VllmManifestInput, "allowedClientNamespaces" | "exposure" | "vpcCidr">): Json[] {
  const from: Json[] = [{ podSelector: { matchLabels: { [CLIENT_LABEL]: "true" } } }];
  if (input.allowedClientNamespaces.length > 0) {
    from.push({
      namespaceSelector: {
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: input.allowedClientNamespaces }],
      },
    });
  }
  if (input.exposure === "internal-lb" && input.vpcCidr) from.push({ ipBlock: { cidr: input.vpcCidr } });
  return from;
}

/** Prometheus' own pods only, not everything in its namespace (the operator labels them app.kubernetes.io/name=prometheus: v0.93.0 pkg/prometheus/server/statefulset_test.go). */
export function prometheusSource(monitoringNamespace: string): Json {
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoringNamespace } },
    podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
  };
}

/** A range that reaches zero: the server then sits behind the inference gateway, whose endpoint picker holds a request while it wakes. */
export const scalesToZero = (input: Pick<VllmManifestInput, "autoscaling">): boolean => input.autoscaling?.minReplicas === 0;

function networkPolicy(input: Omit<VllmManifestInput, "weights">, labels: Record<string, string>): Json {
  // Behind the gateway only its proxy and the model's endpoint picker call the server; the clients' sources admit them to the gateway.
  const from: Json[] = input.behindGateway ? [...input.behindGateway.sources] : clientSources(input);
  // Prometheus scrapes /metrics on the API port (vLLM serves both on one port).
  if (input.monitoringNamespace) from.push(prometheusSource(input.monitoringNamespace));
  const ingress: Json[] = [{ from, ports: [{ protocol: "TCP", port: VLLM_PORT }] }];
  // A multi-node replica's pods talk to each other on the rendezvous port and NCCL's own ports
  // (chosen at run time): every port, from this server's pods only.
  if (input.plan.nodesPerReplica > 1) ingress.push({ from: [{ podSelector: { matchLabels: selectorLabels(input.name) } }] });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels(input.name) },
      policyTypes: ["Ingress"],
      ingress,
    },
  };
}

/** The workload: a Deployment, or one LeaderWorkerSet group per replica when a replica spans nodes. */
export function vllmWorkload(input: VllmManifestInput, secretName: string): Json {
  // Only the workload carries the model labels: switching models must not touch the other objects.
  const workloadLabels = { ...selectorLabels(input.name), "llm-stack/model": input.plan.model, "llm-stack/variant": input.plan.variant };
  return input.plan.nodesPerReplica > 1
    ? leaderWorkerSet(input, workloadLabels, secretName)
    : deployment(input, workloadLabels, secretName);
}

export function vllmManifests(input: VllmManifestInput, secretName: string): VllmManifests {
  return { ...vllmObjects(input, secretName), workload: vllmWorkload(input, secretName) };
}

/** The servers' namespace, at Pod Security "restricted": a one-model server creates it, a set creates it once for every model. */
export function servingNamespace(namespace: string): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { ...RESTRICTED_NAMESPACE_LABELS } } };
}

export function vllmObjects(input: Omit<VllmManifestInput, "weights">, secretName: string): VllmObjects {
  const labels = selectorLabels(input.name);
  const meta = (name: string) => ({ name, namespace: input.namespace, labels });
  const servicePorts = [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }];
  // Only the leader of a multi-node group serves the API; a server that scales to zero is reached through the inference gateway.
  if (scalesToZero(input) && !input.behindGateway)
    throw new Error(
      `vLLM server ${input.name}: a range that reaches zero needs the inference gateway in front (nothing else holds a request while it wakes)`,
    );
  const serviceSelector = servingPodSelector(input);
  return {
    namespace: servingNamespace(input.namespace),
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(input.name), automountServiceAccountToken: false },
    secretMetadata: { apiVersion: "v1", kind: "Secret", metadata: meta(secretName), type: "Opaque" },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(input.name),
      spec: { type: "ClusterIP", selector: serviceSelector, ports: servicePorts },
    },
    // maxUnavailable 1 lets a node drain evict the only replica; minAvailable 1 would block drains forever.
    podDisruptionBudget: {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(input.name),
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(input.name) } },
    },
    networkPolicy: networkPolicy(input, labels),
    // A set is exposed by its gateway's Service, never by a server's own.
    internalLoadBalancer:
      input.exposure === "internal-lb" && !input.behindGateway
        ? {
            apiVersion: "v1",
            kind: "Service",
            metadata: {
              ...meta(`${input.name}-internal`),
              // In-tree AWS cloud provider annotations: an internal NLB, reachable only inside the VPC.
              annotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
              },
            },
            spec: {
              type: "LoadBalancer",
              selector: serviceSelector,
              ports: servicePorts,
              loadBalancerSourceRanges: input.vpcCidr ? [input.vpcCidr] : [],
            },
          }
        : null,
  };
}
