/**
 * The offline runner's deferred load of the Pulumi SDK's function serializer
 * (cli/offline/defer-closure-serializer.ts): the SDK loads without the TypeScript compiler or npm's
 * arborist, and the serializer still works the moment something calls it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { deferredModule } from "../../../cli/offline/defer-closure-serializer";

/**
 * The hook compiled as the published bin runs it (plain Node's require calls Module._load by name;
 * tsx's loader keeps its own reference, so the source file cannot be required through tsx here).
 */
const compiledHook = join(mkdtempSync(join(tmpdir(), "defer-")), "defer-closure-serializer.js");
writeFileSync(
  compiledHook,
  ts.transpileModule(readFileSync("cli/offline/defer-closure-serializer.ts", "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText,
);

/** Loads the SDK behind the hook in a fresh process (the hook is process-global), then runs `then`. */
function inFreshProcess(then: string): string {
  const script = `
    require(${JSON.stringify(compiledHook)});
    const pulumi = require("@pulumi/pulumi");
    const loaded = (part) => Object.keys(require.cache).some((file) => file.includes(part));
    ${then}`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
}

describe("deferred closure serializer", () => {
  it("answers from the real module on first read, and reports __esModule so __importStar hands it through", () => {
    let loads = 0;
    const stand = deferredModule(() => {
      loads += 1;
      return { Arborist: "the class", version: 7 };
    }) as Record<string, unknown>;
    expect((stand as { __esModule?: boolean }).__esModule).toBe(true);
    expect(loads).toBe(0);
    expect(stand.Arborist).toBe("the class");
    expect(Object.keys(stand)).toEqual(["Arborist", "version"]);
    expect(loads).toBe(1);
  });

  it("loads @pulumi/pulumi without typescript or @npmcli/arborist", () => {
    const out = inFreshProcess(`process.stdout.write(JSON.stringify([loaded("/typescript/lib/"), loaded("/@npmcli/arborist/")]));`);
    expect(JSON.parse(out)).toEqual([false, false]);
  });

  it("still serializes a function (the path that needs the compiler), loading it then", async () => {
    const out = inFreshProcess(`
      pulumi.runtime.serializeFunction(() => 6 * 7).then((serialized) => {
        process.stdout.write(JSON.stringify([serialized.text.includes("6 * 7"), loaded("/typescript/lib/")]));
      });`);
    expect(JSON.parse(out)).toEqual([true, true]);
  });
});
