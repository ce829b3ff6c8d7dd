/**
 * The one table of vLLM server flags the kit renders or must read back, as the pinned release
 * (infra/catalog/vllm-release.ts, VLLM_RELEASE) declares them: canonical name, aliases, how its
 * value is parsed, and vLLM's default when the flag is absent. The planner renders from it
 * (render.ts); the policy pack parses deployed args back with it (parse.ts). vLLM's defaults live
 * here and nowhere else.
 *
 * Declarations: vllm/engine/arg_utils.py EngineArgs.add_cli_args (model, parallel, cache,
 * scheduler, load and quantization groups; `-tp`, `-pp` and `-q` aliases) and
 * vllm/entrypoints/openai/cli_args.py (port, api-key), at the pinned release.
 */
import { VLLM_RELEASE } from "../catalog";

/**
 * How vLLM parses a flag's value:
 * - `string`: taken as given;
 * - `int`: Python `int()`;
 * - `human-int`: vllm/utils/argparse_utils.py human_readable_int (`32k` = 32,000, `32K` = 32,768);
 * - `float`: Python `float()`;
 * - `boolean`: argparse.BooleanOptionalAction, `--x` / `--no-x`, no value;
 * - `strings`: `nargs="+"`, every following word up to the next option.
 */
export type VllmFlagType = "string" | "int" | "human-int" | "float" | "boolean" | "strings";

export interface VllmFlagSpec {
  /** Other option strings argparse maps to this flag (`-tp`), without the canonical `--name`. */
  aliases: readonly string[];
  type: VllmFlagType;
  /**
   * vLLM's value when the flag is absent, at the pinned release; null where vLLM derives it from
   * the model or the hardware (`derivedDefault` says how).
   */
  default: string | number | boolean | null;
  /** Where `default` comes from, or what vLLM does instead when it is null. */
  defaultSource: string;
  /** The planner renders it (and VLLM_RELEASE.serverFlags must declare it). */
  rendered: boolean;
}

export const VLLM_FLAG_NAMES = [
  "api-key",
  "config",
  "config-format",
  "distributed-executor-backend",
  "enforce-eager",
  "gpu-memory-utilization",
  "headless",
  "hf-token",
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
  "tokenizer",
  "tokenizer-mode",
  "trust-remote-code",
] as const;
export type VllmFlagName = (typeof VLLM_FLAG_NAMES)[number];

/** The port vLLM's OpenAI-compatible server listens on (vllm/entrypoints/openai/cli_args.py, `port: int = 8000`). */
export const VLLM_PORT = 8000;

