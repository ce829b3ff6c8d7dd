/**
 * llm-stack-safety-no-public-lb (mandatory): no NodePort and no internet-facing LoadBalancer Service
 * in front of a GPU server (an OpenAI-compatible endpoint on the internet is an open bill). An
 * internet-facing load balancer counts as open unless its source ranges — together — leave some
 * of the internet out (coverage is computed, so 0.0.0.0/1 + 128.0.0.0/1 is open).
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { coversInternet } from "../infra/plan";
import { cidrList, gpuNodeWorkloadsOf, objectLabel, serverBehind, SERVICE_TYPE, type ServiceShape } from "./lib/exposure";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";

const INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal";
const SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
/** Source ranges as an annotation, which Kubernetes reads when spec.loadBalancerSourceRanges is empty. */
const SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";

/** The in-tree AWS provider's and the AWS Load Balancer Controller's internal annotations; the scheme annotation wins. */
function isInternal(annotations: Record<string, string>): boolean {
  const scheme = annotations[SCHEME];
  return scheme !== undefined ? scheme === "internal" : annotations[INTERNAL] === "true";
}

export const safetyNoPublicLb: StackValidationPolicy = {
  name: "llm-stack-safety-no-public-lb",
  description:
    "No NodePort or internet-facing LoadBalancer Service (source ranges covering the internet count as open) selects a GPU server.",
  // Mandatory by default, as a cluster enforcing Pod Security "restricted" would refuse it; a team
  // relaxes it deliberately, and visibly, in its pack config ({ "enforcementLevel": "advisory" }).
  enforcementLevel: "mandatory",
  configSchema: strictConfigSchema(),
  validateStack: (args, reportViolation) => {
    readPolicyConfig(safetyNoPublicLb, args.getConfig);
    const servers = gpuNodeWorkloadsOf(args.resources);
    for (const resource of args.resources) {
      if (resource.type !== SERVICE_TYPE) continue;
      const service = resource.props as ServiceShape;
      const target = serverBehind(service, servers);
      if (!target) continue;
      const label = objectLabel("Service", service.metadata, resource.name);
      if (service.spec?.type === "NodePort") {
        reportViolation(
          `${label} is a NodePort in front of ${target.label}: every node's port reaches its pods, around their NetworkPolicy's source addresses. Fix: use a ClusterIP Service (llm-stack exposure cluster or internal-lb).`,
          resource.urn,
        );
        continue;
      }
      const annotations = service.metadata?.annotations ?? {};
      if (service.spec?.type !== "LoadBalancer" || isInternal(annotations)) continue;
      const ranges = service.spec.loadBalancerSourceRanges?.length
        ? service.spec.loadBalancerSourceRanges
        : cidrList(annotations[SOURCE_RANGES]);
      if (ranges.length === 0) {
        reportViolation(
          `${label} is an internet-facing LoadBalancer in front of ${target.label}. Fix: annotate it service.beta.kubernetes.io/aws-load-balancer-internal: "true" (llm-stack exposure internal-lb) or use a ClusterIP Service.`,
          resource.urn,
        );
      } else if (coversInternet(ranges)) {
        reportViolation(
          `${label} is an internet-facing LoadBalancer in front of ${target.label}, and its source ranges [${ranges.join(", ")}] together cover every public address. Fix: list only the clients' CIDRs, or make it internal (service.beta.kubernetes.io/aws-load-balancer-internal: "true").`,
          resource.urn,
        );
      }
    }
  },
};
