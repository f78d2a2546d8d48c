import { InvalidPolicyError } from "./errors.js";

export interface DenyPattern {
  readonly source: string;
  readonly regex: RegExp;
}

/** Compiles the policy's deny patterns case-insensitively; an empty or invalid pattern is a policy error. */
export function compileDenyPatterns(sources: readonly string[]): readonly DenyPattern[] {
  return sources.map((source) => {
    if (typeof source !== "string" || source.length === 0) {
      throw new InvalidPolicyError("deny pattern must be a non-empty string", String(source));
    }
    try {
      // No g/y flag: a stateful lastIndex would make test() alternate between calls.
      return { source, regex: new RegExp(source, "iu") };
    } catch (cause) {
      throw new InvalidPolicyError(`deny pattern ${source} is not a valid regular expression`, source, { cause });
    }
  });
}

/** The first deny pattern matching the column name, in policy order. */
export function matchDenyPattern(patterns: readonly DenyPattern[], column: string): DenyPattern | undefined {
  return patterns.find((pattern) => pattern.regex.test(column));
}
