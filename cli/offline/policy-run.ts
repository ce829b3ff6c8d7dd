/**
 * Runs the pack's policies in-process, the way the CrossGuard engine calls them: each resource
 * policy on every resource of its type, each stack policy once over all resources, the config
 * resolved and validated as the engine does (pack-config.ts: defaults, levels, `all`, JSON-schema
 * checks — plus the pack's own refusal of unknown keys and policy names). An invalid config throws
 * PolicyConfigError naming every problem: nothing runs on a config the engine would refuse. The
 * cost tool uses it to show policy results without the Pulumi CLI; the tests use it to check every
 * rule.
 */
// Before the pack loads the Pulumi SDK (see the file).
import "./defer-closure-serializer";
import type { EnforcementLevel, Policy, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policies/all-policies";
import { resolvePackConfig, type PackConfig } from "../../policies/lib/pack-config";

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  message: string;
}

export type { PackConfig } from "../../policies/lib/pack-config";

/**
 * A registered resource as the pack reads it: the part of what the offline program run records
 * (cli/offline/program-run.ts RecordedResource) that policies see, so the pack never imports the
 * cost tool.
 */
export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, any>;
}

type ResourceClass = { __pulumiType?: string };
const typeOf = (resourceClass: unknown) => (resourceClass as ResourceClass).__pulumiType;

class NotApplicable extends Error {}

export function asPolicyResource(resource: RecordedResource, props: Record<string, any> = resource.inputs): PolicyResource {
  const self: PolicyResource = {
    type: resource.type,
    props,
    urn: `urn:pulumi:test::llm-stack::${resource.type}::${resource.name}`,
    name: resource.name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    } as unknown as PolicyResource["opts"],
    dependencies: [],
    propertyDependencies: {},
    isType: (resourceClass) => typeOf(resourceClass) === resource.type,
    asType: (resourceClass) => (typeOf(resourceClass) === resource.type ? (props as never) : undefined),
  };
  return self;
}

/** The custom resources of a run as the engine hands them to policies (components are not checked). */
export function policyResourcesOf(resources: readonly RecordedResource[]): PolicyResource[] {
  return resources.filter((r) => r.custom).map((r) => asPolicyResource(r));
}

/**
 * A program run under mocks as the engine would hand it to the pack: the engine, not the SDK,
 * registers a default provider for each package the program uses without an explicit one, with the
 * stack's config (`aws:region`) as its inputs (pulumi/pulumi pkg/resource/deploy/providers, default
 * providers), so a policy that reads the region from `pulumi:providers:aws` finds it offline too.
 */
export function withDefaultAwsProvider(resources: readonly RecordedResource[], region: string): RecordedResource[] {
  const usesAws = resources.some((r) => r.type.startsWith("aws:"));
  const hasProvider = resources.some((r) => r.type === "pulumi:providers:aws");
  return usesAws && !hasProvider
    ? [...resources, { type: "pulumi:providers:aws", name: "default", custom: true, inputs: { region } }]
    : [...resources];
}

/** Every violation the pack reports for these resources. */
export async function runPolicies(
  resources: readonly RecordedResource[],
  overrides: PackConfig = {},
  policies: readonly Policy[] = POLICIES,
): Promise<Violation[]> {
  const resolved = resolvePackConfig(policies, overrides);
  const policyResources = policyResourcesOf(resources);
  const violations: Violation[] = [];
  for (const policy of policies) {
    const { level, properties } = resolved.get(policy.name)!;
    if (level === "disabled") continue;
    const report = (message: string) => violations.push({ policy: policy.name, level, message });
    const getConfig = <T extends object>() => ({ ...properties }) as T;
    const notApplicable = (reason?: string): never => {
      throw new NotApplicable(reason);
    };
    // Like the engine: a NotApplicable ends one call (one resource, or the stack), not the policy.
    const call = async (fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    };
    if ("validateStack" in policy) {
      await call(() =>
        (policy as StackValidationPolicy).validateStack(
          { resources: policyResources, stackTags: new Map(), getConfig, notApplicable },
          report,
        ),
      );
      continue;
    }
    const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
    for (const resource of policyResources) {
      for (const validate of validations) {
        // The engine skips resources whose type the typed validation does not cover.
        const only = typeOf(validate);
        if (only !== undefined && only !== resource.type) continue;
        await call(() =>
          validate(
            {
              type: resource.type,
              props: resource.props,
              urn: resource.urn,
              name: resource.name,
              opts: resource.opts,
              stackTags: new Map(),
              isType: resource.isType,
              asType: resource.asType as never,
              getConfig,
              notApplicable,
            },
            report,
          ),
        );
      }
    }
  }
  return violations;
}

export const mandatory = (violations: readonly Violation[]) => violations.filter((v) => v.level === "mandatory");
