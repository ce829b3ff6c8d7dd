/**
 * Where a pod's image is pulled from: as written (`upstream`), or through the stack's ECR
 * pull-through cache (`ecr-cache`) — one function rewrites every image reference the stack runs.
 * Pure: settings use it to know which credentials a stack needs, components to render images,
 * tests to apply the kubelet's own reading of a reference.
 */
import { createHash } from "node:crypto";
import { ECR_REPOSITORY_PREFIX_MAX_LENGTH, PULL_THROUGH_UPSTREAMS, type PullThroughUpstreamKey, type RegistryCredential } from "../catalog";

export const IMAGE_SOURCES = ["ecr-cache", "upstream"] as const;
export type ImageSourceKind = (typeof IMAGE_SOURCES)[number];

export type ImageSource =
  /** Every image from its own registry, anonymously (through the stack's NAT gateway). */
  | { kind: "upstream" }
  /**
   * Images of supported upstreams from `<account>.dkr.ecr.<region>.amazonaws.com/<stackPrefix>/<upstream>/…`, the stack's
   * pull-through cache rules; others (nvcr.io, private ECR) as written.
   */
  | { kind: "ecr-cache"; accountId: string; region: string; stackPrefix: string };

/** An image reference as the container runtime reads it. */
export interface ImageReference {
  /** The registry host: `docker.io` when the reference names none. */
  registry: string;
  /** The repository path within it, with `library/` for a Docker Hub official image. */
  repository: string;
  /** `:tag`, `@sha256:…`, both, or "" (the runtime then pulls `latest`). */
  suffix: string;
}

/**
 * Docker's normalization (distribution/reference normalize.go, splitDockerDomain): the first
 * path component is a registry only when it has a `.` or `:` or is `localhost`; otherwise the
 * registry is docker.io, and a single-component name lives under `library/`. index.docker.io is docker.io.
 */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf("@");
  const beforeDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : "";
  const lastSlash = beforeDigest.lastIndexOf("/");
  const colon = beforeDigest.lastIndexOf(":");
  const tag = colon > lastSlash ? beforeDigest.slice(colon) : "";
  const name = tag ? beforeDigest.slice(0, colon) : beforeDigest;
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first : "docker.io";
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === "index.docker.io") registry = "docker.io";
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository, suffix: `${tag}${digest}` };
}

/** The pull-through upstream an image comes from, or null when ECR cannot cache its registry. */
export function pullThroughUpstreamOf(image: string): PullThroughUpstreamKey | null {
  const { registry } = parseImageReference(image);
  const found = (Object.keys(PULL_THROUGH_UPSTREAMS) as PullThroughUpstreamKey[]).find(
    (key) => PULL_THROUGH_UPSTREAMS[key].imageHost === registry,
  );
  return found ?? null;
}

/** The credentials ECR needs to cache these images (Docker Hub's and GitHub's upstreams require one). */
export function credentialsFor(images: readonly string[]): RegistryCredential[] {
  const needed = new Set<RegistryCredential>();
  for (const image of images) {
    const upstream = pullThroughUpstreamOf(image);
    const credential = upstream ? PULL_THROUGH_UPSTREAMS[upstream].credential : null;
    if (credential) needed.add(credential);
  }
  return [...needed].sort();
}

const PREFIX_SEGMENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const LONGEST_UPSTREAM_KEY = Math.max(...Object.keys(PULL_THROUGH_UPSTREAMS).map((key) => key.length));

/**
 * The stack's own first segment of every cached repository (`llm-<stack>`), so two stacks in one
 * account and region never share — and never delete — each other's rules. ECR allows 30
 * characters for `<stack prefix>/<upstream>`; a stack name too long or not a valid segment gets a
 * stable hash of itself instead.
 */
export function stackRepositoryPrefix(stack: string): string {
  const readable = `llm-${stack.toLowerCase()}`;
  if (PREFIX_SEGMENT.test(readable) && readable.length + 1 + LONGEST_UPSTREAM_KEY <= ECR_REPOSITORY_PREFIX_MAX_LENGTH) return readable;
  return `llm-${createHash("sha256").update(stack).digest("hex").slice(0, 12)}`;
}

/** A pull-through cache rule's ecrRepositoryPrefix. */
export const cacheRepositoryPrefix = (stackPrefix: string, upstream: PullThroughUpstreamKey): string => `${stackPrefix}/${upstream}`;

/** The registry host of the stack's account and region. */
export const ecrRegistryHost = (accountId: string, region: string): string => `${accountId}.dkr.ecr.${region}.amazonaws.com`;

/** The reference a pod should pull: through the stack's cache where it can mirror the image, else as written. */
export function pulledImage(image: string, source: ImageSource): string {
  if (source.kind === "upstream") return image;
  const upstream = pullThroughUpstreamOf(image);
  if (!upstream) return image;
  const { repository, suffix } = parseImageReference(image);
  return `${ecrRegistryHost(source.accountId, source.region)}/${cacheRepositoryPrefix(source.stackPrefix, upstream)}/${repository}${suffix}`;
}
