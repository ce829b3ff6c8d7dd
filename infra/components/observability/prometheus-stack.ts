/**
 * PrometheusStack: the Prometheus operator (v0.93.0) and one Prometheus, registered object by
 * object from manifests/observability/prometheus-stack.ts. Monitors and rules created after `ready` find their CRDs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../../plan";
import { installInOrder } from "../vendored-install";
import {
  PROMETHEUS_NAME,
  prometheusObject,
  prometheusOperatorCrdYaml,
  prometheusOperatorObjects,
} from "../../manifests/observability/prometheus-stack";

export class PrometheusStack extends pulumi.ComponentResource {
  /** The CRDs and the Prometheus: monitors and rules depend on these. */
  readonly ready: pulumi.Resource[];

  constructor(
    name: string,
    args: { nodeSelector: Record<string, string>; images: ImageSource },
    opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider },
  ) {
    super("llm-stack:observability:PrometheusStack", name, {}, opts);
    // One string input: under mocks an 833 KB CRD schema as typed inputs costs about 0.4 s a run to serialize.
    const crds = [
      new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { yaml: prometheusOperatorCrdYaml() }, { parent: this, provider: opts.provider }),
    ];
    // After the CRDs: the operator looks for each once, at start, and skips a controller whose CRD is missing.
    const created = installInOrder(name, prometheusOperatorObjects(args.nodeSelector, args.images), {
      parent: this,
      provider: opts.provider,
      dependsOn: crds,
      images: args.images,
    });
    const prometheus = new k8s.apiextensions.CustomResource(
      `${name}-${PROMETHEUS_NAME}`,
      prometheusObject(args.nodeSelector, args.images) as k8s.apiextensions.CustomResourceArgs,
      {
        parent: this,
        provider: opts.provider,
        dependsOn: [...crds, ...(created.ClusterRoleBinding ?? [])],
      },
    );
    this.ready = [...crds, prometheus];
    this.registerOutputs({});
  }
}
