/** The one vLLM flags module: the table (defaults at the pinned release), render, and parse like vLLM's own parser. */
export { VLLM_FLAG_NAMES, VLLM_FLAGS, VLLM_PORT, vllmDefault } from "./flags";
export { humanReadableInt, pythonFloat, pythonInt } from "./numbers";
export { parseVllmArgs, parseVllmArgv, vllmOptionOccurrences } from "./parse";
export { numericFlag, stringFlag } from "./values";
export { readVllmCommand, splitShellCommands, type VllmInvocation } from "./command";
export { renderVllmFlags, type VllmFlagValues } from "./render";
