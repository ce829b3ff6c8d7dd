/**
 * The wake front of a vLLM server that scales to zero: a small Envoy Deployment in front of the
 * server's headless Service. While no vLLM replica is ready, a request gets an immediate HTTP 503
 * with `Retry-After: <the plan's time to ready>` and an OpenAI-shaped JSON error, and that request
 * is what wakes the server: Envoy counts it in `upstream_cx_none_healthy`, which KEDA's Prometheus
 * trigger reads (wakeQuery). Requests are never held: a cold start takes 8–40 minutes, far past
 * any client's or load balancer's timeout. Plain data, no Pulumi: tests validate these objects.
 *
 * Every Envoy field and enum value below is checked against Envoy v1.39.0's api/ protos (vendored
 * in charts/envoy/ with their provenance); the image is the v1.39.2 patch release of that line,
 * whose changelogs add no API change (changelogs/1.39.1.yaml, changelogs/1.39.2.yaml). Behaviour
 * cited from Envoy's source and docs (paths below) was read in stored copies of envoyproxy/envoy
 * that could not be tied to the tag's commit (the repository was too large to fetch whole); each
 * piece is long-standing, and a test on a real cluster should confirm the 503, its headers and
 * the counter once.
 *
 * Why each piece:
 * - The upstream is a STRICT_DNS cluster over the *headless* Service's name. A headless Service
 *   publishes only ready pods (publishNotReadyAddresses false), so zero ready replicas is zero
 *   DNS records; c-ares' NXDOMAIN/NODATA count as a successful empty answer
 *   (source/extensions/network/dns_resolver/cares/dns_impl.cc, isResponseWithNoRecords), the
 *   cluster then has no host, and the router answers 503 "no healthy upstream" with response flag
 *   UH (source/common/router/router.cc, sendNoHealthyUpstreamResponse) after the cluster manager
 *   counted `upstream_cx_none_healthy` (source/common/upstream/cluster_manager_impl.cc,
 *   httpConnPoolImpl). A ClusterIP Service would always resolve to its virtual IP: requests would
 *   fail to connect (flag UF), never count, and never wake anything.
 * - V4_ONLY: EKS pod networking here is IPv4. With AUTO, Envoy before v1.40.0 reported a
 *   failed A lookup after an empty AAAA answer as a successful empty result, which would drop live
 *   hosts on a DNS hiccup (changelogs/1.40.0.yaml, area dns_resolver).
 * - The 503 is rewritten by the HTTP connection manager's local_reply_config: one mapper whose
 *   filter matches response flag UH only (api/envoy/config/accesslog/v3/accesslog.proto,
 *   ResponseFlagFilter; docs/root/configuration/observability/access_log/usage.rst: "UH: No
 *   healthy upstream hosts in upstream cluster in addition to 503 response code") adds
 *   retry-after and replaces the body; body_format_override's content_type becomes the reply's
 *   content type (source/common/local_reply/local_reply.cc, BodyFormatter). The body is a
 *   text_format_source literal, not json_format, so its bytes are exactly the JSON below.
 * - Streaming: the route timeout is 0s (disabled; api/envoy/config/route/v3/route_components.proto,
 *   RouteAction.timeout) because one generation may run for minutes; the stream idle timeout
 *   (default 5 minutes, http_connection_manager.proto) is raised to 30 minutes because a
 *   non-streaming completion sends no byte until it is done.
 * - Metrics and probes: the admin interface listens on 127.0.0.1 only. A second listener on the
 *   metrics port routes exactly /stats/prometheus and /ready to the admin cluster and answers 404
 *   to everything else, so nothing in the pod network can reach /quitquitquit, /config_dump or
 *   the runtime endpoints, whatever NetworkPolicy is or is not in place.
 * - The pod runs as UID 65532, the `nonroot` user of the distroless base the envoy-distroless
 *   stage is built FROM (distribution/docker/Dockerfile-envoy, stage envoy-distroless:
 *   `FROM gcr.io/distroless/base-nossl-debian<N>:nonroot`, ENTRYPOINT /usr/local/bin/envoy;
 *   GoogleContainerTools/distroless common/variables.bzl NONROOT = 65532, the uid and gid of
 *   the passwd entry `nonroot` in common/BUILD.bazel), so Pod Security "restricted" holds with nothing to
 *   change in the image. The image tag is `envoyproxy/envoy:distroless-v<version>`
 *   (distribution/docker/build.sh, image_tag_name: build type "-distroless" becomes the tag's
 *   prefix), not the `envoyproxy/envoy-distroless` repository older releases used.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";

type Json = Record<string, unknown>;

/** The Envoy release the wake front runs. */
export const ENVOY_RELEASE = {
  version: "1.39.2",
  /** envoyproxy/envoy's distroless build of that release (distribution/docker/build.sh). */
  image: "envoyproxy/envoy:distroless-v1.39.2",
  /** The distroless base's `nonroot` user, the image's default (see the file comment). */
  uid: 65532,
} as const;

