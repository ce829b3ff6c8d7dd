/**
 * The Pulumi program (`main: infra/` in Pulumi.yaml). Config is validated in full before any
 * resource is registered; then the stack is wired from the plan.
 */
import { readConfig } from "./config";
import { createLlmStack } from "./program";

const stack = createLlmStack(readConfig());

/** OpenAI-compatible base URL inside the cluster (call it with the apiKey as a Bearer token). */
export const endpoint = stack.endpoint;
export const model = stack.model;
export const variant = stack.variant;
/** GPUs, TP, PP and context of the plan. */
export const plan = stack.plan;
/** On-demand USD per hour / per month (730 h) of everything the stack creates. */
export const hourlyUsd = stack.hourlyUsd;
export const monthlyUsd = stack.monthlyUsd;
export const kubeconfig = stack.kubeconfig;
export const apiKey = stack.apiKey;
