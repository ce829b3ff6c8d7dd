/**
 * Stack files — Pulumi.<stack>.yaml next to Pulumi.yaml — in the working tree or at a git ref,
 * read through `git show` without a checkout (a fork's pull request never has its code checked out
 * by anything privileged; this job only reads files).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { PlanInputError } from "../../infra/plan";
import { formatIssue } from "../../infra/plan/errors";
import { decodeStackBytes, readStackBytes } from "../../infra/settings/stack-file";
import { join } from "node:path";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

export interface StackFile {
  stack: string;
  /** The file's text, decoded as the Pulumi CLI decodes it; empty when it could not be read. */
  text: string;
  /** Why the file could not be read or decoded (its own row in the report); absent when it could. */
  unreadable?: string[];
}

export function stackNameOf(fileName: string): string | undefined {
  return STACK_FILE.exec(fileName)?.[1];
}

/**
 * The stack files among `fileNames`, sorted by stack name, each read with `read` and decoded; a file
 * that cannot be read (a dangling link, a directory) or decoded is a stack of its own with the reason.
 */
function stackFilesAmong(fileNames: readonly string[], read: (fileName: string) => Uint8Array): StackFile[] {
  return fileNames
    .map((file) => ({ file, stack: stackNameOf(file) }))
    .filter((entry): entry is { file: string; stack: string } => entry.stack !== undefined)
    .sort((a, b) => a.stack.localeCompare(b.stack))
    .map(({ file, stack }) => {
      try {
        return { stack, text: decodeStackBytes(file, read(file)) };
      } catch (error) {
        if (!(error instanceof PlanInputError)) throw error;
        return { stack, text: "", unreadable: error.issues.map(formatIssue) };
      }
    });
}

export function workingTreeStacks(directory: string): StackFile[] {
  return stackFilesAmong(readdirSync(directory), (file) => readStackBytes(join(directory, file), file, stackNameOf(file) ?? file));
}

function gitBytes(directory: string, args: string[]): Buffer {
  return execFileSync("git", args, { cwd: directory, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

const git = (directory: string, args: string[]) => gitBytes(directory, args).toString("utf8");

/** Throws an Error naming the ref when git does not know it. */
export function stacksAtRef(directory: string, ref: string): StackFile[] {
  try {
    git(directory, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(
      `git ref "${ref}" is not a commit in ${directory}; fetch it (actions/checkout with fetch-depth: 0) or pass another --base`,
    );
  }
  return stackFilesAmong(git(directory, ["ls-tree", "--name-only", ref]).split("\n"), (file) =>
    gitBytes(directory, ["show", `${ref}:${file}`]),
  );
}
