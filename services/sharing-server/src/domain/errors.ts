/**
 * The error codes of the Delta Sharing reference server (and UNAUTHENTICATED / PERMISSION_DENIED for 401 / 403):
 * clients print `errorCode` and `message` as they come.
 */
export type SharingErrorCode =
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "RESOURCE_DOES_NOT_EXIST"
  | "INVALID_PARAMETER_VALUE"
  | "MALFORMED_REQUEST"
  | "UNSUPPORTED_OPERATION"
  | "INTERNAL_ERROR";

const statusOf: Record<SharingErrorCode, number> = {
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  UNSUPPORTED_OPERATION: 400,
  INTERNAL_ERROR: 500,
};

/** A refusal the recipient is told about: its HTTP status follows from the code. */
export class SharingError extends Error {
  override readonly name = "SharingError";
  readonly status: number;

  constructor(
    readonly code: SharingErrorCode,
    message: string,
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const isSharingError = (error: unknown): error is SharingError => error instanceof SharingError;

/** A sharing configuration that cannot be served (the service refuses to start with it). */
export class SharingConfigError extends Error {
  override readonly name = "SharingConfigError";
}