export const VLLM_FLAGS: Record<VllmFlagName, VllmFlagSpec> = {
  model: {
    aliases: [],
    type: "string",
    default: null,
    defaultSource: "`vllm serve <model>` positional, or vLLM's own default model (never a catalog model)",
    rendered: true,
  },
  "served-model-name": { aliases: [], type: "strings", default: null, defaultSource: "the model argument", rendered: true },
  "tensor-parallel-size": {
    aliases: ["-tp"],
    type: "int",
    default: 1,
    defaultSource: "vllm/config/parallel.py ParallelConfig.tensor_parallel_size",
    rendered: true,
  },
  "pipeline-parallel-size": {
    aliases: ["-pp"],
    type: "int",
    default: 1,
    defaultSource: "vllm/config/parallel.py ParallelConfig.pipeline_parallel_size",
    rendered: true,
  },
  "max-model-len": {
    aliases: [],
    type: "human-int",
    default: null,
    defaultSource: "the model's full context (max_position_embeddings)",
    rendered: true,
  },
  "max-num-batched-tokens": {
    aliases: [],
    type: "human-int",
    default: VLLM_RELEASE.apiServerBatchDefaults.maxNumBatchedTokens,
    defaultSource: "EngineArgs.get_batch_defaults, API server on ≥ 70 GiB GPUs (VLLM_RELEASE.apiServerBatchDefaults)",
    rendered: true,
  },
  "max-num-seqs": {
    aliases: [],
    type: "int",
    default: VLLM_RELEASE.apiServerBatchDefaults.maxNumSeqs,
    defaultSource: "EngineArgs.get_batch_defaults, API server on ≥ 70 GiB GPUs (VLLM_RELEASE.apiServerBatchDefaults)",
    rendered: true,
  },
  "gpu-memory-utilization": {
    aliases: [],
    type: "float",
    default: VLLM_RELEASE.defaultGpuMemoryUtilization,
    defaultSource: "vllm/config/cache.py CacheConfig.gpu_memory_utilization (VLLM_RELEASE.defaultGpuMemoryUtilization)",
    rendered: true,
  },
  "kv-cache-dtype": {
    aliases: [],
    type: "string",
    default: "auto",
    defaultSource: "vllm/config/cache.py CacheConfig.cache_dtype",
    rendered: true,
  },
  quantization: {
    aliases: ["-q"],
    type: "string",
    default: null,
    defaultSource: "the checkpoint's quantization_config, else none",
    rendered: true,
  },
  port: {
    aliases: [],
    type: "int",
    default: VLLM_PORT,
    defaultSource: "vllm/entrypoints/openai/cli_args.py FrontendArgs.port",
    rendered: true,
  },
  "tokenizer-mode": {
    aliases: [],
    type: "string",
    default: "auto",
    defaultSource: "vllm/config/model.py ModelConfig.tokenizer_mode",
    rendered: true,
  },
  "config-format": {
    aliases: [],
    type: "string",
    default: "auto",
    defaultSource: "vllm/config/model.py ModelConfig.config_format",
    rendered: true,
  },
  "load-format": {
    aliases: [],
    type: "string",
    default: "auto",
    defaultSource: "vllm/config/load.py LoadConfig.load_format",
    rendered: true,
  },
  // A JSON object the loader reads; the Run:ai streamer's loader accepts only distributed,
  // concurrency and memory_limit and turns the last two into RUNAI_STREAMER_CONCURRENCY and
  // RUNAI_STREAMER_MEMORY_LIMIT (vllm/model_executor/model_loader/runai_streamer_loader.py).
  "model-loader-extra-config": {
    aliases: [],
    type: "string",
    default: "{}",
    defaultSource: "vllm/config/load.py LoadConfig.model_loader_extra_config",
    rendered: true,
  },
  "distributed-executor-backend": {
    aliases: [],
    type: "string",
    default: null,
    defaultSource: "mp on one node, ray when the world size exceeds the node's GPUs",
    rendered: true,
  },
  // Multi-node without Ray (vLLM PR #23691; docs/serving/parallelism_scaling.md): every node runs the
  // same command with its rank; the head (rank 0) serves the API, the others run `--headless`.
  nnodes: { aliases: ["-n"], type: "int", default: 1, defaultSource: "vllm/engine/arg_utils.py EngineArgs.nnodes", rendered: true },
  "node-rank": { aliases: ["-r"], type: "int", default: 0, defaultSource: "vllm/engine/arg_utils.py EngineArgs.node_rank", rendered: true },
  "master-addr": {
    aliases: [],
    type: "string",
    default: "127.0.0.1",
    defaultSource: "vllm/config/parallel.py ParallelConfig.master_addr",
    rendered: true,
  },
  "master-port": {
    aliases: [],
    type: "int",
    default: 29501,
    defaultSource: "vllm/config/parallel.py ParallelConfig.master_port",
    rendered: true,
  },
  headless: {
    aliases: [],
    type: "boolean",
    default: false,
    defaultSource: "vllm/entrypoints/openai/cli_args.py (store_true: no API server on this node)",
    rendered: true,
  },
  // Read back, never rendered: secrets the pack refuses in args, the YAML file vLLM reads more
  // flags from, `--tokenizer` (a real flag, so `--tokenizer` is never an abbreviation of
  // --tokenizer-mode) and two booleans, so the word after them stays the positional model.
  "api-key": {
    aliases: [],
    type: "string",
    default: null,
    defaultSource: "the VLLM_API_KEY environment variable, else no authentication",
    rendered: false,
  },
  "hf-token": { aliases: [], type: "string", default: null, defaultSource: "HF_TOKEN / HF_TOKEN_PATH", rendered: false },
  config: { aliases: [], type: "string", default: null, defaultSource: "none (flags come from the command line only)", rendered: false },
  tokenizer: { aliases: [], type: "string", default: null, defaultSource: "the model", rendered: false },
  "enforce-eager": {
    aliases: [],
    type: "boolean",
    default: false,
    defaultSource: "vllm/config/model.py ModelConfig.enforce_eager",
    rendered: false,
  },
  "trust-remote-code": {
    aliases: [],
    type: "boolean",
    default: false,
    defaultSource: "vllm/config/model.py ModelConfig.trust_remote_code",
    rendered: false,
  },
};

/** vLLM's default for a flag the args leave out (null: derived by vLLM, see defaultSource). */
export const vllmDefault = (name: VllmFlagName): string | number | boolean | null => VLLM_FLAGS[name].default;