/** The admin interface's port, bound to 127.0.0.1 only. */
export const ENVOY_ADMIN_PORT = 9901;
/** The pod port Prometheus scrapes and the kubelet probes; it serves only METRICS_PATH and READY_PATH. */
export const WAKE_FRONT_METRICS_PORT = 9902;
export const WAKE_FRONT_METRICS_PORT_NAME = "metrics";
/** The port name of the listener clients reach (the public Service's targetPort). */
export const WAKE_FRONT_HTTP_PORT_NAME = "http";
/** Envoy's Prometheus exposition (docs/root/operations/admin.rst, GET /stats/prometheus). */
export const METRICS_PATH = "/stats/prometheus";
/** 200 "LIVE" once the server is initialized, else 503 (source/server/admin/server_info_handler.cc, handlerReady). */
export const READY_PATH = "/ready";

/** The Envoy cluster of vLLM replicas; its name is the value of WAKE_METRIC_CLUSTER_LABEL. */
export const WAKE_CLUSTER_NAME = "vllm";
const ADMIN_CLUSTER_NAME = "envoy_admin";

/**
 * The counter KEDA reads, as Envoy's /stats/prometheus names it. The stat is
 * `cluster.<name>.upstream_cx_none_healthy`, "Total times connection not established due to no
 * healthy hosts" (docs/root/configuration/upstream/cluster_manager/cluster_stats.rst). The
 * default tag extractor takes `<name>` out as tag `envoy.cluster_name`
 * (source/common/config/well_known_names.cc: `cluster.$.**`; well_known_names.h CLUSTER_NAME),
 * and the Prometheus formatter prefixes `envoy_` and turns every character outside
 * [a-zA-Z0-9_] into `_`, in names and tag names alike, without a `_total` suffix
 * (source/server/admin/prometheus_stats.cc, metricName and formattedTags). All stats are exported
 * by default (usedonly is opt-in), so the series exists at 0 from the pod's start and
 * increase() sees the first turned-away request.
 */
export const WAKE_METRIC = "envoy_cluster_upstream_cx_none_healthy";
/**
 * The requests the front passed on to a ready replica: `cluster.<name>.upstream_rq_total`, "Total
 * requests" (cluster_stats.rst), named the same way. With WAKE_METRIC it counts every request the
 * front saw, so light traffic between two scrapes of vLLM's gauges still counts as use.
 */
export const PASSED_ON_METRIC = "envoy_cluster_upstream_rq_total";
export const WAKE_METRIC_CLUSTER_LABEL = "envoy_cluster_name";

/** Where the ConfigMap's bootstrap is mounted and read (`--config-path`, source/server/options_impl.cc). */
export const ENVOY_CONFIG_DIR = "/etc/envoy";
const ENVOY_CONFIG_FILE = "envoy.yaml";

/** Worker threads: a choice; two handle thousands of mostly idle token streams. */
const ENVOY_CONCURRENCY = 2;
/** A choice: long enough for a non-streaming completion that sends nothing until it is done. */
const STREAM_IDLE_TIMEOUT_SECONDS = 1800;
/** Time to receive a request's headers once they start (slow-header clients): a choice. */
const REQUEST_HEADERS_TIMEOUT_SECONDS = 10;
/** Idle downstream connection lifetime: Envoy's edge guidance (edge.rst, common_http_protocol_options.idle_timeout). */
const CONNECTION_IDLE_TIMEOUT_SECONDS = 3600;
/** Time to open a connection to a vLLM pod (Envoy's default is 5s, cluster.proto connect_timeout). */
const UPSTREAM_CONNECT_TIMEOUT_SECONDS = 5;
/**
 * Per-cluster connection, pending-request and request limits. Envoy's defaults are 1024 each
 * (api/envoy/config/cluster/v3/circuit_breaker.proto); with HTTP/1.1 upstreams every streaming
 * generation holds a connection, and a few replicas' batches pass 1024. 4096 is a choice.
 */
