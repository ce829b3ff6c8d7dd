/**
 * Reads a file a user names — a stack file, a preview, a workload, a pack config, a benchmark
 * output — only when it is a regular file of bounded size: a device (/dev/zero), a FIFO or a
 * 600 MB file would otherwise hang the tool or exhaust its memory before any message.
 */
import { closeSync, fstatSync, lstatSync, openSync, readFileSync } from "node:fs";

/** Bytes the tool reads of any one input: far above every real stack file, preview or benchmark output. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** An input that cannot be read: Node's error code (or ENOTFILE / EFBIG) and what is there instead, in words. */
export class InputFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "InputFileError";
  }
}

/** Why `path` could not be opened, in words: nothing there, a link to nothing, a directory, or the system's code. */
function openProblem(path: string, code: string): string {
  if (code === "EISDIR") return "It is a directory, not a file.";
  if (code !== "ENOENT") return `It cannot be opened (${code}).`;
  try {
    // lstat sees a link itself where open follows it: a link to nothing.
    return lstatSync(path).isSymbolicLink() ? "It is a symbolic link to a file that does not exist." : "There is no such file.";
  } catch {
    return "There is no such file.";
  }
}

/** The file's bytes; every failure is an InputFileError whose message says what is there instead. */
export function readBoundedFile(path: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new InputFileError(code, openProblem(path, code));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputFileError("EISDIR", "It is a directory, not a file.");
    if (!stat.isFile()) throw new InputFileError("ENOTFILE", "It is not a regular file (a device, a FIFO or a socket).");
    if (stat.size > maxBytes)
      throw new InputFileError(
        "EFBIG",
        `It holds ${stat.size.toLocaleString("en-US")} bytes, over the ${maxBytes.toLocaleString("en-US")} this tool reads.`,
      );
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new InputFileError(code, `It cannot be read (${code}).`);
  } finally {
    closeSync(fd);
  }
}
