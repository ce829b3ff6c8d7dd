/**
 * Gateway API routes to a GPU server, and whether the Gateways they attach to are proven internal.
 * Routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute; https://gateway-api.sigs.k8s.io/api-types/httproute/)
 * reach a server through a backendRef to a Service in front of it, or to an InferencePool (Gateway
 * API Inference Extension) whose selector picks its pods. A Gateway is proven internal only when the
 * stack declares it, its GatewayClass belongs to the AWS Load Balancer Controller, and the
 * LoadBalancerConfiguration that decides its scheme says `internal` (the controller's default,
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/gateway/loadbalancerconfig/;
 * the class's configuration wins conflicts unless its mergingMode is prefer-gateway). Anything else —
 * another controller, a Gateway or class the stack does not declare — is unproven, so refused.
 */
import { type PolicyResource } from "@pulumi/policy";
import { objectLabel, serverBehind, type ServiceShape, SERVICE_TYPE } from "./exposure";
import { type WorkloadView } from "./workloads";

const ROUTE_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:(HTTP|GRPC|TLS|TCP|UDP)Route$/;
const GATEWAY_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:Gateway$/;
const GATEWAY_CLASS_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:GatewayClass$/;
export const INFERENCE_POOL_TYPE = /^kubernetes:inference\.networking\.(x-)?k8s\.io\/[^:]+:InferencePool$/;
const LB_CONFIGURATION_TYPE = /^kubernetes:gateway\.k8s\.aws\/[^:]+:LoadBalancerConfiguration$/;
/** The AWS Load Balancer Controller's GatewayClass controllers (ALB for L7 routes, NLB for L4). */
const AWS_CONTROLLERS = ["gateway.k8s.aws/alb", "gateway.k8s.aws/nlb"];
const AGENTGATEWAY_PARAMETERS_TYPE = /^kubernetes:agentgateway\.dev\/[^:]+:AgentgatewayParameters$/;
/**
 * agentgateway's controller creates its GatewayClass itself (agentgateway v1.4.1
 * controller/pkg/controller/gatewayclass.go: class `agentgateway`, controllerName
 * agentgateway.dev/agentgateway), so the class is never a declared resource: the stack proves it by
 * declaring the controller — a Deployment running agentgateway's controller image.
 */
const AGENTGATEWAY_CLASS = "agentgateway";
const AGENTGATEWAY_CONTROLLER_IMAGE = /^cr\.agentgateway\.dev\/controller[:@]/;
const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
/** Annotations that make an AWS load balancer internal: the in-tree provider's and the AWS Load Balancer Controller's. */
const INTERNAL_LB = (annotations: Record<string, string>) =>
  annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true" ||
  annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal";

interface Ref {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}
type Json = Record<string, any>;

export interface PublicRoute {
  urn: string;
  message: string;
}

const nameOf = (r: PolicyResource) => String(r.props.metadata?.name ?? r.name);
const namespaceOf = (r: PolicyResource) => String(r.props.metadata?.namespace ?? "default");
const find = (resources: readonly PolicyResource[], type: RegExp, name: string | undefined, namespace?: string) =>
  resources.find((r) => type.test(r.type) && nameOf(r) === name && (namespace === undefined || namespaceOf(r) === namespace));

/** The selector labels of an InferencePool (v1: spec.selector.matchLabels; v1alpha2: spec.selector). */
export function poolSelector(pool: PolicyResource): Record<string, string> {
  const selector = (pool.props.spec?.selector ?? {}) as Json;
  return (selector.matchLabels ?? selector) as Record<string, string>;
}

/** The GPU server a backendRef reaches, if the stack shows one. */
function serverOf(ref: Ref, namespace: string, resources: readonly PolicyResource[], servers: readonly WorkloadView[]) {
  const refNamespace = ref.namespace ?? namespace;
  if ((ref.kind ?? "Service") === "Service" && (ref.group ?? "") === "") {
    const service = resources.find((r) => r.type === SERVICE_TYPE && nameOf(r) === ref.name && namespaceOf(r) === refNamespace);
    return service && serverBehind(service.props as ServiceShape, servers);
  }
  if (ref.kind === "InferencePool") {
    const pool = find(resources, INFERENCE_POOL_TYPE, ref.name, refNamespace);
    return pool && serverBehind({ metadata: { namespace: refNamespace }, spec: { selector: poolSelector(pool) } }, servers);
  }
  return undefined;
}

