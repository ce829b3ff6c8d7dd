/** NvidiaDevicePlugin: the Helm release that advertises nvidia.com/gpu on the GPU nodes. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readChart } from "./charts";

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:addons:NvidiaDevicePlugin", name, {}, opts);
    const chart = readChart("nvidia-device-plugin");
    new k8s.helm.v3.Release(`${name}-release`, {
      name: chart.name,
      chart: chart.name,
      version: chart.version,
      repositoryOpts: { repo: chart.repository },
      namespace: chart.namespace,
      values: chart.values,
      // Wait for the DaemonSet so GPU pods are not scheduled before nodes advertise nvidia.com/gpu.
      atomic: true,
    }, { parent: this, provider: opts.provider });
    this.registerOutputs({});
  }
}
