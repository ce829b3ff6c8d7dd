/**
 * Finds the vLLM server in a container's command line, however it is started:
 * - `vllm serve <model> …` (the vllm-openai image's entrypoint; `vllm` may be a path);
 * - `python3 -m vllm.entrypoints.openai.api_server …` (also `-m vllm.entrypoints.api_server`,
 *   `-m vllm.entrypoints.cli.main serve …`);
 * - either of them inside `sh -c "<script>"` (or bash, dash, … with `-c`), the script split the
 *   way a POSIX shell splits simple commands;
 * - args alone, when the image's own entrypoint runs them.
 * `vllm bench serve` is not a server: it is vLLM's HTTP benchmark client
 * (vllm/entrypoints/cli/benchmark/serve.py runs vllm/benchmarks/serve.py, which only sends
 * requests), so its --model names the tokenizer's model, not one loaded on a GPU. The other
 * `bench` modes (throughput, latency) start an engine in-process and still count.
 * Kubernetes expands `$(VAR)` in command and args from the container's env before anything runs
 * (k8s.io/kubernetes third_party/forked/golang/expansion), and the shell expands `$VAR`; both are
 * applied with the values the pod spec states. A value from a Secret or ConfigMap is unknown here
 * and stays as written, so a number built from it reads as "not a number" rather than passing.
 */
import { parseVllmArgv, type VllmArgs } from "./parse";

export interface ContainerCommand {
  command?: readonly string[];
  args?: readonly string[];
  /** Plain env values, in the container's order (valueFrom entries are unknown and left out). */
  env?: ReadonlyArray<{ name: string; value?: string }>;
}

/** How the container was recognised as vLLM. */
type VllmEvidence = "vllm serve" | "api_server" | "--model" | "none";

export interface VllmInvocation {
  evidence: VllmEvidence;
  /** vLLM's own argv: what follows the entrypoint. */
  argv: string[];
  args: VllmArgs;
  /** The model served: `vllm serve`'s positional, else --model. */
  model: string | undefined;
  /** The args came out of a shell script (`sh -c`). */
  fromShell: boolean;
  /** Every word of the command line after expansion, scripts split into words: where secrets are looked for. */
  words: string[];
}

/** Kubernetes' `$(VAR)` expansion: `$$` escapes, unknown references stay as written. */
function expandKubernetesVars(text: string, vars: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== "$" || i + 1 >= text.length) {
      out += char;
      continue;
    }
    const next = text[i + 1]!;
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = text.indexOf(")", i + 2);
      const name = close < 0 ? undefined : text.slice(i + 2, close);
      if (name !== undefined && vars.has(name)) {
        out += vars.get(name);
        i = close;
      } else out += char;
    } else out += char;
  }
  return out;
}

/** The env a container's command sees: each value expanded against the entries before it, as the kubelet does. */
function envVars(env: ContainerCommand["env"]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of env ?? []) if (entry.value !== undefined) vars.set(entry.name, expandKubernetesVars(entry.value, vars));
  return vars;
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"]);
const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The script of `sh [options] -c <script>`, wherever the shell appears in the argv. */
function shellScript(argv: readonly string[]): string | undefined {
  const start = argv.findIndex((word) => SHELLS.has(basename(word)));
  if (start < 0) return undefined;
  let sawC = false;
  for (let i = start + 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (/^[-+]o$/.test(word)) {
      i++;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(word)) {
      if (word.startsWith("-") && word.includes("c")) sawC = true;
      continue;
    }
    if (word === "--") continue;
    return sawC ? word : undefined;
  }
  return undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * A POSIX shell script as simple commands of words: blanks separate words; `;`, `&`, `|`, `&&`,
 * `||`, parentheses and newlines separate commands; single quotes are literal; in double quotes
 * `\` escapes `$`, `` ` ``, `"`, `\` and newline; `#` starts a comment at the start of a word;
 * `$NAME`, `${NAME}` and `${NAME:-default}` expand from `vars` and from assignments earlier in the
 * script; unknown and command substitutions stay as written.
 */
export function splitShellCommands(script: string, env: ReadonlyMap<string, string> = new Map()): string[][] {
  const vars = new Map(env);
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length === 0) return;
    // `A=1` or `export A=1` alone sets a shell variable for the commands after it.
    const assignments = words[0] === "export" ? words.slice(1) : words;
    if (assignments.every((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) {
      for (const w of assignments) vars.set(w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1));
    }
    commands.push(words);
    words = [];
  };
  /** Expands the `$` at `i`; returns the text and the index of its last character. */
  const dollar = (i: number): [string, number] => {
    const rest = script.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/.exec(rest);
    if (braced) {
      const value = vars.get(braced[1]!) ?? braced[2];
      return [value ?? `$${braced[0]}`, i + braced[0].length];
    }
    const name = NAME.exec(rest)?.[0];
    if (name) return [vars.get(name) ?? `$${name}`, i + name.length];
    if (rest.startsWith("(")) {
      let depth = 0;
      for (let j = i + 1; j < script.length; j++) {
        if (script[j] === "(") depth++;
        if (script[j] === ")" && --depth === 0) return [script.slice(i, j + 1), j];
      }
    }
    return ["$", i];
  };
  for (let i = 0; i < script.length; i++) {
    const char = script[i]!;
    if (char === "\\") {
      if (script[i + 1] === "\n") i++;
      else if (i + 1 < script.length) [word, inWord, i] = [word + script[i + 1], true, i + 1];
      continue;
    }
    if (char === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      [word, inWord, i] = [word + script.slice(i + 1, end), true, end];
      continue;
    }
    if (char === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        const c = script[i]!;
        if (c === "\\" && i + 1 < script.length && '$`"\\\n'.includes(script[i + 1]!)) {
          if (script[i + 1] !== "\n") word += script[i + 1];
          i++;
        } else if (c === "$") {
          const [text, last] = dollar(i);
          [word, i] = [word + text, last];
        } else word += c;
      }
      continue;
    }
    if (char === "$") {
      const [text, last] = dollar(i);
      [word, inWord, i] = [word + text, true, last];
      continue;
    }
    if (char === "#" && !inWord) {
      while (i + 1 < script.length && script[i + 1] !== "\n") i++;
      continue;
    }
    if (char === " " || char === "\t") {
      endWord();
      continue;
    }
    if ("\n;&|()".includes(char)) {
      endCommand();
      continue;
    }
    [word, inWord] = [word + char, true];
  }
  endCommand();
  return commands;
}

