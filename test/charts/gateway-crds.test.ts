/**
 * The vendored Gateway API standard-channel CRDs (charts/gateway-api, kubernetes-sigs/gateway-api
 * v1.6.1) and the InferencePool CRD (charts/gateway-api-inference-extension,
 * kubernetes-sigs/gateway-api-inference-extension v1.6.0): every file is upstream's byte for byte,
 * and hand-written InferencePool, HTTPRoute and Gateway objects are judged by the CRDs' OpenAPI
 * schemas as the API server would (CEL rules, x-kubernetes-validations, are not evaluated; the
 * objects below do not lean on them).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { crdValidator } from "../support/crd-schema";

const CHARTS = join(__dirname, "..", "..", "charts");

/**
 * Upstream's git blob ids, read from upstream's own history (`git rev-parse <tag>:<path>`), not
 * computed from the copies here: kubernetes-sigs/gateway-api at v1.6.1 (commit
 * 8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3, paths under config/crd/standard/) and
 * kubernetes-sigs/gateway-api-inference-extension at v1.6.0 (commit
 * 992e5c292afb248801ce8d9234eb5b9d28eea231, path under config/crd/bases/).
 */
const UPSTREAM_BLOBS: Record<string, Record<string, string>> = {
  "gateway-api": {
    "crds/gateway.networking.k8s.io_gatewayclasses.yaml": "ea55d0dad02d431952739c5bdac13db35fad3a3d",
    "crds/gateway.networking.k8s.io_gateways.yaml": "6de4376f21fc8d304ac467f089686b84ccc5dbfb",
    "crds/gateway.networking.k8s.io_httproutes.yaml": "32145881f43cbc528911e5640ee37af75e06d9d7",
    "crds/gateway.networking.k8s.io_referencegrants.yaml": "feb92c3727eb9ebc77ae9cedd9dd2add44429184",
    "crds/gateway.networking.k8s.io_grpcroutes.yaml": "452de9a22e3318fe722410814c753e223bffaefc",
    "crds/gateway.networking.k8s.io_backendtlspolicies.yaml": "6555c44258d2a3ff7b12494ad0b557c49ea050d0",
    "crds/gateway.networking.k8s.io_listenersets.yaml": "7307a1fedaa51c597f44e8ff1879dc2a89929f7c",
    LICENSE: "a5949bd7a2f7892f215c10ce55399b527fb3dbd1",
  },
  "gateway-api-inference-extension": {
    "crds/inference.networking.k8s.io_inferencepools.yaml": "99b47edc6726e4ad5a8ec6b91287a1c2acb54246",
    LICENSE: "8dada3edaf50dbc082c9a125058f25def75e625a",
  },
};

/** The id git gives a file's bytes: sha1 over `blob <length>\0` and the bytes. */
function gitBlobId(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Every file under a directory, relative to it. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(directory, entry.name)).map((f) => join(entry.name, f))
      : [relative(directory, join(directory, entry.name))],
  );
}

describe("vendored Gateway API and Inference Extension files", () => {
  it.each(Object.keys(UPSTREAM_BLOBS))("charts/%s holds exactly the listed files and its README", (chart) => {
    expect(filesUnder(join(CHARTS, chart)).sort()).toEqual([...Object.keys(UPSTREAM_BLOBS[chart]!), "README.md"].sort());
  });

  it.each(Object.entries(UPSTREAM_BLOBS).flatMap(([chart, files]) => Object.entries(files).map(([file, blob]) => [chart, file, blob])))(
    "%s/%s has upstream's git blob id",
    (chart, file, blob) => {
      expect(gitBlobId(readFileSync(join(CHARTS, chart!, file!)))).toBe(blob);
    },
  );

  it("are the standard channel of Gateway API v1.6.1 and the v1.6.0 InferencePool", () => {
    for (const file of Object.keys(UPSTREAM_BLOBS["gateway-api"]!).filter((f) => f.startsWith("crds/"))) {
      const annotations = parse(readFileSync(join(CHARTS, "gateway-api", file), "utf8")).metadata.annotations;
      expect(annotations["gateway.networking.k8s.io/channel"], file).toBe("standard");
      expect(annotations["gateway.networking.k8s.io/bundle-version"], file).toBe("v1.6.1");
    }
    const pool = parse(readFileSync(join(CHARTS, "gateway-api-inference-extension", "crds/inference.networking.k8s.io_inferencepools.yaml"), "utf8"));
    expect(pool.metadata.annotations["inference.networking.k8s.io/bundle-version"]).toBe("v1.6.0");
  });
});

