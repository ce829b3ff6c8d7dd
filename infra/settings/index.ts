/** Stack settings: the declared keys, their coercion, validation and resolution (never in infra/plan). */
export * from "./keys";
export * from "./coerce";
export * from "./deployment";
export * from "./cross-field";
export * from "./resolve";
export * from "./operator-values";
export * from "./stack-keys";
export * from "./stack-file";
export * from "./resolve-stack-file";
