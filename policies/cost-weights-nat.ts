/**
 * llm-stack-cost-weights-nat (advisory): a GPU server in a stack with a NAT gateway does not fetch
 * its weights through that gateway at every start. Traffic from private subnets to the internet
 * passes the NAT gateway, billed per GB processed; S3 in the same region skips it only through a
 * gateway endpoint on the subnets' route tables, which costs nothing
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html). Flags:
 * - a server whose model is a Hugging Face repository id: it downloads the checkpoint at every pod
 *   start (each node of a multi-node replica, all of it);
 * - a server streaming from `s3://` in a stack whose NAT gateway has no S3 gateway endpoint beside it.
 * A stack without a NAT gateway does not own its network (an existing cluster): nothing to judge.
 */
import { type StackValidationPolicy } from "@pulumi/policy";
import { DATA_PRICES } from "../infra/catalog";
import { checkpointBytes } from "../infra/plan";
import { readPolicyConfig, strictConfigSchema } from "./lib/policy-config";
import { servedModelOf } from "./lib/vllm-memory";
import { isGpuServer, serverContainersOf, workloadsOf, type ContainerView } from "./lib/workloads";

/** A Hugging Face repository id (`org/name`), as opposed to a local path or an object-store URI. */
const HF_REPO_ID = /^[\w.-]+\/[\w.-]+$/;

const isS3Gateway = (props: Record<string, any>): boolean =>
  props.vpcEndpointType === "Gateway" && /\.s3$/.test(String(props.serviceName ?? "")) && (props.routeTableIds ?? []).length > 0;

/** What one pod start costs through the NAT gateway, when the model is a catalog variant. */
function perStartCost(container: ContainerView): string {
  const served = servedModelOf(container);
  if (!served) return "";
  const gb = checkpointBytes({ model: served.modelId, variant: served.variant.id }) / 1e9;
  const rate = DATA_PRICES.natGatewayDataProcessedUsdPerGB.value;
  return ` (${gb.toFixed(1)} GB: $${(gb * rate).toFixed(2)} of NAT data processing at $${rate}/GB)`;
}

export const costWeightsNat: StackValidationPolicy = {
  name: "llm-stack-cost-weights-nat",
  description:
    "GPU servers do not fetch their weights through a NAT gateway at every start: they stream them from S3 through a gateway endpoint.",
  enforcementLevel: "advisory",
  configSchema: strictConfigSchema(),
  validateStack: (args, reportViolation) => {
    readPolicyConfig(costWeightsNat, args.getConfig);
    if (!args.resources.some((r) => r.type === "aws:ec2/natGateway:NatGateway")) return;
    const s3Gateway = args.resources.some((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && isS3Gateway(r.props));
    for (const workload of workloadsOf(args.resources).filter(isGpuServer)) {
      for (const { container } of serverContainersOf(workload)) {
        const model = container.vllm.model;
        if (model === undefined) continue;
        if (HF_REPO_ID.test(model)) {
          reportViolation(
            `${workload.label} downloads ${model} from Hugging Face through the stack's NAT gateway at every pod start${perStartCost(container)}. Fix: stream it from the stack's S3 model cache (weightsSource s3).`,
            workload.urn,
          );
        } else if (model.startsWith("s3://") && !s3Gateway) {
          reportViolation(
            `${workload.label} streams ${model} through the stack's NAT gateway at every pod start: the VPC has no S3 gateway endpoint on a route table. Fix: add an aws.ec2.VpcEndpoint (vpcEndpointType Gateway, serviceName com.amazonaws.<region>.s3) on the private route tables.`,
            workload.urn,
          );
        }
      }
    }
  },
};
