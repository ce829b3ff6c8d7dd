/**
 * Network: a VPC over the Availability Zones chosen by infra/plan/placement.ts (those offering the
 * GPU instance type first, by AZ id) with public subnets (NAT gateway, load balancers) and
 * private subnets (every node). Written with @pulumi/aws primitives rather than awsx.ec2.Vpc: awsx
 * is a remote component whose children are invisible to tests and policies, and a GPU stack wants
 * each subnet, route and NAT gateway priced and checked.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AvailabilityZone } from "../plan";

/** A /16 leaves room for the VPC CNI's one-IP-per-pod on many nodes. */
export const VPC_CIDR = "10.0.0.0/16";
const publicCidr = (i: number) => `10.0.${i}.0/24`;
/** /19 private subnets: 8190 addresses each for nodes and pods. */
const privateCidr = (i: number) => `10.0.${32 * (i + 1)}.0/19`;

export interface NetworkArgs {
  clusterName: string;
  /** One public and one private subnet per zone, in this order (placeZones' clusterZones). */
  zones: readonly AvailabilityZone[];
}

export interface ZonedSubnet {
  zoneId: string;
  id: pulumi.Output<string>;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr = VPC_CIDR;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  /** The private subnets with their AZ ids, for node groups that may run only in some AZs. */
  readonly privateSubnets: ZonedSubnet[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:network:Network", name, {}, opts);
    const parent = { parent: this };
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } }, parent);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public` } }, parent);

    /** One subnet per AZ, associated with `routeTable`; the role tag tells Kubernetes where load balancers go. */
    const subnets = (tier: "public" | "private", cidrOf: (i: number) => string, routeTable: aws.ec2.RouteTable, roleTag: string) =>
      args.zones.map((zone, i) => {
        const subnet = new aws.ec2.Subnet(`${name}-${tier}-${i}`, {
          vpcId: vpc.id,
          cidrBlock: cidrOf(i),
          // By id: the same physical zone the offering lookup named, whatever this account calls it.
          availabilityZoneId: zone.zoneId,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-${tier}-${i}`, [roleTag]: "1", ...clusterTag },
        }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-${tier}-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent);
        return subnet;
      });

    // Public subnets hold the NAT gateway only; the stack creates no internet-facing load balancer.
    const publicSubnets = subnets("public", publicCidr, publicRoutes, "kubernetes.io/role/elb");
    const natIp = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: { Name: `${name}-nat` } }, parent);
    // One NAT gateway (NAT_GATEWAYS in plan/stack-cost.ts prices it): nodes pull images and weights through it.
    const nat = new aws.ec2.NatGateway(`${name}-nat`, { allocationId: natIp.id, subnetId: publicSubnets[0]!.id, tags: { Name: `${name}-nat` } }, { parent: this, dependsOn: [igw] });
    const privateRoutes = new aws.ec2.RouteTable(`${name}-private-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${name}-private` } }, parent);

    const privateSubnets = subnets("private", privateCidr, privateRoutes, "kubernetes.io/role/internal-elb");

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnets = privateSubnets.map((s, i) => ({ zoneId: args.zones[i]!.zoneId, id: s.id }));
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}
