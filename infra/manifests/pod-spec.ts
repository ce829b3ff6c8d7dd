/**
 * Pod-spec pieces every kit-built workload shares, written once:
 * - the Pod Security "restricted" profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/):
 *   non-root as a given UID, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped;
 * - the AWS region for both SDKs a pod may run: boto3 reads only AWS_DEFAULT_REGION (botocore
 *   configprovider.py), the AWS SDK for C++ AWS_REGION, and the Pod Identity webhook adds neither
 *   once the pod sets one;
 * - the Hugging Face token as a file from a Secret (HF_TOKEN_PATH), never a value.
 */
import { pulledImage, type ImageSource } from "../plan";

type Json = Record<string, unknown>;

/** A namespace's labels that enforce "restricted" (and audit and warn on it) for every pod in it (Pod Security admission). */
export const RESTRICTED_NAMESPACE_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
} as const;

/** A pod's securityContext: every container runs as `uid` (group and volume group too). */
export function restrictedPodSecurity(uid: number): Json {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** A container's securityContext under "restricted"; `extra` adds fields such as readOnlyRootFilesystem. */
export function restrictedContainerSecurity(extra: Json = {}): Json {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    ...extra,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function awsRegionEnv(region: string): Json[] {
  return [
    { name: "AWS_REGION", value: region },
    { name: "AWS_DEFAULT_REGION", value: region },
  ];
}

const HF_TOKEN_MOUNT = "/var/run/secrets/huggingface";

/** The env var, mount and volume that hand a container the Hugging Face token from `key` of Secret `secretName`. */
export function hfTokenFile(secretName: string, key: string): { env: Json; mount: Json; volume: Json } {
  return {
    env: { name: "HF_TOKEN_PATH", value: `${HF_TOKEN_MOUNT}/token` },
    mount: { name: "hf-token", mountPath: HF_TOKEN_MOUNT, readOnly: true },
    volume: { name: "hf-token", secret: { secretName, items: [{ key, path: "token" }], defaultMode: 0o440 } },
  };
}

/** The pod specs of a workload object: its template's, a CronJob's job's, a LeaderWorkerSet's leader's and worker's, a Pod's own. */
export function podSpecsOf(object: Json): Json[] {
  const spec = object.spec as Json | undefined;
  if (!spec) return [];
  const templateSpec = (template: unknown): Json[] => {
    const inner = (template as Json | undefined)?.spec as Json | undefined;
    return inner ? [inner] : [];
  };
  switch (object.kind) {
    case "Pod":
      return [spec];
    case "CronJob":
      return templateSpec(((spec.jobTemplate as Json | undefined)?.spec as Json | undefined)?.template);
    case "LeaderWorkerSet": {
      const group = spec.leaderWorkerTemplate as Json | undefined;
      return [...templateSpec(group?.leaderTemplate), ...templateSpec(group?.workerTemplate)];
    }
    default:
      return templateSpec(spec.template);
  }
}

/**
 * The object with every container's image as the stack pulls it (plan/image-source.ts): through
 * its ECR pull-through cache, or as written. A copy; objects without pod specs come back as they are.
 */
export function withImagesFrom<T extends Json>(object: T, source: ImageSource): T {
  if (source.kind === "upstream") return object;
  const copy = structuredClone(object);
  for (const podSpec of podSpecsOf(copy)) {
    for (const list of [podSpec.initContainers, podSpec.containers]) {
      for (const container of (list as Json[] | undefined) ?? []) {
        if (typeof container.image === "string") container.image = pulledImage(container.image, source);
      }
    }
  }
  return copy;
}
