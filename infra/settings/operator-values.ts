/**
 * Values each operator sets for themselves and never commits: the secrets (hfToken, kubeconfig)
 * and the public endpoint's allowlist, which names the machine that runs pulumi. Tools that
 * evaluate a committed stack offline — the cost preview, preflight — take them as set (a
 * placeholder stands in) and say so; the program itself refuses a stack without them.
 */
import { MODELS, type ModelId } from "../catalog";
import { matchModel } from "../plan";
import { SETTINGS, withoutUnsetMarkers } from "./keys";

export type OperatorKey = "hfToken" | "kubeconfig" | "clusterPublicAccessCidrs";

/** A documentation address block (RFC 5737 TEST-NET-1) standing in for the operator's allowlist. */
export const ALLOWLIST_PLACEHOLDER = ["192.0.2.0/24"];

/** How each operator sets each value. */
export const OPERATOR_FIXES: Record<OperatorKey, string> = {
  hfToken: "pulumi config set --secret hfToken <token>",
  kubeconfig: "pulumi config set --secret kubeconfig < ~/.kube/config",
  clusterPublicAccessCidrs: "pulumi config set --path 'clusterPublicAccessCidrs[0]' \"$(curl -s https://checkip.amazonaws.com)/32\"",
};

/** The catalog id of the model value when that model is gated (its download needs a token), else undefined. */
export function gatedModelId(model: unknown): ModelId | undefined {
  const match = typeof model === "string" ? matchModel(model) : undefined;
  return match && MODELS[match.modelId].gated ? match.modelId : undefined;
}

/**
 * The operator values this stack needs and does not set (a token only for a gated model).
 * @param values config keys without the project prefix (the Pulumi CLI's "unset" defaults allowed)
 * @param isSecretSet whether a secret key holds an encrypted value
 */
export function unsetOperatorValues(values: Readonly<Record<string, unknown>>, isSecretSet: (key: "hfToken" | "kubeconfig") => boolean): OperatorKey[] {
  const given = withoutUnsetMarkers(values);
  const cluster = given.cluster ?? SETTINGS.cluster.default;
  const unset: OperatorKey[] = [];
  if (gatedModelId(given.model) !== undefined && !isSecretSet("hfToken") && given.hfToken === undefined) unset.push("hfToken");
  if (cluster === "kubeconfig" && !isSecretSet("kubeconfig") && given.kubeconfig === undefined) unset.push("kubeconfig");
  if (cluster === "create" && (given.clusterEndpointAccess ?? SETTINGS.clusterEndpointAccess.default) === "public" && given.clusterPublicAccessCidrs === undefined) unset.push("clusterPublicAccessCidrs");
  return unset;
}
