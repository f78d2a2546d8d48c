/**
 * SQLSTATE classes of errors another attempt cannot fix: data exceptions (22), integrity violations (23), invalid
 * transaction state (25 except read-only failover, 25006), syntax or access rules (42), feature not supported (0A),
 * dependent objects (2B), and unknown catalog or schema (3D, 3F). Authentication failures (28) stay retryable: a
 * password rotated in the database before the deployment's secret is a state that passes.
 */
const PERMANENT_SQLSTATE = /^(22|23|42|0A|2B|3D|3F)|^25(?!006)/;

/** The SQLSTATE of a PostgreSQL error (pg's `code`), or null when the failure carries none (a dropped socket). */
export function sqlstateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Whether a PostgreSQL failure may pass on another attempt: yes unless the database rejected the statement itself.
 * Connection resets, "Connection terminated unexpectedly", pool timeouts, DNS failures and failover states
 * (08xxx, 53300, 57P01, 25006, ...) carry no code or varied ones, so the list names what is permanent rather than
 * what is transient: losing work over a blip is worse than retrying a statement that fails again.
 */
export function isRetryablePostgresError(error: unknown): boolean {
  const sqlstate = sqlstateOf(error);
  return sqlstate === null || !PERMANENT_SQLSTATE.test(sqlstate);
}
