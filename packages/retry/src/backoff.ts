export interface BackoffOptions {
  /** Delay before the second attempt (default 100 ms). */
  readonly initialMs?: number | undefined;
  /** Upper bound of any delay (default 5000 ms). */
  readonly maxMs?: number | undefined;
  /** Growth factor per attempt (default 2). */
  readonly multiplier?: number | undefined;
  /**
   * Share of each delay that is random, 0..1 (default 0): with 0.5 a delay is between half and all of its nominal
   * value, so clients that failed together (a broker or database restart) do not all retry at the same moment.
   */
  readonly jitter?: number | undefined;
  /** Random source in [0, 1) (tests pass a fixed one). */
  readonly random?: (() => number) | undefined;
}

/** Delay after failed attempt number `attempt` (1-based): initial * multiplier^(attempt-1), capped, then jittered. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const multiplier = options.multiplier ?? 2;
  const nominal = Math.min(max, initial * multiplier ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0));
  if (jitter === 0) return nominal;
  const random = (options.random ?? Math.random)();
  return Math.round(nominal * (1 - jitter + jitter * random));
}

/** Resolves after `ms`, or early (to false) when `signal` aborts; the timer never keeps the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
