/**
 * Which registry credentials a stack needs: with imageSource ecr-cache, ECR's Docker Hub and
 * GitHub Container Registry rules only work with an authenticated upstream
 * (infra/catalog/registries.ts), so a stack that runs an image from either must give the
 * operator's user and token. Decided from the keys alone, so the program, `plan --stack` and the
 * offline tools agree; test/program/stacks.test.ts checks it against every image the program registers.
 */
import { type RegistryCredential } from "../catalog";
import { credentialsFor, type ImageSourceKind } from "../plan";

/** Where the add-ons a stack may run are published (their pinned images live with their manifests). */
const ADD_ON_IMAGES = {
  /** Grafana (observability prometheus): grafana/grafana on Docker Hub. */
  grafana: "grafana/grafana",
  /** KEDA (autoscaling): ghcr.io/kedacore. */
  keda: "ghcr.io/kedacore/keda",
  /** A set's endpoint pickers: ghcr.io/llm-d (manifests/gateway/endpoint-picker.ts). */
  endpointPicker: "ghcr.io/llm-d/llm-d-router-endpoint-picker",
  /** A set's gateway controller and proxy: cr.agentgateway.dev, which no ECR rule caches (pulled as written). */
  agentgateway: "cr.agentgateway.dev/controller",
} as const;

export interface ImageNeeds {
  imageSource: ImageSourceKind;
  vllmImage: string;
  observability: "prometheus" | "none";
  autoscaled: boolean;
  scalesToZero: boolean;
  /** A set of models: its inference gateway runs (as it does for a server that scales to zero). */
  inferenceGateway?: boolean;
}

/** The credentials the stack's pull-through cache rules need; none when images are pulled upstream. */
export function registryCredentialsNeeded(needs: ImageNeeds): RegistryCredential[] {
  if (needs.imageSource !== "ecr-cache") return [];
  const images = [
    needs.vllmImage,
    ...(needs.observability === "prometheus" ? [ADD_ON_IMAGES.grafana] : []),
    // A server at zero sits behind the inference gateway too: its endpoint picker holds requests while it wakes.
    ...(needs.inferenceGateway || needs.scalesToZero ? [ADD_ON_IMAGES.endpointPicker, ADD_ON_IMAGES.agentgateway] : []),
    ...(needs.autoscaled ? [ADD_ON_IMAGES.keda] : []),
  ];
  return credentialsFor(images);
}

/** imageSource's `auto`: the cache where the stack creates the cluster (its nodes' role is the stack's), else upstream. */
export const defaultImageSource = (cluster: string): ImageSourceKind => (cluster === "create" ? "ecr-cache" : "upstream");

/** The user and token keys of each credential. */
export const CREDENTIAL_KEYS = {
  dockerHub: { username: "dockerHubUsername", token: "dockerHubAccessToken" },
  github: { username: "githubUsername", token: "githubToken" },
} as const satisfies Record<RegistryCredential, { username: string; token: string }>;
