import { isNetworkError } from "@data-exporter/retry";
import { WarehouseError, warehouseQueryError } from "../errors.js";
import { redact } from "../postgres/postgres-errors.js";

/** Data API errors that mean "not now" rather than "never". */
const RETRYABLE_NAMES = new Set([
  "ActiveStatementsExceededException",
  "ActiveSessionsExceededException",
  "InternalServerException",
  "ThrottlingException",
  "ServiceUnavailableException",
  "TimeoutError",
  "RequestTimeout",
]);

/** Statement failures (Redshift's own error text) another attempt can pass: connections, restarts, contention. */
const RETRYABLE_STATEMENT =
  /connect|terminat|restart|maintenance|serializable isolation|could not serialize|deadlock|out of memory|disk full|timeout|try again|temporarily/i;

/** Maps a Data API call's failure (an SDK exception or a network error) to a WarehouseError. */
export function fromDataApiError(error: unknown, what: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof e.name === "string" ? e.name : "Error";
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  const retryable =
    RETRYABLE_NAMES.has(name) ||
    isNetworkError(error) ||
    status === undefined ||
    (status !== undefined && status >= 500);
  const message = typeof e.message === "string" ? e.message : String(error);
  return warehouseQueryError(`${what} failed: ${name}: ${redact(message, [])}`, { cause: error, retryable });
}

/** Maps a statement that ended FAILED (Redshift's error text) to a WarehouseError; the text never holds key material. */
export function fromStatementError(text: string, what: string, secrets: readonly string[]): WarehouseError {
  return warehouseQueryError(`${what} failed: ${redact(text, secrets)}`, {
    retryable: RETRYABLE_STATEMENT.test(text),
  });
}
