export interface BackoffOptions {
  /** Delay before the second attempt (default 100 ms). */
  readonly initialMs?: number | undefined;
  /** Upper bound of any delay (default 5000 ms). */
  readonly maxMs?: number | undefined;
  /** Growth factor per attempt (default 2). */
  readonly multiplier?: number | undefined;
}

/** Delay after failed attempt number `attempt` (1-based): initial * multiplier^(attempt-1), capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const multiplier = options.multiplier ?? 2;
  return Math.min(max, initial * multiplier ** Math.max(0, attempt - 1));
}

/** Resolves after `ms`, or early (to false) when `signal` aborts; the timer never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
