/**
 * The wake front of a server that scales to zero: an Envoy Deployment whose bootstrap turns the
 * 503 for "no healthy upstream" into `Retry-After` plus an OpenAI-shaped JSON error. Expected
 * values are written from Envoy's v1.39.0 API protos (vendored in charts/envoy/), Envoy's source
 * and docs as cited in infra/manifests/serving/wake-front.ts, and the distroless
 * image's user — never read back from the builder. Envoy refuses a static bootstrap with an
 * unknown field and warns on a deprecated one, so the bootstrap is walked against the protos
 * themselves: that is Envoy's rule, applied here without running Envoy.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import {
  ENVOY_RELEASE,
  WAKE_METRIC,
  WAKE_METRIC_CLUSTER_LABEL,
  wakeFrontManifests,
  wakeQuery,
  type WakeFrontInput,
} from "../../infra/manifests/serving/wake-front";

const ENVOY_CHART = join(__dirname, "..", "..", "charts", "envoy");
const SYSTEM_TOLERATION = { key: "llm-stack/system", operator: "Exists", effect: "NoSchedule" };
const INPUT: WakeFrontInput = {
  name: "vllm-wake",
  namespace: "llm",
  upstreamHeadlessService: "vllm-headless",
  upstreamPort: 8000,
  listenPort: 8080,
  retryAfterSeconds: 1740,
  image: "envoyproxy/envoy:distroless-v1.39.2",
  nodePlacement: { nodeSelector: { "llm-stack/pool": "system" }, tolerations: [SYSTEM_TOLERATION] },
  labels: { "app.kubernetes.io/name": "wake-front", "app.kubernetes.io/instance": "vllm" },
};

const built = wakeFrontManifests(INPUT);
const configMap = built.configMap as any;
const deployment = built.deployment as any;
const pod = deployment.spec.template.spec;
const envoy = pod.containers[0];
const bootstrapOf = (input: WakeFrontInput): any => parseYaml((wakeFrontManifests(input).configMap as any).data["envoy.yaml"]);
const bootstrap = bootstrapOf(INPUT);
const listener = (name: string) => bootstrap.static_resources.listeners.find((l: any) => l.name === name);
const hcmOf = (name: string) => listener(name).filter_chains[0].filters[0].typed_config;
const cluster = (name: string) => bootstrap.static_resources.clusters.find((c: any) => c.name === name);
const mapperOf = (config: any) =>
  config.static_resources.listeners.find((l: any) => l.name === "api").filter_chains[0].filters[0].typed_config.local_reply_config
    .mappers[0];

describe("the wake front's Kubernetes objects", () => {
  it("are a valid ConfigMap and Deployment (kubernetes-models schemas)", () => {
    expect(() => new ConfigMap(configMap).validate()).not.toThrow();
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    expect([configMap.metadata.name, configMap.metadata.namespace, Object.keys(configMap.data)]).toEqual([
      "vllm-wake-envoy",
      "llm",
      ["envoy.yaml"],
    ]);
    expect([deployment.metadata.name, deployment.metadata.namespace]).toEqual(["vllm-wake", "llm"]);
  });

  it("runs two pods spread over nodes, never fewer ready during a rollout, on the given nodes", () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec.selector).toEqual({ matchLabels: INPUT.labels });
    expect(deployment.spec.template.metadata.labels).toEqual(INPUT.labels);
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: INPUT.labels },
      },
    ]);
    expect([pod.nodeSelector, pod.tolerations]).toEqual([{ "llm-stack/pool": "system" }, [SYSTEM_TOLERATION]]);
    const anywhere = wakeFrontManifests({ ...INPUT, nodePlacement: undefined }).deployment as any;
    expect(["nodeSelector" in anywhere.spec.template.spec, "tolerations" in anywhere.spec.template.spec]).toEqual([false, false]);
  });

  it('meets Pod Security "restricted" as UID 65532, the distroless image\'s nonroot user', () => {
    // GoogleContainerTools/distroless common/variables.bzl: NONROOT = 65532, the base of Envoy's
    // envoy-distroless stage (`FROM gcr.io/distroless/base-nossl-…:nonroot`).
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(envoy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect([pod.automountServiceAccountToken, pod.enableServiceLinks]).toEqual([false, false]);
  });

  it("runs the pinned distroless Envoy as one process reading the mounted bootstrap", () => {
    expect(ENVOY_RELEASE).toEqual({ version: "1.39.2", image: "envoyproxy/envoy:distroless-v1.39.2", uid: 65532 });
    expect(envoy.image).toBe("envoyproxy/envoy:distroless-v1.39.2");
    expect(envoy.command).toEqual(["/usr/local/bin/envoy"]);
    expect(envoy.args).toEqual([
      "--config-path",
      "/etc/envoy/envoy.yaml",
      "--concurrency",
      "2",
      "--disable-hot-restart",
      "--log-level",
      "info",
    ]);
    expect(envoy.args.some((arg: string) => arg.startsWith("--base-id"))).toBe(false);
    expect(envoy.volumeMounts).toEqual([{ name: "config", mountPath: "/etc/envoy", readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: "config", configMap: { name: "vllm-wake-envoy" } }]);
    const digest = createHash("sha256").update(configMap.data["envoy.yaml"]).digest("hex");
    expect(deployment.spec.template.metadata.annotations).toEqual({ "llm-stack/envoy-config-sha256": digest });
  });

  it("asks for small resources, probes Envoy's /ready through the metrics port, and sleeps before SIGTERM", () => {
    expect(envoy.resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } });
    expect(envoy.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9902, protocol: "TCP" },
    ]);
    expect(envoy.readinessProbe).toEqual({
      httpGet: { path: "/ready", port: "metrics" },
      periodSeconds: 5,
      failureThreshold: 3,
      timeoutSeconds: 2,
    });
    expect(envoy.livenessProbe).toEqual({
      httpGet: { path: "/ready", port: "metrics" },
      periodSeconds: 10,
      failureThreshold: 6,
      timeoutSeconds: 5,
    });
    expect(envoy.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it("names the headless Service the cluster resolves, and what that Service must be", () => {
    expect(built.upstream).toEqual({
      serviceName: "vllm-headless",
      dnsName: "vllm-headless.llm.svc.cluster.local.",
      port: 8000,
      requiredSpec: { clusterIP: "None", publishNotReadyAddresses: false },
    });
  });
});

describe("the Envoy bootstrap", () => {
  it("binds admin to loopback only and listens on the client port and the metrics port", () => {
    expect(bootstrap.admin).toEqual({ address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } });
    expect(
      bootstrap.static_resources.listeners.map((l: any) => [l.name, l.address.socket_address.address, l.address.socket_address.port_value]),
    ).toEqual([
      ["api", "0.0.0.0", 8080],
      ["metrics", "0.0.0.0", 9902],
    ]);
    expect(Object.keys(bootstrap).sort()).toEqual(["admin", "static_resources"]);
  });

  it("routes every API request to cluster vllm with no route timeout, streaming-friendly timeouts", () => {
    const hcm = hcmOf("api");
    expect(hcm["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    expect(hcm.route_config).toEqual({
      name: "api",
      virtual_hosts: [{ name: "vllm", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "vllm", timeout: "0s" } }] }],
    });
    expect([hcm.stream_idle_timeout, hcm.request_headers_timeout, hcm.common_http_protocol_options]).toEqual([
      "1800s",
      "10s",
      { idle_timeout: "3600s" },
    ]);
    expect(hcm.http_filters).toEqual([
      {
        name: "envoy.filters.http.router",
        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", suppress_envoy_headers: true },
      },
    ]);
  });

  it("passes Authorization through: nothing removes or rewrites a request header", () => {
    const text = configMap.data["envoy.yaml"].toLowerCase();
    for (const field of ["request_headers_to_remove", "request_headers_to_add", "authorization"]) expect(text).not.toContain(field);
    // No YAML anchors or aliases: every object is written out where Envoy reads it.
    expect(configMap.data["envoy.yaml"]).not.toMatch(/[&*][a-z]+\d*\s/);
  });

  it("rewrites only UH replies: Retry-After, and OpenAI's error shape as application/json", () => {
    expect(hcmOf("api").local_reply_config.mappers).toHaveLength(1);
    const mapper = mapperOf(bootstrap);
    expect(mapper.filter).toEqual({ response_flag_filter: { flags: ["UH"] } });
    expect(mapper.headers_to_add).toEqual([{ header: { key: "retry-after", value: "1740" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }]);
    expect(mapper.body_format_override.content_type).toBe("application/json");
    const body = mapper.body_format_override.text_format_source.inline_string;
    expect(JSON.parse(body)).toEqual({
      error: {
        message: "The model server is starting after being scaled to zero while idle. Retry after 1740 seconds.",
        type: "service_unavailable",
        code: 503,
      },
    });
    // `%` starts a command operator in a format string (docs: access log format strings).
    expect(body).not.toContain("%");
    expect(Object.keys(mapper).sort()).toEqual(["body_format_override", "filter", "headers_to_add"]);
  });

  it.each([1, 480, 2400])("sends Retry-After: %i, the plan's time to ready in seconds", (seconds) => {
    const mapper = mapperOf(bootstrapOf({ ...INPUT, retryAfterSeconds: seconds }));
    expect(mapper.headers_to_add[0].header.value).toBe(String(seconds));
    expect(JSON.parse(mapper.body_format_override.text_format_source.inline_string).error.message).toContain(
      `Retry after ${seconds} seconds.`,
    );
  });

  it("resolves the headless Service as a strict DNS cluster over IPv4", () => {
    expect(cluster("vllm")).toEqual({
      name: "vllm",
      type: "STRICT_DNS",
      dns_lookup_family: "V4_ONLY",
      connect_timeout: "5s",
      lb_policy: "LEAST_REQUEST",
      circuit_breakers: { thresholds: [{ max_connections: 4096, max_pending_requests: 4096, max_requests: 4096 }] },
      load_assignment: {
        cluster_name: "vllm",
        endpoints: [
          {
            lb_endpoints: [
              { endpoint: { address: { socket_address: { address: "vllm-headless.llm.svc.cluster.local.", port_value: 8000 } } } },
            ],
          },
        ],
      },
    });
  });

  it("exposes exactly /stats/prometheus and /ready of the admin interface on the metrics listener", () => {
    const hcm = hcmOf("metrics");
    expect(hcm.route_config.virtual_hosts).toEqual([
      {
        name: "admin",
        domains: ["*"],
        routes: [
          { match: { path: "/stats/prometheus" }, route: { cluster: "envoy_admin" } },
          { match: { path: "/ready" }, route: { cluster: "envoy_admin" } },
        ],
      },
    ]);
    expect(hcm.local_reply_config).toBeUndefined();
    expect(cluster("envoy_admin")).toEqual({
      name: "envoy_admin",
      type: "STATIC",
      connect_timeout: "1s",
      load_assignment: {
        cluster_name: "envoy_admin",
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } } }] }],
      },
    });
  });
});

describe("the wake signal KEDA reads", () => {
  it("is Envoy's Prometheus name for cluster.vllm.upstream_cx_none_healthy", () => {
    // prometheus_stats.cc: "envoy_" + the tag-extracted name with [^a-zA-Z0-9_] → "_";
    // well_known_names: tag envoy.cluster_name from cluster.$.** → label envoy_cluster_name.
    expect([WAKE_METRIC, WAKE_METRIC_CLUSTER_LABEL]).toEqual(["envoy_cluster_upstream_cx_none_healthy", "envoy_cluster_name"]);
  });

  it("sums the increase of both counters, turned away and passed on, over front pods in the server's namespace", () => {
    expect(wakeQuery("llm", "vllm", 120)).toBe(
      'sum(increase(envoy_cluster_upstream_cx_none_healthy{namespace="llm",envoy_cluster_name="vllm"}[120s])) + sum(increase(envoy_cluster_upstream_rq_total{namespace="llm",envoy_cluster_name="vllm"}[120s]))',
    );
  });

  it("rejects a window that is not a whole number of seconds, and a cluster name the tag extractor would cut", () => {
    expect(() => wakeQuery("llm", "vllm", 0)).toThrow("wakeQuery: windowSeconds 0 must be a whole number from 1 to 9007199254740991");
    expect(() => wakeQuery("llm", "v.llm", 1.5)).toThrow(
      'wakeQuery: clusterName "v.llm" must match ^[A-Za-z0-9_-]+$; windowSeconds 1.5 must be a whole number from 1 to 9007199254740991',
    );
  });
});

describe("input validation", () => {
  it("rejects a Retry-After that is not a positive whole number of seconds", () => {
    expect(() => wakeFrontManifests({ ...INPUT, retryAfterSeconds: 0 })).toThrow(
      'wake front "vllm-wake": retryAfterSeconds 0 must be a whole number from 1 to 9007199254740991',
    );
    expect(() => wakeFrontManifests({ ...INPUT, retryAfterSeconds: 90.5 })).toThrow("retryAfterSeconds 90.5 must be a whole number");
  });

  it("reports every bad field at once", () => {
    expect(() => wakeFrontManifests({ ...INPUT, namespace: "LLM", listenPort: 9902, upstreamPort: 70000, labels: {} })).toThrow(
      'wake front "vllm-wake": namespace "LLM" must match ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$; upstreamPort 70000 must be a whole number from 1 to 65535; ' +
        "listenPort 9902 is taken by Envoy's admin (9901) or metrics (9902) listener; pick another; labels must not be empty: they are the Deployment's selector",
    );
  });
});

// ---- Envoy's API, from the vendored protos ---------------------------------------------------

interface ProtoField {
  type: string;
  repeated: boolean;
  map: boolean;
  deprecated: boolean;
  scope: string;
}
interface ProtoRegistry {
  messages: Map<string, Map<string, ProtoField>>;
  enums: Map<string, { values: Set<string>; deprecated: Set<string> }>;
}

const TOKEN = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\.?[A-Za-z_][\w.]*|-?\d[\w.]*|./g;

/** A proto3 file's messages, fields (with `deprecated = true` noted) and enums; options and services skipped. */
function parseProto(source: string, into: ProtoRegistry): void {
  const t = [...source.matchAll(TOKEN)].map((m) => m[0]).filter((s) => !/^\s/.test(s) && !s.startsWith("//") && !s.startsWith("/*"));
  let i = 0;
  const skipStatement = () => {
    for (let depth = 0; i < t.length;) {
      const x = t[i++];
      if (x === "{") depth++;
      else if (x === "}") depth--;
      else if (x === ";" && depth === 0) return;
    }
  };
  const skipBlock = () => {
    let depth = 0;
    do {
      const x = t[i++];
      if (x === "{") depth++;
      else if (x === "}") depth--;
    } while (depth > 0);
  };
  const readOptions = (): boolean => {
    let depth = 0;
    let deprecated = false;
    do {
      const x = t[i];
      if (x === "[" || x === "{") depth++;
      else if (x === "]" || x === "}") depth--;
      else if (depth === 1 && x === "deprecated" && t[i + 1] === "=" && t[i + 2] === "true") deprecated = true;
      i++;
    } while (depth > 0);
    return deprecated;
  };
  const parseEnum = (scope: string) => {
    const name = `${scope}.${t[i++]}`;
    const values = new Set<string>();
    const deprecated = new Set<string>();
    i++;
    while (t[i] !== "}") {
      if (t[i] === "option" || t[i] === "reserved") {
        skipStatement();
        continue;
      }
      const value = t[i]!;
      i += 3;
      if (t[i] === "[" && readOptions()) deprecated.add(value);
      i++;
      values.add(value);
    }
    i++;
    into.enums.set(name, { values, deprecated });
  };
  const parseField = (scope: string, fields: Map<string, ProtoField>) => {
    let repeated = false;
    if (t[i] === "repeated" || t[i] === "optional") repeated = t[i++] === "repeated";
    let type: string;
    let map = false;
    if (t[i] === "map") {
      type = t[i + 4]!;
      i += 6;
      map = true;
    } else type = t[i++]!;
    const name = t[i]!;
    i += 3;
    const deprecated = t[i] === "[" ? readOptions() : false;
    if (t[i++] !== ";") throw new Error(`proto parse: expected ; after field ${scope}.${name}`);
    fields.set(name, { type, repeated, map, deprecated, scope });
  };
  const parseMessage = (scope: string) => {
    const name = `${scope}.${t[i++]}`;
    const fields = new Map<string, ProtoField>();
    into.messages.set(name, fields);
    i++;
    while (t[i] !== "}") {
      const x = t[i];
      if (x === "message") {
        i++;
        parseMessage(name);
      } else if (x === "enum") {
        i++;
        parseEnum(name);
      } else if (x === "oneof") {
        i += 3;
        while (t[i] !== "}") {
          if (t[i] === "option") skipStatement();
          else parseField(name, fields);
        }
        i++;
      } else if (x === "option" || x === "reserved" || x === "extensions") skipStatement();
      else if (x === ";") i++;
      else parseField(name, fields);
    }
    i++;
  };
  let pkg = "";
  while (i < t.length) {
    const x = t[i];
    if (x === "package") {
      pkg = t[i + 1]!;
      skipStatement();
    } else if (x === "message") {
      i++;
      parseMessage(pkg);
    } else if (x === "enum") {
      i++;
      parseEnum(pkg);
    } else if (x === "service") {
      i += 2;
      skipBlock();
    } else skipStatement();
  }
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? protoFiles(path) : path.endsWith(".proto") ? [path] : [];
  });
}

