/**
 * DcgmExporter: NVIDIA's DCGM exporter on the stack's GPU nodes (GPU utilisation, memory, power,
 * temperature, XID errors, tensor-core activity), built from the vendored static manifest
 * (manifests/gpu/device-plugins.ts DCGM_EXPORTER), and a PodMonitor on its `metrics` port for the
 * stack's Prometheus. Installed with observability prometheus on a GPU pool the stack owns.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DCGM_EXPORTER, dcgmPodMonitor, stackDaemonSet } from "../../manifests/gpu/device-plugins";

export interface DcgmExporterArgs {
  /** Labels of the GPU node group: the DaemonSet runs only there. */
  nodeSelector: Record<string, string>;
  /** This stack's name for its copy (llm-stack-<stack>). */
  instance: string;
  /** The label the stack's Prometheus selects monitors by. */
  selectedBy: Record<string, string>;
  /** The Prometheus stack's CRDs (the PodMonitor's kind). */
  ready: pulumi.Resource[];
}

export class DcgmExporter extends pulumi.ComponentResource {
  constructor(name: string, args: DcgmExporterArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:observability:DcgmExporter", name, {}, opts);
    const daemonSet = stackDaemonSet(DCGM_EXPORTER, args.nodeSelector, args.instance);
    new k8s.apps.v1.DaemonSet(`${name}-daemonset`, daemonSet as unknown as k8s.apps.v1.DaemonSetArgs, {
      parent: this,
      provider: opts.provider,
    });
    new k8s.apiextensions.CustomResource(
      `${name}-podmonitor`,
      dcgmPodMonitor(daemonSet, args.selectedBy) as k8s.apiextensions.CustomResourceArgs,
      {
        parent: this,
        provider: opts.provider,
        dependsOn: args.ready,
      },
    );
    this.registerOutputs({});
  }
}
