/**
 * Every file of this repository that a comment, a README or a workflow names exists: a move or a
 * rename that leaves a stale path behind fails here. A path that names a file of another
 * repository says whose (`kubernetes/autoscaler charts/…`, `vLLM's own tools/…`), and is skipped.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const TRACKED = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);
const READ = TRACKED.filter(
  (f) => /\.(ts|js|mts|md|yml)$/.test(f) && !f.startsWith("test/golden/") && !f.startsWith("charts/") && existsSync(join(ROOT, f)),
);
/** A repository path: a top-level folder of this repository, then a file with an extension. */
const PATH =
  /(?<![\w/.@-])((?:infra|cli|policies|test|tools|bench|charts|\.github|\.ci)\/[\w./@-]*[\w-]\.(?:json|js|mts|ts|py|yaml|yml|md|proto))(?![\w])/g;
/** `owner/repo path`, `vLLM's own path`: the path is another repository's. */
const ELSEWHERE = /([\w.-]+\/[\w.-]+ |own |upstream )$/;

describe("paths named in the repository", () => {
  it("all exist", () => {
    const stale: string[] = [];
    for (const file of READ) {
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const match of line.matchAll(PATH)) {
            const before = line.slice(0, match.index);
            if (ELSEWHERE.test(before) || existsSync(join(ROOT, match[1]!))) continue;
            stale.push(`${file}:${i + 1}: ${match[1]}`);
          }
        });
    }
    expect(stale).toEqual([]);
  });
});
