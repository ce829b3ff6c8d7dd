/**
 * The privileged half of the PR cost comment (.github/workflows/cost-comment.yml, on `workflow_run`).
 *
 * The artifact it posts was produced by the pull request's own code (forks included), so nothing in
 * it is trusted but its text: the pull request is derived from the triggering run — its head SHA and
 * head repository, which GitHub sets — through the API, and an artifact whose PR number names any
 * other pull request is refused before anything is written. The one sticky comment is found by its
 * marker *and* this workflow's bot identity; a marker written by anyone else is left alone.
 *
 * The verdict it posts is not the artifact's: a fork controls the code that produced it (and the
 * workflow that ran it). The job computes its own, with the default branch's code and policy pack
 * on the pull request's stack files (data, copied into the artifact), and posts that; when the pull
 * request changes the kit's code, its pack or its dependencies (the changed files come from the API,
 * not the artifact), the artifact's report follows, labelled as the pull request's own, unverified.
 *
 * Run by the workflow as `npx tsx tools/ci/pr-comment.ts` (inputs: GITHUB_EVENT_PATH, GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_API_URL, COST_ARTIFACT_DIR, BASE_VERDICT_PATH). Depends on nothing but
 * Node built-ins.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Equal to COMMENT_MARKER in cli/render/render-markdown.ts (a test pins it). */
export const COMMENT_MARKER = "<!-- llm-stack-cost-preview -->";
/** The identity GITHUB_TOKEN writes as. */
export const BOT_LOGIN = "github-actions[bot]";
/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_BODY_CHARS = 65_000;

export interface PullRequest {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user: { login: string; type: string } | null;
}

