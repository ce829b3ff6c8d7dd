/**
 * The stack's ECR pull-through cache as plain data: which upstreams get a rule, and the policy the
 * nodes need to fill it. Pure; components/cluster/image-cache.ts registers the rules.
 */
import { PULL_THROUGH_UPSTREAMS, type PullThroughUpstreamKey, type RegistryCredential } from "../../catalog";

/** A login per upstream credential, where the stack has one. */
export type RegistryLogins<T> = Partial<Record<RegistryCredential, T>>;

/** The upstreams a stack gets rules for: every one that needs no login, and those whose login is given. */
export function cachedUpstreams(logins: RegistryLogins<unknown>): PullThroughUpstreamKey[] {
  return (Object.keys(PULL_THROUGH_UPSTREAMS) as PullThroughUpstreamKey[]).filter((key) => {
    const credential = PULL_THROUGH_UPSTREAMS[key].credential;
    return credential === null || logins[credential] !== undefined;
  });
}

/** What the nodes may do to fill the cache: import upstream images into, and create, the stack's cached repositories. */
export function nodeImagePolicy(accountId: string, region: string, stackPrefix: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullThroughCache",
        Effect: "Allow",
        Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        Resource: `arn:aws:ecr:${region}:${accountId}:repository/${stackPrefix}/*`,
      },
    ],
  };
}
