/**
 * Network: a VPC with a public subnet (NAT gateway, load balancers) and a private subnet (every
 * node) in each available Availability Zone of the region, each named and addressed by its AZ id,
 * so the network never changes with the plan (infra/plan/placement.ts, vpcZones): node groups pick
 * the subnets of the AZs they may use. Written with @pulumi/aws primitives rather than awsx.ec2.Vpc: awsx
 * is a remote component whose children are invisible to tests and policies, and a GPU stack wants
 * each subnet, route and NAT gateway priced and checked.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AvailabilityZone } from "../../plan";

/** A /16 leaves room for the VPC CNI's one-IP-per-pod on many nodes. */
export const VPC_CIDR = "10.0.0.0/16";
/**
 * Addresses come from the AZ id's number (use1-az4 → 4), so adding or dropping an AZ never
 * renumbers another: /24 public subnets 10.0.N.0/24, /19 private subnets (8190 addresses each for
 * nodes and pods) 10.0.32N.0/19 — room for AZ numbers 1 to 7 (no region has more today).
 */
export function zoneNumber(zoneId: string): number {
  const n = Number(/-az(\d+)$/.exec(zoneId)?.[1]);
  if (!Number.isInteger(n) || n < 1 || n > 7) throw new Error(`AZ id ${zoneId}: the network addresses AZ numbers 1 to 7`);
  return n;
}
const publicCidr = (zoneId: string) => `10.0.${zoneNumber(zoneId)}.0/24`;
const privateCidr = (zoneId: string) => `10.0.${32 * zoneNumber(zoneId)}.0/19`;

export interface NetworkArgs {
  clusterName: string;
  /** One public and one private subnet per zone (placeZones' vpcZones). */
  zones: readonly AvailabilityZone[];
  region: string;
}

export interface ZonedSubnet {
  zoneId: string;
  id: pulumi.Output<string>;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr = VPC_CIDR;
  readonly publicSubnetIds: pulumi.Output<string>[];
  /** The private subnets with their AZ ids, for the cluster and node groups that may run only in some AZs. */
  readonly privateSubnets: ZonedSubnet[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:network:Network", name, {}, opts);
    const parent = { parent: this };
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
      parent,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public` } },
      parent,
    );

    /** One subnet per AZ, associated with `routeTable`; the role tag tells Kubernetes where load balancers go. */
    const subnets = (tier: "public" | "private", cidrOf: (zoneId: string) => string, routeTable: aws.ec2.RouteTable, roleTag: string) =>
      args.zones.map((zone) => {
        const subnetName = `${name}-${tier}-${zone.zoneId}`;
        const subnet = new aws.ec2.Subnet(
          subnetName,
          {
            vpcId: vpc.id,
            cidrBlock: cidrOf(zone.zoneId),
            // By id: the same physical zone the offering lookup named, whatever this account calls it.
            availabilityZoneId: zone.zoneId,
            mapPublicIpOnLaunch: false,
            tags: { Name: subnetName, [roleTag]: "1", ...clusterTag },
          },
          parent,
        );
        new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId: routeTable.id }, parent);
        return { zoneId: zone.zoneId, id: subnet.id };
      });

    // Public subnets hold the NAT gateway only; the stack creates no internet-facing load balancer.
    const publicSubnets = subnets("public", publicCidr, publicRoutes, "kubernetes.io/role/elb");
    const natIp = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: { Name: `${name}-nat` } }, parent);
    // One NAT gateway (NAT_GATEWAYS in plan/stack-cost.ts prices it): nodes pull images and weights through it.
    const nat = new aws.ec2.NatGateway(
      `${name}-nat`,
      { allocationId: natIp.id, subnetId: publicSubnets[0]!.id, tags: { Name: `${name}-nat` } },
      { parent: this, dependsOn: [igw] },
    );
    const privateRoutes = new aws.ec2.RouteTable(
      `${name}-private-rt`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${name}-private` } },
      parent,
    );

    const privateSubnets = subnets("private", privateCidr, privateRoutes, "kubernetes.io/role/internal-elb");
    // S3 from the private subnets without the NAT gateway: the model cache's weights would otherwise
    // be billed per GB at every pod start; a gateway endpoint costs nothing
    // (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html). Its route (the S3
    // prefix list) is more specific than 0.0.0.0/0, so S3 traffic takes it.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [privateRoutes.id],
        tags: { Name: `${name}-s3` },
      },
      parent,
    );

    this.vpcId = vpc.id;
    this.privateSubnets = privateSubnets;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: privateSubnets.map((s) => s.id), publicSubnetIds: this.publicSubnetIds });
  }

  /** The private subnets in `zones`. */
  privateSubnetIdsIn(zones: readonly AvailabilityZone[]): pulumi.Output<string>[] {
    const ids = zones.map((zone) => zone.zoneId);
    return this.privateSubnets.filter((subnet) => ids.includes(subnet.zoneId)).map((subnet) => subnet.id);
  }
}
