import type { ExportMode, ExportPlanned, TableUnloadFailed } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";

/** A running table whose unloader stopped renewing its lease (a frozen or vanished process). */
export interface StuckJob {
  readonly requestId: string;
  readonly table: string;
  readonly attempts: number;
  readonly worker: string | null;
  readonly lastProgressAt: number | null;
  readonly leaseUntil: number | null;
}

/** An unfinished export past its deadline: never planned, or with tables still PENDING or IN-PROGRESS. */
export interface OverdueRequest {
  readonly requestId: string;
  readonly mode: ExportMode;
  readonly exportDate: string | null;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly requestedAt: number;
  readonly planned: boolean;
  readonly unfinished: readonly string[];
}

export interface SweepDeps {
  readonly stuckJobs: () => Promise<readonly StuckJob[]>;
  readonly overdueRequests: () => Promise<readonly OverdueRequest[]>;
  /** Publishes on the lifecycle topic: the read model changes only through events, so a rebuild replays sweeps. */
  readonly publishFailed: (event: TableUnloadFailed) => Promise<void>;
  readonly publishPlanned: (event: ExportPlanned) => Promise<void>;
  readonly stuckAfterMs: number;
  readonly deadlineMs: number;
  readonly now: () => number;
  readonly log: Pick<Logger, "warn">;
}

const iso = (ms: number | null): string => (ms === null ? "never" : new Date(ms).toISOString());

/**
 * Ends what would otherwise stay "In Progress" for good: a table whose unload stalled (its lease lapsed, so that
 * run is fenced and will publish nothing) is FAILED as stuck; an export past REQUEST_DEADLINE_MS has every
 * unfinished table FAILED, or, if it was never planned, an empty plan naming the deadline. Idempotent: a table
 * finished meanwhile ignores the late failure.
 */
export async function sweep(deps: SweepDeps): Promise<{ stuck: number; overdue: number }> {
  const stuck = await deps.stuckJobs();
  for (const job of stuck) {
    const message =
      `stuck: attempt ${job.attempts}${job.worker ? ` (worker ${job.worker})` : ""} showed no sign of life since ` +
      `${iso(job.lastProgressAt)} and its lease lapsed at ${iso(job.leaseUntil)} (STUCK_AFTER_MS=${deps.stuckAfterMs}); ` +
      `that run can no longer publish; request the export again`;
    await deps.publishFailed(failedEvent(job.requestId, job.table, job.attempts, message, deps.now()));
    deps.log.warn({ requestId: job.requestId, table: job.table, worker: job.worker }, "failed a stuck table");
  }
  const overdue = await deps.overdueRequests();
  for (const request of overdue) {
    const reason =
      `deadline: not finished within REQUEST_DEADLINE_MS=${deps.deadlineMs} of its request ` +
      `(${iso(request.requestedAt)}); request the export again`;
    if (!request.planned) await deps.publishPlanned(emptyPlan(request, reason, deps));
    for (const table of request.unfinished)
      await deps.publishFailed(failedEvent(request.requestId, table, 0, reason, deps.now()));
    deps.log.warn({ requestId: request.requestId, tables: request.unfinished }, "failed an overdue export");
  }
  return { stuck: stuck.length, overdue: overdue.length };
}

function failedEvent(requestId: string, table: string, attempt: number, message: string, at: number) {
  return {
    requestId,
    table,
    attempt,
    errorKind: "TIMEOUT" as const,
    errorMessage: message,
    retryable: false,
    finalAttempt: true,
    failedAt: at,
  };
}

function emptyPlan(request: OverdueRequest, reason: string, deps: SweepDeps): ExportPlanned {
  return {
    requestId: request.requestId,
    mode: request.mode,
    exportDate: request.exportDate,
    windowStart: request.windowStart,
    windowEnd: request.windowEnd,
    tables: [],
    skippedTables: [{ table: "(request)", reason }],
    configVersion: "not-planned",
    // Never planned: no bucket was chosen and no file written.
    bucket: "",
    plannedAt: deps.now(),
  };
}
