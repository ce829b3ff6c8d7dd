/**
 * The import graph keeps its layers, visible from the folders (STYLE.md, "Layers, one direction"):
 * infra/catalog → infra/plan → infra/settings → infra/manifests (pure builders) → infra/components
 * (thin Pulumi classes) → infra/program.ts; policies/ reuse catalog, plan, vllm and pricing only;
 * the applications in cli/ (commands, cost, render, preflight, the offline runners) sit on top and
 * nothing imports them. No cycles inside the planner or the manifests. Every relative import counts,
 * type-only ones included; package imports are checked where a layer must stay free of Pulumi.
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

const FILES = ["infra", "policies", "tools", "cli", "bench"].flatMap((folder) => sourceFiles(join(ROOT, folder)));

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) if (FILES.includes(candidate)) return candidate;
  return undefined;
}

/** file (relative to the repo) → the repo files it imports. */
const GRAPH = new Map(
  FILES.map((file) => {
    const text = readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:from|import|require\()\s*["'](\.[^"']+)["']/g)].map((m) => m[1]!);
    const targets = specifiers.map((s) => resolveImport(file, s)).filter((t): t is string => t !== undefined);
    return [relative(ROOT, file), [...new Set(targets.map((t) => relative(ROOT, t)))]];
  }),
);

const edges = (from: string, to: string) =>
  [...GRAPH].flatMap(([file, targets]) =>
    file.startsWith(from) ? targets.filter((t) => t.startsWith(to)).map((t) => `${file} → ${t}`) : [],
  );

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
    expect(GRAPH.get("infra/plan/reasons.ts")).toContain("infra/plan/deployment-plan.ts");
  });

  it.each([
    // Nothing below the applications imports them.
    ["infra/", "cli/"],
    ["policies/", "cli/"],
    ["tools/", "cli/"],
    ["infra/", "bench/"],
    // The program's library, bottom up.
    ["infra/catalog/", "infra/plan/"],
    ["infra/catalog/", "infra/settings/"],
    ["infra/plan/", "infra/settings/"],
    ["infra/plan/", "infra/manifests/"],
    ["infra/plan/", "infra/components/"],
    ["infra/settings/", "infra/manifests/"],
    ["infra/settings/", "infra/components/"],
    ["infra/manifests/", "infra/components/"],
    ["infra/manifests/", "infra/program.ts"],
    ["infra/components/", "infra/program.ts"],
    ["infra/", "policies/"],
    ["infra/", "tools/"],
    // The pack reuses the catalog, the planner, vLLM's flag table and pricing — never the program.
    ["policies/", "infra/settings/"],
    ["policies/", "infra/manifests/"],
    ["policies/", "infra/components/"],
    ["policies/", "infra/program.ts"],
    ["policies/", "tools/"],
    // The PR-comment poster runs with Node built-ins only.
    ["tools/ci/", "infra/"],
    ["tools/ci/", "policies/"],
  ])("has no import from %s into %s", (from, to) => {
    expect(edges(from, to)).toEqual([]);
  });

  it("keeps Pulumi out of the planner, the settings and the manifest builders, and the pack out of the program's library", () => {
    const pulumiImports = FILES.map((file) => relative(ROOT, file))
      .filter((file) => /^infra\/(catalog|plan|settings|manifests|vllm|pricing)\//.test(file))
      .filter((file) => /(?:from|import|require\()\s*["']@pulumi\//.test(readFileSync(join(ROOT, file), "utf8")));
    expect(pulumiImports).toEqual([]);
  });

  it("has no import cycle inside infra/manifests", () => {
    expect(cyclesWithin("infra/manifests/")).toEqual([]);
  });

  it("has no import cycle inside infra/plan", () => {
    expect(cyclesWithin("infra/plan/")).toEqual([]);
  });
});
