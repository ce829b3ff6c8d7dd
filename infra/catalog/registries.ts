/**
 * Container registries as the kit meets them: the upstreams Amazon ECR's pull-through cache can
 * mirror into the stack's own account and region, what each needs, and Docker Hub's limit on
 * anonymous pulls — the reason the cache is on by default. One fact each, with its source.
 */
import { type Source } from "./schema";

const READ_ON = "2026-12-06";
const ECR_GUIDE = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html";

/** The operator credential an upstream needs, stored in Secrets Manager for ECR (never for Quay, registry.k8s.io or ECR Public). */
export type RegistryCredential = "dockerHub" | "github";

export interface PullThroughUpstream {
  /** The registry host as an image reference names it (after Docker's normalization: `vllm/vllm-openai` is docker.io's). */
  imageHost: string;
  /** CreatePullThroughCacheRule's upstreamRegistryUrl. */
  upstreamRegistryUrl: string;
  /** Docker Hub and GitHub Container Registry require an authenticated upstream: "requires authentication with AWS Secrets Manager secret". */
  credential: RegistryCredential | null;
}

/**
 * The upstreams ECR's pull-through cache supports that the kit's images come from, keyed by the
 * path segment the kit gives their cached repositories. Azure, GitLab and Chainguard are supported
 * too but hold none of the kit's images.
 */
export const PULL_THROUGH_UPSTREAMS = {
  "docker-hub": { imageHost: "docker.io", upstreamRegistryUrl: "registry-1.docker.io", credential: "dockerHub" },
  ghcr: { imageHost: "ghcr.io", upstreamRegistryUrl: "ghcr.io", credential: "github" },
  quay: { imageHost: "quay.io", upstreamRegistryUrl: "quay.io", credential: null },
  k8s: { imageHost: "registry.k8s.io", upstreamRegistryUrl: "registry.k8s.io", credential: null },
  "ecr-public": { imageHost: "public.ecr.aws", upstreamRegistryUrl: "public.ecr.aws", credential: null },
} as const satisfies Record<string, PullThroughUpstream>;

export type PullThroughUpstreamKey = keyof typeof PULL_THROUGH_UPSTREAMS;

export const PULL_THROUGH_FACTS = {
  /** Supported upstreams and which need a Secrets Manager secret (the table above). */
  upstreams: { ref: `${ECR_GUIDE}; CreatePullThroughCacheRule API reference (upstreamRegistryUrl values)`, readOn: READ_ON },
  /**
   * The secret's name begins with `ecr-pullthroughcache/`, holds `username` and `accessToken`, is
   * in the rule's account and region, and is encrypted with the default aws/secretsmanager key.
   */
  credentialSecret: {
    ref: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html; pull-through-cache-creating-rule.html",
    readOn: READ_ON,
  },
  /**
   * A cached image is `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream repository>:<tag>`;
   * a Docker Hub official image keeps its `library/` segment.
   */
  imageReference: { ref: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working.html", readOn: READ_ON },
  /**
   * The pulling identity needs ecr:BatchImportUpstreamImage, and ecr:CreateRepository for an
   * image's first pull (AmazonEC2ContainerRegistryReadOnly has neither).
   */
  iam: { ref: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html", readOn: READ_ON },
  /** ecrRepositoryPrefix: 2 to 30 characters, `[a-z0-9]+([._-][a-z0-9]+)*` segments separated by `/`. */
  repositoryPrefix: { ref: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PullThroughCacheRule.html", readOn: READ_ON },
} as const satisfies Record<string, Source>;

/** ECR's limit on ecrRepositoryPrefix (API_PullThroughCacheRule). */
export const ECR_REPOSITORY_PREFIX_MAX_LENGTH = 30;

/**
 * Registries the kit pulls from that ECR's pull-through cache cannot mirror, with why: their
 * images are pulled as written, and tests name them as the only exceptions.
 */
export const UNCACHEABLE_REGISTRIES = {
  "nvcr.io": {
    reason:
      "NVIDIA NGC is not an upstream ECR's pull-through cache supports (the NVIDIA device plugin and the DCGM exporter are published only there)",
    source: { ref: `${ECR_GUIDE}; aws/containers-roadmap (requests for further upstreams are open)`, readOn: READ_ON },
  },
  "cr.agentgateway.dev": {
    reason:
      "agentgateway's own registry is not an upstream ECR's pull-through cache supports (its controller and proxy images, which a set's inference gateway runs, are published only there)",
    source: {
      ref: `${ECR_GUIDE}; agentgateway/agentgateway controller/Makefile (IMAGE_REGISTRY cr.agentgateway.dev), v1.4.1`,
      readOn: "2026-12-06",
    },
  },
} as const satisfies Record<string, { reason: string; source: Source }>;

/**
 * Docker Hub's pull limit for unauthenticated clients: per IPv4 address (or IPv6 /64), so every
 * node behind the stack's one NAT gateway shares it. Docker announced 10 per hour for April 2025
 * and held off enforcing it (docker/docs #22326); the documented limit is this one.
 */
export const DOCKER_HUB_ANONYMOUS_PULL_LIMIT = {
  pulls: 100,
  windowHours: 6,
  source: {
    ref: "https://docs.docker.com/docker-hub/usage/pulls/ (docker/docs content/manuals/docker-hub/usage/pulls.md; docker/docs #22326)",
    readOn: READ_ON,
  },
} as const;