/** A rule's backends, and those its RequestMirror filters copy traffic to (rule-level and per backend). */
function routeBackends(rule: Json): Ref[] {
  const mirrors = (filters: Json[] | undefined) =>
    (filters ?? []).map((f) => f.requestMirror?.backendRef as Ref | undefined).filter((r): r is Ref => r !== undefined);
  const backends = (rule.backendRefs ?? []) as Array<Ref & { filters?: Json[] }>;
  return [...backends, ...mirrors(rule.filters), ...backends.flatMap((b) => mirrors(b.filters))];
}

/** The LoadBalancerConfiguration a parametersRef names, in `namespace` unless it says otherwise. */
const configurationOf = (ref: Ref | undefined, namespace: string, resources: readonly PolicyResource[]) =>
  ref?.kind === "LoadBalancerConfiguration" ? find(resources, LB_CONFIGURATION_TYPE, ref.name, ref.namespace ?? namespace) : undefined;

/** Whether the stack runs agentgateway's controller (the maker of the `agentgateway` class). */
function declaresAgentgateway(resources: readonly PolicyResource[]): boolean {
  return resources.some(
    (r) =>
      r.type === DEPLOYMENT_TYPE &&
      ((r.props.spec?.template?.spec?.containers ?? []) as Json[]).some(
        (c) => typeof c.image === "string" && AGENTGATEWAY_CONTROLLER_IMAGE.test(c.image),
      ),
  );
}

/**
 * An agentgateway Gateway's exposure: the proxy Service the controller makes for it, as its
 * AgentgatewayParameters' `service` overlay shapes it. Without an overlay the Service is a
 * LoadBalancer (agentgateway v1.4.1 deployer testdata, e.g. agentgateway-aws-nlb-dummy-port-out.yaml),
 * which AWS makes internet-facing unless annotated internal.
 */
function unprovenAgentgateway(gateway: PolicyResource, label: string, resources: readonly PolicyResource[]): string | undefined {
  const ref = gateway.props.spec?.infrastructure?.parametersRef as Ref | undefined;
  if (ref?.kind !== "AgentgatewayParameters")
    return `${label} has no AgentgatewayParameters, so its proxy Service is agentgateway's default LoadBalancer (internet-facing on AWS)`;
  const parameters = find(resources, AGENTGATEWAY_PARAMETERS_TYPE, ref.name, namespaceOf(gateway));
  if (!parameters) return `${label}'s AgentgatewayParameters ${ref.name ?? ""} is not in the stack, so its Service cannot be read`;
  const service = (parameters.props.spec?.service ?? {}) as Json;
  const type = (service.spec?.type as string | undefined) ?? "LoadBalancer";
  if (type === "ClusterIP") return undefined;
  const annotations = (service.metadata?.annotations ?? {}) as Record<string, string>;
  if (type === "LoadBalancer" && INTERNAL_LB(annotations)) return undefined;
  return `${label}'s proxy Service is ${type}${type === "LoadBalancer" ? " without an internal-scheme annotation" : ""} (AgentgatewayParameters ${ref.name})`;
}

