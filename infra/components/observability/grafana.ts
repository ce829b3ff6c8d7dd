/**
 * Grafana: the stack's dashboards over its Prometheus, registered from manifests/observability/grafana.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../../plan";
import { withImagesFrom } from "../../manifests/pod-spec";
import { grafanaObjects, type GrafanaInput } from "../../manifests/observability/grafana";

export class Grafana extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: GrafanaInput & { images: ImageSource },
    opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider },
  ) {
    super("llm-stack:observability:Grafana", name, {}, opts);
    const resourceOpts = { parent: this, provider: opts.provider };
    for (const object of grafanaObjects(args).map((o) => withImagesFrom(o, args.images))) {
      const metadata = object.metadata as { name: string };
      const suffix = `${String(object.kind).toLowerCase()}-${metadata.name}`;
      if (object.kind === "ConfigMap") new k8s.core.v1.ConfigMap(`${name}-${suffix}`, object as k8s.core.v1.ConfigMapArgs, resourceOpts);
      else if (object.kind === "Deployment")
        new k8s.apps.v1.Deployment(`${name}-${suffix}`, object as unknown as k8s.apps.v1.DeploymentArgs, resourceOpts);
      else if (object.kind === "Service") new k8s.core.v1.Service(`${name}-${suffix}`, object as k8s.core.v1.ServiceArgs, resourceOpts);
      else throw new Error(`Grafana: no resource type for ${String(object.kind)}`);
    }
    this.registerOutputs({});
  }
}