const UPSTREAM_CONCURRENCY_LIMIT = 4096;
/** Seconds the kubelet waits before SIGTERM, so endpoints stop sending new connections first (a choice). */
const PRE_STOP_SLEEP_SECONDS = 10;
/** Container resources, choices: Envoy idles at a few MiB and a fraction of a core. */
export const WAKE_FRONT_RESOURCES = { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } } as const;
/** Two pods, spread over nodes, so draining one node leaves a front that answers. */
export const WAKE_FRONT_REPLICAS = 2;

export interface NodePlacement {
  nodeSelector: Record<string, string>;
  tolerations: Json[];
}

export interface WakeFrontInput {
  /** Names the Deployment (`<name>`) and the ConfigMap (`<name>-envoy`). */
  name: string;
  namespace: string;
  /** The vLLM server's headless Service (clusterIP None) in `namespace`; see WakeFrontManifests.upstream. */
  upstreamHeadlessService: string;
  /** The port vLLM serves on, behind that Service. */
  upstreamPort: number;
  /** The port clients reach the front on. */
  listenPort: number;
  /** The Retry-After value of a turned-away request, in whole seconds: the plan's time to ready. */
  retryAfterSeconds: number;
  /** The Envoy image; ENVOY_RELEASE.image unless a stack pins another of the same line. */
  image: string;
  /** Where the front's pods may run; undefined puts them wherever the scheduler likes. */
  nodePlacement: NodePlacement | undefined;
  /** The pods' labels and the Deployment's selector: the public Service selects these. */
  labels: Record<string, string>;
}

export interface WakeFrontManifests {
  configMap: Json;
  deployment: Json;
  /** What the upstream Service must be for zero ready replicas to mean zero hosts. */
  upstream: {
    serviceName: string;
    /** The name Envoy resolves. */
    dnsName: string;
    port: number;
    /** Fields the Service needs: headless, and only ready pods published. */
    requiredSpec: { clusterIP: "None"; publishNotReadyAddresses: false };
  };
}

/** The body of a turned-away request: OpenAI's error shape, with the wait in words. */
export function wakeErrorBody(retryAfterSeconds: number): string {
  return JSON.stringify({
    error: {
      message: `The model server is starting after being scaled to zero while idle. Retry after ${retryAfterSeconds} seconds.`,
      type: "service_unavailable",
      code: 503,
    },
  });
}

/**
 * PromQL for KEDA: requests the fronts in `namespace` saw over the last `windowSeconds`, turned away
 * for want of a ready replica or passed on to one, summed over front pods. Prometheus' operator adds
 * the `namespace` label to every scraped series. The window should span at least two scrapes for
 * increase() to see a change. Both counters exist from the front's start, so an empty result means
 * a broken query or a missing front, never "no requests".
 */
export function wakeQuery(namespace: string, clusterName: string, windowSeconds: number): string {
  const issues = [
    ...checkName("namespace", namespace, DNS_LABEL),
    ...checkName("clusterName", clusterName, STAT_SEGMENT),
    ...checkWhole("windowSeconds", windowSeconds, 1, Number.MAX_SAFE_INTEGER),
  ];
  if (issues.length > 0) throw new Error(`wakeQuery: ${issues.join("; ")}`);
  const increase = (metric: string) =>
    `sum(increase(${metric}{namespace="${namespace}",${WAKE_METRIC_CLUSTER_LABEL}="${clusterName}"}[${windowSeconds}s]))`;
  return `${increase(WAKE_METRIC)} + ${increase(PASSED_ON_METRIC)}`;
}

