export const requestApiErrorCodes = [
  "INVALID_WINDOW",
  "INVALID_REQUEST_ID",
  "INVALID_FILTER",
  "QUOTA_EXCEEDED",
  "PUBLISH_FAILED",
  "STATUS_UNAVAILABLE",
  "STORE_FAILED",
] as const;
export type RequestApiErrorCode = (typeof requestApiErrorCodes)[number];

export class RequestApiError extends Error {
  readonly code: RequestApiErrorCode;
  /** True when the caller sent something wrong (BAD_USER_INPUT); false for our own failures. */
  readonly userError: boolean;
  constructor(code: RequestApiErrorCode, message: string, options: { cause?: unknown; userError?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "RequestApiError";
    this.code = code;
    this.userError = options.userError ?? false;
  }
}

export const invalidInput = (
  code: "INVALID_WINDOW" | "INVALID_REQUEST_ID" | "INVALID_FILTER",
  message: string,
): RequestApiError => new RequestApiError(code, message, { userError: true });
