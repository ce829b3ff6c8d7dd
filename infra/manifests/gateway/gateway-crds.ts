/**
 * The Gateway API's standard channel (charts/gateway-api, v1.6.1: the version agentgateway v1.4.1
 * builds against, go.mod) and the Inference Extension's InferencePool (charts/gateway-api-inference-extension,
 * v1.6.0): the CRDs a set's gateway objects are instances of, as vendored.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CHARTS_DIRECTORY } from "../vendored";

export const GATEWAY_API_CHART = "gateway-api";
export const INFERENCE_EXTENSION_CHART = "gateway-api-inference-extension";

/** Every vendored CRD file of both charts, in name order. */
export function gatewayApiCrdFiles(): Array<{ chart: string; file: string }> {
  return [GATEWAY_API_CHART, INFERENCE_EXTENSION_CHART].flatMap((chart) =>
    readdirSync(join(CHARTS_DIRECTORY, chart, "crds"))
      .filter((file) => file.endsWith(".yaml"))
      .sort()
      .map((file) => ({ chart, file: `crds/${file}` })),
  );
}