/** Why a Gateway is not proven internal, or undefined when it is. */
function unprovenGateway(gateway: PolicyResource | undefined, label: string, resources: readonly PolicyResource[]): string | undefined {
  if (!gateway) return `${label} is not in the stack, so its exposure cannot be read`;
  const className = gateway.props.spec?.gatewayClassName as string | undefined;
  if (className === AGENTGATEWAY_CLASS && !find(resources, GATEWAY_CLASS_TYPE, className) && declaresAgentgateway(resources))
    return unprovenAgentgateway(gateway, label, resources);
  const gatewayClass = find(resources, GATEWAY_CLASS_TYPE, className);
  if (!gatewayClass) return `${label}'s GatewayClass ${className ?? "(none)"} is not in the stack, so its controller cannot be read`;
  const controller = String(gatewayClass.props.spec?.controllerName);
  if (!AWS_CONTROLLERS.includes(controller))
    return `${label}'s GatewayClass ${className} belongs to ${controller}, whose exposure the policy pack cannot see`;
  const ownRef = gateway.props.spec?.infrastructure?.parametersRef as Ref | undefined;
  const classRef = gatewayClass.props.spec?.parametersRef as Ref | undefined;
  const own = configurationOf(ownRef, namespaceOf(gateway), resources);
  const ofClass = configurationOf(classRef, "default", resources);
  // A configuration named but not declared here may say internet-facing: unproven, not internal.
  if (ownRef !== undefined && own === undefined)
    return `${label}'s parametersRef ${ownRef.kind ?? "(no kind)"} ${ownRef.name ?? ""} is not a LoadBalancerConfiguration in the stack, so its scheme cannot be read`;
  if (classRef !== undefined && ofClass === undefined)
    return `${label}'s GatewayClass ${className} parametersRef ${classRef.kind ?? "(no kind)"} ${classRef.name ?? ""} is not a LoadBalancerConfiguration in the stack, so its scheme cannot be read`;
  const classWins = ofClass !== undefined && ofClass.props.spec?.mergingMode !== "prefer-gateway";
  const ownScheme = own?.props.spec?.scheme as string | undefined;
  const classScheme = ofClass?.props.spec?.scheme as string | undefined;
  // Both set: the class's wins unless it prefers the Gateway's; one set: that one; neither: internal.
  const scheme = (classWins ? (classScheme ?? ownScheme) : (ownScheme ?? classScheme)) ?? "internal";
  return scheme === "internal" ? undefined : `${label} is ${scheme} (LoadBalancerConfiguration scheme)`;
}

/** Each route in the stack that reaches a GPU server through a Gateway not proven internal. */
export function publicGatewayRoutes(
  resources: readonly PolicyResource[],
  servers: readonly WorkloadView[],
  vouchedGateways: readonly string[],
): PublicRoute[] {
  const found: PublicRoute[] = [];
  for (const route of resources.filter((r) => ROUTE_TYPE.test(r.type))) {
    const namespace = namespaceOf(route);
    const backendRefs = ((route.props.spec?.rules ?? []) as Json[]).flatMap((rule) => routeBackends(rule));
    const target = backendRefs.map((ref) => serverOf(ref, namespace, resources, servers)).find((s) => s !== undefined);
    if (!target) continue;
    const reasons = ((route.props.spec?.parentRefs ?? []) as Ref[])
      // A Service parent is mesh (GAMMA) routing inside the cluster, not an entry point.
      .filter((parent) => parent.kind !== "Service")
      .map((parent) => {
        const id = `${parent.namespace ?? namespace}/${parent.name}`;
        const kind = parent.kind ?? "Gateway";
        if (kind !== "Gateway") return `parent ${kind} ${id} (a ListenerSet or another attachment) cannot be read`;
        if (vouchedGateways.includes(id)) return undefined;
        return unprovenGateway(find(resources, GATEWAY_TYPE, parent.name, parent.namespace ?? namespace), `Gateway ${id}`, resources);
      })
      .filter((reason): reason is string => reason !== undefined);
    if (reasons.length === 0) continue;
    found.push({
      urn: route.urn,
      message: `${objectLabel(route.type.split(":").at(-1)!, route.props.metadata, route.name)} routes to ${target.label} through a Gateway not proven internal: ${reasons.join("; ")}. Fix: attach it to a Gateway of the AWS Load Balancer Controller whose LoadBalancerConfiguration has scheme internal, or vouch for the Gateway by namespace/name in this policy's vouchedGateways.`,
    });
  }
  return found;
}
