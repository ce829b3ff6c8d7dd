/**
 * Published durations and throughputs the time-to-ready estimate (infra/plan/time-to-ready.ts) is
 * built from: one fact each, with what was measured, where, and when it was read. None was measured
 * on a P5 with this kit (no cloud account is reachable here); each names its setup so a reader can
 * judge how far it carries. Replace a row when a better measurement is published, and the
 * estimate, the startup probe budget and the README table follow.
 */
import { type Source } from "./schema";

export interface Rate {
  value: number;
  /** What was measured, on what: the reason the value may differ on a P5. */
  setup: string;
  source: Source;
}

const READ_ON = "2026-11-27";

export const STARTUP_RATES = {
  /**
   * EC2 launch to kubelet registered and Ready. No GPU-instance measurement is published;
   * awslabs/amazon-eks-ami#1099 (AWS, 2022-12) says GPU types "often take much longer to boot".
   */
  nodeLaunchToReadySeconds: {
    value: 40,
    setup:
      "CPU instances, Karpenter, EKS-optimized AMI: 'typically Ready in about 30-40 s'; GPU instances boot longer (no published figure)",
    source: { ref: "aws/karpenter-provider-aws#6165 (maintainer answer, 2024-05-09); awslabs/amazon-eks-ami#1099", readOn: READ_ON },
  },
  /**
   * The slow end of a GPU node's boot (launch to GPUs allocatable), which the two figures above
   * only bound from below: an assumption, not a measurement. GPU nodes "can often take > 15
   * minutes to start up" (Karpenter's design for a configurable registration TTL, whose fixed TTL
   * is 15 minutes), and Cluster Autoscaler gives a node 15 minutes (`--max-node-provision-time`)
   * before it counts the launch as failed and tries elsewhere — so 900 s is the longest a node
   * the kit asked for can take and still serve. What waits on a cold start (a request held by
   * the endpoint picker of a server at zero, Pulumi's rollout timeout) allows this much.
   */
  gpuNodeBootSlowEndSeconds: {
    value: 900,
    setup:
      "no published P5 boot time; GPU nodes 'can often take > 15 minutes to start up'; Cluster Autoscaler gives up on a node after 15 min",
    source: {
      ref: "kubernetes-sigs/karpenter designs/configurable-registeration-ttl.md; kubernetes/autoscaler cluster-autoscaler-1.35.2 cluster-autoscaler/config/flags/flags.go (max-node-provision-time 15m); awslabs/amazon-eks-ami#1099",
      readOn: "2026-12-06",
    },
  },
  /** Ready to `nvidia.com/gpu` allocatable: the device plugin starts and registers the GPUs. */
  gpuAllocatableAfterReadySeconds: {
    value: 60,
    setup: "GPU node Ready but about 1 more minute before GPU resources are allocatable (GKE, not EKS: the closest published figure)",
    source: { ref: "cloudpilot-ai/karpenter-provider-gcp PR #148", readOn: READ_ON },
  },
  /**
   * Compressed bytes of a container image pulled from Amazon ECR in the node's own region and
   * unpacked per second, MB/s (10^6): the rate of the stack's ECR pull-through cache
   * (imageSource ecr-cache). AWS's Deep Learning Containers are served from ECR. No rate is
   * published for Docker Hub through a NAT gateway (imageSource upstream), which the estimate
   * takes as no faster than this.
   */
  imagePullMBPerSecond: {
    value: 41.7,
    setup:
      "'Standard Docker image pulls of 15-20 GB can take 4-6 minutes per instance': the slowest pairing, 15 GB in 6 min (AWS Deep Learning Containers, pulled from ECR)",
    source: {
      ref: "AWS Machine Learning Blog, 'Reducing container cold start times using SOCI index on DLAMI and DLC' (2026-06)",
      readOn: READ_ON,
    },
  },
  /** Compressed size of the vllm/vllm-openai image, GB. */
  vllmImageCompressedGB: {
    value: 12,
    setup: "vllm/vllm-openai CUDA image, about 12 GB compressed and 28.6 GB on disk",
    source: { ref: "vllm-project/vllm PR #22377 and issue #27154", readOn: READ_ON },
  },
  /** Hugging Face Hub to an instance, MB/s (10^6). */
  huggingFaceDownloadMBPerSecond: {
    value: 262,
    setup: "meta-llama/Llama-3.1-8B-Instruct (16 GB) downloaded in 61 s on an L40S cloud instance",
    source: { ref: "https://tensorfuse.io/docs/blogs/reducing_gpu_cold_start (2025-09-01)", readOn: READ_ON },
  },
  /** One Run:ai streamer process reading safetensors from S3 in the same region, GiB/s. */
  s3StreamGiBPerSecondPerProcess: {
    value: 3.51,
    setup: "Run:ai Model Streamer 0.6.0 on g5.12xlarge (40 Gbps), Llama-3-8B bf16 from S3 in 4.24 s",
    source: { ref: "run-ai/runai-model-streamer docs/src/benchmarks.md (read at f73a19a, 2026-04-29)", readOn: READ_ON },
  },
  /** One S3 GET connection, MB/s: how AWS sizes concurrency, and the per-node cap's unit. */
  s3ConnectionMBPerSecond: {
    value: 85,
    setup: "'one concurrent request for each 85-90 MB/s of desired network throughput' (the low end)",
    source: { ref: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-guidelines.html", readOn: READ_ON },
  },
  /** Network bandwidth per instance that AWS's S3 guidance sizes for (its largest NIC), Gb/s: the per-node cap. */
  s3InstanceGbps: {
    value: 100,
    setup: "S3 performance guidelines scale connections up to instances with 100 Gb/s NICs; AWS CRT measured about 85 Gb/s on c5n.18xlarge",
    source: {
      ref: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-guidelines.html; awslabs/aws-c-s3#251",
      readOn: READ_ON,
    },
  },
  /** vLLM reading safetensors a node just wrote (page cache, instance-store NVMe), GB/s. */
  localLoadGBPerSecond: {
    value: 7,
    setup: "Llama-70B FP8 (about 70 GB) at TP 8 loaded in about 10 s from the page cache",
    source: { ref: "vllm-project/vllm#19824", readOn: READ_ON },
  },
  /** Concurrent part uploads of boto3's upload_file (TransferConfig max_concurrency default), which the copy Job uses. */
  s3UploadConcurrency: {
    value: 10,
    setup: "boto3 S3 transfer default: max_concurrency 10 threads per upload",
    source: {
      ref: "https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/s3.html (TransferConfig, max_concurrency default 10)",
      readOn: READ_ON,
    },
  },
} as const satisfies Record<string, Rate>;

/**
 * Engine start after the weights are in GPU memory, cold caches: torch.compile, CUDA graph capture,
 * KV cache allocation, to a healthy /health. Two published points; the estimate interpolates by
 * decoder layers (compile and graph capture walk every layer) and adds the multi-GPU P2P check.
 */
export const ENGINE_START_POINTS = {
  singleGpu: {
    layers: 36,
    seconds: 86.6,
    setup: "Qwen3-8B (36 layers), TP 1, H100, vLLM 0.24.0, cold caches: serve path to /health",
    source: { ref: "vllm-project/vllm PR #47374 and issue #47456 (2026-07)", readOn: READ_ON },
  },
  tensorParallel: {
    layers: 80,
    /** Dynamo 15 s + torch.compile 70 s + CUDA graph capture 60 s (the P2P check is counted apart). */
    seconds: 145,
    setup: "Llama-70B FP8 (80 layers), TP 8: Dynamo ~15 s, torch.compile ~70 s, graph capture ~60 s",
    source: { ref: "vllm-project/vllm#19824", readOn: READ_ON },
  },
  /** vLLM's custom all-reduce P2P check on a multi-GPU engine (skipped with VLLM_SKIP_P2P_CHECK=1). */
  p2pCheckSeconds: {
    value: 60,
    setup: "about 60 s at TP 8 before the engine compiles",
    source: { ref: "vllm-project/vllm#19824", readOn: READ_ON },
  },
} as const;

/** The Run:ai Model Streamer's own numbers the kit sets its flags from. */
export const RUNAI_STREAMER = {
  /** Readers per process where S3 throughput stops growing: 8.45 s at 16, 4.88 s at 32, 5.01 s at 64 (Llama-3-8B, g5.12xlarge). */
  concurrencyKnee: {
    value: 32,
    setup: "S3 load time of Llama-3-8B by RUNAI_STREAMER_CONCURRENCY on g5.12xlarge",
    source: { ref: "run-ai/runai-model-streamer docs/src/benchmarks.md (read at f73a19a)", readOn: READ_ON },
  },
  /** Bytes one ranged GET of the streamer reads from S3 (RUNAI_STREAMER_CHUNK_BYTESIZE's S3 default): what S3 request charges count. */
  s3ChunkBytes: {
    value: 8 * 1024 ** 2,
    setup: "default chunk size for object storage, 8 MiB (minimum 5 MiB)",
    source: {
      ref: "run-ai/runai-model-streamer docs/src/env-vars.md and cpp/streamer/impl/config/config.cc (read at f73a19a)",
      readOn: READ_ON,
    },
  },
  /** The streamer's default CPU buffer per process (RUNAI_STREAMER_MEMORY_LIMIT), bytes. */
  defaultMemoryLimitBytes: {
    value: 40_000_000_000,
    setup: 'DEFAULT_MEMORY_LIMIT_STRING = "40000000000" when not distributed',
    source: {
      ref: "run-ai/runai-model-streamer py/runai_model_streamer/file_streamer/requests_iterator.py (read at f73a19a)",
      readOn: READ_ON,
    },
  },
} as const satisfies Record<string, Rate>;
