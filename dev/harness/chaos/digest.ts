import { createHash } from "node:crypto";

/**
 * An order-independent fingerprint of a multiset of rows: the count and the SHA-256 of the sorted canonical row
 * strings (harness/classified-rows.ts rowKey). Equal digests mean the same rows the same number of times, whatever
 * the files' order or split; a duplicated or missing row changes both.
 */
export interface RowDigest {
  readonly rows: number;
  readonly checksum: string;
}

export interface DigestedRows extends RowDigest {
  /** The sorted row strings, kept to show a difference. */
  readonly keys: readonly string[];
}

export function digestRows(keys: readonly string[]): DigestedRows {
  const sorted = [...keys].sort();
  const hash = createHash("sha256");
  // Length-prefixed: a value holding a line break cannot pass for a row boundary.
  for (const key of sorted) hash.update(`${key.length}:${key}`);
  return { rows: sorted.length, checksum: hash.digest("hex"), keys: sorted };
}

/** Rows one side has more often than the other (at most `limit` of each), for a violation's detail. */
export function rowDifference(
  expected: readonly string[],
  actual: readonly string[],
  limit = 3,
): { missing: string[]; unexpected: string[]; missingCount: number; unexpectedCount: number } {
  const counts = new Map<string, number>();
  for (const key of expected) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) - 1);
  const missing: string[] = [];
  const unexpected: string[] = [];
  let missingCount = 0;
  let unexpectedCount = 0;
  for (const [key, n] of counts) {
    if (n > 0) {
      missingCount += n;
      if (missing.length < limit) missing.push(key);
    } else if (n < 0) {
      unexpectedCount -= n;
      if (unexpected.length < limit) unexpected.push(key);
    }
  }
  return { missing, unexpected, missingCount, unexpectedCount };
}
