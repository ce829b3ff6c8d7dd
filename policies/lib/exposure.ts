/**
 * What sits in front of a GPU server: the Services whose selector picks one of its pod templates
 * in the same namespace, and the Ingresses routing to those Services.
 */
import { type PolicyResource } from "@pulumi/policy";
import { isGpuServer, runsOnGpuNodes, selects, workloadsOf, type WorkloadView } from "./workloads";

export interface ServiceShape {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    loadBalancerSourceRanges?: string[];
    ports?: Array<{ nodePort?: number; port?: number }>;
  };
}

export const SERVICE_TYPE = "kubernetes:core/v1:Service";

/** "Service llm/vllm": how messages name a namespaced object. */
export const objectLabel = (kind: string, metadata: { name?: string; namespace?: string } | undefined, fallback: string) =>
  `${kind} ${metadata?.namespace ?? "default"}/${metadata?.name ?? fallback}`;

/**
 * What must not be exposed: the stack's GPU servers, and every other workload whose pods can land on
 * a GPU node (a debug pod that tolerates the taint shares the node with the server).
 */
export const gpuNodeWorkloadsOf = (resources: readonly PolicyResource[]): WorkloadView[] =>
  workloadsOf(resources).filter((w) => isGpuServer(w) || runsOnGpuNodes(w));

/** The GPU server a Service sends traffic to, if any. */
export function serverBehind(service: ServiceShape, servers: readonly WorkloadView[]): WorkloadView | undefined {
  const namespace = service.metadata?.namespace ?? "default";
  return servers.find((server) => server.namespace === namespace && server.templates.some((t) => selects(service.spec?.selector, t)));
}

/** Comma-separated CIDRs of an annotation, trimmed. */
export const cidrList = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
