/**
 * VllmServer: the namespace, identity, secret, Deployment, Service, PodDisruptionBudget and
 * NetworkPolicy of one OpenAI-compatible vLLM endpoint, rendered from vllm-manifests.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { VLLM_PORT } from "../plan";
import { SECRET_KEYS, vllmManifests, type VllmManifestInput } from "./vllm-manifests";

export interface VllmServerArgs extends Omit<VllmManifestInput, "name"> {
  /** The Hugging Face token (a Pulumi secret); required when `hfTokenSet`. */
  hfToken: pulumi.Output<string> | undefined;
}

export class VllmServer extends pulumi.ComponentResource {
  /** OpenAI-compatible base URL inside the cluster. */
  readonly endpoint: string;
  readonly apiKey: pulumi.Output<string>;

  constructor(name: string, args: VllmServerArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:serving:VllmServer", name, {}, opts);
    const resourceOpts = { parent: this, provider: opts.provider };
    const secretName = `${name}-secrets`;
    const manifests = vllmManifests({ ...args, name }, secretName);

    const apiKey = new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent: this });
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, manifests.namespace, resourceOpts);
    const inNamespace = { ...resourceOpts, dependsOn: [namespace] };

    const stringData: Record<string, pulumi.Input<string>> = { [SECRET_KEYS.apiKey]: apiKey.result };
    if (args.hfTokenSet) {
      if (!args.hfToken) throw new Error("VllmServer: hfTokenSet without an hfToken secret");
      stringData[SECRET_KEYS.hfToken] = args.hfToken;
    }
    // Both values are Pulumi secrets already (RandomPassword.result, config.getSecret); the provider also marks Secret data secret.
    const secret = new k8s.core.v1.Secret(`${name}-secrets`, { ...manifests.secretMetadata, stringData }, inNamespace);
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, manifests.serviceAccount, inNamespace);
    // Plain objects from vllm-manifests.ts; test/program.test.ts validates each against the Kubernetes schema.
    const workloadOpts = { ...inNamespace, dependsOn: [namespace, secret, serviceAccount] };
    if (manifests.workload.kind === "LeaderWorkerSet") {
      // A custom resource: its CRD and admission webhooks come from the LWS controller (opts.dependsOn).
      new k8s.apiextensions.CustomResource(`${name}-lws`, manifests.workload as unknown as k8s.apiextensions.CustomResourceArgs, workloadOpts);
    } else {
      new k8s.apps.v1.Deployment(`${name}-deployment`, manifests.workload as unknown as k8s.apps.v1.DeploymentArgs, workloadOpts);
    }
    new k8s.core.v1.Service(`${name}-service`, manifests.service, inNamespace);
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, manifests.podDisruptionBudget, inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, manifests.networkPolicy, inNamespace);
    if (manifests.internalLoadBalancer) new k8s.core.v1.Service(`${name}-internal-lb`, manifests.internalLoadBalancer, inNamespace);

    this.endpoint = `http://${name}.${args.namespace}.svc.cluster.local:${VLLM_PORT}/v1`;
    this.apiKey = pulumi.secret(apiKey.result);
    this.registerOutputs({ endpoint: this.endpoint, apiKey: this.apiKey });
  }
}
