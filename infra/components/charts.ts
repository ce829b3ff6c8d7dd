/**
 * Third-party Helm charts live under charts/<name>/: chart.yaml (name, pinned version, repository,
 * namespace) and values.yaml. Components read them here, so a chart upgrade is a reviewed diff in
 * charts/, never an edit hidden in TypeScript.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const chartSpecSchema = z.object({
  name: z.string(),
  // An exact version: a range would let `pulumi up` install whatever is newest that day.
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  repository: z.string().url(),
  namespace: z.string(),
  source: z.string(),
});

export interface ChartSpec extends z.infer<typeof chartSpecSchema> {
  values: Record<string, unknown>;
}

export const CHARTS_DIRECTORY = join(__dirname, "..", "..", "charts");

export function readChart(name: string, directory = CHARTS_DIRECTORY): ChartSpec {
  const spec = chartSpecSchema.parse(parse(readFileSync(join(directory, name, "chart.yaml"), "utf8")));
  const values = (parse(readFileSync(join(directory, name, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
  return { ...spec, values };
}
