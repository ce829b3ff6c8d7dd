/**
 * What the kubelet would pull for each pod the program registers, and from where — the rule
 * written independently of infra/plan/image-source.ts:
 * - a reference's registry is its first path component only when that has a `.` or `:` or is
 *   `localhost`; otherwise docker.io, and a one-component name is under `library/`
 *   (distribution/reference normalize.go, splitDockerDomain — what containerd's CRI plugin uses);
 * - ECR's pull-through cache serves `<account>.dkr.ecr.<region>.amazonaws.com/<rule prefix>/<upstream path>`
 *   only under a rule's ecrRepositoryPrefix, and a Docker Hub or GHCR rule only with a Secrets
 *   Manager secret named `ecr-pullthroughcache/…` (ECR User Guide, pull-through-cache-working.html and
 *   pull-through-cache-creating-rule.html; the credentialArn pattern of API_PullThroughCacheRule).
 */
import { type RecordedResource } from "../program-runner";

type Json = Record<string, any>;

/** Every image a pod of these resources pulls: each pod template's containers and init containers, a Prometheus's server and the config reloader its operator injects. */
export function pulledImages(resources: readonly RecordedResource[]): Array<{ resource: string; image: string }> {
  const found: Array<{ resource: string; image: string }> = [];
  const podSpecs = (inputs: Json): Json[] => {
    const spec = inputs.spec;
    if (!spec) return [];
    if (inputs.kind === "LeaderWorkerSet")
      return [spec.leaderWorkerTemplate.leaderTemplate.spec, spec.leaderWorkerTemplate.workerTemplate.spec];
    if (inputs.kind === "CronJob") return [spec.jobTemplate.spec.template.spec];
    if (inputs.kind === "Pod") return [spec];
    return spec.template?.spec ? [spec.template.spec] : [];
  };
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:")) continue;
    const inputs = r.inputs as Json;
    for (const podSpec of podSpecs(inputs)) {
      for (const container of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])])
        found.push({ resource: r.name, image: container.image });
      for (const container of podSpec.containers ?? []) {
        for (const arg of container.args ?? [])
          if (String(arg).startsWith("--prometheus-config-reloader="))
            found.push({ resource: `${r.name} (config reloader)`, image: String(arg).split("=")[1]! });
      }
    }
    if (inputs.kind === "Prometheus")
      found.push({ resource: r.name, image: inputs.spec.image ?? "(the operator's default: quay.io/prometheus/prometheus)" });
  }
  return found;
}

export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  if (slash < 0) return "docker.io";
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

/**
 * Registries pulled from directly, each for a stated reason: ECR cannot cache NGC nor agentgateway's
 * own registry (a set's gateway); AWS's own ECR (the EFA device plugin) authenticates with the node role.
 */
const DIRECT = [/^nvcr\.io$/, /^cr\.agentgateway\.dev$/, /^602401143452\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/];

/** Problems with where the stack's pods pull, or [] when every pull goes through one of the stack's own rules. */
export function imagePullProblems(
  resources: readonly RecordedResource[],
  cache: { accountId: string; region: string; stackPrefix: string },
): string[] {
  const host = `${cache.accountId}.dkr.ecr.${cache.region}.amazonaws.com`;
  const rules = resources.filter((r) => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => r.inputs as Json);
  const problems: string[] = [];
  for (const { resource, image } of pulledImages(resources)) {
    const registry = registryOf(image);
    if (DIRECT.some((pattern) => pattern.test(registry))) continue;
    if (registry !== host) {
      problems.push(`${resource}: ${image} is pulled from ${registry}, not through the stack's cache`);
      continue;
    }
    const path = image.slice(host.length + 1);
    const rule = rules.find((r) => path.startsWith(`${r.ecrRepositoryPrefix}/`));
    if (!rule) {
      problems.push(`${resource}: ${image} matches no pull-through cache rule`);
      continue;
    }
    const needsLogin = ["registry-1.docker.io", "ghcr.io"].includes(rule.upstreamRegistryUrl);
    if (
      needsLogin &&
      !/^arn:aws:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr-pullthroughcache\/[a-zA-Z0-9/_+=.@-]+$/.test(String(rule.credentialArn))
    ) {
      problems.push(
        `${resource}: the rule for ${rule.upstreamRegistryUrl} has no ecr-pullthroughcache/ secret (${String(rule.credentialArn)})`,
      );
    }
  }
  return problems;
}
