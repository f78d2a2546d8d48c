import type { ConfigItemIssue } from "../errors.js";

/**
 * Reports items whose keys differ only in letter case where the classification engine matches case-insensitively
 * (table and column names): DynamoDB stores both, and which one wins would be an accident.
 */
export function reportCaseDuplicates<T>(
  table: string,
  values: readonly T[],
  key: (value: T) => Record<string, string>,
  normalise: (value: T) => string,
  issues: ConfigItemIssue[],
): void {
  const first = new Map<string, Record<string, string>>();
  for (const value of values) {
    const id = normalise(value);
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, key(value));
      continue;
    }
    const clash = Object.values(earlier)
      .map((v) => JSON.stringify(v))
      .join("/");
    issues.push({ table, key: key(value), attribute: undefined, reason: `same key as ${clash} ignoring letter case` });
  }
}