/** The few REST calls the comment needs; the real one is `fetchGitHubClient`, tests pass a fake. */
export interface GitHubClient {
  /** GET /repos/{owner}/{repo}/pulls?state=open&head={head}, every page. */
  listOpenPullsByHead(owner: string, repo: string, head: string): Promise<PullRequest[]>;
  /** GET /repos/{owner}/{repo}/commits/{sha}/pulls, every page. */
  listPullsForCommit(owner: string, repo: string, sha: string): Promise<PullRequest[]>;
  /** GET /repos/{owner}/{repo}/pulls/{number}/files, every page: the paths the pull request changes. */
  listPullFiles(owner: string, repo: string, pullNumber: number): Promise<Array<{ filename: string }>>;
  /** GET /repos/{owner}/{repo}/issues/{number}/comments, every page. */
  listIssueComments(owner: string, repo: string, issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(owner: string, repo: string, issueNumber: number, body: string): Promise<{ id: number }>;
  updateIssueComment(owner: string, repo: string, commentId: number, body: string): Promise<{ id: number }>;
}

/** The fields of `github.event.workflow_run` the derivation uses. */
export interface WorkflowRun {
  id: number;
  event: string;
  conclusion: string | null;
  head_sha: string;
  head_branch: string | null;
  head_repository: { full_name: string } | null;
  repository: { full_name: string };
}

/** The artifact's two files, as text. */
export interface CostArtifact {
  prNumber: string;
  body: string;
}

export interface CommentResult {
  action: "created" | "updated";
  pullRequest: number;
  commentId: number;
}

/**
 * Paths whose change makes the pull request's own report untrustworthy as a verdict: the kit's code,
 * its policy pack and config, vendored manifests, dependencies and the build.
 */
export const CODE_PATHS =
  /^(infra|cli|policies|tools|bin|charts|bench)\/|^package(-lock)?\.json$|^tsconfig\.json$|^Pulumi\.yaml$|^\.github\//;

/**
 * The comment: the verdict computed here with the default branch's code, then — when the pull
 * request changes code — the artifact's report, labelled as the pull request's own. Without a
 * verdict of this job's own, the artifact's report alone, labelled the same way.
 */
export function composeBody(baseVerdict: string | undefined, prOwnReport: string, changesCode: boolean): string {
  const own = prOwnReport.slice(COMMENT_MARKER.length).trim();
  const labelled = (lead: string) =>
    `**As the pull request's own code computes it — unverified.** ${lead}\n\n<details><summary>The pull request's own report</summary>\n\n${own}\n\n</details>\n`;
  if (baseVerdict === undefined) {
    return `${COMMENT_MARKER}\n${labelled("No verdict could be computed with the default branch's code; this report comes from the pull request's own code and may say anything.")}`;
  }
  if (!changesCode) return baseVerdict;
  return `${baseVerdict.trimEnd()}\n\n---\n\n${labelled("This pull request changes the kit's code, policy pack or dependencies: the verdict above was computed with the default branch's code on its stack files; its own code reports:")}`;
}

/** A refusal: nothing was written. */
export class CommentRefused extends Error {
  override name = "CommentRefused";
}

const SHA = /^[0-9a-f]{40}$/;

/** The one open pull request into owner/repo whose head is exactly the run's head SHA and head repository. */
export async function derivePullRequest(github: GitHubClient, owner: string, repo: string, run: WorkflowRun): Promise<PullRequest> {
  const headRepo = run.head_repository?.full_name;
  if (!SHA.test(run.head_sha))
    throw new CommentRefused(`the triggering run's head SHA ${JSON.stringify(run.head_sha)} is not a commit SHA`);
  if (!headRepo) throw new CommentRefused(`the triggering run ${run.id} has no head repository`);
  const base = `${owner}/${repo}`;
  const matches = (pr: PullRequest) =>
    pr.state === "open" && pr.head.sha === run.head_sha && pr.head.repo?.full_name === headRepo && pr.base.repo.full_name === base;

  // By head branch first: it finds fork pull requests, which the commit endpoint may not list.
  const found = new Map<number, PullRequest>();
  if (run.head_branch) {
    const headOwner = headRepo.split("/")[0]!;
    for (const pr of await github.listOpenPullsByHead(owner, repo, `${headOwner}:${run.head_branch}`))
      if (matches(pr)) found.set(pr.number, pr);
  }
  if (found.size === 0)
    for (const pr of await github.listPullsForCommit(owner, repo, run.head_sha)) if (matches(pr)) found.set(pr.number, pr);

  const prs = [...found.values()];
  if (prs.length === 0) throw new CommentRefused(`no open pull request into ${base} has head ${headRepo}@${run.head_sha}`);
  if (prs.length > 1)
    throw new CommentRefused(
      `head ${headRepo}@${run.head_sha} is the head of several open pull requests (${prs.map((p) => `#${p.number}`).join(", ")}); not choosing one`,
    );
  return prs[0]!;
}

/**
 * Posts or updates the sticky cost comment on the pull request the triggering run belongs to.
 * Throws CommentRefused, having written nothing, when the run, the artifact or the derived pull
 * request does not check out.
 */
export async function postCostComment(input: {
  github: GitHubClient;
  owner: string;
  repo: string;
  run: WorkflowRun;
  artifact: CostArtifact;
  /** This job's own report: the default branch's code and pack on the pull request's stack files. */
  baseVerdict?: string;
  botLogin?: string;
}): Promise<CommentResult> {
  const { github, owner, repo, run, artifact } = input;
  const botLogin = input.botLogin ?? BOT_LOGIN;
  if (run.event !== "pull_request")
    throw new CommentRefused(`the triggering run was a ${JSON.stringify(run.event)} event, not pull_request`);
  if (run.conclusion !== "success") throw new CommentRefused(`the triggering run concluded ${JSON.stringify(run.conclusion)}, not success`);
  if (run.repository.full_name !== `${owner}/${repo}`)
    throw new CommentRefused(`the triggering run belongs to ${run.repository.full_name}, not ${owner}/${repo}`);

  const claimed = artifact.prNumber.trim();
  if (!/^[1-9][0-9]{0,9}$/.test(claimed))
    throw new CommentRefused(`the artifact's PR number ${JSON.stringify(claimed.slice(0, 40))} is not a pull request number`);
  if (!artifact.body.startsWith(COMMENT_MARKER)) throw new CommentRefused(`the artifact's comment does not start with ${COMMENT_MARKER}`);
  if (input.baseVerdict !== undefined && !input.baseVerdict.startsWith(COMMENT_MARKER))
    throw new CommentRefused(`the verdict computed with the default branch's code does not start with ${COMMENT_MARKER}`);

  const pr = await derivePullRequest(github, owner, repo, run);
  if (Number(claimed) !== pr.number)
    throw new CommentRefused(`the artifact names pull request #${claimed}, but run ${run.id} (${run.head_sha}) belongs to #${pr.number}`);

  const files = await github.listPullFiles(owner, repo, pr.number);
  const changesCode = files.some((f) => CODE_PATHS.test(f.filename));
  const body = composeBody(input.baseVerdict, artifact.body, changesCode).slice(0, MAX_BODY_CHARS);
  const comments = await github.listIssueComments(owner, repo, pr.number);
  const mine = comments.find((c) => c.user?.type === "Bot" && c.user.login === botLogin && (c.body ?? "").startsWith(COMMENT_MARKER));
  if (mine) {
    await github.updateIssueComment(owner, repo, mine.id, body);
    return { action: "updated", pullRequest: pr.number, commentId: mine.id };
  }
  const created = await github.createIssueComment(owner, repo, pr.number, body);
  return { action: "created", pullRequest: pr.number, commentId: created.id };
}

type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

/** A GitHubClient over the REST API with a token; follows `Link: rel="next"` pages. */
export function fetchGitHubClient(
  token: string,
  apiUrl = "https://api.github.com",
  fetchImpl: Fetch = fetch as unknown as Fetch,
): GitHubClient {
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "x-github-api-version": "2022-11-28",
    "user-agent": "llm-stack-cost-comment",
  };
  const path = (...parts: Array<string | number>) => parts.map((p) => encodeURIComponent(String(p))).join("/");
  const request = async (method: string, url: string, body?: unknown) => {
    const response = await fetchImpl(url, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`GitHub API ${method} ${url}: ${response.status} ${(await response.text()).slice(0, 500)}`);
    return response;
  };
  const all = async <T>(url: string): Promise<T[]> => {
    const items: T[] = [];
    for (let next: string | undefined = url; next;) {
      const response = await request("GET", next);
      items.push(...((await response.json()) as T[]));
      next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    }
    return items;
  };
  const repoUrl = (owner: string, repo: string) => `${apiUrl}/repos/${path(owner)}/${path(repo)}`;
  return {
    listOpenPullsByHead: (owner, repo, head) =>
      all(`${repoUrl(owner, repo)}/pulls?state=open&per_page=100&head=${encodeURIComponent(head)}`),
    listPullsForCommit: (owner, repo, sha) => all(`${repoUrl(owner, repo)}/commits/${path(sha)}/pulls?per_page=100`),
    listPullFiles: (owner, repo, pullNumber) => all(`${repoUrl(owner, repo)}/pulls/${path(pullNumber)}/files?per_page=100`),
    listIssueComments: (owner, repo, issueNumber) => all(`${repoUrl(owner, repo)}/issues/${path(issueNumber)}/comments?per_page=100`),
    createIssueComment: async (owner, repo, issueNumber, body) =>
      (await (await request("POST", `${repoUrl(owner, repo)}/issues/${path(issueNumber)}/comments`, { body })).json()) as { id: number },
    updateIssueComment: async (owner, repo, commentId, body) =>
      (await (await request("PATCH", `${repoUrl(owner, repo)}/issues/comments/${path(commentId)}`, { body })).json()) as { id: number },
  };
}

