/** The one vLLM flags module: the table (defaults at the pinned release), render, and parse like vLLM's own parser. */
export * from "./flags";
export * from "./numbers";
export * from "./parse";
export * from "./values";
export * from "./command";
export * from "./render";
