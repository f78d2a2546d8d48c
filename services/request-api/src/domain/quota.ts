import type { RequestStatus } from "@data-exporter/status-store";

export interface QuotaLimits {
  /** Exports of one caller not finished yet. */
  readonly concurrent: number;
  /** Exports one caller may start in any 24 hours. */
  readonly daily: number;
}

/** One of the caller's requests of the last day, and its status (undefined: accepted, not tracked yet). */
export interface RecentRequest {
  readonly requestedAt: number;
  readonly status: RequestStatus | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Why a caller may not start another export now, or undefined. Reused exports never count: they start nothing.
 * A request still unfinished after `deadlineMs` is failed by the status tracker, so it no longer counts as running.
 */
export function quotaExceeded(
  recent: readonly RecentRequest[],
  limits: QuotaLimits,
  now: number,
  deadlineMs: number,
): string | undefined {
  const today = recent.filter((r) => now - r.requestedAt < DAY_MS);
  if (today.length >= limits.daily)
    return `at most ${limits.daily} exports may be started in 24 hours; the oldest of them frees a place at ${new Date(
      Math.min(...today.map((r) => r.requestedAt)) + DAY_MS,
    ).toISOString()}`;
  const running = recent.filter(
    (r) =>
      now - r.requestedAt < deadlineMs &&
      (r.status === undefined || r.status === "REQUESTED" || r.status === "IN-PROGRESS"),
  );
  if (running.length >= limits.concurrent)
    return `at most ${limits.concurrent} exports may run at once; wait for one to finish`;
  return undefined;
}

export interface QuotaDeps {
  /** The caller's requests accepted since `since` (epoch ms). */
  readonly acceptedSince: (
    requestedBy: string,
    since: number,
  ) => Promise<readonly { requestId: string; requestedAt: number }[]>;
  /** The tracked status of each of these requests (one read for all of them; untracked ones absent). */
  readonly statusesOf: (requestIds: readonly string[]) => Promise<ReadonlyMap<string, RequestStatus>>;
  readonly limits: QuotaLimits;
  readonly deadlineMs: number;
  readonly now: () => number;
}

/** Reads the caller's last day (and running exports) and says why another export is refused, if it is. */
export async function quotaRefusal(requestedBy: string, deps: QuotaDeps): Promise<string | undefined> {
  const now = deps.now();
  const accepted = await deps.acceptedSince(requestedBy, now - Math.max(DAY_MS, deps.deadlineMs));
  // Past the deadline a request no longer runs, whatever its row says: no need to read it.
  const live = accepted.filter((r) => now - r.requestedAt < deps.deadlineMs).map((r) => r.requestId);
  const statuses = await deps.statusesOf(live);
  const recent = accepted.map((r): RecentRequest => ({
    requestedAt: r.requestedAt,
    status: now - r.requestedAt < deps.deadlineMs ? statuses.get(r.requestId) : "FAILED",
  }));
  return quotaExceeded(recent, deps.limits, now, deps.deadlineMs);
}
