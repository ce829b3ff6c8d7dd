/**
 * When an image reference is pinned: by digest, or by a tag that is a version (v0.33.0,
 * 0.33.0-gpu-py312) and no word of which is a tag registries move by convention (`latest`,
 * `stable`, `nightly`, … in any case, also as one word of a tag: `v0.33.0-latest`). One rule for
 * the stack's config (refused before anything is created) and the policy pack.
 */

/** Tags registries move by convention: never a release. */
export const MOVING_TAGS = [
  "latest",
  "nightly",
  "main",
  "master",
  "dev",
  "develop",
  "devel",
  "edge",
  "stable",
  "head",
  "canary",
  "beta",
  "alpha",
  "unstable",
  "next",
  "rolling",
  "snapshot",
  "trunk",
] as const;

const DIGEST = /@sha256:[a-f0-9]{64}$/;
/** A release tag: v1.2, 1.2.3, v0.33.0-cu130 (a version, optionally a build suffix). */
const VERSION_TAG = /^v?(\d+(?:\.\d+){1,2})(?:[-+_.][0-9A-Za-z.+_-]*)?$/;

/** The tag of an image reference (`registry:5000/repo:tag`), if any. */
export const tagOf = (image: string): string | undefined => /:([^:/@]+)$/.exec(image.split("@")[0]!)?.[1];

export type ImagePin =
  | { pinned: true; by: "digest" }
  | { pinned: true; by: "version"; tag: string; version: string }
  | { pinned: false; tag: string | undefined; reason: "no tag" | "moving tag" | "not a version" };

export function imagePin(image: string): ImagePin {
  if (DIGEST.test(image)) return { pinned: true, by: "digest" };
  const tag = tagOf(image);
  if (tag === undefined) return { pinned: false, tag, reason: "no tag" };
  const words = tag.toLowerCase().split(/[-_.+]/);
  if (words.some((word) => (MOVING_TAGS as readonly string[]).includes(word))) return { pinned: false, tag, reason: "moving tag" };
  const version = VERSION_TAG.exec(tag)?.[1];
  return version === undefined ? { pinned: false, tag, reason: "not a version" } : { pinned: true, by: "version", tag, version };
}

const versionParts = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);

/** Whether dotted version `version` is at least `minimum` (missing parts count as 0). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const [a, b] = [versionParts(version), versionParts(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}
