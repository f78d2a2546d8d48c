import { isNetworkError } from "@data-exporter/retry";
import { ConfigStoreError } from "../errors.js";

/** DynamoDB / SDK error names that mean "try again later", not "your request is wrong". */
const retryableNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "InternalServerError",
  "ServiceUnavailable",
  "TransactionConflictException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isRetryableDynamoDbError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as SdkErrorShape;
  if (typeof e.name === "string" && retryableNames.has(e.name)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  // Also finds the code on a cause, or in the message the SDK keeps when it re-wraps an error from another realm.
  if (isNetworkError(error)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isRetryableDynamoDbError(cause);
}

export function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && typeof (error as SdkErrorShape).name === "string"
    ? ((error as SdkErrorShape).name as string)
    : undefined;
}

/** Wraps an SDK failure on `table` into the package's error, deciding here whether a retry can help. */
export function toConfigStoreError(error: unknown, operation: string, table: string): ConfigStoreError {
  if (error instanceof ConfigStoreError) return error;
  const name = errorName(error) ?? "Error";
  const detail = error instanceof Error ? error.message : String(error);
  if (name === "ResourceNotFoundException") {
    return new ConfigStoreError("CONFIG_TABLE_NOT_FOUND", `${operation} ${table}: table does not exist`, {
      cause: error,
      table,
    });
  }
  return new ConfigStoreError("CONFIG_STORE_REQUEST_FAILED", `${operation} ${table} failed: ${name}: ${detail}`, {
    cause: error,
    table,
    retryable: isRetryableDynamoDbError(error),
  });
}
