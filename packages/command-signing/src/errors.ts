/** Error codes of @data-exporter/command-signing. */
export const signingErrorCodes = [
  /** The secret store could not be read (network, throttling, permissions): worth another try. */
  "SIGNING_KEY_UNAVAILABLE",
  /** The secret exists but is no usable key (empty, too short, binary): an operator must fix it. */
  "SIGNING_KEY_INVALID",
  /** A message's signature is missing, made with a key that is not accepted, or does not match. */
  "SIGNATURE_INVALID",
] as const;

export type SigningErrorCode = (typeof signingErrorCodes)[number];

export interface SigningErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Base error of command signing; `retryable` says whether the same call may succeed later. */
export class SigningError extends Error {
  override readonly name: string = "SigningError";
  readonly code: SigningErrorCode;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: SigningErrorCode, message: string, options: SigningErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}