const API_SERVER_MODULES = ["vllm.entrypoints.openai.api_server", "vllm.entrypoints.api_server"];

/** Whether a command's words run vLLM's benchmark client (`vllm bench serve`, or through the CLI module). */
function isBenchmarkClient(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (basename(word) === "vllm") return words[i + 1] === "bench" && words[i + 2] === "serve";
    const module = word === "-m" ? words[i + 1] : word.startsWith("-m") ? word.slice(2) : undefined;
    const after = word === "-m" ? i + 2 : i + 1;
    if (module === "vllm.entrypoints.cli.main") return words[after] === "bench" && words[after + 1] === "serve";
  }
  return false;
}

/** Where vLLM's own argv starts in a command's words, and how vLLM was started. */
function entrypointIn(words: readonly string[]): { evidence: "vllm serve" | "api_server"; rest: string[] } | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (basename(word) === "vllm" && words[i + 1] === "serve") return { evidence: "vllm serve", rest: words.slice(i + 2) };
    const module = word === "-m" ? words[i + 1] : word.startsWith("-m") ? word.slice(2) : undefined;
    if (module === undefined) continue;
    const after = word === "-m" ? i + 2 : i + 1;
    if (API_SERVER_MODULES.includes(module)) return { evidence: "api_server", rest: words.slice(after) };
    if (module === "vllm.entrypoints.cli.main" && words[after] === "serve") return { evidence: "vllm serve", rest: words.slice(after + 1) };
  }
  return undefined;
}

function invocation(evidence: VllmEvidence, argv: string[], fromShell: boolean, words: string[]): VllmInvocation {
  const args = parseVllmArgv(argv);
  // `vllm serve` moves --model to the positional slot (vllm/utils/argparse_utils.py parse_args);
  // a word an unknown switch may have swallowed is the model if nothing else names one.
  const model = evidence === "api_server" ? args.flags.model : (args.positionals[0] ?? args.flags.model ?? args.ambiguous[0]);
  return { evidence, argv, args, model, fromShell, words };
}

/** The vLLM server a container runs, read from its command and args (see the file comment). */
export function readVllmCommand(container: ContainerCommand): VllmInvocation {
  const vars = envVars(container.env);
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((word) => expandKubernetesVars(word, vars));
  const script = shellScript(argv);
  const commands = script === undefined ? [argv] : splitShellCommands(script, vars);
  const words = script === undefined ? argv : [...argv, ...commands.flat()];
  for (const command of commands) {
    const found = entrypointIn(command);
    if (found) return invocation(found.evidence, found.rest, script !== undefined, words);
  }
  // Without an entrypoint in sight: a command line passing --model, else the args the image's
  // own entrypoint receives (the vllm-openai image's is `vllm serve`).
  const programArgs = (command: string[]) => (script === undefined && container.command === undefined ? command : command.slice(1));
  for (const command of commands) {
    const rest = programArgs(command);
    if (isBenchmarkClient(command)) continue;
    if (parseVllmArgv(rest).flags.model !== undefined) return invocation("--model", rest, script !== undefined, words);
  }
  return invocation("none", programArgs(commands[0] ?? []), script !== undefined, words);
}
