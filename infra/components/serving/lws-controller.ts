/**
 * LwsController: the LeaderWorkerSet controller (kubernetes-sigs/lws v0.10.0), installed from the
 * vendored release manifest (charts/lws/manifests.yaml) object by object, so every object is
 * visible to tests and policies — no Helm (which installs CRDs on first install only and never
 * upgrades them, charts/lws/README.md). Installed only when a plan's replica spans nodes. Its three
 * CRDs (1.3 MB of schema) go as one YAML stream, as the Prometheus operator's and KEDA's do: as
 * typed inputs they cost a second of every offline preview to serialize.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../../plan";
import { lwsObjects } from "../../manifests/serving/lws";
import { yamlStream } from "../../manifests/vendored";
import { installInOrder } from "../vendored-install";

export class LwsController extends pulumi.ComponentResource {
  /** The controller Deployment: LeaderWorkerSets wait for it (its webhooks must answer first). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: { images: ImageSource }, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:addons:LwsController", name, {}, opts);
    const objects = lwsObjects();
    const isCrd = (o: { kind: string }) => o.kind === "CustomResourceDefinition";
    const crds = new k8s.yaml.v2.ConfigGroup(
      `${name}-crds`,
      { yaml: yamlStream(objects.filter(isCrd)) },
      { parent: this, provider: opts.provider },
    );
    const created = installInOrder(
      name,
      objects.filter((o) => !isCrd(o)),
      { parent: this, provider: opts.provider, dependsOn: [crds], images: args.images },
    );
    this.ready = [
      crds,
      ...(created.Deployment ?? []),
      ...(created.MutatingWebhookConfiguration ?? []),
      ...(created.ValidatingWebhookConfiguration ?? []),
    ];
    this.registerOutputs({});
  }
}
