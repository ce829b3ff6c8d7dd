/** The planner's public API. Pure and deterministic: nothing under infra/plan imports @pulumi/*. */
export * from "./errors";
export * from "./kv-cache";
export * from "./memory";
export * from "./overhead";
export * from "./parallelism";
export * from "./parameters";
export * from "./planner";
export * from "./request";
export * from "./vllm-args";
export * from "./weights";
export { MAX_NODES_PER_REPLICA, type Candidate } from "./candidates";
export * from "./stack-cost";
export * from "./serving";
export * from "./economics";
export * from "./placement";
export * from "./accuracy";
export * from "./edit-distance";
export * from "./weights-download";
