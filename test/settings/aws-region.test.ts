/**
 * The AWS provider's region without aws:region (infra/settings/aws-region.ts), as pulumi-aws resolves
 * it: AWS_REGION, AWS_DEFAULT_REGION (provider/resources.go EnvVars), then the shared-config profile's
 * region (aws-sdk-go-base aws_config.go, WithSharedConfigProfile).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { profileRegion, providerRegion } from "../../infra/settings/aws-region";

const CONFIG = "[default]\nregion = us-west-2\n\n[profile prod] # the team's\nregion=eu-west-1\noutput = json\n";

describe("the AWS provider's region", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"]) process.env[name] = saved[name] ?? "";
  });

  it("reads a profile's region from a shared config file: [default] and [profile NAME]", () => {
    expect([profileRegion(CONFIG, "default"), profileRegion(CONFIG, "prod"), profileRegion(CONFIG, "other")]).toEqual([
      "us-west-2",
      "eu-west-1",
      undefined,
    ]);
  });

  it("takes AWS_REGION, then AWS_DEFAULT_REGION, then the profile (aws:profile over AWS_PROFILE)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "aws-config-")), "config");
    writeFileSync(file, CONFIG);
    process.env.AWS_CONFIG_FILE = file;
    expect(providerRegion({})).toEqual({ region: "us-west-2", from: `profile default in ${file}` });
    process.env.AWS_PROFILE = "prod";
    expect(providerRegion({})?.region).toBe("eu-west-1");
    expect(providerRegion({ "aws:profile": "default" })?.region).toBe("us-west-2");
    process.env.AWS_DEFAULT_REGION = "ap-south-1";
    expect(providerRegion({})).toEqual({ region: "ap-south-1", from: "AWS_DEFAULT_REGION" });
    process.env.AWS_REGION = "us-east-1";
    expect(providerRegion({})).toEqual({ region: "us-east-1", from: "AWS_REGION" });
  });

  it("has none without the variables and without a config file", () => {
    process.env.AWS_CONFIG_FILE = "/nonexistent/aws-config";
    expect(providerRegion({})).toBeUndefined();
  });
});
