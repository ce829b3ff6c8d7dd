/** AWS instance types the kit can place nodes on: the overlay between GPUs and prices. */
import { type InstanceSpec, type InstanceType } from "./schema";

const AWS_P5 = "https://aws.amazon.com/ec2/instance-types/p5/ (instance table), as summarised in shared/reference/aws-gpu.md";

export const INSTANCES: Record<InstanceType, InstanceSpec> = {
  "p5.4xlarge": {
    gpu: "h100",
    gpuCount: 1,
    vcpu: 16,
    memoryGiB: 256,
    networkGbps: 100,
    efaInterfaces: 1,
    localNvmeGB: 3840,
    source: {
      ref: `${AWS_P5}; single-GPU P5 launched 2025-08 (network and NVMe figures: verify against the console)`,
      readOn: "2026-11-26",
    },
  },
  "p5.48xlarge": {
    gpu: "h100",
    gpuCount: 8,
    vcpu: 192,
    memoryGiB: 2048,
    networkGbps: 3200,
    efaInterfaces: 32,
    localNvmeGB: 8 * 3840,
    source: { ref: AWS_P5, readOn: "2026-11-26" },
  },
  "p5en.48xlarge": {
    gpu: "h200",
    gpuCount: 8,
    vcpu: 192,
    memoryGiB: 2048,
    networkGbps: 3200,
    efaInterfaces: 16,
    localNvmeGB: 8 * 3840,
    source: { ref: `${AWS_P5} (p5en: 8 x H200, EFAv3)`, readOn: "2026-11-26" },
  },
  "m7i.xlarge": {
    // The default instance of the cluster's system (CPU) node group.
    gpu: null,
    gpuCount: 0,
    vcpu: 4,
    memoryGiB: 16,
    networkGbps: 12.5,
    efaInterfaces: 0,
    localNvmeGB: 0,
    source: { ref: "https://aws.amazon.com/ec2/instance-types/m7i/ (m7i.xlarge: 4 vCPU, 16 GiB, up to 12.5 Gbps)", readOn: "2026-11-26" },
  },
};
