/**
 * What the vLLM container does at run time with the user it is given — which mocks cannot show.
 * PyTorch's inductor calls Python's getpass.getuser(); the rule below is CPython 3.12's
 * Lib/getpass.py (lines 154–169; vLLM images run Python 3.12): the first non-empty of LOGNAME,
 * USER, LNAME, USERNAME, else the passwd entry of the process's UID, else
 * KeyError("getpwuid(): uid not found: <uid>") — the crash reported for vllm-openai run as UID 1000
 * (ai-dynamo/dynamo#12457, llm-d/llm-d-benchmark#1573).
 */
import { describe, expect, it } from "vitest";
import { vllmManifests } from "../../infra/manifests/serving/vllm";
import { VLLM_RELEASE } from "../../infra/catalog";
import { planDeployment } from "../../infra/plan";

function getuser(env: Record<string, string>, uid: number, passwdUids: readonly number[]): string {
  for (const name of ["LOGNAME", "USER", "LNAME", "USERNAME"]) if (env[name]) return env[name]!;
  if (passwdUids.includes(uid)) return uid === 0 ? "root" : `uid-${uid}`;
  throw new Error(`KeyError: 'getpwuid(): uid not found: ${uid}'`);
}

const manifests = vllmManifests(
  {
    name: "vllm",
    namespace: "llm",
    plan: planDeployment({ model: "llama-3.1-8b-instruct" }),
    image: `${VLLM_RELEASE.image.repository}:${VLLM_RELEASE.image.tag}`,
    weights: { source: "huggingface", hfTokenSet: true },
    nodeSelector: {},
    tolerations: [],
    exposure: "cluster",
    allowedClientNamespaces: [],
    vpcCidr: null,
    efaInterfacesPerPod: 0,
    monitoringNamespace: null,
    autoscaling: null,
  },
  "vllm-secrets",
);
const pod = (manifests.workload as any).spec.template.spec;
const container = pod.containers[0];
const env: Record<string, string> = Object.fromEntries(container.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));

describe("the vLLM container's user", () => {
  it("runs as UID 2000, the vllm user of newer vllm-openai images (vLLM PR #40275), never root", () => {
    expect([pod.securityContext.runAsUser, pod.securityContext.runAsNonRoot]).toEqual([2000, true]);
  });

  it("lets getpass.getuser() name the user in the pinned image, and in an image without a passwd entry for it", () => {
    // v0.33.0 defines the vllm user (vLLM PR #40275); images before it (v0.11.0: root only) do not.
    expect(getuser(env, pod.securityContext.runAsUser, VLLM_RELEASE.passwdUids)).toBe("vllm");
    const rootOnly = [0];
    expect(() => getuser({}, 2000, rootOnly)).toThrow("KeyError: 'getpwuid(): uid not found: 2000'");
    expect(getuser(env, pod.securityContext.runAsUser, rootOnly)).toBe("vllm");
  });

  it("points HOME and every compile cache at the writable cache volume, not the image's root-owned paths", () => {
    const cacheMount = container.volumeMounts.find((m: any) => m.name === "cache").mountPath;
    expect(pod.volumes.find((v: any) => v.name === "cache").emptyDir).toBeDefined();
    for (const name of ["HOME", "HF_HOME", "XDG_CACHE_HOME", "TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR"]) {
      expect(env[name], name).toMatch(new RegExp(`^${cacheMount}/`));
    }
  });
});
