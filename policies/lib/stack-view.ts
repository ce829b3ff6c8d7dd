/**
 * Reads what the policies need from the resources themselves — vLLM workloads from Deployments
 * (container image and args), node groups from EKS — never from the planner's internal state.
 * Accessing a value that is unknown during preview throws @pulumi/policy's UnknownValueError, which
 * the policy framework reports as "can't run during preview" instead of a false pass.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { type PolicyResource } from "@pulumi/policy";
import { INSTANCES, isInstanceType, type GpuId, type InstanceType } from "../../infra/catalog";
import { parseVllmArgs } from "../../infra/plan";

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
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
  startupProbe?: ProbeShape;
  readinessProbe?: ProbeShape;
  livenessProbe?: ProbeShape;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface DeploymentShape {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    replicas?: number;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string } };
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: {
        nodeSelector?: Record<string, string>;
        containers?: ContainerShape[];
        volumes?: Array<{ name: string; emptyDir?: { medium?: string } }>;
      };
    };
  };
}

export interface ContainerView {
  name: string;
  image: string;
  args: Record<string, string>;
  gpuLimit: number;
  raw: ContainerShape;
}

export interface WorkloadView {
  /** "Deployment llm/vllm": how messages name the workload. */
  label: string;
  urn: string | undefined;
  replicas: number;
  nodeSelector: Record<string, string>;
  podLabels: Record<string, string>;
  deployment: DeploymentShape;
  containers: ContainerView[];
}

const quantity = (value: string | number | undefined): number => (value === undefined ? 0 : Number(value));

export function containerView(container: ContainerShape): ContainerView {
  return {
    name: container.name ?? "",
    image: container.image ?? "",
    args: parseVllmArgs(container.args ?? []),
    gpuLimit: quantity(container.resources?.limits?.["nvidia.com/gpu"]),
    raw: container,
  };
}

export function workloadView(deployment: DeploymentShape, urn?: string): WorkloadView {
  const pod = deployment.spec?.template?.spec;
  return {
    label: `Deployment ${deployment.metadata?.namespace ?? "default"}/${deployment.metadata?.name ?? "?"}`,
    urn,
    // Kubernetes defaults replicas to 1.
    replicas: deployment.spec?.replicas ?? 1,
    nodeSelector: pod?.nodeSelector ?? {},
    podLabels: deployment.spec?.template?.metadata?.labels ?? {},
    deployment,
    containers: (pod?.containers ?? []).map(containerView),
  };
}

/** A vLLM server container: the image or the command names vLLM. */
export function isVllmContainer(container: ContainerView): boolean {
  return /vllm/i.test(container.image) || (container.raw.command ?? []).some((part) => /vllm/.test(part));
}

export function vllmContainerOf(workload: WorkloadView): ContainerView | undefined {
  return workload.containers.find(isVllmContainer);
}

export function deploymentsOf(resources: readonly PolicyResource[]): WorkloadView[] {
  const views: WorkloadView[] = [];
  for (const r of resources) {
    const deployment = r.asType(k8s.apps.v1.Deployment);
    if (deployment) views.push(workloadView(deployment, r.urn));
  }
  return views;
}

export interface NodeGroupView {
  name: string;
  urn: string;
  instanceType: string | undefined;
  desiredSize: number;
  maxSize: number;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
}

export function nodeGroupView(name: string, urn: string, props: {
  instanceTypes?: string[];
  scalingConfig?: { desiredSize?: number; maxSize?: number };
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}): NodeGroupView {
  return {
    name,
    urn,
    instanceType: props.instanceTypes?.[0],
    desiredSize: props.scalingConfig?.desiredSize ?? 0,
    maxSize: props.scalingConfig?.maxSize ?? props.scalingConfig?.desiredSize ?? 0,
    labels: props.labels ?? {},
    taints: props.taints ?? [],
  };
}

export function nodeGroupsOf(resources: readonly PolicyResource[]): NodeGroupView[] {
  const views: NodeGroupView[] = [];
  for (const r of resources) {
    const group = r.asType(aws.eks.NodeGroup);
    if (group) views.push(nodeGroupView(r.name, r.urn, group));
  }
  return views;
}

/** The GPU node groups of a workload: those whose labels hold its node selector (instance type included). */
export function nodeGroupsFor(workload: WorkloadView, nodeGroups: readonly NodeGroupView[]): NodeGroupView[] {
  return nodeGroups.filter((group) =>
    Object.entries(workload.nodeSelector).every(([key, value]) =>
      key === "node.kubernetes.io/instance-type" ? group.instanceType === value : group.labels[key] === value,
    ),
  );
}

export interface Placement {
  instanceType: InstanceType;
  gpu: GpuId;
  gpusPerNode: number;
}

/** The instance type (and so the GPU) a workload lands on: from its node selector, else from its node groups. */
export function placementOf(workload: WorkloadView, nodeGroups: readonly NodeGroupView[]): Placement | undefined {
  const type = workload.nodeSelector["node.kubernetes.io/instance-type"] ?? nodeGroupsFor(workload, nodeGroups)[0]?.instanceType;
  if (type === undefined || !isInstanceType(type)) return undefined;
  const { gpu, gpuCount } = INSTANCES[type];
  return gpu ? { instanceType: type, gpu, gpusPerNode: gpuCount } : undefined;
}

export const intArg = (args: Record<string, string>, flag: string, fallback: number): number => {
  const value = args[flag];
  return value === undefined ? fallback : Number(value);
};
