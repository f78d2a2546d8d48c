import type { DailyExportTriggered } from "@data-exporter/contracts";
import { requestedState, type ExportRequestState } from "@data-exporter/status-store";

export interface TriggerRecordDeps {
  /** The latest scheduled export of a date, if any. */
  readonly findScheduled: (exportDate: string) => Promise<ExportRequestState | undefined>;
  readonly recordRequested: (state: ExportRequestState) => Promise<void>;
}

export type TriggerRecord =
  { readonly recorded: true } | { readonly recorded: false; readonly existingRequestId: string };

/**
 * Records a scheduled export's request (mode SCHEDULED) as soon as it is triggered, as request-api does for
 * on-demand ones. A trigger the planner will ignore (its date is already exported, no force) is not recorded, so
 * it does not linger as REQUESTED: this applies the planner's rule, and gives the same answer because both read the
 * single-partition trigger topic in the same order. Only requests recorded from their trigger count
 * (`findScheduled`), not rows plans created, so the answer depends on the trigger topic alone, however far the
 * lifecycle topic was read: a replay (`npm run rebuild`) decides as the live tracker did. A redelivered trigger
 * changes nothing; a trigger read after its own plan gives the row its time (`applyRequested`).
 */
export async function recordScheduledTrigger(
  event: DailyExportTriggered,
  deps: TriggerRecordDeps,
): Promise<TriggerRecord> {
  if (!event.force) {
    const existing = await deps.findScheduled(event.exportDate);
    if (existing && existing.requestId !== event.requestId)
      return { recorded: false, existingRequestId: existing.requestId };
  }
  await deps.recordRequested(requestedState(event, "SCHEDULED"));
  return { recorded: true };
}
