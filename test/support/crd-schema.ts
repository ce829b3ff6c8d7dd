/**
 * Validates custom resources against the OpenAPI v3 schema of their vendored CRD, as the API
 * server's structural-schema validation would (apiextensions-apiserver validates against
 * spec.versions[].schema.openAPIV3Schema). Kubernetes' extensions (x-kubernetes-*) are not JSON
 * Schema keywords and are ignored; int-or-string fields are accepted as either.
 */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const CHARTS = join(__dirname, "..", "..", "charts");

/**
 * `x-kubernetes-int-or-string: true` means integer or string; drop the other extensions. With
 * `closed`, an object schema that lists its properties admits no others.
 */
function toJsonSchema(node: unknown, closed = false): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, closed));
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) if (!key.startsWith("x-kubernetes-")) out[key] = toJsonSchema(value, closed);
  // CRD patterns are Go RE2; one JavaScript cannot compile (e.g. an inline (?i) flag) is left out, not guessed at.
  if (typeof out.pattern === "string") {
    try {
      new RegExp(out.pattern, "u");
    } catch {
      delete out.pattern;
    }
  }
  if ((node as Record<string, unknown>)["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if ((node as Record<string, unknown>)["x-kubernetes-preserve-unknown-fields"] === true && out.type === "object" && !out.properties)
    out.additionalProperties = true;
  if (closed && out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * A validator for `kind` at `version` from charts/<chart>/<file>; returns the errors (empty when valid).
 * `rejectUnknownFields` reports fields the schema does not name, for readers that would otherwise drop
 * them without a word (the API server prunes them; nodeadm's non-strict decoder ignores them).
 */
export function crdValidator(
  chart: string,
  file: string,
  version: string,
  options: { rejectUnknownFields?: boolean } = {},
): (object: unknown) => string[] {
  const documents = parseAllDocuments(readFileSync(join(CHARTS, chart, file), "utf8")).map((d) => d.toJSON() as any);
  return crdObjectValidator(
    documents.find((d) => d?.kind === "CustomResourceDefinition"),
    version,
    options,
    `${chart}/${file}`,
  );
}

/** The same, for a CRD object already built (e.g. one a vendor's release patches, as manifests/autoscaling/keda.ts rebuilds KEDA's). */
export function crdObjectValidator(
  crd: any,
  version: string,
  options: { rejectUnknownFields?: boolean } = {},
  origin = crd?.metadata?.name ?? "CRD",
): (object: unknown) => string[] {
  const served = crd?.spec?.versions?.find((v: { name: string }) => v.name === version);
  if (!served) throw new Error(`${origin}: no CRD version ${version}`);
  // Kubernetes formats (int32, int64, date-time…) are not checked here: Ajv knows none of them without ajv-formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(toJsonSchema(served.schema.openAPIV3Schema, options.rejectUnknownFields) as object);
  return (object) => (validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`));
}
