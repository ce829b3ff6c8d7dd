/**
 * llm-stack-safety-no-secret-args (advisory): no secret material in container args or plain env
 * values — API keys and tokens come from Secrets (secretKeyRef or mounted files).
 */
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { workloadView } from "./lib/stack-view";

const SECRET_FLAGS = ["--api-key", "--hf-token", "--token"];
const SECRET_ENV = /(TOKEN|API_KEY|SECRET|PASSWORD)$/i;
/** Hugging Face tokens and OpenAI-style keys, wherever they appear. */
const SECRET_VALUE = /\b(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9-]{20,})\b/;

export const safetyNoSecretArgs: ResourceValidationPolicy = {
  name: "llm-stack-safety-no-secret-args",
  description: "No API keys or tokens in container args or plain env values.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
    const workload = workloadView(deployment, args.urn);
    for (const container of workload.containers) {
      for (const arg of container.raw.args ?? []) {
        const flag = SECRET_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
        if (flag || SECRET_VALUE.test(arg)) {
          reportViolation(`${workload.label}: container ${container.name} passes secret material in its args (${flag ?? "a token-like value"}); args are visible to anyone who can read the Deployment. Fix: pass it from a Secret (VLLM_API_KEY via secretKeyRef, HF_TOKEN_PATH to a mounted file).`);
        }
      }
      for (const env of container.raw.env ?? []) {
        if (env.value !== undefined && (SECRET_ENV.test(env.name) || SECRET_VALUE.test(env.value))) {
          reportViolation(`${workload.label}: container ${container.name} sets ${env.name} as a plain value. Fix: use valueFrom.secretKeyRef or a mounted Secret file.`);
        }
      }
    }
  }),
};
