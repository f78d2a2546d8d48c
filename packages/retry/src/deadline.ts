/**
 * A signal that aborts with a TimeoutError after `ms`, for `AbortSignal.any`. Not `AbortSignal.timeout`: Node 20
 * keeps only weak references from a composite signal to its sources and from the timer to a timeout signal, so a
 * timeout signal nobody else holds can be garbage-collected and never fire (an unload then runs past its timeout).
 * Holding the controller and the timer here keeps it alive; `clear()` when the guarded work ended.
 */
export function deadline(ms: number, what = "the operation"): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`${what} timed out after ${ms} ms`, "TimeoutError")),
    ms,
  );
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
  };
}
