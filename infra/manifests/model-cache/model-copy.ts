/**
 * The copy Job that fills the S3 model cache, as plain data (tests validate it against the
 * Kubernetes schema and run its script): Hugging Face → the pod's scratch volume → S3, once per
 * model revision. It runs on a GPU node without taking a GPU: that node is up anyway, and its
 * instance-store NVMe holds a checkpoint of any size (a system node's 50 GiB root would not).
 *
 * It uses the pinned vLLM image: already pulled on the node, and it carries huggingface_hub and
 * boto3 (copy-model.py). The Hugging Face token is mounted here and nowhere else on the S3 path.
 * Pulumi waits for the Job to complete (pulumi-kubernetes provider/pkg/await/job.go: until
 * condition Complete, failing on Failed), for at most the annotated timeout instead of its
 * 10-minute default; the server is created after it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOWNLOAD_HEADROOM, MODEL_CACHE_MARKER, type ModelCacheLayout } from "../../plan";
import { awsRegionEnv, hfTokenFile, restrictedContainerSecurity, restrictedPodSecurity } from "../pod-spec";
import { VLLM_UID } from "../serving/vllm";
import { PROJECT_ROOT } from "../../project-root";

type Json = Record<string, unknown>;

/** The script the Job runs, shipped in a ConfigMap. */
export const COPY_SCRIPT = readFileSync(join(PROJECT_ROOT, "infra", "manifests", "model-cache", "copy-model.py"), "utf8");
export const COPY_SCRIPT_KEY = "copy-model.py";
const SCRIPT_MOUNT = "/opt/llm-stack";
/** The scratch volume copy-model.py downloads into (LLM_STACK_COPY_DIR, below it). */
const DATA_MOUNT = "/data";

export interface ModelCopyJobInput {
  /** The server's name: the Job, its ServiceAccount and ConfigMap are named from it. */
  name: string;
  namespace: string;
  image: string;
  layout: ModelCacheLayout;
  bucket: string;
  region: string;
  /** The checkpoint as stored, GiB: sizes the scratch volume. */
  checkpointGiB: number;
  timeoutSeconds: number;
  nodeSelector: Record<string, string>;
  tolerations: Json[];
  /** Mount the token from this Secret's key (a gated repository); null to download anonymously. */
  hfToken: { secretName: string; key: string } | null;
}

/** The copy Job's ServiceAccount: the one identity with write access to the cache. */
export const copyServiceAccountName = (serverName: string): string => `${serverName}-model-copy`;

/**
 * The Job's name carries a hash of what it copies: a new model or revision is a new Job (a Job's
 * pod template cannot be changed in place), while re-running `up` for the same one keeps it.
 */
export function modelCopyJobName(serverName: string, layout: ModelCacheLayout): string {
  const hash = createHash("sha256").update(`${layout.repo}@${layout.revision}`).digest("hex").slice(0, 10);
  return `${serverName}-copy-${hash}`;
}

export function modelCopyConfigMap(input: Pick<ModelCopyJobInput, "name" | "namespace">): Json {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${input.name}-copy-script`, namespace: input.namespace, labels: copyLabels(input.name) },
    data: { [COPY_SCRIPT_KEY]: COPY_SCRIPT },
  };
}

function copyLabels(serverName: string): Record<string, string> {
  return { "app.kubernetes.io/name": "vllm-model-copy", "app.kubernetes.io/instance": serverName };
}

export function modelCopyJob(input: ModelCopyJobInput): Json {
  const labels = copyLabels(input.name);
  const env: Json[] = [
    // The vLLM image sets NVIDIA_VISIBLE_DEVICES=all, which would show this GPU-less pod every GPU
    // of the node; `void` shows none (NVIDIA Container Toolkit, GPU enumeration).
    { name: "NVIDIA_VISIBLE_DEVICES", value: "void" },
    ...awsRegionEnv(input.region),
    { name: "LLM_STACK_COPY_DIR", value: `${DATA_MOUNT}/model` },
    { name: "HOME", value: `${DATA_MOUNT}/home` },
    { name: "HF_HOME", value: `${DATA_MOUNT}/huggingface` },
    { name: "HF_HUB_DISABLE_TELEMETRY", value: "1" },
  ];
  const mounts: Json[] = [
    { name: "data", mountPath: DATA_MOUNT },
    { name: "script", mountPath: SCRIPT_MOUNT, readOnly: true },
  ];
  const volumes: Json[] = [
    { name: "data", emptyDir: { sizeLimit: `${Math.ceil(input.checkpointGiB * DOWNLOAD_HEADROOM) + 1}Gi` } },
    { name: "script", configMap: { name: `${input.name}-copy-script`, defaultMode: 0o444 } },
  ];
  if (input.hfToken) {
    const token = hfTokenFile(input.hfToken.secretName, input.hfToken.key);
    env.push(token.env);
    mounts.push(token.mount);
    volumes.push(token.volume);
  }
  const { layout } = input;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: modelCopyJobName(input.name, layout),
      namespace: input.namespace,
      labels: { ...labels, "llm-stack/model-repo": layout.repo.replace("/", "."), "llm-stack/model-revision": layout.revision },
      annotations: {
        "pulumi.com/timeoutSeconds": String(input.timeoutSeconds),
        // A Job that failed (or timed out) keeps its name, and an update would wait on the same failed
        // Job forever; with this the provider replaces an unready Job instead
        // (pulumi-kubernetes provider/pkg/provider/provider.go, replaceUnready).
        "pulumi.com/replaceUnready": "true",
      },
    },
    spec: {
      // Retries cover a pod that started before its Pod Identity association took effect (EKS:
      // "may take several seconds", CreatePodIdentityAssociation): it finds no credentials and fails.
      backoffLimit: 6,
      // Kubernetes stops the Job a minute before Pulumi's wait ends, so Pulumi reports the Job's own
      // DeadlineExceeded condition rather than a bare timeout.
      activeDeadlineSeconds: Math.max(60, input.timeoutSeconds - 60),
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: copyServiceAccountName(input.name),
          // Pod Identity does not use the default service-account token: the EKS Pod Identity
          // webhook adds its own projected token volume and the AWS_CONTAINER_* variables.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          restartPolicy: "Never",
          // The image's `vllm` user, as the server runs it.
          securityContext: restrictedPodSecurity(VLLM_UID),
          nodeSelector: input.nodeSelector,
          tolerations: input.tolerations,
          containers: [
            {
              name: "copy",
              image: input.image,
              command: [
                "python3",
                `${SCRIPT_MOUNT}/${COPY_SCRIPT_KEY}`,
                layout.repo,
                layout.revision,
                input.bucket,
                layout.prefix,
                MODEL_CACHE_MARKER,
                JSON.stringify(layout.ignorePatterns),
              ],
              env,
              // I/O bound, and small enough to fit beside a running server: on a model switch the new
              // revision is copied while the old server still holds its node (the server's requests
              // leave 2 vCPU and 10% + 4 GiB of the node to the system, serving.ts podResources).
              resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "8Gi" } },
              volumeMounts: mounts,
              securityContext: restrictedContainerSecurity(),
            },
          ],
          volumes,
        },
      },
    },
  };
}
