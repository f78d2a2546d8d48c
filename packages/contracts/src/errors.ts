/** Error codes of @data-exporter/contracts; stable strings callers and the DLQ headers use. */
export const contractErrorCodes = [
  "INVALID_EVENT",
  "UNKNOWN_EVENT_TYPE",
  "UNKNOWN_SCHEMA_FINGERPRINT",
  "EVENT_TYPE_MISMATCH",
  "UNDECODABLE_EVENT",
] as const;

export type ContractErrorCode = (typeof contractErrorCodes)[number];

export interface ContractErrorOptions {
  readonly cause?: unknown;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Base error of the contracts package. Contract violations never heal by retrying, so none is retryable. */
export class ContractError extends Error {
  override readonly name: string = "ContractError";
  readonly code: ContractErrorCode;
  readonly retryable = false;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ContractErrorCode, message: string, options: ContractErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }
}

/** A value does not match its event's schema; `paths` lists the offending fields (e.g. `tables.0.rows`). */
export class InvalidEventError extends ContractError {
  override readonly name = "InvalidEventError";
  readonly eventName: string;
  readonly paths: readonly string[];

  constructor(eventName: string, paths: readonly string[]) {
    super("INVALID_EVENT", `invalid ${eventName}: bad value at ${paths.join(", ") || "(root)"}`, {
      context: { eventName, paths },
    });
    this.eventName = eventName;
    this.paths = paths;
  }
}

/** Bytes cannot be turned into a known event: unknown type or schema, or corrupt Avro. */
export class UndecodableEventError extends ContractError {
  override readonly name = "UndecodableEventError";
}
