/**
 * The one retry decision of the project: whether another attempt of what failed may succeed.
 *
 * - An error that says so decides: `retryable` (every package's typed errors, set by the adapter that understood the
 *   failure) or kafkajs's `retriable`.
 * - **Anything else is retryable**, within the caller's retry budget (as Temporal retries an activity's unknown
 *   errors). An error nobody classified is more often an outage an adapter did not wrap than a defect, and giving up
 *   at once on an outage loses work, while retrying a defect a few times only costs time: the budget ends it, and
 *   the failure is then reported with its reason (a FAILED table, a dead-lettered message).
 */
export function isRetryable(error: unknown): boolean {
  if (error !== null && typeof error === "object") {
    const { retryable, retriable } = error as { retryable?: unknown; retriable?: unknown };
    if (typeof retryable === "boolean") return retryable;
    if (typeof retriable === "boolean") return retriable;
  }
  return true;
}
