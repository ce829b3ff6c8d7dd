/**
 * ClusterAutoscaler: Cluster Autoscaler 1.35.2 (manifests/autoscaling/cluster-autoscaler.ts) on the system
 * nodes, with the IAM role it assumes through EKS Pod Identity (its ServiceAccount in kube-system).
 * It sets the desired size of the cluster's managed node groups between their minSize and maxSize,
 * so the GPU nodes follow the replicas KEDA asks for.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodIdentityAccess } from "../model-cache/pod-identity-access";
import { type ImageSource } from "../../plan";
import { installInOrder } from "../vendored-install";
import {
  CLUSTER_AUTOSCALER_NAMESPACE,
  CLUSTER_AUTOSCALER_NAME,
  clusterAutoscalerObjects,
  clusterAutoscalerPolicy,
} from "../../manifests/autoscaling/cluster-autoscaler";

export interface ClusterAutoscalerArgs {
  /** The EKS cluster's name, known before the cluster exists (the program names it). */
  clusterName: string;
  /** The cluster resource's name output: the association waits for the cluster. */
  clusterNameOutput: pulumi.Input<string>;
  region: string;
  nodeSelector: Record<string, string>;
  dependsOn: pulumi.Resource[];
  images: ImageSource;
}

export class ClusterAutoscaler extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterAutoscalerArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:autoscaling:ClusterAutoscaler", name, {}, opts);
    const access = new PodIdentityAccess(
      `${name}-access`,
      {
        clusterName: args.clusterNameOutput,
        namespace: CLUSTER_AUTOSCALER_NAMESPACE,
        serviceAccount: CLUSTER_AUTOSCALER_NAME,
        policy: JSON.stringify(clusterAutoscalerPolicy(args.clusterName)),
      },
      { parent: this },
    );
    // The pod starts after its association exists: Pod Identity injects credentials only at pod creation.
    installInOrder(
      name,
      clusterAutoscalerObjects({ clusterName: args.clusterName, region: args.region, nodeSelector: args.nodeSelector }),
      {
        parent: this,
        provider: opts.provider,
        dependsOn: [...args.dependsOn, access],
        images: args.images,
      },
    );
    this.registerOutputs({});
  }
}
