/**
 * llm-stack-safety-no-secret-args (mandatory): no secret material in any container's command, args
 * (however vLLM would read them: `--api_key`, `--api-key=…`, an abbreviation) or shell command
 * string, nor in plain env values — API keys and tokens come from Secrets (secretKeyRef or mounted
 * files). A reference that Kubernetes or the shell fills in from a Secret at run time
 * (`$(VLLM_API_KEY)`, `$VLLM_API_KEY`) is not secret material; a plain env value it expands to is.
 * Secrets stay in Secrets: a ConfigMap (which `envFrom.configMapRef` turns into env wholesale) holding
 * a secret-named key or a token-like value, and a secret-named env read from a ConfigMap key, are
 * refused — a ConfigMap is readable by anyone with `get configmaps` and is not encrypted with the
 * cluster's KMS key (https://kubernetes.io/docs/concepts/configuration/configmap/: "ConfigMap does
 * not provide secrecy or encryption").
 */
import { type ResourceValidation, type ResourceValidationPolicy } from "@pulumi/policy";
import { objectLabel } from "./lib/exposure";
import { vllmOptionOccurrences } from "../infra/vllm";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { allContainersOf, validateWorkloads, type ContainerView } from "./lib/workloads";

/** vLLM's secret flags (infra/vllm/flags.ts) and the generic --token. */
const SECRET_FLAGS = ["api-key", "hf-token", "token"] as const;
const SECRET_ENV = /(TOKEN|API_KEY|SECRET|PASSWORD)$/i;
/** A switch, not a secret: HF_HUB_DISABLE_IMPLICIT_TOKEN=1 names a token but holds none. */
const SWITCH_VALUE = /^(0|1|true|false|yes|no|on|off)?$/i;
const secretNamed = (name: string, value: string) => SECRET_ENV.test(name) && !SWITCH_VALUE.test(value);
/** Hugging Face tokens and OpenAI-style keys, wherever they appear. */
const SECRET_VALUE = /\b(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9-]{20,})\b/;
/** A value filled in at run time: $(NAME), $NAME or ${NAME}. */
const REFERENCE = /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The secret flags a container passes literal values to, and whether a token-like value appears
 * anywhere. Every word of its command is read with vLLM's own argument grammar (infra/vllm/parse.ts:
 * `--api_key`, `--api-key=…`, abbreviations, a value in the next word), every occurrence: a repeated
 * flag's earlier value is no longer what vLLM uses, but it is still in the args for anyone to read.
 */
function secretsIn(container: ContainerView): string[] {
  const found = new Set<string>();
  for (const { name, value } of vllmOptionOccurrences(container.vllm.words).occurrences) {
    const flag = SECRET_FLAGS.find((f) => f === name);
    if (flag && value !== undefined && !REFERENCE.test(value)) found.add(`--${flag}`);
  }
  if (found.size === 0 && container.vllm.words.some((word) => SECRET_VALUE.test(word))) found.add("a token-like value");
  return [...found];
}

const CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap";
const SECRET_FIX = "Fix: move it to a Secret and read it with secretKeyRef (or envFrom.secretRef), or mount it as a file.";

/** A ConfigMap holding what looks like a secret, by key name or by value. */
const validateConfigMap: ResourceValidation = (args, reportViolation) => {
  if (args.type !== CONFIG_MAP_TYPE) return;
  readPolicyConfig(safetyNoSecretArgs, args.getConfig);
  const props = args.props as { metadata?: { name?: string; namespace?: string }; data?: Record<string, string> };
  const keys = Object.entries(props.data ?? {})
    .filter(([key, value]) => secretNamed(key, String(value)) || SECRET_VALUE.test(String(value)))
    .map(([key]) => key);
  if (keys.length > 0)
    reportViolation(
      `${objectLabel("ConfigMap", props.metadata, args.name)} holds secret material (${keys.join(", ")}): a ConfigMap is neither secret nor encrypted, and envFrom.configMapRef hands it to a container as env. ${SECRET_FIX}`,
    );
};

export const safetyNoSecretArgs: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-secret-args",
  description: "No API keys or tokens in container args, shell command strings, plain env values or ConfigMaps.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateResource: [
    validateConfigMap,
    validateWorkloads((workload, args, reportViolation) => {
      readPolicyConfig(safetyNoSecretArgs, args.getConfig);
      for (const container of allContainersOf(workload)) {
        const secrets = secretsIn(container);
        if (secrets.length > 0) {
          const where = container.vllm.fromShell ? "its shell command" : "its args";
          reportViolation(
            `${workload.label}: container ${container.name} passes secret material in ${where} (${secrets.join(", ")}); args are visible to anyone who can read the ${workload.kind}. Fix: pass it from a Secret (VLLM_API_KEY via secretKeyRef, HF_TOKEN_PATH to a mounted file).`,
          );
        }
        for (const env of container.raw.env ?? []) {
          if (env.value !== undefined && (secretNamed(env.name, env.value) || SECRET_VALUE.test(env.value))) {
            reportViolation(
              `${workload.label}: container ${container.name} sets ${env.name} as a plain value. Fix: use valueFrom.secretKeyRef or a mounted Secret file.`,
            );
          }
          const fromConfigMap = env.valueFrom?.configMapKeyRef;
          if (fromConfigMap !== undefined && SECRET_ENV.test(env.name)) {
            reportViolation(
              `${workload.label}: container ${container.name} reads ${env.name} from ConfigMap ${fromConfigMap.name ?? "(unnamed)"} key ${fromConfigMap.key ?? "(none)"}: a ConfigMap is neither secret nor encrypted. ${SECRET_FIX}`,
            );
          }
        }
      }
    }),
  ],
};
