import type { ExportCancelRequested, ExportRetryRequested } from "@data-exporter/contracts";
import { isFinished, retryableTables, type ExportRequestState } from "@data-exporter/status-store";
import { statusTextOf } from "./status-view.js";

/** What a cancelExport or retryExport asks for, or why it cannot be done now (CONFLICT). */
export type Decision<E> = { readonly event: E } | { readonly conflict: string };

/**
 * Cancels the export's current run, planned or not yet: the unloaders fence it, so queued commands never start and
 * running ones stop at once or at their next lease renewal. A finished export has nothing left to stop.
 */
export function cancellationOf(
  state: ExportRequestState,
  cancelledBy: string | null,
  now: number,
): Decision<ExportCancelRequested> {
  if (isFinished(state.status))
    return { conflict: `the export already finished (${statusTextOf(state.status)}); there is nothing to cancel` };
  return { event: { requestId: state.requestId, run: state.run, cancelledBy, cancelledAt: now } };
}

/**
 * Retries a finished export's failed and cancelled tables as its next run; completed tables keep their files and
 * links. Two retries racing each other name the same run, which the planner plans once.
 */
export function retryOf(
  state: ExportRequestState,
  retriedBy: string | null,
  now: number,
): Decision<ExportRetryRequested> {
  if (!isFinished(state.status))
    return { conflict: "the export is still running; cancel it or wait for it to finish before retrying" };
  const tables = retryableTables(state);
  if (tables.length === 0)
    return {
      conflict:
        state.tables.length === 0
          ? "the export planned no table (see skippedTables); request a new export instead"
          : "every table of the export completed; there is nothing to retry",
    };
  return {
    event: {
      requestId: state.requestId,
      run: state.run + 1,
      mode: state.mode,
      exportDate: state.exportDate,
      windowStart: state.windowStart,
      windowEnd: state.windowEnd,
      tables,
      retriedBy,
      retriedAt: now,
    },
  };
}
