/**
 * Keda: KEDA v2.20.2's core install (manifests/autoscaling/keda.ts) on the system nodes, object by object.
 * ScaledObjects created after `ready` find their CRD and an operator that serves the external
 * metrics API the HPA reads.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../../plan";
import { yamlStream } from "../../manifests/vendored";
import { installInOrder } from "../vendored-install";
import { KEDA_MUTATED_FIELDS, kedaObjects } from "../../manifests/autoscaling/keda";

export class Keda extends pulumi.ComponentResource {
  /**
   * Every object of the install. A ScaledObject depends on all of them, so `pulumi destroy` deletes
   * it while the operator and its RBAC still run to remove KEDA's finalizer from it
   * (controllers/keda/scaledobject_finalizer.go, v2.20.2); otherwise the ScaledObject, its CRD
   * and the namespace would hang in Terminating.
   */
  readonly ready: pulumi.Resource[];

  constructor(
    name: string,
    args: { nodeSelector: Record<string, string>; dependsOn: pulumi.Resource[]; images: ImageSource },
    opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider },
  ) {
    super("llm-stack:autoscaling:Keda", name, {}, opts);
    const objects = kedaObjects(args.nodeSelector);
    const isCrd = (o: { kind: string }) => o.kind === "CustomResourceDefinition";
    // The six CRDs (ScaledJob's alone is 667 KB) as one YAML string, as the Prometheus stack's are.
    const crds = new k8s.yaml.v2.ConfigGroup(
      `${name}-crds`,
      { yaml: yamlStream(objects.filter(isCrd)) },
      { parent: this, provider: opts.provider, dependsOn: args.dependsOn },
    );
    const created = installInOrder(
      name,
      objects.filter((o) => !isCrd(o)),
      {
        parent: this,
        provider: opts.provider,
        dependsOn: [...args.dependsOn, crds],
        images: args.images,
        // The operator's cert rotator writes the APIService's caBundle; Pulumi must not take it back.
        ignoreChanges: KEDA_MUTATED_FIELDS,
      },
    );
    this.ready = [crds, ...Object.values(created).flat()];
    this.registerOutputs({});
  }
}