export function wakeFrontManifests(input: WakeFrontInput): WakeFrontManifests {
  const issues = validate(input);
  if (issues.length > 0) throw new Error(`wake front "${input.name}": ${issues.join("; ")}`);

  // Fully qualified (a trailing dot): the pod's resolv.conf has ndots:5, so a name of four dots
  // would first be tried under every search domain, the VPC's own (ec2.internal) among them, at
  // every DNS refresh (Kubernetes DNS for Services and Pods, "Pod's DNS config").
  const dnsName = `${input.upstreamHeadlessService}.${input.namespace}.svc.cluster.local.`;
  // Plain YAML: no anchors or aliases, whatever objects the bootstrap shares.
  const configText = stringify(envoyBootstrap(input, dnsName), { lineWidth: 0, aliasDuplicateObjects: false });
  const configMapName = `${input.name}-envoy`;
  const meta = (name: string): Json => ({ name, namespace: input.namespace, labels: input.labels });

  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: meta(configMapName), data: { [ENVOY_CONFIG_FILE]: configText } };

  const container: Json = {
    name: "envoy",
    image: input.image,
    // The distroless image's ENTRYPOINT, written out so the args below never depend on it.
    command: ["/usr/local/bin/envoy"],
    // One process: no hot restart (no shared memory, no --base-id), a fixed worker count.
    args: [
      "--config-path",
      `${ENVOY_CONFIG_DIR}/${ENVOY_CONFIG_FILE}`,
      "--concurrency",
      String(ENVOY_CONCURRENCY),
      "--disable-hot-restart",
      "--log-level",
      "info",
    ],
    ports: [
      { name: WAKE_FRONT_HTTP_PORT_NAME, containerPort: input.listenPort, protocol: "TCP" },
      { name: WAKE_FRONT_METRICS_PORT_NAME, containerPort: WAKE_FRONT_METRICS_PORT, protocol: "TCP" },
    ],
    readinessProbe: {
      httpGet: { path: READY_PATH, port: WAKE_FRONT_METRICS_PORT_NAME },
      periodSeconds: 5,
      failureThreshold: 3,
      timeoutSeconds: 2,
    },
    livenessProbe: {
      httpGet: { path: READY_PATH, port: WAKE_FRONT_METRICS_PORT_NAME },
      periodSeconds: 10,
      failureThreshold: 6,
      timeoutSeconds: 5,
    },
    resources: { requests: { ...WAKE_FRONT_RESOURCES.requests }, limits: { ...WAKE_FRONT_RESOURCES.limits } },
    volumeMounts: [{ name: "config", mountPath: ENVOY_CONFIG_DIR, readOnly: true }],
    // The image has no shell or sleep binary: the kubelet's own sleep action (KEP-3960, on by default since Kubernetes 1.30).
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
    securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
  };

  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(input.name),
    spec: {
      replicas: WAKE_FRONT_REPLICAS,
      selector: { matchLabels: input.labels },
      // Never fewer ready fronts than asked for during a rollout.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: input.labels,
          // A changed bootstrap rolls the pods: Envoy reads its config file once, at start.
          annotations: { "llm-stack/envoy-config-sha256": createHash("sha256").update(configText).digest("hex") },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: PRE_STOP_SLEEP_SECONDS + 20,
          securityContext: restrictedPodSecurity(ENVOY_RELEASE.uid),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: input.labels },
            },
          ],
          ...(input.nodePlacement === undefined
            ? {}
            : { nodeSelector: input.nodePlacement.nodeSelector, tolerations: input.nodePlacement.tolerations }),
          containers: [container],
          volumes: [{ name: "config", configMap: { name: configMapName } }],
        },
      },
    },
  };

  return {
    configMap,
    deployment,
    upstream: {
      serviceName: input.upstreamHeadlessService,
      dnsName,
      port: input.upstreamPort,
      requiredSpec: { clusterIP: "None", publishNotReadyAddresses: false },
    },
  };
}

const seconds = (s: number): string => `${s}s`;
const socketAddress = (address: string, port: number): Json => ({ socket_address: { address, port_value: port } });
const oneEndpoint = (cluster: string, address: string, port: number): Json => ({
  cluster_name: cluster,
  endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(address, port) } }] }],
});
const routerFilter = (): Json => ({
  name: "envoy.filters.http.router",
  // suppress_envoy_headers: no x-envoy-upstream-service-time and friends to clients (router.proto).
  typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", suppress_envoy_headers: true },
});
const HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

