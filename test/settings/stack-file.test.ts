/**
 * The one stack-file reader (infra/settings/stack-file.ts) against the Pulumi CLI's rules: go-yaml
 * v3 decodes stack files (pulumi/pulumi sdk/go/common/workspace/loaders.go), so a UTF-8 or UTF-16
 * byte-order mark is read (yaml.v3 readerc.go yaml_parser_determine_encoding), merge keys expand
 * (yaml.v3 decode.go d.merge), and the AWS provider's region falls back to AWS_REGION, then
 * AWS_DEFAULT_REGION; an ESC `environment:` import is named, its values unknown.
 */
import { afterEach, describe, expect, it } from "vitest";
import { decodeStackBytes, parseStackFile, stackFileName } from "../../infra/settings/stack-file";

const TEXT = "config:\n  aws:region: us-west-2\n  llm-stack:model: phi-3.5-mini-instruct\n";

describe("stack file reader", () => {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("reads UTF-8 with a BOM and UTF-16 LE/BE with theirs, as the Pulumi CLI does", () => {
    const utf16be = Buffer.from(TEXT, "utf16le").swap16();
    for (const bytes of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
    ])
      expect(parseStackFile("s", decodeStackBytes("Pulumi.s.yaml", bytes)).values).toEqual({ model: "phi-3.5-mini-instruct" });
  });

  it("refuses a byte that is not UTF-8, naming its line", () => {
    expect(() => decodeStackBytes("Pulumi.s.yaml", Buffer.concat([Buffer.from(TEXT), Buffer.from([0xc3, 0x28, 0x0a])]))).toThrow(
      'Pulumi.s.yaml: got "line 4"; expected UTF-8 text',
    );
  });

  it("expands YAML merge keys", () => {
    const file = parseStackFile(
      "s",
      "shared: &shared\n  llm-stack:model: phi-3.5-mini-instruct\nconfig:\n  <<: *shared\n  aws:region: us-east-1\n",
    );
    expect(file.values).toEqual({ model: "phi-3.5-mini-instruct" });
  });

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION, when the file has none, and says which", () => {
    delete process.env.AWS_REGION;
    process.env.AWS_DEFAULT_REGION = "eu-west-1";
    const text = "config:\n  llm-stack:model: phi-3.5-mini-instruct\n";
    expect([parseStackFile("s", text).region, parseStackFile("s", text).regionFrom]).toEqual(["eu-west-1", "AWS_DEFAULT_REGION"]);
    process.env.AWS_REGION = "us-west-2";
    expect([parseStackFile("s", text).region, parseStackFile("s", text).regionFrom]).toEqual(["us-west-2", "AWS_REGION"]);
    // The file's own aws:region wins over both.
    expect([parseStackFile("s", TEXT.replace("us-west-2", "us-east-1")).region, parseStackFile("s", TEXT).regionFrom]).toEqual([
      "us-east-1",
      "aws:region",
    ]);
  });

  it("names the ESC environments a stack imports, in both of Pulumi's forms", () => {
    expect(parseStackFile("s", `environment:\n  - acme/llm-prod\n${TEXT}`).environments).toEqual(["acme/llm-prod"]);
    expect(parseStackFile("s", `environment:\n  imports:\n    - acme/a\n    - acme/b\n${TEXT}`).environments).toEqual(["acme/a", "acme/b"]);
    expect(parseStackFile("s", TEXT).environments).toEqual([]);
  });

  it("maps a fully qualified stack name to its file", () => {
    expect(stackFileName("acme/llm-stack/dev")).toEqual({ name: "dev", project: "llm-stack" });
    expect(stackFileName("dev")).toEqual({ name: "dev", project: undefined });
  });
});

describe("the Pulumi CLI's reading rules beyond YAML", () => {
  it("namespaces a bare key with the project, as Pulumi does (loaders.go stackConfigNamespacedWithProject)", () => {
    expect(parseStackFile("s", "config:\n  aws:region: us-east-1\n  model: phi-3.5-mini-instruct\n").values).toEqual({
      model: "phi-3.5-mini-instruct",
    });
  });

  it("reads the first document of a stream only (go-yaml's Unmarshal)", () => {
    expect(parseStackFile("s", `${TEXT}---\nconfig:\n  llm-stack:model: other\n`).values).toEqual({ model: "phi-3.5-mini-instruct" });
  });

  it("refuses control characters go-yaml refuses (readerc.go), naming the line", () => {
    expect(() => decodeStackBytes("Pulumi.s.yaml", Buffer.from(`${TEXT}  # bell \u0007\n`))).toThrow(
      'Pulumi.s.yaml: got "line 4"; expected printable text',
    );
    // UTF-16 without its byte-order mark reads as UTF-8 full of NULs: refused the same way.
    expect(() => decodeStackBytes("Pulumi.s.yaml", Buffer.from(TEXT, "utf16le"))).toThrow("U+0000");
  });

  it("names the imports of an inline ESC definition and says it defines values in place", () => {
    const text = `environment:\n  imports:\n    - acme/base\n    - acme/secrets:\n        merge: false\n  values:\n    x: 1\n${TEXT}`;
    expect(parseStackFile("s", text).environments).toEqual(["acme/base", "acme/secrets", "(inline values)"]);
    expect(parseStackFile("s", `environment: acme/base\n${TEXT}`).problems.map((p) => p.expected)).toEqual([
      "a list of Pulumi ESC environment names, or an inline ESC definition (imports:, values:)",
    ]);
  });
});

describe("integers go-yaml reads otherwise", () => {
  it("refuses a plain 017 or 1_000, which the Pulumi CLI reads as 15 and 1000 (strconv.ParseInt base 0), and takes them quoted", () => {
    expect(() => parseStackFile("s", `${TEXT}  llm-stack:replicas: 017\n`)).toThrow(
      'got "line 4: 017"; expected a plain decimal, or a quoted value',
    );
    expect(() => parseStackFile("s", `${TEXT}  llm-stack:maxNodes: 1_000\n`)).toThrow("line 4: 1_000");
    expect(parseStackFile("s", `${TEXT}  llm-stack:replicas: "017"\n  llm-stack:maxNodes: 10\n`).values).toEqual({
      model: "phi-3.5-mini-instruct",
      replicas: "017",
      maxNodes: 10,
    });
  });
});
