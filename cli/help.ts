/**
 * The help text of the commands that load heavy modules (the program under mocks and the pack for
 * `cost`, the AWS SDK for `preflight`), apart from them: `llm-stack --help` and `plan` load neither.
 */
import { REGIONS } from "../infra/catalog";

export const COST_HELP = `llm-stack cost — what stacks cost, offline, with policy results, $/M tokens and the hosted break-even

Usage: llm-stack cost [--stack <name>]... [--all] [flags]       price stacks (default: every Pulumi.*.yaml)
       llm-stack cost --base <git-ref> [flags]                  diff every stack against a git ref
       llm-stack cost --from-preview <file> [flags]             price a \`pulumi preview --json --show-sames\`

Flags:
  --stack <name>                       a stack (Pulumi.<name>.yaml); repeatable
  --all                                every Pulumi.*.yaml in the working tree
  --base <git-ref>                     read the stack files at that ref through git (no checkout) and diff
  --from-preview <file>                price the JSON of a real preview (unknowns and [secret] handled)
  --format <table|markdown|json>       output format (default table)
  --out <file>                         write the output to a file instead of stdout
  --policy-pack-config <file>          the policy pack config to check with (default: each policy's defaults)
  --region <region>                    ${REGIONS.join(" | ")}: prices for --from-preview when its config names none
  --hosted-input-usd-per-million <n>   hosted API input price to compare with (default: the dated table's cheapest offer)
  --hosted-output-usd-per-million <n>  hosted API output price (with --hosted-input-usd-per-million)
  --report-only                        exit 0 even when a stack is invalid or breaks a mandatory policy (PR comments)
  --help                               this text

Throughput, latency, $/M tokens and the break-even are at each stack's \`workload\` key (traffic,
SLOs; see \`llm-stack plan --help\`), or at vllm bench serve's default lengths where it declares none.

Exit codes: 0 every stack valid and within the mandatory policies, 2 invalid input or an invalid
stack, 5 a stack violates a mandatory policy (with --report-only: 0 whenever the report was written).
`;

export const PREFLIGHT_HELP = `llm-stack preflight — what AWS would refuse, checked before \`pulumi up\`

Usage: llm-stack preflight --stack <name>

Reads Pulumi.<name>.yaml, validates it like the program does, plans it, then asks AWS with your
credentials (the AWS SDK's default chain: environment, AWS_PROFILE, ~/.aws, SSO, instance role) in
the stack's aws:region. Read-only calls; nothing is created.

Checks:
  credentials         STS GetCallerIdentity: the account and principal that would deploy
  operator values     the stack sets the Hugging Face token (gated models) and the endpoint allowlist
  instance type       the planned type is offered in the AZs the stack uses (DescribeInstanceTypeOfferings)
  vCPU quota          Running On-Demand P instances / All P Spot Instance Requests ≥ nodes × vCPUs
  capacity block      with capacityType capacity-block: the reservation's type, AZ, state and size
  kubernetes version  the EKS version is in standard support (DescribeClusterVersions / DescribeCluster)

IAM actions it calls (all read-only; a refused one turns its check into a warning naming it):
  sts:GetCallerIdentity, ec2:DescribeAvailabilityZones, ec2:DescribeInstanceTypeOfferings,
  ec2:DescribeSubnets, ec2:DescribeCapacityReservations, servicequotas:GetServiceQuota,
  servicequotas:GetAWSDefaultServiceQuota, eks:DescribeCluster, eks:DescribeClusterVersions

Flags:
  --stack <name>   the stack to check (Pulumi.<name>.yaml in this directory)
  --help           this text

Exit codes: 0 every check passed (warnings allowed), 2 a check failed or the stack config is invalid,
4 no AWS credentials or AWS unreachable.
`;