describe("InferencePool v1 against charts/gateway-api-inference-extension", () => {
  const validate = crdValidator("gateway-api-inference-extension", "crds/inference.networking.k8s.io_inferencepools.yaml", "v1", {
    rejectUnknownFields: true,
  });
  const pool = {
    apiVersion: "inference.networking.k8s.io/v1",
    kind: "InferencePool",
    metadata: { name: "llama", namespace: "serving" },
    spec: {
      // spec.selector: object, required [matchLabels]; matchLabels: 1 to 64 string values of at most 63 characters.
      selector: { matchLabels: { app: "vllm-llama" } },
      // spec.targetPorts: array of 1 to 8 {number: integer 1..65535}, number required.
      targetPorts: [{ number: 8000 }],
      // spec.endpointPickerRef: required [name]; port: {number: integer 1..65535}, number required.
      endpointPickerRef: { name: "llama-epp", port: { number: 9002 } },
    },
  };

  it("accepts a pool with a selector, one target port and an Endpoint Picker reference", () => {
    expect(validate(pool)).toEqual([]);
  });

  it("accepts the Endpoint Picker's group, kind and failureMode where the CRD names them", () => {
    // endpointPickerRef.group: "" or a DNS subdomain; kind: ^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$; failureMode: enum [FailOpen, FailClose].
    const ref = { ...pool.spec.endpointPickerRef, group: "", kind: "Service", failureMode: "FailOpen" };
    expect(validate({ ...pool, spec: { ...pool.spec, endpointPickerRef: ref } })).toEqual([]);
    expect(validate({ ...pool, spec: { ...pool.spec, endpointPickerRef: { ...ref, failureMode: "Open" } } })).toEqual([
      "/spec/endpointPickerRef/failureMode must be equal to one of the allowed values",
    ]);
  });

  it("does not require an Endpoint Picker reference (spec.required is [selector, targetPorts] at v1.6.0)", () => {
    const { endpointPickerRef: _, ...spec } = pool.spec;
    expect(validate({ ...pool, spec })).toEqual([]);
  });

  it("refuses a pool without targetPorts (spec.required lists targetPorts)", () => {
    const { targetPorts: _, ...spec } = pool.spec;
    expect(validate({ ...pool, spec })).toEqual(["/spec must have required property 'targetPorts'"]);
  });

  it("refuses a port number above 65535 (targetPorts[].number and endpointPickerRef.port.number: maximum 65535)", () => {
    expect(validate({ ...pool, spec: { ...pool.spec, targetPorts: [{ number: 70000 }] } })).toEqual([
      "/spec/targetPorts/0/number must be <= 65535",
    ]);
    expect(validate({ ...pool, spec: { ...pool.spec, endpointPickerRef: { name: "llama-epp", port: { number: 70000 } } } })).toEqual([
      "/spec/endpointPickerRef/port/number must be <= 65535",
    ]);
  });

  it("refuses an empty target port list (targetPorts: minItems 1) and a misspelt field", () => {
    expect(validate({ ...pool, spec: { ...pool.spec, targetPorts: [] } })).toEqual(["/spec/targetPorts must NOT have fewer than 1 items"]);
    const { targetPorts, ...spec } = pool.spec;
    expect(validate({ ...pool, spec: { ...spec, targetPort: targetPorts } })).not.toEqual([]);
  });
});

describe("HTTPRoute v1 against charts/gateway-api", () => {
  const validate = crdValidator("gateway-api", "crds/gateway.networking.k8s.io_httproutes.yaml", "v1", { rejectUnknownFields: true });
  const route = (headerMatchType: string) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "llama", namespace: "serving" },
    spec: {
      // spec.parentRefs[]: required [name]; group and kind default to gateway.networking.k8s.io / Gateway.
      parentRefs: [{ name: "inference-gateway" }],
      rules: [
        {
          matches: [
            {
              // matches[].path.type: enum [Exact, PathPrefix, RegularExpression].
              path: { type: "PathPrefix", value: "/" },
              // matches[].headers[]: required [name, value]; name: ^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$; type: enum [Exact, RegularExpression].
              headers: [{ type: headerMatchType, name: "X-Gateway-Model-Name", value: "meta-llama/Llama-3.1-8B-Instruct" }],
            },
          ],
          // backendRefs[]: required [name]; group, kind free-form (kind defaults to Service); port optional. Its CEL rule
          // "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true" asks for a port only for a core Service.
          backendRefs: [{ group: "inference.networking.k8s.io", kind: "InferencePool", name: "llama" }],
        },
      ],
    },
  });

  it("accepts a route matching X-Gateway-Model-Name exactly onto an InferencePool backend without a port", () => {
    expect(validate(route("Exact"))).toEqual([]);
  });

  it("refuses a header match type the enum does not list", () => {
    expect(validate(route("Prefix"))).toEqual(["/spec/rules/0/matches/0/headers/0/type must be equal to one of the allowed values"]);
  });
});

describe("Gateway v1 against charts/gateway-api", () => {
  const validate = crdValidator("gateway-api", "crds/gateway.networking.k8s.io_gateways.yaml", "v1", { rejectUnknownFields: true });
  const gateway = (listener: Record<string, unknown>) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "inference-gateway", namespace: "serving" },
    // spec.required: [gatewayClassName, listeners]; listeners: 1 to 64 items.
    spec: { gatewayClassName: "envoy", listeners: [listener] },
  });

  it("accepts one HTTP listener (listeners[].required: [name, port, protocol]; protocol matches ^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$)", () => {
    expect(validate(gateway({ name: "http", protocol: "HTTP", port: 80 }))).toEqual([]);
  });

  it("refuses a listener without a protocol", () => {
    expect(validate(gateway({ name: "http", port: 80 }))).toEqual(["/spec/listeners/0 must have required property 'protocol'"]);
  });
});
