/**
 * The keys a stack sets, checked against the declared table before anything reads their values:
 * an unknown `llm-stack:*` key is an error with the nearest declared key (a misspelt `maxHourlyUsd`
 * would otherwise turn the budget off without a word: the program reads only declared keys), and
 * an encrypted value on a key that is not secret is an error (plain values on secret keys are
 * refused where secrets are read, cross-field.ts). The Pulumi CLI checks neither: keys it does not
 * know from Pulumi.yaml pass untouched (pulumi/pulumi pkg/workspace/config.go validates declared
 * keys only).
 */
import { editDistance, type InputIssue } from "../plan";
import { PROJECT_NAME } from "./coerce";
import { SETTING_KEYS, SETTINGS, type SettingDeclaration } from "./keys";

export interface ConfigEntry {
  /** As in the stack file: `llm-stack:maxModelLen`, `aws:region`. */
  key: string;
  /** Whether the value is encrypted (`secure:` in the stack file, a Pulumi secret in the program). */
  secure: boolean;
}

/** The declared key nearest to `name` (case-insensitive, at most 3 edits), if any. */
export function nearestKey(name: string, candidates: readonly string[] = SETTING_KEYS): string | undefined {
  const scored = candidates
    .map((key) => ({ key, d: editDistance(name, key) }))
    .filter((s) => s.d <= 3)
    .sort((a, b) => a.d - b.d || a.key.localeCompare(b.key));
  return scored[0]?.key;
}

/** Issue paths are the stack file's own keys (`llm-stack:maxHourlyUSD`). */
export function configKeyIssues(entries: readonly ConfigEntry[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const prefix = `${PROJECT_NAME}:`;
  for (const { key, secure } of entries) {
    // A bare key reaches here namespaced: the Pulumi CLI (and stack-file.ts) prefix it with the project.
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const declaration = (SETTINGS as Record<string, SettingDeclaration>)[name];
    if (!declaration) {
      const near = nearestKey(name);
      issues.push({
        path: key,
        value: "(set)",
        expected: `one of the keys declared in Pulumi.yaml (${SETTING_KEYS.length} of them: \`npm run -s cli -- plan --help\` lists the sizing ones)`,
        hint: near
          ? `Did you mean ${prefix}${near}? Rename the key: an unknown key is never read.`
          : "Remove it: an unknown key is never read.",
      });
      continue;
    }
    if (secure && !declaration.secret) {
      issues.push({
        path: key,
        value: "(encrypted)",
        expected: `a plain value: ${name} is not a secret`,
        hint: `Run \`pulumi config set ${name} <value>\` without --secret, so reviews and the cost preview can read it.`,
      });
    }
  }
  return issues;
}
