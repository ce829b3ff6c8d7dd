import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDefaultPlansMarkdown } from "../infra/render/models-table";
import { renderTimeToReadyComparison, timeToReadyComparison } from "../infra/render/time-to-ready-text";

describe("README", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

  it("embeds exactly the default-plan table the tool generates", () => {
    const match = /<!-- default-plans:begin -->\n([\s\S]*?)\n<!-- default-plans:end -->/.exec(readme);
    expect(match?.[1]).toBe(renderDefaultPlansMarkdown().trimEnd());
  });

  it("embeds exactly the time-to-ready comparison `npm run bench` prints", () => {
    const match = /<!-- time-to-ready:begin -->\n([\s\S]*?)\n<!-- time-to-ready:end -->/.exec(readme);
    expect(match?.[1]).toBe(renderTimeToReadyComparison(timeToReadyComparison()).trimEnd());
  });

  it("opens with the two set-up commands, the second being the one .ci/run runs", () => {
    expect(readme).toContain("npm ci && npm run plan");
    expect(readme).toContain("npm ci && npm test");
    expect(readFileSync(join(__dirname, "..", ".ci", "run"), "utf8")).toContain("npm ci && npm test");
  });
});
