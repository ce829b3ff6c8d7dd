/**
 * The one workload adapter of the pack: every Kubernetes kind that carries a pod template maps to
 * one view, so no GPU rule can be walked around by choosing another kind. A GPU server is
 * recognised by what it runs (`vllm serve`, the OpenAI api_server module, a --model flag, also
 * inside `sh -c`) or by its nvidia.com/gpu request — an image name is one signal among them.
 * Accessing a value that is unknown during preview throws @pulumi/policy's UnknownValueError,
 * which the engine reports as "can't run during preview" instead of a false pass.
 */
import { type PolicyResource, type ReportViolation, type ResourceValidation, type ResourceValidationArgs } from "@pulumi/policy";
import { readVllmCommand, type VllmInvocation } from "../../infra/vllm";
import { GPU_TAINT, parseQuantity } from "../../infra/plan";

/** Pulumi type tokens of the kinds that carry a pod template, and the kind each one is. */
const WORKLOAD_TYPES = {
  "kubernetes:apps/v1:Deployment": "Deployment",
  "kubernetes:apps/v1:StatefulSet": "StatefulSet",
  "kubernetes:apps/v1:DaemonSet": "DaemonSet",
  "kubernetes:apps/v1:ReplicaSet": "ReplicaSet",
  "kubernetes:batch/v1:Job": "Job",
  "kubernetes:batch/v1:CronJob": "CronJob",
  "kubernetes:core/v1:Pod": "Pod",
  // A CustomResource registers under its apiVersion and kind (https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/).
  "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet": "LeaderWorkerSet",
} as const;
export type WorkloadKind = (typeof WORKLOAD_TYPES)[keyof typeof WORKLOAD_TYPES];

/** Whether the pack reads this type's pod template (the one table of kinds above). */
export const isWorkloadType = (type: string): boolean => type in WORKLOAD_TYPES;

export interface ProbeShape {
  httpGet?: { path?: string; port?: number | string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface ContainerShape {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name?: string; key?: string } } & Record<string, unknown>;
  }>;
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
  startupProbe?: ProbeShape;
  readinessProbe?: ProbeShape;
  livenessProbe?: ProbeShape;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  securityContext?: { privileged?: boolean };
  /** `Always` on an init container makes it a native sidecar that runs as long as the pod. */
  restartPolicy?: string;
}

export interface VolumeShape {
  name: string;
  emptyDir?: { medium?: string };
  hostPath?: { path?: string };
}

