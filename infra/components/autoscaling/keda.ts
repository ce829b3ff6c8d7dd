/**
 * Keda: KEDA v2.20.2's core install (keda-manifests.ts) on the system nodes, object by object.
 * ScaledObjects created after `ready` find their CRD and an operator that serves the external
 * metrics API the HPA reads.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installInOrder } from "../vendored-manifests";
import { KEDA_MUTATED_FIELDS, kedaObjects } from "./keda-manifests";

export class Keda extends pulumi.ComponentResource {
  /** The CRDs, the operator and the metrics API server. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: { nodeSelector: Record<string, string>; dependsOn: pulumi.Resource[] }, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:autoscaling:Keda", name, {}, opts);
    const created = installInOrder(name, kedaObjects(args.nodeSelector), {
      parent: this, provider: opts.provider, dependsOn: args.dependsOn,
      // The operator's cert rotator writes the APIService's caBundle; Pulumi must not take it back.
      ignoreChanges: KEDA_MUTATED_FIELDS,
    });
    this.ready = [...(created.CustomResourceDefinition ?? []), ...(created.Deployment ?? []), ...(created.APIService ?? [])];
    this.registerOutputs({});
  }
}
