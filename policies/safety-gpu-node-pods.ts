/**
 * llm-stack-safety-gpu-node-pods (mandatory): every pod that can land on a GPU node — it takes
 * nvidia.com/gpu, or tolerates the GPU nodes' nvidia.com/gpu taint (or every taint) — meets Pod
 * Security "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * not only the vLLM server: a debug pod that tolerates the taint shares the node with the server's
 * weights and GPUs. Checked per container (init and ephemeral too): privilege escalation off, a
 * non-root user, every capability dropped and none added but NET_BIND_SERVICE, the RuntimeDefault or
 * a Localhost seccomp profile. Privileged containers, host namespaces and hostPath volumes have their
 * own mandatory policies (safety-no-privileged, -no-host-namespaces, -no-host-path) for every pod, so
 * they are not reported twice here.
 * The kit's own node agents need more (the device plugin's socket directory, DCGM's SYS_ADMIN): they
 * are vouched for as DaemonSets by name in KIT_GPU_NODE_AGENTS (README lists them); a team adds its own, visibly, in
 * `vouchedWorkloads` — added to the kit's, so vouching for a debug pod cannot un-vouch the device plugin.
 */
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import {
  isKitGpuNodeAgent,
  isVouched,
  landsOnGpuNodes,
  validateWorkloads,
  VOUCHED_WORKLOAD_PATTERN,
  type PodTemplateView,
} from "./lib/workloads";

export interface GpuNodePodsConfig {
  vouchedWorkloads: string[];
}

type Json = Record<string, any>;

// The lists Pod Security "restricted" allows (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
// read 2026-12-06): volume types, the "safe" sysctls baseline admits, and SELinux types.
const RESTRICTED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const SELINUX_TYPES = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/** What "restricted" refuses in one pod template, as short reasons. */
function restrictedProblems(template: PodTemplateView): string[] {
  const spec = template.spec as Json;
  const pod = (spec.securityContext ?? {}) as Json;
  const problems: string[] = [];
  // Pod Security checks the pod's own fields too: an explicit root or Unconfined there is refused even
  // when every container overrides it (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
  if (pod.runAsNonRoot === false) problems.push("pod securityContext runAsNonRoot false");
  if (pod.runAsUser === 0) problems.push("pod securityContext runAsUser 0");
  if (pod.seccompProfile?.type === "Unconfined") problems.push("pod seccompProfile Unconfined");
  if (pod.appArmorProfile?.type === "Unconfined") problems.push("pod appArmorProfile Unconfined");
  const unsafeSysctls = ((pod.sysctls ?? []) as Json[]).map((x) => String(x.name)).filter((n) => !SAFE_SYSCTLS.includes(n));
  if (unsafeSysctls.length > 0) problems.push(`pod sets sysctls ${unsafeSysctls.join(", ")}`);
  // hostPath has its own policy (safety-no-host-path); every other type outside the list is named here.
  for (const volume of (spec.volumes ?? []) as Json[]) {
    const type = Object.keys(volume).find((k) => k !== "name");
    if (type !== undefined && type !== "hostPath" && !RESTRICTED_VOLUME_TYPES.includes(type))
      problems.push(`volume ${volume.name} is ${type}`);
  }
  for (const container of template.containers) {
    const sc = (container.raw as Json).securityContext ?? {};
    const name = `container ${container.name}`;
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${name} may escalate privileges (allowPrivilegeEscalation not false)`);
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const user = sc.runAsUser ?? pod.runAsUser;
    if (nonRoot !== true || user === 0)
      problems.push(`${name} may run as root (runAsNonRoot ${String(nonRoot)}, runAsUser ${String(user)})`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    const add: string[] = sc.capabilities?.add ?? [];
    if (!drop.includes("ALL")) problems.push(`${name} keeps capabilities (drop is not ALL)`);
    const extra = add.filter((c) => c !== "NET_BIND_SERVICE");
    if (extra.length > 0) problems.push(`${name} adds ${extra.join(", ")}`);
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${name} has no RuntimeDefault seccomp profile`);
    if (sc.procMount !== undefined && sc.procMount !== "Default") problems.push(`${name} procMount ${sc.procMount}`);
    if (sc.appArmorProfile?.type === "Unconfined") problems.push(`${name} appArmorProfile Unconfined`);
    const seLinux = (sc.seLinuxOptions ?? pod.seLinuxOptions ?? {}) as Json;
    if (seLinux.user !== undefined || seLinux.role !== undefined || (seLinux.type !== undefined && !SELINUX_TYPES.includes(seLinux.type)))
      problems.push(`${name} sets custom seLinuxOptions`);
    // Baseline (and so restricted) forbids host ports: they put the pod on the node's address.
    const hostPorts = ((container.raw as Json).ports ?? []).filter((p: Json) => (p.hostPort ?? 0) > 0).map((p: Json) => p.hostPort);
    if (hostPorts.length > 0) problems.push(`${name} binds hostPort ${hostPorts.join(", ")}`);
  }
  return problems;
}

export const safetyGpuNodePods: ResourceValidationPolicy = {
  name: "llm-stack-safety-gpu-node-pods",
  description: 'Every pod that can land on a GPU node (takes GPUs or tolerates their taint) meets Pod Security "restricted".',
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema({
    vouchedWorkloads: {
      type: "array",
      items: { type: "string", pattern: VOUCHED_WORKLOAD_PATTERN },
      default: [],
      description:
        "namespace/name of workloads the team vouches for (a trailing * matches a suffix), beside the kit's own GPU node agents.",
    },
  }),
  validateResource: validateWorkloads((workload, args, reportViolation) => {
    const { vouchedWorkloads } = readPolicyConfig<GpuNodePodsConfig>(safetyGpuNodePods, args.getConfig);
    if (isKitGpuNodeAgent(workload) || isVouched(workload, vouchedWorkloads)) return;
    for (const template of workload.templates) {
      if (!landsOnGpuNodes(template)) continue;
      const problems = restrictedProblems(template);
      if (problems.length === 0) continue;
      reportViolation(
        `${workload.label} can run on a GPU node but breaks Pod Security "restricted": ${problems.join("; ")}. Fix: run as a non-root user with allowPrivilegeEscalation false, capabilities drop ALL, the RuntimeDefault seccomp profile and no host access — or vouch for it by namespace/name in this policy's vouchedWorkloads.`,
      );
    }
  }),
};