const registry: ProtoRegistry = { messages: new Map(), enums: new Map() };
for (const file of protoFiles(join(ENVOY_CHART, "api"))) parseProto(readFileSync(file, "utf8"), registry);

const SCALARS = new Set([
  "string",
  "bool",
  "bytes",
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
]);

/** Protobuf's scoping: the innermost enclosing scope that defines the name wins. */
function resolve(scope: string, type: string): { kind: "message" | "enum"; name: string } | { kind: "scalar" | "wkt"; name: string } {
  if (SCALARS.has(type)) return { kind: "scalar", name: type };
  if (type.startsWith("google.protobuf.")) return { kind: "wkt", name: type };
  for (let s = scope; ; s = s.includes(".") ? s.slice(0, s.lastIndexOf(".")) : "") {
    const candidate = s === "" ? type : `${s}.${type}`;
    if (registry.messages.has(candidate)) return { kind: "message", name: candidate };
    if (registry.enums.has(candidate)) return { kind: "enum", name: candidate };
    if (s === "") throw new Error(`type ${type} (used in ${scope}) is in no vendored proto: vendor its file into charts/envoy`);
  }
}

const TYPE_URL_PREFIX = "type.googleapis.com/";

/** Envoy's rule for a static bootstrap, applied: every key a field of its message, none deprecated, enum values defined, Any resolved by @type. */
function schemaProblems(message: string, value: unknown, path: string, problems: string[]): void {
  const fields = registry.messages.get(message)!;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path}: ${message} needs an object`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === "@type") continue;
    const field = fields.get(key);
    if (field === undefined) {
      problems.push(`${path}.${key}: ${message} has no field ${key}`);
      continue;
    }
    if (field.deprecated) problems.push(`${path}.${key}: deprecated in ${message}`);
    if (field.map) {
      problems.push(`${path}.${key}: map fields are not checked`);
      continue;
    }
    if (field.repeated && !Array.isArray(item)) {
      problems.push(`${path}.${key}: repeated, needs a list`);
      continue;
    }
    const items = field.repeated ? (item as unknown[]) : [item];
    items.forEach((one, n) => valueProblems(field, one, field.repeated ? `${path}.${key}[${n}]` : `${path}.${key}`, problems));
  }
}

function valueProblems(field: ProtoField, value: unknown, path: string, problems: string[]): void {
  const type = resolve(field.scope, field.type);
  const fail = (expected: string) => problems.push(`${path}: ${JSON.stringify(value)} is not ${expected}`);
  if (type.kind === "message") {
    if (typeof value === "object" && value !== null && "@type" in value) fail(`${type.name} (no @type outside Any)`);
    else schemaProblems(type.name, value, path, problems);
  } else if (type.kind === "enum") {
    const values = registry.enums.get(type.name)!;
    if (typeof value !== "string" || !values.values.has(value)) fail(`a value of ${type.name}`);
    else if (values.deprecated.has(value)) fail(`a non-deprecated value of ${type.name}`);
  } else if (type.kind === "scalar") {
    const ok =
      type.name === "string"
        ? typeof value === "string"
        : type.name === "bool"
          ? typeof value === "boolean"
          : type.name.startsWith("uint")
            ? Number.isInteger(value) && (value as number) >= 0
            : typeof value === "number";
    if (!ok) fail(type.name);
  } else if (type.name === "google.protobuf.Duration") {
    if (typeof value !== "string" || !/^\d+(\.\d+)?s$/.test(value)) fail('a Duration such as "5s"');
  } else if (type.name === "google.protobuf.UInt32Value") {
    if (!Number.isInteger(value) || (value as number) < 0) fail("a UInt32Value");
  } else if (type.name === "google.protobuf.BoolValue") {
    if (typeof value !== "boolean") fail("a BoolValue");
  } else if (type.name === "google.protobuf.Any") {
    const url = (value as Record<string, unknown>)?.["@type"];
    const named = typeof url === "string" && url.startsWith(TYPE_URL_PREFIX) ? url.slice(TYPE_URL_PREFIX.length) : "";
    if (!registry.messages.has(named)) fail("an Any whose @type names a message in the vendored protos");
    else schemaProblems(named, value, path, problems);
  } else fail(`checked (${type.name} is not handled here)`);
}

function typeUrls(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(typeUrls);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "@type" ? [item as string] : typeUrls(item)));
}

describe("the bootstrap against Envoy v1.39.0's API protos (charts/envoy)", () => {
  it("has only fields its messages define, none deprecated, every enum value defined", () => {
    const problems: string[] = [];
    schemaProblems("envoy.config.bootstrap.v3.Bootstrap", bootstrap, "bootstrap", problems);
    expect(problems).toEqual([]);
  });

  it("names, in every @type URL, a message defined in the vendored protos", () => {
    const urls = typeUrls(bootstrap);
    expect([...new Set(urls)].sort()).toEqual([
      "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    ]);
    for (const url of urls) expect(registry.messages.has(url.slice(TYPE_URL_PREFIX.length)), url).toBe(true);
  });

  it("catches what Envoy would refuse or warn about: an unknown field, a deprecated one, an undefined enum value, an unknown @type", () => {
    const broken = structuredClone(bootstrap);
    broken.static_resources.clusters[0].dns_refresh_rate = "5s";
    broken.static_resources.clusters[0].lb_policy = "FASTEST";
    broken.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.local_reply_config.mappers[0].retry_after = "1";
    broken.static_resources.listeners[1].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config["@type"] =
      "type.googleapis.com/envoy.extensions.filters.http.router.v9.Router";
    const problems: string[] = [];
    schemaProblems("envoy.config.bootstrap.v3.Bootstrap", broken, "bootstrap", problems);
    expect(problems).toEqual([
      "bootstrap.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.local_reply_config.mappers[0].retry_after: envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper has no field retry_after",
      'bootstrap.static_resources.listeners[1].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: {"@type":"type.googleapis.com/envoy.extensions.filters.http.router.v9.Router","suppress_envoy_headers":true} is not an Any whose @type names a message in the vendored protos',
      'bootstrap.static_resources.clusters[0].lb_policy: "FASTEST" is not a value of envoy.config.cluster.v3.Cluster.LbPolicy',
      "bootstrap.static_resources.clusters[0].dns_refresh_rate: deprecated in envoy.config.cluster.v3.Cluster",
    ]);
  });

  it("filters on a flag Envoy's ResponseFlagFilter accepts: UH, no healthy upstream", () => {
    const accesslog = readFileSync(join(ENVOY_CHART, "api/envoy/config/accesslog/v3/accesslog.proto"), "utf8");
    const filter = accesslog.slice(accesslog.indexOf("message ResponseFlagFilter {"), accesslog.indexOf("// Filters gRPC requests"));
    expect([...filter.matchAll(/in: "(\w+)"/g)].map((m) => m[1])).toContain("UH");
  });

  it("keeps the vendored files byte for byte as listed in charts/envoy/README.md", () => {
    const readme = readFileSync(join(ENVOY_CHART, "README.md"), "utf8");
    const listed = Object.fromEntries([...readme.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{40})` \|$/gm)].map((m) => [m[1], m[2]]));
    const files = [join(ENVOY_CHART, "LICENSE"), ...protoFiles(join(ENVOY_CHART, "api"))];
    const actual = Object.fromEntries(
      files.map((file) => {
        const bytes = readFileSync(file);
        const blob = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
        return [relative(ENVOY_CHART, file).split("\\").join("/"), blob];
      }),
    );
    expect(actual).toEqual(listed);
  });
});
