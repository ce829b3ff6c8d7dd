/** Stack settings: the declared keys, their coercion, validation and resolution (never in infra/plan). */
export { OPERATOR_FIXES, type OperatorKey, SETTINGS, SIZING_KEYS, type SizingKey } from "./keys";
export { coerceNumber, coerceSizingValue, planStack, PROJECT_NAME } from "./coerce";
export { type EndpointAccess, type ResolvedCapacity, type SecretPresence, type SecretState, type StackSettings } from "./deployment";
export { resolveStackSettings } from "./resolve";
export { readStackFile, type StackFileConfig } from "./stack-file";
export { resolveStackFile } from "./resolve-stack-file";
