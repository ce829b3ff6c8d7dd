/** NvidiaDevicePlugin: the DaemonSet that advertises nvidia.com/gpu on the stack's GPU nodes. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { devicePluginDaemonSet } from "./nvidia-device-plugin-manifest";

export interface NvidiaDevicePluginArgs {
  /** Labels of the GPU node group: the DaemonSet runs only there. */
  nodeSelector: Record<string, string>;
  /** This stack's name for its copy (llm-stack-<stack>). */
  instance: string;
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  constructor(name: string, args: NvidiaDevicePluginArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:addons:NvidiaDevicePlugin", name, {}, opts);
    // Pulumi's await logic for a DaemonSet waits until its pods are ready on every node it selects,
    // so vLLM (which depends on this component) is not created before nodes advertise nvidia.com/gpu.
    new k8s.apps.v1.DaemonSet(`${name}-daemonset`, devicePluginDaemonSet(args.nodeSelector, args.instance) as unknown as k8s.apps.v1.DaemonSetArgs, { parent: this, provider: opts.provider });
    this.registerOutputs({});
  }
}
