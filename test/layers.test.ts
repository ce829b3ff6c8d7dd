/**
 * The import graph keeps its layers (STYLE.md, "Layers, one direction"): catalog → plan → settings
 * → components → program; render below cli and cost; policies never import the cost tool or the
 * CLI; the offline runners in tools/offline depend on the program and the pack, never the reverse;
 * no cycles inside the planner. Every relative import counts, type-only ones included.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === "node_modules") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

const FILES = [...sourceFiles(join(ROOT, "infra")), ...sourceFiles(join(ROOT, "policies")), ...sourceFiles(join(ROOT, "tools"))];

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) if (FILES.includes(candidate)) return candidate;
  return undefined;
}

/** file (relative to the repo) → the repo files it imports. */
const GRAPH = new Map(FILES.map((file) => {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*["'](\.[^"']+)["']/g)].map((m) => m[1]!);
  const targets = specifiers.map((s) => resolveImport(file, s)).filter((t): t is string => t !== undefined);
  return [relative(ROOT, file), [...new Set(targets.map((t) => relative(ROOT, t)))]];
}));

const edges = (from: string, to: string) =>
  [...GRAPH].flatMap(([file, targets]) => (file.startsWith(from) ? targets.filter((t) => t.startsWith(to)).map((t) => `${file} → ${t}`) : []));

function cyclesWithin(prefix: string): string[][] {
  const nodes = [...GRAPH.keys()].filter((f) => f.startsWith(prefix) && !f.endsWith("index.ts"));
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of (GRAPH.get(node) ?? []).filter((t) => nodes.includes(t))) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  return cycles;
}

describe("layers", () => {
  it("reads the graph: the program imports its wiring, the planner its leaf types", () => {
    expect(GRAPH.get("infra/index.ts")).toContain("infra/program.ts");
    expect(GRAPH.get("infra/plan/economics.ts")).toContain("infra/plan/deployment-plan.ts");
  });

  it.each([
    ["infra/cost/", "infra/cli/"],
    ["infra/render/", "infra/cli/"],
    ["policies/", "infra/cost/"],
    ["policies/", "infra/cli/"],
    ["infra/plan/", "infra/settings/"],
    ["infra/plan/", "infra/components/"],
    ["infra/catalog/", "infra/plan/"],
    ["infra/catalog/", "infra/settings/"],
    ["infra/settings/", "infra/components/"],
    // The offline runners (the program under mocks, the pack in process) serve the tools above them:
    // the program, the planner and the policies never depend on them.
    ["policies/", "tools/"],
    ["infra/plan/", "tools/"],
    ["infra/settings/", "tools/"],
    ["infra/components/", "tools/"],
    ["infra/program.ts", "tools/"],
    ["infra/index.ts", "tools/"],
  ])("has no import from %s into %s", (from, to) => {
    expect(edges(from, to)).toEqual([]);
  });

  it("has no import cycle inside infra/plan", () => {
    expect(cyclesWithin("infra/plan/")).toEqual([]);
  });
});
