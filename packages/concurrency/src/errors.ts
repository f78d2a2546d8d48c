export const concurrencyErrorCodes = ["INVALID_OPTION", "DATABASE_UNAVAILABLE", "SLOT_LOST"] as const;
export type ConcurrencyErrorCode = (typeof concurrencyErrorCodes)[number];

export interface ConcurrencyErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly context?: Readonly<Record<string, string | number>>;
}

/** Base error of @data-exporter/concurrency; `retryable` says whether the same call may succeed later. */
export class ConcurrencyError extends Error {
  override readonly name: string = "ConcurrencyError";
  readonly code: ConcurrencyErrorCode;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, string | number>>;

  constructor(code: ConcurrencyErrorCode, message: string, options: ConcurrencyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

/**
 * The connection holding a slot broke: PostgreSQL released the lock with it, so the slot may already be someone
 * else's. Work guarded by the lease should stop; running it again (after acquiring anew) is safe.
 */
export class SlotLostError extends ConcurrencyError {
  override readonly name: string = "SlotLostError";
  constructor(semaphore: string, slot: number, cause?: unknown) {
    super("SLOT_LOST", `lost slot ${slot} of semaphore ${semaphore}: its database connection ended`, {
      cause,
      retryable: true,
      context: { semaphore, slot },
    });
  }
}

export function isConcurrencyError(error: unknown): error is ConcurrencyError {
  return error instanceof ConcurrencyError;
}
