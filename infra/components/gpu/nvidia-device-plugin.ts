/**
 * DevicePlugins: the DaemonSets that advertise the GPU pool's devices — nvidia.com/gpu always, and
 * vpc.amazonaws.com/efa when the stack gives its nodes EFA — built from vendored manifests
 * (manifests/gpu/device-plugins.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EFA_DEVICE_PLUGIN, NVIDIA_DEVICE_PLUGIN, stackDaemonSet } from "../../manifests/gpu/device-plugins";

export interface NvidiaDevicePluginArgs {
  /** Labels of the GPU node group: the DaemonSet runs only there. */
  nodeSelector: Record<string, string>;
  /** This stack's name for its copy (llm-stack-<stack>). */
  instance: string;
  /** Also the EFA device plugin (the GPU nodes have EFA interfaces). */
  efa: boolean;
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  constructor(name: string, args: NvidiaDevicePluginArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:addons:NvidiaDevicePlugin", name, {}, opts);
    // Pulumi's await logic for a DaemonSet waits until its pods are ready on every node it selects,
    // so vLLM (which depends on this component) is not created before nodes advertise nvidia.com/gpu.
    new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      stackDaemonSet(NVIDIA_DEVICE_PLUGIN, args.nodeSelector, args.instance) as unknown as k8s.apps.v1.DaemonSetArgs,
      { parent: this, provider: opts.provider },
    );
    if (args.efa)
      new k8s.apps.v1.DaemonSet(
        `${name}-efa-daemonset`,
        stackDaemonSet(EFA_DEVICE_PLUGIN, args.nodeSelector, args.instance) as unknown as k8s.apps.v1.DaemonSetArgs,
        { parent: this, provider: opts.provider },
      );
    this.registerOutputs({});
  }
}
