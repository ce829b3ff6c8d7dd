/**
 * Stack files — Pulumi.<stack>.yaml next to Pulumi.yaml — in the working tree or at a git ref,
 * read through `git show` without a checkout (a fork's pull request never has its code checked out
 * by anything privileged; this job only reads files).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

export interface StackFile {
  stack: string;
  text: string;
}

export function stackNameOf(fileName: string): string | undefined {
  return STACK_FILE.exec(fileName)?.[1];
}

/** The stack files among `fileNames`, sorted by stack name, each read with `read`. */
function stackFilesAmong(fileNames: readonly string[], read: (fileName: string) => string): StackFile[] {
  return fileNames
    .map((file) => ({ file, stack: stackNameOf(file) }))
    .filter((entry): entry is { file: string; stack: string } => entry.stack !== undefined)
    .sort((a, b) => a.stack.localeCompare(b.stack))
    .map(({ file, stack }) => ({ stack, text: read(file) }));
}

export function workingTreeStacks(directory: string): StackFile[] {
  return stackFilesAmong(readdirSync(directory), (file) => readFileSync(join(directory, file), "utf8"));
}

function git(directory: string, args: string[]): string {
  return execFileSync("git", args, { cwd: directory, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** Throws an Error naming the ref when git does not know it. */
export function stacksAtRef(directory: string, ref: string): StackFile[] {
  try {
    git(directory, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(
      `git ref "${ref}" is not a commit in ${directory}; fetch it (actions/checkout with fetch-depth: 0) or pass another --base`,
    );
  }
  return stackFilesAmong(git(directory, ["ls-tree", "--name-only", ref]).split("\n"), (file) => git(directory, ["show", `${ref}:${file}`]));
}
