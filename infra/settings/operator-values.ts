/**
 * Values each operator sets for themselves and never commits: the secrets (hfToken, kubeconfig)
 * and the public endpoint's allowlist, which names the machine that runs pulumi. Tools that
 * evaluate a committed stack offline — the cost preview, preflight — take them as set (a
 * placeholder stands in) and say so; the program itself refuses a stack without them.
 */
import { MODELS, type ModelId } from "../catalog";
import { matchModel } from "../plan";
import { CREDENTIAL_KEYS, defaultImageSource, registryCredentialsNeeded, type ImageNeeds } from "./images";
import { SETTINGS, coerceObject, withoutUnsetMarkers, type OperatorKey, type SecretSettingKey } from "./keys";

export { OPERATOR_FIXES, type OperatorKey } from "./keys";

/**
 * What decides a stack's registry credentials, read from its keys as given (before validation: a
 * bad value there is reported by the resolution, not here).
 */
export function imageNeedsOf(given: Readonly<Record<string, unknown>>): ImageNeeds {
  const cluster = String(given.cluster ?? SETTINGS.cluster.default);
  const source = given.imageSource === "ecr-cache" || given.imageSource === "upstream" ? given.imageSource : defaultImageSource(cluster);
  const observability =
    given.observability === "prometheus" || given.observability === "none"
      ? given.observability
      : cluster === "create"
        ? "prometheus"
        : "none";
  // A set runs its inference gateway; its entries say whether any autoscales.
  const entries = modelEntriesOf(given);
  const ranges = entries.length > 0 ? entries : [given];
  const autoscaled = ranges.some((entry) => entry.maxReplicas !== undefined);
  return {
    imageSource: source,
    vllmImage: typeof given.vllmImage === "string" ? given.vllmImage : SETTINGS.vllmImage.default,
    observability,
    autoscaled,
    scalesToZero: ranges.some((entry) => entry.maxReplicas !== undefined && String(entry.minReplicas).trim() === "0"),
    // A set, or one server at zero: either runs the inference gateway.
    inferenceGateway:
      entries.length > 0 || ranges.some((entry) => entry.maxReplicas !== undefined && String(entry.minReplicas).trim() === "0"),
  };
}

/** A documentation address block (RFC 5737 TEST-NET-1) standing in for the operator's allowlist. */
export const ALLOWLIST_PLACEHOLDER = ["192.0.2.0/24"];
/** A registry user standing in for the operator's (valid as both a Docker ID and a GitHub login). */
export const REGISTRY_USER_PLACEHOLDER = "operator";

/**
 * What stands in for each operator value in a tool that evaluates a committed stack offline: the
 * secrets by a placeholder marked secret (never read), the plain values by a valid stand-in.
 */
export const OPERATOR_PLACEHOLDERS: Record<OperatorKey, { secret: true } | { secret: false; value: string | string[] }> = {
  hfToken: { secret: true },
  kubeconfig: { secret: true },
  dockerHubAccessToken: { secret: true },
  githubToken: { secret: true },
  clusterPublicAccessCidrs: { secret: false, value: ALLOWLIST_PLACEHOLDER },
  dockerHubUsername: { secret: false, value: REGISTRY_USER_PLACEHOLDER },
  githubUsername: { secret: false, value: REGISTRY_USER_PLACEHOLDER },
};

/** The catalog id of the model value when that model is gated (its download needs a token), else undefined. */
export function gatedModelId(model: unknown): ModelId | undefined {
  const match = typeof model === "string" ? matchModel(model) : undefined;
  return match && MODELS[match.modelId].gated ? match.modelId : undefined;
}

/**
 * The entries of a stack's `models` as given (YAML, or the CLI's JSON text), mappings only; empty
 * for a one-model stack. Read before validation, as the operator values are (their problems are the
 * resolution's to report).
 */
export function modelEntriesOf(given: Readonly<Record<string, unknown>>): Array<Record<string, unknown>> {
  const models = coerceObject(given.models);
  return Array.isArray(models)
    ? models.filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === "object")
    : [];
}

/** The first gated model the stack serves — its `model`, or an entry of `models` — else undefined: one token reads them all. */
export function gatedModelIn(given: Readonly<Record<string, unknown>>): ModelId | undefined {
  const entries = modelEntriesOf(given);
  const ids = entries.length > 0 ? entries.map((entry) => entry.model) : [given.model];
  return ids.map(gatedModelId).find((id) => id !== undefined);
}

/**
 * The operator values this stack needs and does not set (a token only for a gated model).
 * @param values config keys without the project prefix (the Pulumi CLI's "unset" defaults allowed)
 * @param isSecretSet whether a secret key holds an encrypted value
 */
export function unsetOperatorValues(
  values: Readonly<Record<string, unknown>>,
  isSecretSet: (key: SecretSettingKey) => boolean,
): OperatorKey[] {
  const given = withoutUnsetMarkers(values);
  const cluster = given.cluster ?? SETTINGS.cluster.default;
  const unset: OperatorKey[] = [];
  if (gatedModelIn(given) !== undefined && !isSecretSet("hfToken") && given.hfToken === undefined) unset.push("hfToken");
  if (cluster === "kubeconfig" && !isSecretSet("kubeconfig") && given.kubeconfig === undefined) unset.push("kubeconfig");
  if (
    cluster === "create" &&
    (given.clusterEndpointAccess ?? SETTINGS.clusterEndpointAccess.default) === "public" &&
    given.clusterPublicAccessCidrs === undefined
  )
    unset.push("clusterPublicAccessCidrs");
  for (const credential of registryCredentialsNeeded(imageNeedsOf(given))) {
    const keys = CREDENTIAL_KEYS[credential];
    if (given[keys.username] === undefined) unset.push(keys.username);
    if (!isSecretSet(keys.token) && given[keys.token] === undefined) unset.push(keys.token);
  }
  return unset;
}
