import { isNetworkError } from "@data-exporter/retry";
import { ObjectStoreError } from "../errors.js";

const throttlingNames = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Turns an AWS SDK (or network) failure into an `ObjectStoreError`. Retryable: throttling, 5xx and network failures;
 * not retryable: a missing bucket or key, denied access and other 4xx. The SDK's own message is kept only as `cause`
 * because it may quote request details.
 */
export function toObjectStoreError(error: unknown, operation: string, bucket: string, key?: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === "string" ? shape.name : "";
  const code = typeof shape.code === "string" ? shape.code : "";
  const status = typeof shape.$metadata?.httpStatusCode === "number" ? shape.$metadata.httpStatusCode : undefined;
  const where = key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
  const make = (errorCode: ConstructorParameters<typeof ObjectStoreError>[0], what: string, retryable: boolean) =>
    new ObjectStoreError(errorCode, `${operation} ${where}: ${what}`, { cause: error, retryable, key });

  if (name === "AbortError") return make("ABORTED", "aborted", true);
  if (name === "NoSuchBucket") return make("NO_SUCH_BUCKET", "bucket does not exist", false);
  if (name === "NoSuchKey" || (name === "NotFound" && key !== undefined))
    return make("NO_SUCH_KEY", "object does not exist", false);
  if (name === "NotFound") return make("NO_SUCH_BUCKET", "bucket does not exist", false);
  if (name === "AccessDenied" || name === "Forbidden" || status === 403)
    return make("ACCESS_DENIED", "access denied", false);
  if (throttlingNames.has(name) || status === 429 || status === 503) return make("THROTTLED", "throttled", true);
  if ((status !== undefined && status >= 500) || shape.$fault === "server")
    return make("UNAVAILABLE", `server error${status === undefined ? "" : ` ${status}`}`, true);
  if (isNetworkError(error) || name === "TimeoutError" || name === "RequestTimeout")
    return make("UNAVAILABLE", `network failure${code ? ` ${code}` : ""}`, true);
  // Every S3 service error carries an HTTP status; without one the request never got an answer.
  if (status === undefined) return make("UNAVAILABLE", "no response from the service", true);
  return make("REQUEST_FAILED", `${name || "request failed"}${status === undefined ? "" : ` (HTTP ${status})`}`, false);
}
