/**
 * llm-stack-safety-no-public-ingress (mandatory): no internet-facing Ingress routes to a GPU
 * server. With the AWS Load Balancer Controller (class alb) an Ingress is internal unless
 * `alb.ingress.kubernetes.io/scheme: internet-facing` (the controller's default scheme is
 * internal, https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/),
 * and an internet-facing one counts as open unless its inbound-cidrs leave some of the internet
 * out. Any other ingress class exposes whatever its controller's Service exposes, which the pack
 * cannot see, so it is reported as unproven. Gateway API routes (HTTPRoute, GRPCRoute, … to a
 * Service or an InferencePool in front of a GPU server) pass only through a Gateway proven internal
 * (lib/gateway-routes.ts); a team vouches for any other Gateway by namespace/name in `vouchedGateways`.
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { coversInternet } from "../infra/plan";
import { publicGatewayRoutes } from "./lib/gateway-routes";
import { cidrList, gpuNodeWorkloadsOf, objectLabel, serverBehind, SERVICE_TYPE, type ServiceShape } from "./lib/exposure";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

interface IngressBackend {
  service?: { name?: string };
}

interface IngressShape {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules?: Array<{ http?: { paths?: Array<{ backend?: IngressBackend }> } }>;
  };
}

const INGRESS_TYPE = "kubernetes:networking.k8s.io/v1:Ingress";
const INGRESS_CLASS_TYPE = "kubernetes:networking.k8s.io/v1:IngressClass";
const ALB_CONTROLLER = "ingress.k8s.aws/alb";

export const safetyNoPublicIngress: StackValidationPolicy = {
  name: "llm-stack-safety-no-public-ingress",
  description:
    "No internet-facing Ingress (inbound CIDRs covering the internet count as open) or Gateway API route through a Gateway not proven internal reaches a GPU server.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema({
    vouchedGateways: {
      type: "array",
      items: { type: "string", pattern: "^[a-z0-9-]+/[a-z0-9.-]+$" },
      default: [],
      description: "namespace/name of Gateways the team vouches are not reachable from the internet.",
    },
  }),
  validateStack: (args, reportViolation) => {
    const { vouchedGateways } = readPolicyConfig<{ vouchedGateways: string[] }>(safetyNoPublicIngress, args.getConfig);
    const servers = gpuNodeWorkloadsOf(args.resources);
    for (const route of publicGatewayRoutes(args.resources, servers, vouchedGateways)) reportViolation(route.message, route.urn);
    const services = args.resources.filter((r) => r.type === SERVICE_TYPE).map((r) => r.props as ServiceShape);
    const albClasses = new Set([
      "alb",
      ...args.resources
        .filter((r) => r.type === INGRESS_CLASS_TYPE && r.props.spec?.controller === ALB_CONTROLLER)
        .map((r) => String(r.props.metadata?.name)),
    ]);
    for (const resource of args.resources) {
      if (resource.type !== INGRESS_TYPE) continue;
      const ingress = resource.props as IngressShape;
      const namespace = ingress.metadata?.namespace ?? "default";
      const backends = [
        ingress.spec?.defaultBackend,
        ...(ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend)),
      ];
      const target = backends
        .map((backend) =>
          services.find((s) => s.metadata?.name === backend?.service?.name && (s.metadata?.namespace ?? "default") === namespace),
        )
        .map((service) => service && serverBehind(service, servers))
        .find((server) => server !== undefined);
      if (!target) continue;
      const label = objectLabel("Ingress", ingress.metadata, resource.name);
      const annotations = ingress.metadata?.annotations ?? {};
      const ingressClass = ingress.spec?.ingressClassName ?? annotations["kubernetes.io/ingress.class"];
      if (ingressClass === undefined || !albClasses.has(ingressClass)) {
        reportViolation(
          `${label} routes to ${target.label} through ingress class ${ingressClass ?? "(the cluster default)"}, whose exposure the policy pack cannot see. Fix: use ingressClassName alb (internal by default) or a ClusterIP Service.`,
          resource.urn,
        );
        continue;
      }
      if (annotations["alb.ingress.kubernetes.io/scheme"] !== "internet-facing") continue;
      const cidrs = cidrList(annotations["alb.ingress.kubernetes.io/inbound-cidrs"]);
      if (cidrs.length === 0 || coversInternet(cidrs)) {
        const open =
          cidrs.length === 0 ? "open to every address" : `open to [${cidrs.join(", ")}], which together cover every public address`;
        reportViolation(
          `${label} is an internet-facing ALB in front of ${target.label}, ${open}. Fix: remove alb.ingress.kubernetes.io/scheme: internet-facing, or list only the clients' CIDRs in alb.ingress.kubernetes.io/inbound-cidrs.`,
          resource.urn,
        );
      }
    }
  },
};
