import type { ExportMode, ExportPlanned, TableUnloadFailed } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";

/** A running table whose unloader stopped renewing its lease (a frozen or vanished process). */
export interface StuckJob {
  readonly requestId: string;
  readonly table: string;
  readonly attempts: number;
  /** The table's run (0, or the retryExport run that planned it again). */
  readonly run: number;
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
  /** 0, or the retryExport run in progress: its deadline runs from its plan, not from the request. */
  readonly run: number;
  /** When the deadline started: the request, or the retry's plan. */
  readonly deadlineFrom: number;
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
    await deps.publishFailed(failedEvent(job, job.attempts, message, deps.now()));
    deps.log.warn({ requestId: job.requestId, table: job.table, worker: job.worker }, "failed a stuck table");
  }
  const overdue = await deps.overdueRequests();
  for (const request of overdue) {
    const reason =
      `deadline: not finished within REQUEST_DEADLINE_MS=${deps.deadlineMs} of its ` +
      `${request.run > 0 ? `retry's plan` : "request"} (${iso(request.deadlineFrom)}); request the export again`;
    if (!request.planned) await deps.publishPlanned(emptyPlan(request, reason, deps));
    for (const table of request.unfinished)
      await deps.publishFailed(failedEvent({ ...request, table }, 0, reason, deps.now()));
    deps.log.warn({ requestId: request.requestId, tables: request.unfinished }, "failed an overdue export");
  }
  return { stuck: stuck.length, overdue: overdue.length };
}

/** The tracker's own verdict on a table of the run in progress (`of`: its request, table and run). */
function failedEvent(
  of: { readonly requestId: string; readonly table: string; readonly run: number },
  attempt: number,
  message: string,
  at: number,
): TableUnloadFailed {
  return {
    requestId: of.requestId,
    table: of.table,
    attempt,
    run: of.run,
    errorKind: "TIMEOUT" as const,
    errorMessage: message,
    retryable: false,
    finalAttempt: true,
    failedAt: at,
    cancelled: false,
    cancelledBy: null,
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
    run: 0,
  };
}
