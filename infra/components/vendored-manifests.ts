/**
 * Third-party Kubernetes manifests vendored under charts/<name>/ (pinned upstream file, its source
 * URL, commit and license in the file's header and the folder's README). Components build their
 * objects from these documents, so what the cluster runs is visible to tests and policies — no
 * Helm release whose merged values nobody can see offline.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export const CHARTS_DIRECTORY = join(__dirname, "..", "..", "charts");

export type KubernetesObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/** Every object of charts/<chart>/<file>, in file order. */
export function readVendoredManifest(chart: string, file: string, directory = CHARTS_DIRECTORY): KubernetesObject[] {
  const documents = parseAllDocuments(readFileSync(join(directory, chart, file), "utf8"));
  return documents.map((document) => document.toJSON() as KubernetesObject).filter((object) => object !== null);
}
