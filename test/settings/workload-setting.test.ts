/**
 * The stack's `workload` mapping as every entry point resolves it (infra/settings/resolve.ts).
 * `pulumi config set --path 'workload.inputTokens' 1000` stores the value as the text "1000" in the
 * stack file (the Pulumi CLI writes config values as strings unless --type is given), so each value
 * is read with the one number grammar rather than refused as "expected number".
 */
import { describe, expect, it } from "vitest";
import { resolveStackSettings } from "../../infra/settings";
import { DEV, SECRETS, issuesOf } from "../support/stack-settings";

describe("workload setting", () => {
  it("reads numbers stored as text, as `pulumi config set --path` writes them", () => {
    const { workload } = resolveStackSettings(
      { ...DEV, workload: '{"inputTokens":"1000","outputTokens":"200","requestsPerSecond":"2.5"}' },
      "us-east-1",
      SECRETS,
    );
    expect(workload?.inputTokens).toBe(1000);
    expect(workload?.outputTokens).toBe(200);
    expect(workload?.load).toEqual({ kind: "rate", peakRequestsPerSecond: 2.5, meanRequestsPerSecond: 2.5 });
  });

  it("reads a YAML mapping with plain numbers the same way", () => {
    const { workload } = resolveStackSettings({ ...DEV, workload: { inputTokens: 1000, outputTokens: 200 } }, "us-east-1", SECRETS);
    expect(workload?.inputTokens).toBe(1000);
    expect(workload?.outputTokens).toBe(200);
  });

  it("still refuses text that is not a plain decimal, naming the key", () => {
    const issues = issuesOf({ ...DEV, workload: { inputTokens: "1e3" } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toContain("workload.inputTokens");
    expect(issues[0]?.value).toBe("1e3");
  });
});
