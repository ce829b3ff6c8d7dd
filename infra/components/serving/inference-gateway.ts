/**
 * InferenceGateway: one OpenAI-compatible endpoint in front of a set's servers — the Gateway API
 * and InferencePool CRDs, agentgateway's controller (manifests/gateway/agentgateway.ts), the
 * Gateway, its route by the request's `model`, its policies (the model header, API keys, the
 * servers' key, GET /v1/models), and per model an InferencePool with its endpoint picker
 * (manifests/gateway/inference-gateway.ts). Plain objects in, typed resources out.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSource } from "../../plan";
import { withImagesFrom } from "../../manifests/pod-spec";
import { vendoredYamlStream, type KubernetesObject } from "../../manifests/vendored";
import { installInOrder } from "../vendored-install";
import { AGENTGATEWAY_CHART, AGENTGATEWAY_CRD_FILES, agentgatewayInstall } from "../../manifests/gateway/agentgateway";
import { gatewayApiCrdFiles } from "../../manifests/gateway/gateway-crds";
import { eppPodMonitor, eppPrometheusRule } from "../../manifests/gateway/endpoint-picker";
import {
  GATEWAY_NAME,
  gatewayEndpoint,
  gatewayServerSources,
  inferenceGatewayObjects,
  type InferenceGatewayInput,
} from "../../manifests/gateway/inference-gateway";

export interface InferenceGatewayArgs extends InferenceGatewayInput {
  /** The raw key every server's --api-key expects: the gateway's Secret holds it alone (every entry of it is a key). */
  apiKey: pulumi.Output<string>;
  images: ImageSource;
  /** Prometheus scrapes each endpoint picker (its queue is the demand that wakes a model from zero); null without monitoring. */
  monitoring: { selectedBy: Record<string, string>; ready: pulumi.Resource[] } | null;
  /** What every object waits for: the cluster's nodes and the serving namespace. */
  dependsOn: pulumi.Resource[];
}

type Args<T> = T & Record<string, unknown>;

export class InferenceGateway extends pulumi.ComponentResource {
  /** The set's endpoint inside the cluster: `http://llm-gateway.<namespace>.svc.cluster.local:8000/v1`. */
  readonly endpoint: string;
  private readonly namespace: string;

  constructor(name: string, args: InferenceGatewayArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super("llm-stack:serving:InferenceGateway", name, {}, opts);
    const base = { parent: this, provider: opts.provider };
    const after = (dependsOn: pulumi.Resource[]) => ({ ...base, dependsOn });
    const upstream = args.dependsOn;

    // Every CRD the set's objects use, as one YAML stream (the Gateway API's HTTPRoute schema alone is 429 KB).
    const crds = new k8s.yaml.v2.ConfigGroup(
      `${name}-crds`,
      {
        yaml: vendoredYamlStream([...gatewayApiCrdFiles(), ...AGENTGATEWAY_CRD_FILES.map((file) => ({ chart: AGENTGATEWAY_CHART, file }))]),
      },
      after(upstream),
    );
    const controller = installInOrder(`${name}-controller`, agentgatewayInstall(args.systemNodeSelector), {
      parent: this,
      provider: opts.provider,
      dependsOn: [...upstream, crds],
      images: args.images,
    });
    const controllerReady = [crds, ...Object.values(controller).flat()];

    const objects = inferenceGatewayObjects(args);
    const custom = (resourceName: string, object: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
      new k8s.apiextensions.CustomResource(resourceName, object as k8s.apiextensions.CustomResourceArgs, after(dependsOn));

    // The gateway's keys: the servers' one key, alone in its Secret (agentgateway takes every entry as a key).
    const keys = new k8s.core.v1.Secret(
      `${name}-api-keys`,
      {
        metadata: { name: args.apiKeySecretName, namespace: args.namespace, labels: { "app.kubernetes.io/name": GATEWAY_NAME } },
        type: "Opaque",
        stringData: { [args.apiKeySecretKey]: args.apiKey },
      },
      after(upstream),
    );
    const parameters = custom(`${name}-parameters`, withImagesFrom(objects.parameters as KubernetesObject, args.images), controllerReady);
    const gateway = custom(`${name}-gateway`, objects.gateway, [...controllerReady, parameters]);
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol`,
      objects.gatewayNetworkPolicy as Args<k8s.networking.v1.NetworkPolicyArgs>,
      after(upstream),
    );

    const pools: pulumi.Resource[] = [];
    for (const [model, parts] of Object.entries(objects.models)) {
      const account = new k8s.core.v1.ServiceAccount(`${name}-${model}-epp-sa`, parts.eppServiceAccount, after(upstream));
      const role = new k8s.rbac.v1.Role(`${name}-${model}-epp-role`, parts.eppRole as Args<k8s.rbac.v1.RoleArgs>, after(upstream));
      new k8s.rbac.v1.RoleBinding(
        `${name}-${model}-epp-rolebinding`,
        parts.eppRoleBinding as Args<k8s.rbac.v1.RoleBindingArgs>,
        after([account, role]),
      );
      const config = new k8s.core.v1.ConfigMap(`${name}-${model}-epp-config`, parts.eppConfigMap, after(upstream));
      const service = new k8s.core.v1.Service(`${name}-${model}-epp-service`, parts.eppService, after(upstream));
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${model}-epp-netpol`,
        parts.eppNetworkPolicy as Args<k8s.networking.v1.NetworkPolicyArgs>,
        after(upstream),
      );
      const pool = custom(`${name}-${model}-pool`, parts.pool, [...controllerReady, service]);
      pools.push(pool);
      // The picker watches its pool: it starts after the pool and its RBAC exist.
      new k8s.apps.v1.Deployment(
        `${name}-${model}-epp`,
        withImagesFrom(parts.eppDeployment as KubernetesObject, args.images) as unknown as k8s.apps.v1.DeploymentArgs,
        after([account, role, config, pool]),
      );
      if (args.monitoring) {
        const monitorDependsOn = [...upstream, ...args.monitoring.ready];
        custom(
          `${name}-${model}-epp-podmonitor`,
          eppPodMonitor(args.namespace, { name: model }, args.monitoring.selectedBy),
          monitorDependsOn,
        );
        custom(
          `${name}-${model}-epp-rules`,
          eppPrometheusRule(args.namespace, { name: model }, args.monitoring.selectedBy),
          monitorDependsOn,
        );
      }
    }
    // Routes and policies after what they name: the Gateway, the pools, the keys.
    const routes = objects.routes.map((route, i) => custom(`${name}-route-${i}`, route, [gateway, ...pools]));
    objects.policies.forEach((policy) => {
      const policyName = (policy.metadata as { name: string }).name;
      custom(`${name}-policy-${policyName.replace(`${GATEWAY_NAME}-`, "")}`, policy, [gateway, keys, ...pools, ...routes]);
    });

    this.namespace = args.namespace;
    this.endpoint = gatewayEndpoint(args.namespace);
    this.registerOutputs({ endpoint: this.endpoint });
  }

  /** Who may reach a model's servers: the gateway's proxy and the model's endpoint picker (its metrics reads). */
  serverSources(model: string): Record<string, unknown>[] {
    return gatewayServerSources({ name: model });
  }
}
