/**
 * Network: a VPC over two Availability Zones with public subnets (NAT gateway, load balancers) and
 * private subnets (every node). Written with @pulumi/aws primitives rather than awsx.ec2.Vpc: awsx
 * is a remote component whose children are invisible to tests and policies, and a GPU stack wants
 * each subnet, route and NAT gateway priced and checked.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A /16 leaves room for the VPC CNI's one-IP-per-pod on many nodes. */
export const VPC_CIDR = "10.0.0.0/16";
const AVAILABILITY_ZONES = 2;
const publicCidr = (i: number) => `10.0.${i}.0/24`;
/** /19 private subnets: 8190 addresses each for nodes and pods. */
const privateCidr = (i: number) => `10.0.${32 * (i + 1)}.0/19`;

export interface NetworkArgs {
  clusterName: string;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr = VPC_CIDR;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:network:Network", name, {}, opts);
    const parent = { parent: this };
    const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent);
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } }, parent);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public` } }, parent);

    const publicSubnets = Array.from({ length: AVAILABILITY_ZONES }, (_, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: publicCidr(i),
        availabilityZone: zones.names.apply((names) => names[i] ?? ""),
        mapPublicIpOnLaunch: false,
        // Internet-facing load balancers would go here; the stack creates none (exposure is cluster or internal-lb).
        tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", ...clusterTag },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natIp = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: { Name: `${name}-nat` } }, parent);
    // One NAT gateway (NAT_GATEWAYS in plan/stack-cost.ts prices it): nodes pull images and weights through it.
    const nat = new aws.ec2.NatGateway(`${name}-nat`, { allocationId: natIp.id, subnetId: publicSubnets[0]!.id, tags: { Name: `${name}-nat` } }, { parent: this, dependsOn: [igw] });
    const privateRoutes = new aws.ec2.RouteTable(`${name}-private-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${name}-private` } }, parent);

    const privateSubnets = Array.from({ length: AVAILABILITY_ZONES }, (_, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: privateCidr(i),
        availabilityZone: zones.names.apply((names) => names[i] ?? ""),
        tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: privateRoutes.id }, parent);
      return subnet;
    });

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}
