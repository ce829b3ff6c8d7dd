/**
 * THE vLLM release the kit deploys, as one fact: its image, where its source is, and every
 * behaviour of that release the planner and the pod spec rely on. Sizing is only true for the
 * version deployed: a change of release is a change here, reviewed with each behaviour below.
 *
 * Read 2026-11-27. vLLM v0.33.0 is the current release (PyPI `vllm` 0.33.0, November 2026). The
 * repository is too large to mirror here, so each behaviour is cited to the file and pull request
 * that introduced it and to the 2026 revisions of that file read through the public code index;
 * none of them was reverted by a later change we could find.
 */
import { type Source } from "./schema";

const SOURCE_ROOT = "https://github.com/vllm-project/vllm/blob/v0.33.0";
const READ_ON = "2026-11-27";

export const VLLM_RELEASE = {
  version: "0.33.0",
  image: { repository: "vllm/vllm-openai", tag: "v0.33.0" },
  source: {
    ref: "https://github.com/vllm-project/vllm/releases/tag/v0.33.0 (PyPI vllm 0.33.0, 2026-11)",
    readOn: READ_ON,
  } satisfies Source,
  /**
   * UIDs with an /etc/passwd entry in the vllm-openai image: root, and since PR #40275 (2026-04)
   * the `vllm` user, UID 2000, GID 0, HOME /home/vllm (docker/Dockerfile, vllm-base stage). The
   * image still runs as root by default (`# USER vllm` is commented out in the vllm-openai stage).
   */
  passwdUids: [0, 2000],
  /** `--gpu-memory-utilization` when the flag is absent: 0.92 (vllm/config/cache.py, CacheConfig.gpu_memory_utilization). The kit always renders its own value. */
  defaultGpuMemoryUtilization: 0.92,
  /**
   * The OpenAI API server's batch defaults on GPUs with at least 70 GiB that are not A100s
   * (vllm/engine/arg_utils.py, EngineArgs.get_batch_defaults): max_num_seqs 1024,
   * max_num_batched_tokens 8192.
   */
  apiServerBatchDefaults: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 },
  /**
   * The hybrid KV cache manager sizes Llama 4's chunked-local layers to chunk + batched tokens
   * (vllm/v1/kv_cache_interface.py, ChunkedLocalAttentionSpec.max_memory_usage_bytes:
   * min(attention_chunk_size + max_num_batched_tokens, max_model_len) tokens per request). PR #21761
   * (2025-07) turned it off for chunked local attention; PR #29627 made
   * VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE default to 1, so vllm/config/vllm.py leaves
   * the manager on (it still turns it off for EAGLE speculative decoding, which the kit never sets).
   */
  hybridKvCacheForChunkedLocalAttention: true,
  /**
   * CUDA-graph memory is estimated and subtracted before the KV cache is sized (PR #30515; on by
   * default since v0.21.0, VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS; vllm/v1/worker/gpu_worker.py
   * determine_available_memory), so it is a term of its own, not inside the activation peak.
   */
  cudaGraphMemoryReservedBeforeKvCache: true,
  /**
   * Online FP8 (`--quantization fp8` on a bf16 checkpoint) creates the full-precision weights on the
   * `meta` device and quantizes each layer as its weights stream in (PR #31914, merged 2026-01-07;
   * vllm/model_executor/layers/quantization/online/fp8.py `uses_meta_device = True`, same for
   * MoE experts in online/moe_base.py): the load never holds the bf16 model, only one layer of it.
   */
  onlineFp8QuantizesLayerByLayer: true,
  /**
   * The server flags the kit renders, as this release's parsers declare them:
   * vllm/engine/arg_utils.py EngineArgs.add_cli_args (model, parallelism, cache, scheduler, load
   * and quantization flags; `-tp`/`-pp` aliases) and vllm/entrypoints/openai/cli_args.py (port).
   * Its FlexibleArgumentParser accepts `--x_y` for `--x-y` and `--flag=value`
   * (vllm/utils/argparse_utils.py). Multi-node without Ray: `--nnodes`/`-n`, `--node-rank`/`-r`,
   * `--master-addr`, `--master-port` (EngineArgs, vLLM PR #23691) and `--headless` (FrontendArgs);
   * docs/serving/parallelism_scaling.md runs workers as `--nnodes 2 --node-rank 1 --master-addr
   * <head> --headless`.
   */
  serverFlags: [
    "config-format",
    "distributed-executor-backend",
    "gpu-memory-utilization",
    "headless",
    "kv-cache-dtype",
    "load-format",
    "master-addr",
    "master-port",
    "max-model-len",
    "max-num-batched-tokens",
    "max-num-seqs",
    "model",
    "model-loader-extra-config",
    "nnodes",
    "node-rank",
    "pipeline-parallel-size",
    "port",
    "quantization",
    "served-model-name",
    "tensor-parallel-size",
    "tokenizer-mode",
  ],
} as const;

export const VLLM_IMAGE_REFERENCE = `${VLLM_RELEASE.image.repository}:${VLLM_RELEASE.image.tag}`;

/**
 * Images that ship the EFA userspace NCCL needs (libfabric and the aws-ofi-nccl plugin): AWS's vLLM
 * deep-learning containers (aws/deep-learning-containers PR #6730), from its ECR account or the
 * public gallery. The upstream vllm/vllm-openai image does not (vllm-project/vllm#55635): without
 * `libnccl-net-ofi.so` NCCL silently falls back to TCP sockets, so `efa: true` would pay for nothing.
 */
export const EFA_CAPABLE_IMAGES = {
  patterns: [/^763104351884\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/vllm[:@]/, /^public\.ecr\.aws\/deep-learning-containers\/vllm[:@]/],
  example: "public.ecr.aws/deep-learning-containers/vllm:<version>",
  source: {
    ref: "aws/deep-learning-containers PR #6730 (vLLM DLC with EFA); vllm-project/vllm#55635 (upstream image lacks aws-ofi-nccl)",
    readOn: "2026-11-27",
  } satisfies Source,
} as const;
