/**
 * ImageCache: the stack's ECR pull-through cache rules — one per upstream registry its images
 * come from that ECR can mirror (infra/catalog/registries.ts) — and, for Docker Hub and GitHub
 * Container Registry, the Secrets Manager secret each rule pulls with. Pods then pull
 * `<account>.dkr.ecr.<region>.amazonaws.com/<stack prefix>/<upstream>/<repository>:<tag>`
 * (plan/image-source.ts pulledImage): in the region, authenticated upstream, and never under
 * Docker Hub's per-address anonymous limit, which every node behind the stack's one NAT
 * address shares.
 *
 * The nodes' role gets ecr:BatchImportUpstreamImage and ecr:CreateRepository on the stack's
 * prefix only (nodeImagePolicy): a cached repository is created at an image's first pull.
 * Those repositories are ECR's, not Pulumi's: `pulumi destroy` removes the rules and secrets and
 * leaves the cached repositories (delete them with `aws ecr delete-repository --force`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PULL_THROUGH_UPSTREAMS, type PullThroughUpstreamKey, type RegistryCredential } from "../../catalog";
import { cacheRepositoryPrefix } from "../../plan";
import { cachedUpstreams, type RegistryLogins } from "../../manifests/cluster/image-cache";

export interface RegistryLogin {
  username: string;
  /** A Pulumi secret. */
  token: pulumi.Output<string>;
}

export interface ImageCacheArgs {
  stackPrefix: string;
  /** The logins of the upstreams that require one; an upstream without its login gets no rule. */
  logins: RegistryLogins<RegistryLogin>;
}

export class ImageCache extends pulumi.ComponentResource {
  /** The rules: pods wait for them (a pull before its rule exists fails with "repository does not exist"). */
  readonly rules: pulumi.Resource[];

  constructor(name: string, args: ImageCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:cluster:ImageCache", name, {}, opts);
    this.rules = cachedUpstreams(args.logins).map((key) => {
      const upstream = PULL_THROUGH_UPSTREAMS[key];
      const login = upstream.credential ? args.logins[upstream.credential] : undefined;
      let credentialArn: pulumi.Output<string> | undefined;
      const dependsOn: pulumi.Resource[] = [];
      if (login) {
        // ECR requires the `ecr-pullthroughcache/` name prefix and the default aws/secretsmanager key
        // (no kmsKeyId). No recovery window: a destroyed stack's name is free again at once.
        const secret = new aws.secretsmanager.Secret(
          `${name}-${key}-login`,
          {
            name: `ecr-pullthroughcache/${args.stackPrefix}-${key}`,
            description: `The ${key} login of ${args.stackPrefix}'s ECR pull-through cache rule`,
            recoveryWindowInDays: 0,
          },
          { parent: this },
        );
        const version = new aws.secretsmanager.SecretVersion(
          `${name}-${key}-login`,
          {
            secretId: secret.id,
            secretString: pulumi.secret(login.token.apply((accessToken) => JSON.stringify({ username: login.username, accessToken }))),
          },
          { parent: this },
        );
        credentialArn = secret.arn;
        dependsOn.push(version);
      }
      return new aws.ecr.PullThroughCacheRule(
        `${name}-${key}`,
        {
          ecrRepositoryPrefix: cacheRepositoryPrefix(args.stackPrefix, key),
          upstreamRegistryUrl: upstream.upstreamRegistryUrl,
          ...(credentialArn ? { credentialArn } : {}),
        },
        { parent: this, dependsOn },
      );
    });
    this.registerOutputs({});
  }
}
