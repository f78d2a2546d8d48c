import { isRetryablePostgresError, sqlstateOf } from "@data-exporter/postgres";
import { tableNotFound, WarehouseError, warehouseQueryError } from "../errors.js";

// DuckDB reports PostgreSQL failures as text; these phrases are libpq's for a lost or refused connection.
const DUCKDB_CONNECTION_FAILURE =
  /Unable to connect to Postgres|could not connect|Connection refused|server closed the connection|terminating connection|connection to server .* failed|no connection to the server|SSL SYSCALL|could not receive data|could not send data|the database system is (starting up|shutting down|in recovery)|too many clients/i;

/**
 * Removes what must never reach an operator from a driver message: the SQL text DuckDB quotes in its errors (it
 * holds the hash key material), any secret given, and the password of any URL.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let text = message
    // DuckDB: Failed to prepare query "…": / Failed to prepare COPY "…": — the quoted part is our SQL.
    .replace(/(Failed to (?:prepare|execute) [A-Za-z ]*?)"[\s\S]*?"(?=:\s)/g, "$1<query>")
    .replace(/LINE \d+:[^\n]*(\n[^\n]*\^)?/g, "")
    .replace(/(postgres(?:ql)?:\/\/[^:@/\s]*:)[^@\s]*@/gi, "$1***@")
    .replace(/(password\s*=\s*)('[^']*'|\S+)/gi, "$1***");
  for (const secret of secrets) if (secret !== "") text = text.split(secret).join("***");
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}

interface PgErrorShape {
  readonly message?: unknown;
}

/** Maps a `pg` driver error (describeTable) to a WarehouseError. */
export function fromPgError(error: unknown, what: string, secrets: readonly string[] = []): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as PgErrorShape;
  const message = typeof shape.message === "string" ? shape.message : String(error);
  const sqlstate = sqlstateOf(error);
  return warehouseQueryError(
    `${what} failed: ${redact(message, secrets)}${sqlstate === null ? "" : ` (${sqlstate})`}`,
    {
      cause: error,
      retryable: isRetryablePostgresError(error),
      context: { sqlstate },
    },
  );
}

/**
 * Maps an error thrown by DuckDB while it talked to PostgreSQL through the postgres extension. DuckDB quotes the
 * failing statement, which holds the hash key's pads, so the raw error is not kept as `cause` (a logger printing
 * causes would print the key): the cause is a redacted copy.
 */
export function fromDuckDbError(error: unknown, what: string, secrets: readonly string[]): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const cause = new Error(redact(message, secrets));
  const missingTable = /relation "([^"]+)" does not exist/.exec(message);
  if (missingTable) {
    const [schema, table] = (missingTable[1] ?? "").split(".");
    return Object.assign(tableNotFound(schema ?? "", table ?? schema ?? ""), { cause });
  }
  return warehouseQueryError(`${what} failed: ${cause.message}`, {
    cause,
    retryable: DUCKDB_CONNECTION_FAILURE.test(message),
  });
}
