import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER as RENDERED_MARKER } from "../../cli/render/render-markdown";
import {
  BOT_LOGIN,
  COMMENT_MARKER,
  CommentRefused,
  MAX_BODY_CHARS,
  fetchGitHubClient,
  main,
  postCostComment,
  type GitHubClient,
  type IssueComment,
  type PullRequest,
  type WorkflowRun,
} from "../../tools/ci/pr-comment";

const ROOT = join(__dirname, "..", "..");
const directory = join(ROOT, ".github", "workflows");
const files = readdirSync(directory).sort();
const text = (file: string) => readFileSync(join(directory, file), "utf8");
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { if?: string; permissions?: Record<string, string>; steps: Step[] };
const workflow = (file: string) =>
  parse(text(file)) as {
    on: Record<string, any>;
    permissions: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
  };

describe("the GitHub workflows", () => {
  it("validate against GitHub's workflow schema", async () => {
    const validator = (await import("@action-validator/core")) as { validateWorkflow(src: string): { errors: unknown[] } };
    expect(files).toEqual(["cost-comment.yml", "cost-preview.yml", "pulumi-preview.yml"]);
    for (const file of files) expect(validator.validateWorkflow(text(file)).errors, file).toEqual([]);
    expect(validator.validateWorkflow("on: push\njobs:\n  x:\n    runs-on: 1\n    steps: nope\n").errors.length).toBeGreaterThan(0);
  });

  it("pin every action by a full commit SHA, with its version in a comment, the same everywhere", () => {
    const pins = new Map<string, string>();
    let lines = 0;
    let steps = 0;
    for (const file of files) {
      for (const line of text(file)
        .split("\n")
        .filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
        const match = /^\s*(?:-\s+)?uses:\s+([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
        expect(match, `${file}: ${line.trim()}`).not.toBeNull();
        const [, action, sha, version] = match!;
        expect(pins.get(action!) ?? `${sha} ${version}`, `${file}: ${action}`).toBe(`${sha} ${version}`);
        pins.set(action!, `${sha} ${version}`);
        lines++;
      }
      const parsed = workflow(file);
      for (const step of Object.values(parsed.jobs).flatMap((job) => job.steps)) {
        if (step.uses === undefined) continue;
        expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
        steps++;
      }
    }
    // Every `uses:` the runner sees is one of the lines checked above.
    expect([lines, steps]).toEqual([10, 10]);
  });

  it("grant nothing at the top and the least each job needs; id-token only to the job that assumes the AWS role", () => {
    const granted: Record<string, unknown> = {};
    for (const file of files) {
      const parsed = workflow(file);
      expect(parsed.permissions, file).toEqual({});
      for (const [name, job] of Object.entries(parsed.jobs)) granted[`${file}:${name}`] = job.permissions;
      expect(text(file)).not.toMatch(/write-all|read-all/);
    }
    expect(granted).toEqual({
      "cost-comment.yml:comment": { contents: "read", actions: "read", "pull-requests": "write" },
      "cost-preview.yml:cost": { contents: "read" },
      "pulumi-preview.yml:preview": { contents: "read", "id-token": "write", "pull-requests": "write" },
    });
    expect(files.filter((file) => text(file).includes("id-token"))).toEqual(["pulumi-preview.yml"]);
  });

  it("run one preview per pull request, cancelling the superseded one, and serialize the comment writes", () => {
    for (const file of ["cost-preview.yml", "pulumi-preview.yml"]) {
      expect(workflow(file).concurrency, file).toEqual({
        group: `${file.replace(".yml", "")}-\${{ github.event.pull_request.number }}`,
        "cancel-in-progress": true,
      });
    }
    expect(workflow("cost-comment.yml").concurrency).toEqual({
      group: "cost-comment-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}",
      "cancel-in-progress": false,
    });
  });

  it("run the PR's code only unprivileged: read-only token, no secrets, no comment rights", () => {
    const preview = workflow("cost-preview.yml");
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(preview.jobs.cost!.permissions).toEqual({ contents: "read" });
    expect(text("cost-preview.yml")).not.toMatch(/secrets\./);
    expect(text("cost-preview.yml")).toContain(
      'npm run -s cli -- cost --base "${BASE_SHA}" --policy-pack-config policies/config.example.json --format markdown --out cost-preview.md',
    );
  });

  it("post the comment from workflow_run without checking out or running the PR's code", () => {
    for (const file of files) expect(Object.keys(workflow(file).on), file).not.toContain("pull_request_target");
    const comment = workflow("cost-comment.yml");
    expect(Object.keys(comment.on)).toEqual(["workflow_run"]);
    expect(comment.on.workflow_run).toEqual({ workflows: ["cost-preview"], types: ["completed"] });
    const job = comment.jobs.comment!;
    expect(job.if).toBe("github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success'");
    const uses = job.steps.map((s) => s.uses?.replace(/@.*/, ""));
    expect(uses).toEqual(["actions/checkout", "actions/setup-node", undefined, "actions/download-artifact", undefined, undefined]);
    // The checkout is the default branch, this workflow's own code, and keeps no token.
    expect(job.steps[0]!.with).toEqual({ ref: "${{ github.event.repository.default_branch }}", "persist-credentials": false });
    // No cache to poison, no install scripts, and the artifact lands outside the workspace.
    expect(job.steps[1]!.with).toEqual({ "node-version": 20 });
    expect(job.steps[2]!.run).toBe("npm ci --ignore-scripts --no-audit --no-fund");
    expect(job.steps[3]!.with).toMatchObject({
      name: "llm-stack-cost-preview",
      path: "${{ runner.temp }}/cost-preview-artifact",
      "run-id": "${{ github.event.workflow_run.id }}",
    });
    // The verdict is this job's own: the default branch's code and pack config pricing the PR's stack
    // files (copied as data beside this branch's Pulumi.yaml, outside the workspace), with no token in reach.
    const verdict = job.steps[4]!;
    expect(verdict.env).toBeUndefined();
    expect(verdict.run).toContain('cp Pulumi.yaml "${RUNNER_TEMP}/pr-stacks/"');
    expect(verdict.run).toContain("-name 'Pulumi.*.yaml' -exec cp {}");
    expect(verdict.run).toContain(
      '"${GITHUB_WORKSPACE}/cli/main.ts" cost --policy-pack-config "${GITHUB_WORKSPACE}/policies/config.example.json" --format markdown --out "${RUNNER_TEMP}/base-verdict.md" --report-only',
    );
    expect(job.steps[5]).toMatchObject({
      run: "npx --no-install tsx tools/ci/pr-comment.ts",
      env: { COST_ARTIFACT_DIR: "${{ runner.temp }}/cost-preview-artifact", BASE_VERDICT_PATH: "${{ runner.temp }}/base-verdict.md" },
    });
    // The unprivileged job ships the PR's stack files as data for it.
    const preview = workflow("cost-preview.yml");
    expect(preview.jobs.cost!.steps.map((s) => s.run).filter(Boolean)).toContain("mkdir -p stacks && cp Pulumi.*.yaml stacks/");
    // Nothing the fork controls (its branch name, its head) is interpolated into a script or a checkout.
    expect(text("cost-comment.yml").replace(/^\s*#.*$/gm, "")).not.toMatch(/head_sha|pull_request\.head|github\.head_ref/);
    expect(JSON.stringify(job.steps)).not.toMatch(/workflow_run\.head/);
  });

  it("runs a real preview with the policy pack only for same-repo pull requests", () => {
    const job = workflow("pulumi-preview.yml").jobs.preview!;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && vars.AWS_PREVIEW_ROLE_ARN != ''");
    expect(job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
    });
  });
});

// ---- the comment script, against a faked GitHub ----

const OWNER = "acme";
const REPO = "llm-stack";
const SHA_A = "a".repeat(40);
const SHA_B = "b".repeat(40);
const BODY = `${COMMENT_MARKER}\n## llm-stack cost preview\n\n+$1.00/month\n`;

const pr = (number: number, sha: string, headRepo = `${OWNER}/${REPO}`, ref = "feature", state = "open"): PullRequest => ({
  number,
  state,
  head: { sha, ref, repo: { full_name: headRepo } },
  base: { repo: { full_name: `${OWNER}/${REPO}` } },
});
const run = (overrides: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id: 7001,
  event: "pull_request",
  conclusion: "success",
  head_sha: SHA_A,
  head_branch: "feature",
  head_repository: { full_name: `${OWNER}/${REPO}` },
  repository: { full_name: `${OWNER}/${REPO}` },
  ...overrides,
});
const bot = { login: BOT_LOGIN, type: "Bot" };

/** In-memory GitHub: pull requests, comments per issue, and a log of every write. */
function fakeGitHub(
  pulls: PullRequest[],
  comments: Record<number, IssueComment[]> = {},
  opts: { commitEndpointSeesForks?: boolean; files?: string[] } = {},
) {
  const writes: string[] = [];
  const calls: string[] = [];
  let nextId = 900;
  const client: GitHubClient = {
    async listOpenPullsByHead(owner, repo, head) {
      calls.push(`pulls ${owner}/${repo} head=${head}`);
      return pulls.filter((p) => p.state === "open" && `${p.head.repo?.full_name.split("/")[0]}:${p.head.ref}` === head);
    },
    async listPullsForCommit(owner, repo, sha) {
      calls.push(`commit-pulls ${owner}/${repo} ${sha}`);
      return pulls.filter((p) => p.head.sha === sha && (opts.commitEndpointSeesForks || p.head.repo?.full_name === `${OWNER}/${REPO}`));
    },
    async listPullFiles(owner, repo, pullNumber) {
      calls.push(`files #${pullNumber}`);
      return (opts.files ?? ["Pulumi.dev.yaml"]).map((filename) => ({ filename }));
    },
    async listIssueComments(owner, repo, issue) {
      calls.push(`comments #${issue}`);
      return comments[issue] ?? [];
    },
    async createIssueComment(owner, repo, issue, body) {
      const id = nextId++;
      writes.push(`create #${issue} ${id}`);
      (comments[issue] ??= []).push({ id, body, user: bot });
      return { id };
    },
    async updateIssueComment(owner, repo, id, body) {
      writes.push(`update ${id}`);
      for (const list of Object.values(comments)) for (const c of list) if (c.id === id) c.body = body;
      return { id };
    },
  };
  return { client, writes, calls, comments };
}
const post = (github: GitHubClient, overrides: { run?: Partial<WorkflowRun>; prNumber?: string; body?: string } = {}) =>
  postCostComment({
    github,
    owner: OWNER,
    repo: REPO,
    run: run(overrides.run),
    artifact: { prNumber: overrides.prNumber ?? "12\n", body: overrides.body ?? BODY },
    // This job's own verdict, here the same report (a PR changing only stack data: the comment is the verdict).
    baseVerdict: overrides.body ?? BODY,
  });

describe("tools/ci/pr-comment.ts", () => {
  const VERDICT = `${COMMENT_MARKER}\n## llm-stack cost\n\n| \`dev\` | … | ❌ llm-stack-cost-budget |\n`;
  const FORK_CLAIM = `${COMMENT_MARKER}\n## llm-stack cost\n\n✅ no violations\n`;

  it("posts the verdict computed with the default branch's code; for a PR that edits the pack, the PR's own report follows, labelled", async () => {
    // A fork's pull request adds GPUs and weakens the pack: its own code claims "no violations".
    const gh = fakeGitHub([pr(12, SHA_A, "mallory/llm-stack")], {}, { files: ["Pulumi.dev.yaml", "policies/cost-budget.ts"] });
    await postCostComment({
      github: gh.client,
      owner: OWNER,
      repo: REPO,
      run: run({ head_repository: { full_name: "mallory/llm-stack" } }),
      artifact: { prNumber: "12", body: FORK_CLAIM },
      baseVerdict: VERDICT,
    });
    const body = gh.comments[12]![0]!.body!;
    expect(body.startsWith(VERDICT.trimEnd())).toBe(true);
    expect(body).toContain(
      "**As the pull request's own code computes it — unverified.** This pull request changes the kit's code, policy pack or dependencies",
    );
    expect(body).toContain("<details><summary>The pull request's own report</summary>\n\n## llm-stack cost\n\n✅ no violations");
  });

  it("posts the default branch's verdict alone for a PR that changes only stack data, and labels a report it could not verify", async () => {
    const data = fakeGitHub([pr(12, SHA_A)], {}, { files: ["Pulumi.dev.yaml"] });
    await postCostComment({
      github: data.client,
      owner: OWNER,
      repo: REPO,
      run: run(),
      artifact: { prNumber: "12", body: FORK_CLAIM },
      baseVerdict: VERDICT,
    });
    expect(data.comments[12]![0]!.body).toBe(VERDICT);
    const unverified = fakeGitHub([pr(12, SHA_A)]);
    await postCostComment({
      github: unverified.client,
      owner: OWNER,
      repo: REPO,
      run: run(),
      artifact: { prNumber: "12", body: FORK_CLAIM },
    });
    expect(unverified.comments[12]![0]!.body).toMatch(
      /^<!-- llm-stack-cost-preview -->\n\*\*As the pull request's own code computes it — unverified\.\*\* No verdict could be computed/,
    );
  });

  it("uses the renderer's marker", () => {
    expect(COMMENT_MARKER).toBe("<!-- llm-stack-cost-preview -->");
    expect(RENDERED_MARKER).toBe("<!-- llm-stack-cost-preview -->");
  });

  it("creates the one sticky comment on the derived pull request, then updates it in place", async () => {
    const gh = fakeGitHub([pr(12, SHA_A), pr(11, SHA_B, `${OWNER}/${REPO}`, "other")]);
    expect(await post(gh.client)).toEqual({ action: "created", pullRequest: 12, commentId: 900 });
    expect(await post(gh.client, { body: `${COMMENT_MARKER}\nsecond` })).toEqual({ action: "updated", pullRequest: 12, commentId: 900 });
    expect(gh.writes).toEqual(["create #12 900", "update 900"]);
    expect(gh.comments[12]).toEqual([{ id: 900, body: `${COMMENT_MARKER}\nsecond`, user: bot }]);
    expect(gh.calls[0]).toBe(`pulls ${OWNER}/${REPO} head=${OWNER}:feature`);
  });

  it("refuses an artifact whose PR number is not the pull request the run belongs to, writing nothing", async () => {
    const gh = fakeGitHub([pr(12, SHA_A), pr(13, SHA_B, `${OWNER}/${REPO}`, "victim")], {
      13: [{ id: 5, body: `${COMMENT_MARKER}\nold`, user: bot }],
    });
    await expect(post(gh.client, { prNumber: "13" })).rejects.toThrow(
      new CommentRefused(`the artifact names pull request #13, but run 7001 (${SHA_A}) belongs to #12`),
    );
    expect(gh.writes).toEqual([]);
    expect(gh.comments[13]![0]!.body).toBe(`${COMMENT_MARKER}\nold`);
  });

  it("refuses when no open pull request has the run's head SHA: pushed since, closed, or another repository's", async () => {
    const cases: Array<[PullRequest[], Partial<WorkflowRun>]> = [
      [[pr(12, SHA_B)], {}],
      [[pr(12, SHA_A, `${OWNER}/${REPO}`, "feature", "closed")], {}],
      [[pr(12, SHA_A)], { head_repository: { full_name: `mallory/${REPO}` } }],
      [[], {}],
    ];
    for (const [pulls, overrides] of cases) {
      const gh = fakeGitHub(pulls, {}, { commitEndpointSeesForks: true });
      await expect(post(gh.client, { run: overrides })).rejects.toThrow(CommentRefused);
      await expect(post(gh.client, { run: overrides })).rejects.toThrow(/^no open pull request into acme\/llm-stack has head /);
      expect(gh.writes).toEqual([]);
    }
  });

  it("refuses to choose between several open pull requests with the same head", async () => {
    const gh = fakeGitHub([pr(12, SHA_A), pr(14, SHA_A)]);
    await expect(post(gh.client)).rejects.toThrow(
      `head ${OWNER}/${REPO}@${SHA_A} is the head of several open pull requests (#12, #14); not choosing one`,
    );
    expect(gh.writes).toEqual([]);
  });

  it("never edits a marker comment someone else wrote: a person, another app's bot", async () => {
    const foreign: IssueComment[] = [
      { id: 1, body: `${COMMENT_MARKER}\nfake numbers`, user: { login: "mallory", type: "User" } },
      { id: 2, body: `${COMMENT_MARKER}\nfake numbers`, user: { login: "renovate[bot]", type: "Bot" } },
      { id: 3, body: `${COMMENT_MARKER}\nfake numbers`, user: { login: BOT_LOGIN, type: "User" } },
      { id: 4, body: "no marker", user: bot },
      { id: 5, body: `${COMMENT_MARKER}\nghost`, user: null },
    ];
    const gh = fakeGitHub([pr(12, SHA_A)], { 12: foreign.map((c) => ({ ...c })) });
    expect(await post(gh.client)).toEqual({ action: "created", pullRequest: 12, commentId: 900 });
    expect(gh.writes).toEqual(["create #12 900"]);
    expect(gh.comments[12]!.slice(0, 5)).toEqual(foreign);
  });

  it("handles a fork: finds its pull request by the fork's owner and branch, matches head repository and SHA", async () => {
    const fork = "contributor/llm-stack-fork";
    // The same branch name in the base repository is another pull request and must not be picked.
    const pulls = [pr(40, SHA_A, fork, "main"), pr(41, SHA_B, `${OWNER}/${REPO}`, "main")];
    const forkRun = { head_repository: { full_name: fork }, head_branch: "main" };
    const gh = fakeGitHub(pulls);
    expect(await post(gh.client, { run: forkRun, prNumber: "40" })).toEqual({ action: "created", pullRequest: 40, commentId: 900 });
    expect(gh.calls[0]).toBe(`pulls ${OWNER}/${REPO} head=contributor:main`);
    // A fork's artifact naming the base repository's pull request is refused.
    await expect(post(gh.client, { run: forkRun, prNumber: "41" })).rejects.toThrow("the artifact names pull request #41, but run 7001");
    // Without a branch name, the commit endpoint is asked; its fork result still has to match.
    const viaCommit = fakeGitHub(pulls, {}, { commitEndpointSeesForks: true });
    expect(await post(viaCommit.client, { run: { ...forkRun, head_branch: null }, prNumber: "40" })).toMatchObject({ pullRequest: 40 });
    expect(viaCommit.calls[0]).toBe(`commit-pulls ${OWNER}/${REPO} ${SHA_A}`);
    expect(gh.writes).toEqual(["create #40 900"]);
  });

  it("refuses a run or an artifact that does not check out before asking GitHub anything", async () => {
    const refusals: Array<[Parameters<typeof post>[1], string]> = [
      [{ run: { event: "push" } }, 'the triggering run was a "push" event, not pull_request'],
      [{ run: { conclusion: "failure" } }, 'the triggering run concluded "failure", not success'],
      [{ run: { repository: { full_name: "mallory/llm-stack" } } }, "the triggering run belongs to mallory/llm-stack, not acme/llm-stack"],
      [{ prNumber: "12; rm -rf /" }, 'the artifact\'s PR number "12; rm -rf /" is not a pull request number'],
      [{ prNumber: "0" }, 'the artifact\'s PR number "0" is not a pull request number'],
      [{ prNumber: "" }, 'the artifact\'s PR number "" is not a pull request number'],
      [{ body: `hello\n${COMMENT_MARKER}` }, `the artifact's comment does not start with ${COMMENT_MARKER}`],
      [{ run: { head_sha: "main" } }, 'the triggering run\'s head SHA "main" is not a commit SHA'],
      [{ run: { head_repository: null } }, "the triggering run 7001 has no head repository"],
    ];
    for (const [overrides, message] of refusals) {
      const gh = fakeGitHub([pr(12, SHA_A)]);
      await expect(post(gh.client, overrides)).rejects.toThrow(new CommentRefused(message));
      expect(gh.writes).toEqual([]);
    }
  });

  it("trims a body over GitHub's limit", async () => {
    const gh = fakeGitHub([pr(12, SHA_A)]);
    await post(gh.client, { body: BODY + "x".repeat(70_000) });
    // The kit's limit, under GitHub's 65,536 characters per comment body.
    expect(gh.comments[12]![0]!.body!.length).toBe(65_000);
  });

  it("runs from the workflow's environment: exit 0 on a post, 1 with an escaped annotation and nothing written on a refusal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-stack-comment-"));
    writeFileSync(join(dir, "event.json"), JSON.stringify({ workflow_run: run() }));
    writeFileSync(join(dir, "cost-preview.md"), BODY);
    const env = { GITHUB_EVENT_PATH: join(dir, "event.json"), GITHUB_REPOSITORY: `${OWNER}/${REPO}`, COST_ARTIFACT_DIR: dir };
    const lines: string[] = [];

    writeFileSync(join(dir, "pr-number.txt"), "12\n");
    const gh = fakeGitHub([pr(12, SHA_A)]);
    expect(await main(env, gh.client, (l) => lines.push(l))).toBe(0);
    expect(gh.writes).toEqual(["create #12 900"]);

    writeFileSync(join(dir, "pr-number.txt"), "13\n");
    const other = fakeGitHub([pr(12, SHA_A)]);
    expect(await main(env, other.client, (l) => lines.push(l))).toBe(1);
    expect(other.writes).toEqual([]);

    writeFileSync(join(dir, "pr-number.txt"), "1\n::warning::x");
    expect(await main(env, other.client, (l) => lines.push(l))).toBe(1);
    expect(await main({ ...env, GITHUB_TOKEN: "" }, undefined, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([
      "created comment 900 on #12",
      `::error::cost comment refused: the artifact names pull request #13, but run 7001 (${SHA_A}) belongs to #12`,
      '::error::cost comment refused: the artifact\'s PR number "1\\n::warning::x" is not a pull request number',
      "::error::cost comment failed: GITHUB_TOKEN is not set",
    ]);
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  it("talks to the REST API with the token, following Link pages", async () => {
    const requests: Array<{ method: string; url: string; body?: string; auth?: string }> = [];
    const pages: Record<string, { json: unknown; link?: string }> = {
      "https://api.example/repos/acme/llm-stack/issues/12/comments?per_page=100": {
        json: [{ id: 1 }],
        link: '<https://api.example/page2>; rel="next", <https://api.example/page2>; rel="last"',
      },
      "https://api.example/page2": { json: [{ id: 2 }] },
      "https://api.example/repos/acme/llm-stack/pulls?state=open&per_page=100&head=contributor%3Amy%2Fbranch": { json: [] },
      "https://api.example/repos/acme/llm-stack/issues/comments/7": { json: { id: 7 } },
    };
    const client = fetchGitHubClient("t0ken", "https://api.example", async (url, init) => {
      requests.push({ method: init.method, url, auth: init.headers.authorization, ...(init.body ? { body: init.body } : {}) });
      const page = pages[url];
      return {
        ok: page !== undefined,
        status: page ? 200 : 404,
        headers: { get: (name: string) => (name === "link" ? (page?.link ?? null) : null) },
        json: async () => page?.json,
        text: async () => "Not Found",
      };
    });
    expect(await client.listIssueComments("acme", "llm-stack", 12)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await client.listOpenPullsByHead("acme", "llm-stack", "contributor:my/branch")).toEqual([]);
    expect(await client.updateIssueComment("acme", "llm-stack", 7, "hi")).toEqual({ id: 7 });
    await expect(client.listPullsForCommit("acme", "llm-stack", SHA_A)).rejects.toThrow(
      `GitHub API GET https://api.example/repos/acme/llm-stack/commits/${SHA_A}/pulls?per_page=100: 404 Not Found`,
    );
    expect(requests.map((r) => `${r.method} ${r.url}`).slice(0, 4)).toEqual([
      "GET https://api.example/repos/acme/llm-stack/issues/12/comments?per_page=100",
      "GET https://api.example/page2",
      "GET https://api.example/repos/acme/llm-stack/pulls?state=open&per_page=100&head=contributor%3Amy%2Fbranch",
      "PATCH https://api.example/repos/acme/llm-stack/issues/comments/7",
    ]);
    expect(requests[3]).toMatchObject({ body: '{"body":"hi"}', auth: "Bearer t0ken" });
  });
});
