/**
 * Loads the Pulumi SDK's function serializer on first use instead of at start-up.
 *
 * `@pulumi/pulumi`'s index loads `runtime/closure/*`, which requires the TypeScript compiler
 * (through `typescript-shim.js`) and npm's `@npmcli/arborist` (with pacote and sigstore: about 300
 * modules) at load time (sdk/nodejs/runtime/closure/parseFunction.ts, codePaths.ts at v3.248.0).
 * Only `serializeFunction` and `computeCodePaths` use them — dynamic providers and function
 * serialization, which this program never does — and the SDK itself already defers the compiler
 * elsewhere for the same reason (sdk/nodejs/tsutils.ts: "avoid always loading"). So the offline
 * runner hands those two requires a stand-in that loads the real module the first time anything is
 * read from it: behaviour is unchanged, the ~0.3 s of loading is spent only if it is needed.
 */
import Module = require("node:module");
import { sep } from "node:path";

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

/** The requests deferred, each only when it comes from inside the Pulumi SDK's own files. */
export const DEFERRED_REQUESTS = ["typescript", "@npmcli/arborist"] as const;
const PULUMI_SDK_DIRECTORY = `${sep}node_modules${sep}@pulumi${sep}pulumi${sep}`;

const moduleInternals = Module as unknown as { _load: Load };
const originalLoad = moduleInternals._load;

/** A stand-in for a module: the first read of any property loads the real module and answers from it. */
export function deferredModule(load: () => unknown): object {
  let real: object | undefined;
  const target = () => (real ??= load() as object);
  return new Proxy(
    {},
    {
      get: (_, key) =>
        // TypeScript's __importStar copies every property of a module without __esModule, which would
        // load it at once; a stand-in that says __esModule is handed through unchanged instead.
        key === "__esModule" && real === undefined ? true : Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
}

let installed = false;
export function deferClosureSerializer(): void {
  if (installed) return;
  installed = true;
  moduleInternals._load = function (this: unknown, request, parent, isMain) {
    if ((DEFERRED_REQUESTS as readonly string[]).includes(request) && parent?.filename?.includes(PULUMI_SDK_DIRECTORY)) {
      return deferredModule(() => originalLoad.call(this, request, parent, isMain));
    }
    return originalLoad.call(this, request, parent, isMain);
  };
}

deferClosureSerializer();