/** The workflow step: reads the event, the artifact directory and the token from the environment. Returns the exit code. */
export async function main(env: NodeJS.ProcessEnv, github?: GitHubClient, log: (line: string) => void = console.log): Promise<number> {
  try {
    const need = (name: string) => {
      const value = env[name];
      if (!value) throw new Error(`${name} is not set`);
      return value;
    };
    const event = JSON.parse(readFileSync(need("GITHUB_EVENT_PATH"), "utf8")) as { workflow_run?: WorkflowRun };
    if (!event.workflow_run) throw new CommentRefused("the event is not a workflow_run");
    const [owner, repo, ...rest] = need("GITHUB_REPOSITORY").split("/");
    if (!owner || !repo || rest.length > 0) throw new Error(`GITHUB_REPOSITORY ${env.GITHUB_REPOSITORY} is not owner/repo`);
    const dir = need("COST_ARTIFACT_DIR");
    const artifact = {
      prNumber: readFileSync(join(dir, "pr-number.txt"), "utf8"),
      body: readFileSync(join(dir, "cost-preview.md"), "utf8"),
    };
    const client = github ?? fetchGitHubClient(need("GITHUB_TOKEN"), env.GITHUB_API_URL || undefined);
    // The verdict this job computed itself; absent when that step produced none (the comment then says so).
    let baseVerdict: string | undefined;
    try {
      baseVerdict = env.BASE_VERDICT_PATH ? readFileSync(env.BASE_VERDICT_PATH, "utf8") : undefined;
    } catch {
      baseVerdict = undefined;
    }
    const result = await postCostComment({ github: client, owner, repo, run: event.workflow_run, artifact, baseVerdict });
    log(`${result.action} comment ${result.commentId} on #${result.pullRequest}`);
    return 0;
  } catch (error) {
    // Escaped as a workflow command's data must be, so no text can start a command of its own.
    const message = (error as Error).message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    log(`::error::cost comment ${error instanceof CommentRefused ? "refused" : "failed"}: ${message}`);
    return 1;
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  void main(process.env).then((code) => {
    process.exitCode = code;
  });
}
