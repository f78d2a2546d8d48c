export const objectStoreErrorCodes = [
  "NO_SUCH_BUCKET",
  "NO_SUCH_KEY",
  "ACCESS_DENIED",
  "THROTTLED",
  "UNAVAILABLE",
  "REQUEST_FAILED",
  "LOCAL_FILE",
  "ABORTED",
] as const;
export type ObjectStoreErrorCode = (typeof objectStoreErrorCodes)[number];

export interface ObjectStoreErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly key?: string | undefined;
}

/**
 * Base error of the object store. `errorKind` is the Avro `UnloadErrorKind` an unloader reports; `message` names the
 * operation, bucket and key only (never credentials or signed URLs), so it is safe to show an operator.
 */
export class ObjectStoreError extends Error {
  readonly code: ObjectStoreErrorCode;
  readonly errorKind = "OBJECT_STORE" as const;
  readonly retryable: boolean;
  readonly key: string | undefined;

  constructor(code: ObjectStoreErrorCode, message: string, options: ObjectStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ObjectStoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.key = options.key;
  }
}

export function isObjectStoreError(error: unknown): error is ObjectStoreError {
  return error instanceof ObjectStoreError;
}
