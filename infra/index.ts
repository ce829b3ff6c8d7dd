/**
 * The Pulumi program (`main: infra/` in Pulumi.yaml). Pulumi's Node.js runtime calls an exported
 * function and awaits it (sdk/nodejs/cmd/run/run.ts), so the stack config is validated and AWS is
 * asked where the planned instance type is offered before a single resource is registered: bad
 * config or a region without the GPUs fails with nothing created.
 *
 * Stack outputs: `endpoint` (OpenAI-compatible base URL inside the cluster; call it with `apiKey`
 * as a Bearer token), `model`, `variant`, `plan` (GPUs, TP, PP, context), `gpuZoneIds`,
 * `hourlyUsd` / `monthlyUsd` (on-demand, 730 h) and, as secrets, `kubeconfig` and `apiKey`.
 */
import { readConfig } from "./config";
import { lookUpImageSource, lookUpPlacement } from "./placement-lookup";
import { createLlmStack } from "./program";

export = async () => {
  const config = readConfig();
  const placement = await lookUpPlacement(config.settings);
  return createLlmStack(config, placement, await lookUpImageSource(config.settings));
};
