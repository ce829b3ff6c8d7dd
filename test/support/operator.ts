/**
 * The values each operator sets for themselves before `pulumi up` and never commits — the Hugging
 * Face token, the endpoint allowlist (a documentation address, RFC 5737), and the registry logins
 * ECR's Docker Hub and GHCR cache rules pull with — as tests hand them to the program.
 */
export const OPERATOR_SECRETS = {
  "llm-stack:hfToken": "hf_SENTINEL_token_0123456789",
  "llm-stack:dockerHubAccessToken": "dckr_pat_test",
  "llm-stack:githubToken": "ghp_test",
} as const;

export const OPERATOR_SECRET_KEYS = Object.keys(OPERATOR_SECRETS);

export const OPERATOR_PLAIN = {
  "llm-stack:clusterPublicAccessCidrs": '["198.51.100.7/32"]',
  "llm-stack:dockerHubUsername": "operator",
  "llm-stack:githubUsername": "operator",
} as const;

/** `config` with every operator value a created cluster's stack needs (a kubeconfig stack takes only the secrets). */
export function withOperatorValues(
  config: Record<string, string>,
  secrets: Partial<Record<keyof typeof OPERATOR_SECRETS, string>> = {},
): Record<string, string> {
  const created = (config["llm-stack:cluster"] ?? "create") === "create";
  return { ...config, ...OPERATOR_SECRETS, ...secrets, ...(created ? OPERATOR_PLAIN : {}) };
}
