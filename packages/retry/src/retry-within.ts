import { backoffDelay, sleep, type BackoffOptions } from "./backoff.js";
import { isRetryable } from "./retryable.js";

export interface RetryWithinOptions {
  readonly backoff?: BackoffOptions | undefined;
  /** Told of each failure that will be retried, with the delay before the next attempt. */
  readonly onRetry?: ((error: unknown, delayMs: number) => void) | undefined;
  /** Stops retrying (the last error is thrown). */
  readonly signal?: AbortSignal | undefined;
  readonly now?: (() => number) | undefined;
}

/**
 * Runs `run` until it succeeds, retrying what `isRetryable` says may pass, for at most `budgetMs` (a database or
 * broker restart takes seconds; the budget says how long the caller can afford to wait). The last error is thrown
 * when the budget, the signal or the retryability says stop.
 */
export async function retryWithin<T>(
  budgetMs: number,
  run: () => Promise<T>,
  options: RetryWithinOptions = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const delayMs = backoffDelay(attempt, { initialMs: 250, maxMs: 5_000, jitter: 0.5, ...options.backoff });
      if (!isRetryable(error) || now() + delayMs > deadline || options.signal?.aborted) throw error;
      options.onRetry?.(error, delayMs);
      if (!(await sleep(delayMs, options.signal))) throw error;
    }
  }
}