/** The Envoy bootstrap (api/envoy/config/bootstrap/v3/bootstrap.proto, Bootstrap), static only. */
function envoyBootstrap(input: WakeFrontInput, dnsName: string): Json {
  const api = {
    "@type": HCM_TYPE,
    stat_prefix: "api",
    codec_type: "AUTO",
    stream_idle_timeout: seconds(STREAM_IDLE_TIMEOUT_SECONDS),
    request_headers_timeout: seconds(REQUEST_HEADERS_TIMEOUT_SECONDS),
    common_http_protocol_options: { idle_timeout: seconds(CONNECTION_IDLE_TIMEOUT_SECONDS) },
    // Every request header, Authorization included, goes to vLLM unchanged: nothing here removes one.
    route_config: {
      name: "api",
      virtual_hosts: [
        { name: "vllm", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: WAKE_CLUSTER_NAME, timeout: "0s" } }] },
      ],
    },
    local_reply_config: {
      mappers: [
        {
          filter: { response_flag_filter: { flags: ["UH"] } },
          headers_to_add: [
            { header: { key: "retry-after", value: String(input.retryAfterSeconds) }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
          ],
          body_format_override: {
            text_format_source: { inline_string: wakeErrorBody(input.retryAfterSeconds) },
            content_type: "application/json",
          },
        },
      ],
    },
    http_filters: [routerFilter()],
  };
  const metrics = {
    "@type": HCM_TYPE,
    stat_prefix: "metrics",
    codec_type: "AUTO",
    route_config: {
      name: "metrics",
      virtual_hosts: [
        {
          name: "admin",
          domains: ["*"],
          // Exact paths only; anything else finds no route and gets 404.
          routes: [METRICS_PATH, READY_PATH].map((path) => ({ match: { path }, route: { cluster: ADMIN_CLUSTER_NAME } })),
        },
      ],
    },
    http_filters: [routerFilter()],
  };
  const listener = (name: string, port: number, hcm: Json): Json => ({
    name,
    address: socketAddress("0.0.0.0", port),
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: hcm }] }],
  });
  return {
    admin: { address: socketAddress("127.0.0.1", ENVOY_ADMIN_PORT) },
    static_resources: {
      listeners: [listener("api", input.listenPort, api), listener("metrics", WAKE_FRONT_METRICS_PORT, metrics)],
      clusters: [
        {
          name: WAKE_CLUSTER_NAME,
          type: "STRICT_DNS",
          dns_lookup_family: "V4_ONLY",
          connect_timeout: seconds(UPSTREAM_CONNECT_TIMEOUT_SECONDS),
          // Generations differ in length by orders of magnitude: send each request to the replica with fewer in flight.
          lb_policy: "LEAST_REQUEST",
          circuit_breakers: {
            thresholds: [
              {
                max_connections: UPSTREAM_CONCURRENCY_LIMIT,
                max_pending_requests: UPSTREAM_CONCURRENCY_LIMIT,
                max_requests: UPSTREAM_CONCURRENCY_LIMIT,
              },
            ],
          },
          load_assignment: oneEndpoint(WAKE_CLUSTER_NAME, dnsName, input.upstreamPort),
        },
        {
          name: ADMIN_CLUSTER_NAME,
          type: "STATIC",
          connect_timeout: "1s",
          load_assignment: oneEndpoint(ADMIN_CLUSTER_NAME, "127.0.0.1", ENVOY_ADMIN_PORT),
        },
      ],
    },
  };
}

/** RFC 1123 label: what a namespace or Service name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** One stat-name segment: the cluster-name tag extractor stops at the first dot (well_known_names.cc). */
const STAT_SEGMENT = /^[A-Za-z0-9_-]+$/;

function checkName(path: string, value: string, pattern: RegExp): string[] {
  return pattern.test(value) ? [] : [`${path} ${JSON.stringify(value)} must match ${pattern.source}`];
}

function checkWhole(path: string, value: number, min: number, max: number): string[] {
  return Number.isInteger(value) && value >= min && value <= max ? [] : [`${path} ${value} must be a whole number from ${min} to ${max}`];
}

function validate(input: WakeFrontInput): string[] {
  const reserved = [ENVOY_ADMIN_PORT, WAKE_FRONT_METRICS_PORT];
  return [
    ...checkName("name", input.name, DNS_LABEL),
    ...checkName("namespace", input.namespace, DNS_LABEL),
    ...checkName("upstreamHeadlessService", input.upstreamHeadlessService, DNS_LABEL),
    ...checkWhole("upstreamPort", input.upstreamPort, 1, 65535),
    ...checkWhole("listenPort", input.listenPort, 1, 65535),
    ...(reserved.includes(input.listenPort)
      ? [
          `listenPort ${input.listenPort} is taken by Envoy's admin (${ENVOY_ADMIN_PORT}) or metrics (${WAKE_FRONT_METRICS_PORT}) listener; pick another`,
        ]
      : []),
    // Retry-After is delay-seconds, a non-negative integer (RFC 9110 §10.2.3); 0 would invite an immediate retry loop.
    ...checkWhole("retryAfterSeconds", input.retryAfterSeconds, 1, Number.MAX_SAFE_INTEGER),
    ...(Object.keys(input.labels).length === 0 ? ["labels must not be empty: they are the Deployment's selector"] : []),
  ];
}
