/**
 * The region the AWS provider deploys to when a stack sets no `aws:region`, as pulumi-aws resolves
 * it: AWS_REGION, then AWS_DEFAULT_REGION (provider/resources.go, the `region` config's EnvVars),
 * then the region of the shared-config profile the provider uses — `aws:profile`, else AWS_PROFILE,
 * else `default` — in `aws:sharedConfigFiles`' first file, else AWS_CONFIG_FILE, else ~/.aws/config
 * (aws-sdk-go-base aws_config.go: config.WithRegion("") with WithSharedConfigProfile). On an EC2
 * instance the SDK would go on to ask the instance metadata service; that cannot be known offline.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { REGIONS } from "../catalog";
import { type InputIssue } from "../plan";

/** The problem of a stack with no region anywhere the provider looks: the same words for the program and every tool. */
export const MISSING_REGION_ISSUE: InputIssue = {
  path: "aws:region",
  value: undefined,
  expected: `one of ${REGIONS.join(", ")} (the AWS provider needs a region: aws:region, else AWS_REGION, AWS_DEFAULT_REGION or the AWS profile's region)`,
  hint: "Set it: `pulumi config set aws:region us-east-1` (on an EC2 instance the provider could also ask the instance's metadata, which cannot be read offline).",
};

export interface ProviderRegion {
  region: string;
  /** Where it came from, in words: "AWS_REGION", "profile default in /home/me/.aws/config". */
  from: string;
}

/** `region` of `[default]` or `[profile NAME]` in an AWS shared config file's text. */
export function profileRegion(text: string, profile: string): string | undefined {
  const wanted = profile === "default" ? ["default", "profile default"] : [`profile ${profile}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      inSection = wanted.includes(section[1]!.replace(/\s+/g, " "));
      continue;
    }
    const pair = /^region\s*=\s*(\S+)$/.exec(line);
    if (inSection && pair) return pair[1];
  }
  return undefined;
}

export function providerRegion(config: Readonly<Record<string, unknown>> = {}): ProviderRegion | undefined {
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"] as const) {
    const value = process.env[name]?.trim();
    if (value) return { region: value, from: name };
  }
  const profile =
    (typeof config["aws:profile"] === "string" ? config["aws:profile"] : undefined) ?? (process.env.AWS_PROFILE?.trim() || "default");
  // A list in a stack file; JSON text in the config map the Pulumi CLI hands the program.
  const given = config["aws:sharedConfigFiles"];
  let files: unknown = given;
  if (typeof given === "string") {
    try {
      files = JSON.parse(given) as unknown;
    } catch {
      files = [given];
    }
  }
  const file =
    (Array.isArray(files) && typeof files[0] === "string" ? files[0] : undefined) ??
    (process.env.AWS_CONFIG_FILE?.trim() || join(homedir(), ".aws", "config"));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const region = profileRegion(text, profile);
  return region ? { region, from: `profile ${profile} in ${file}` } : undefined;
}
