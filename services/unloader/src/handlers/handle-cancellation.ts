import type { ExportCancelRequested, TopicEvent } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import type { RunningLeases } from "./running-leases.js";

export interface CancellationDeps {
  /** Records the fence (export_cancellations): the run cannot start, and its running attempts lose their lease. */
  readonly cancel: (requestId: string, run: number, cancelledBy: string | null, cancelledAt: number) => Promise<void>;
  readonly running: RunningLeases;
  readonly log: Pick<Logger, "info">;
}

/**
 * A cancelExport, read from the request topic by one unloader replica: it fences the export's run in the database
 * every replica reads, then renews its own running leases of the export so they stop now; other replicas' attempts
 * stop at their next renewal (UNLOAD_HEARTBEAT_MS), and queued commands when they are consumed. Each stopped table
 * reports TableUnloadFailed with `cancelled`. Other events of the topic are the planner's and the tracker's.
 */
export async function handleRequestTopicEvent(
  event: TopicEvent<"exportRequested">,
  deps: CancellationDeps,
): Promise<void> {
  if (event.type === "ExportCancelRequested") await handleCancelRequested(event.value, deps);
}

async function handleCancelRequested(event: ExportCancelRequested, deps: CancellationDeps): Promise<void> {
  const { requestId, run, cancelledBy, cancelledAt } = event;
  await deps.cancel(requestId, run, cancelledBy, cancelledAt);
  const stoppedHere = await deps.running.renewNow(requestId);
  deps.log.info({ requestId, run, cancelledBy, stoppedHere }, "export cancelled: its unloads stop");
}