export interface PodSpecShape {
  nodeSelector?: Record<string, string>;
  containers?: ContainerShape[];
  initContainers?: ContainerShape[];
  ephemeralContainers?: ContainerShape[];
  volumes?: VolumeShape[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

export interface PodTemplateShape {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpecShape;
}

export interface ContainerView {
  name: string;
  image: string;
  /**
   * Init and ephemeral containers run in the pod too: every safety rule covers them. A native
   * sidecar (an init container with restartPolicy Always) runs as long as the pod: a "container".
   */
  role: "container" | "init" | "ephemeral";
  /** What the container runs, as vLLM would read it (infra/vllm). */
  vllm: VllmInvocation;
  /** vLLM's flags, canonical names → values (last one wins). */
  args: Record<string, string>;
  /** nvidia.com/gpu it gets: the limit, else the request (Kubernetes requires them equal and defaults the request to the limit). */
  gpus: number;
  raw: ContainerShape;
}

export interface PodTemplateView {
  /** A LeaderWorkerSet's leader or worker template; every other kind has one template, "pod". */
  role: "pod" | "leader" | "worker";
  labels: Record<string, string>;
  nodeSelector: Record<string, string>;
  spec: PodSpecShape;
  /** Regular containers, then init and ephemeral ones. */
  containers: ContainerView[];
}

export interface WorkloadView {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** "Deployment llm/vllm": how messages name the workload. */
  label: string;
  urn: string | undefined;
  /**
   * Replicas that each need their own GPUs: Deployment, StatefulSet and ReplicaSet replicas, a
   * Job's (and CronJob's job's) parallelism, 1 for a Pod, a LeaderWorkerSet's groups; undefined for
   * a DaemonSet. Kubernetes defaults each to 1.
   */
  replicas: number | undefined;
  /** Pods (and so nodes) one replica spans: a LeaderWorkerSet's size, else 1. */
  podsPerReplica: number;
  templates: PodTemplateView[];
  /** The resource's props as registered. */
  props: Record<string, any>;
}

/** A Kubernetes quantity as the API server reads it ("1k" is 1000); text it would refuse reads as NaN. */
const quantity = (value: string | number | undefined): number => (value === undefined ? 0 : (parseQuantity(value) ?? Number.NaN));
const GPU = "nvidia.com/gpu";

function containerView(container: ContainerShape, role: ContainerView["role"] = "container"): ContainerView {
  const vllm = readVllmCommand(container);
  return {
    name: container.name ?? "",
    image: container.image ?? "",
    role,
    vllm,
    args: vllm.args.flags,
    gpus: quantity(container.resources?.limits?.[GPU] ?? container.resources?.requests?.[GPU]),
    raw: container,
  };
}

function templateView(template: PodTemplateShape | undefined, role: PodTemplateView["role"] = "pod"): PodTemplateView {
  const spec = template?.spec ?? {};
  return {
    role,
    labels: template?.metadata?.labels ?? {},
    nodeSelector: spec.nodeSelector ?? {},
    spec,
    containers: [
      ...(spec.containers ?? []).map((c) => containerView(c)),
      ...(spec.initContainers ?? []).map((c) => containerView(c, c.restartPolicy === "Always" ? "container" : "init")),
      ...(spec.ephemeralContainers ?? []).map((c) => containerView(c, "ephemeral")),
    ],
  };
}

/** The workload view of a resource, or undefined when its type carries no pod template. */
export function workloadOf(type: string, props: Record<string, any>, urn?: string): WorkloadView | undefined {
  const kind = (WORKLOAD_TYPES as Record<string, WorkloadKind>)[type];
  if (kind === undefined) return undefined;
  const spec = props.spec ?? {};
  let replicas: number | undefined;
  let podsPerReplica = 1;
  let templates: PodTemplateView[];
  switch (kind) {
    case "Pod":
      replicas = 1;
      templates = [templateView({ metadata: props.metadata, spec })];
      break;
    case "DaemonSet":
      replicas = undefined;
      templates = [templateView(spec.template)];
      break;
    case "Job":
      replicas = spec.parallelism ?? 1;
      templates = [templateView(spec.template)];
      break;
    case "CronJob":
      // One job at a time; concurrencyPolicy Allow can overlap runs, which this does not count.
      replicas = spec.jobTemplate?.spec?.parallelism ?? 1;
      templates = [templateView(spec.jobTemplate?.spec?.template)];
      break;
    case "LeaderWorkerSet": {
      replicas = spec.replicas ?? 1;
      const lws = spec.leaderWorkerTemplate ?? {};
      podsPerReplica = lws.size ?? 1;
      // Without a leaderTemplate the leader runs the worker template (LWS API reference).
      templates = lws.leaderTemplate
        ? [templateView(lws.leaderTemplate, "leader"), templateView(lws.workerTemplate, "worker")]
        : [templateView(lws.workerTemplate, "worker")];
      break;
    }
    default:
      replicas = spec.replicas ?? 1;
      templates = [templateView(spec.template)];
  }
  const name = props.metadata?.name ?? "?";
  const namespace = props.metadata?.namespace ?? "default";
  return { kind, name, namespace, label: `${kind} ${namespace}/${name}`, urn, replicas, podsPerReplica, templates, props };
}

export function workloadsOf(resources: readonly PolicyResource[]): WorkloadView[] {
  return resources.flatMap((r) => workloadOf(r.type, r.props, r.urn) ?? []);
}

/**
 * A vLLM-image container that cannot be a server: it runs a command of its own that is not vLLM
 * and sees no GPU. A container without a GPU request still sees every GPU of its node when its
 * image sets NVIDIA_VISIBLE_DEVICES=all (CUDA images do); `void` makes the NVIDIA runtime behave
 * like runc, no GPU and no driver (NVIDIA Container Toolkit, "Specialized configurations with
 * Docker", GPU enumeration). The kit's model-cache copy Job is one: python3 in the vLLM image.
 */
const runsNoServer = (c: ContainerView): boolean => {
  const visible = (c.raw.env ?? []).filter((e) => e.name === "NVIDIA_VISIBLE_DEVICES").at(-1);
  const ownCommand = (c.raw.command ?? []).length > 0;
  return c.vllm.evidence === "none" && c.gpus === 0 && ownCommand && visible?.value === "void";
};

/** A container that serves a model on GPUs: it runs vLLM, passes --model, requests GPUs, or runs a vLLM image (unless it provably runs no server). */
const isServerContainer = (c: ContainerView): boolean =>
  c.vllm.evidence !== "none" || c.gpus > 0 || (/vllm/i.test(c.image) && !runsNoServer(c));

/** Every container of the workload, init and ephemeral ones included: the safety rules cover them all. */
export const allContainersOf = (workload: WorkloadView): ContainerView[] => workload.templates.flatMap((t) => t.containers);

/** A workload with a GPU server in any of its templates: every GPU and safety rule applies to it. */
export const isGpuServer = (workload: WorkloadView): boolean => workload.templates.some((t) => t.containers.some(isServerContainer));

export interface ServerContainer {
  template: PodTemplateView;
  container: ContainerView;
}

/**
 * The containers that run servers: every one with vLLM evidence (a vLLM entrypoint or --model),
 * leader before workers; only where there is none, the GPU or vLLM-image containers — so a
 * LeaderWorkerSet's Ray workers count as part of their leader's server, and a second vLLM in the
 * same pod is checked on its own.
 */
export function serverContainersOf(workload: WorkloadView): ServerContainer[] {
  const all = workload.templates.flatMap((template) =>
    template.containers.filter((c) => c.role === "container").map((container) => ({ template, container })),
  );
  const evidenced = all.filter(({ container: c }) => c.vllm.evidence !== "none");
  const rank = (c: ContainerView) => (c.vllm.evidence === "vllm serve" || c.vllm.evidence === "api_server" ? 0 : 1);
  if (evidenced.length > 0) return evidenced.sort((a, b) => rank(a.container) - rank(b.container));
  return all
    .filter(({ container: c }) => c.gpus > 0)
    .concat(all.filter(({ container: c }) => c.gpus === 0 && /vllm/i.test(c.image) && !runsNoServer(c)));
}

/** The GPUs one pod of the template gets: its long-running containers' requests together. */
export const podGpus = (template: PodTemplateView): number =>
  template.containers.filter((c) => c.role === "container").reduce((sum, c) => sum + c.gpus, 0);

/**
 * Whether a pod of this template may run on a GPU node: it takes GPUs, or tolerates their taint
 * (a toleration without a key and operator Exists tolerates every taint:
 * https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
 */
export function landsOnGpuNodes(template: PodTemplateView): boolean {
  if (template.containers.some((c) => c.gpus > 0)) return true;
  const spec = template.spec as Record<string, any>;
  // spec.nodeName skips the scheduler, and with it every NoSchedule taint: it may name a GPU node.
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return true;
  const tolerations = (spec.tolerations ?? []) as Array<{ key?: string; operator?: string }>;
  // An empty key with operator Exists matches every key, as an absent one does.
  return tolerations.some((t) => (!t.key && t.operator === "Exists") || t.key === GPU_TAINT.key);
}

/**
 * The kit's own agents on the GPU nodes (infra/manifests/gpu/device-plugins.ts), by namespace/name,
 * a trailing `*` matching a suffix: they need the node (the device plugin's socket directory,
 * DCGM's SYS_ADMIN), so the pod rules name them as vouched for rather than skip them silently.
 */
export const KIT_GPU_NODE_AGENTS = [
  "kube-system/nvidia-device-plugin-daemonset-*",
  "kube-system/dcgm-exporter-*",
  "kube-system/aws-efa-k8s-device-plugin-*",
];

/** How pack config writes a vouched `namespace/name`: a trailing `*` only after a name prefix, never a whole namespace. */
export const VOUCHED_WORKLOAD_PATTERN = "^[a-z0-9-]+/[a-z0-9][a-z0-9.-]*\\*?$";

/** `namespace/name` matches a pattern of a vouched list (a trailing `*` matches a suffix). */
export const isVouched = (workload: WorkloadView, patterns: readonly string[]): boolean =>
  patterns.some((pattern) => {
    const id = `${workload.namespace}/${workload.name}`;
    return pattern.endsWith("*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
  });

/** One of the kit's node agents: a DaemonSet by that name (a Pod or Job named like one is not). */
export const isKitGpuNodeAgent = (workload: WorkloadView): boolean =>
  workload.kind === "DaemonSet" && isVouched(workload, KIT_GPU_NODE_AGENTS);

/** The pod rules' scope: a workload with pods that can land on a GPU node, other than the kit's own agents. */
export const runsOnGpuNodes = (workload: WorkloadView): boolean => workload.templates.some(landsOnGpuNodes) && !isKitGpuNodeAgent(workload);

/** The template's labels select it: a Service's selector, non-empty, all of it. */
export const selects = (selector: Record<string, string> | undefined, template: PodTemplateView): boolean => {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => template.labels[key] === value);
};

/** A resource validation that runs on every kind carrying a pod template, with its workload view. */
export function validateWorkloads(
  validate: (workload: WorkloadView, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
  return (args, reportViolation) => {
    const workload = workloadOf(args.type, args.props, args.urn);
    if (workload) validate(workload, args, reportViolation);
  };
}
