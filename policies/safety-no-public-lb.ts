/**
 * llm-stack-safety-no-public-lb (advisory): no internet-facing LoadBalancer Service in front of a
 * vLLM workload (an OpenAI-compatible endpoint on the internet is an open bill).
 */
import * as k8s from "@pulumi/kubernetes";
import { type StackValidationPolicy } from "@pulumi/policy";
import { deploymentsOf, vllmContainerOf } from "./lib/stack-view";

/** Annotations of the in-tree AWS provider and the AWS Load Balancer Controller that make a load balancer internal. */
function isInternal(annotations: Record<string, string>): boolean {
  return annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true"
    || annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal";
}

export const safetyNoPublicLb: StackValidationPolicy = {
  name: "llm-stack-safety-no-public-lb",
  description: "No internet-facing LoadBalancer Service selects a vLLM workload.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const vllmWorkloads = deploymentsOf(args.resources).filter((w) => vllmContainerOf(w) !== undefined);
    for (const resource of args.resources) {
      const service = resource.asType(k8s.core.v1.Service);
      if (!service || service.spec?.type !== "LoadBalancer" || isInternal(service.metadata?.annotations ?? {})) continue;
      const selector = Object.entries(service.spec.selector ?? {});
      const target = vllmWorkloads.find((w) => selector.length > 0 && selector.every(([k, v]) => w.podLabels[k] === v));
      if (target) {
        reportViolation(
          `Service ${service.metadata?.namespace ?? "default"}/${service.metadata?.name ?? resource.name} is an internet-facing LoadBalancer in front of ${target.label}. Fix: annotate it service.beta.kubernetes.io/aws-load-balancer-internal: "true" (llm-stack exposure internal-lb) or use a ClusterIP Service.`,
          resource.urn,
        );
      }
    }
  },
};
