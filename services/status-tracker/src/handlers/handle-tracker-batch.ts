import type { ExportCompleted } from "@data-exporter/contracts";
import type { ExportRequestState } from "@data-exporter/status-store";
import { applyBatch, type BatchedEvent, type BatchOutcome } from "../domain/apply-batch.js";
import { handleTrackerEvent, type TrackedEvent, type TrackerEventDeps } from "./handle-tracker-event.js";

export interface TrackerBatchDeps<E extends TrackedEvent = TrackedEvent> extends TrackerEventDeps {
  /** Loads the requests, applies `decide` and saves what it returns, in one transaction (`transactAll`). */
  readonly transactAll: (
    requestIds: readonly string[],
    decide: (current: ReadonlyMap<string, ExportRequestState>) => {
      readonly save: readonly ExportRequestState[];
      readonly result: BatchOutcome;
    },
  ) => Promise<BatchOutcome>;
  /** Publishes an ExportCompleted on behalf of the event that called for it (in that event's trace). */
  readonly publishCompletedFor: (event: ExportCompleted, origin: E) => Promise<void>;
}

/**
 * Handles consecutive events of one partition as `handleTrackerEvent` handles each, with one read-model
 * transaction per batch instead of one per event: apply them all (`applyBatch`), commit, then publish and mark the
 * completions they called for, and go on with the events a pending completion held back. A crash after the commit
 * and before a publish is what it is one by one: the redelivered events find the export finished and unannounced
 * (or start-up's `republishUnannounced` does). Triggers are handled one by one: they are rare, and their rule reads
 * other requests.
 */
export async function handleTrackerBatch<E extends TrackedEvent>(
  events: readonly E[],
  deps: TrackerBatchDeps<E>,
): Promise<void> {
  let rest = events;
  while (rest.length > 0) {
    const batched = batchable(rest);
    if (batched.length === 0) {
      await handleTrackerEvent(rest[0]!, deps);
      rest = rest.slice(1);
      continue;
    }
    const ids = batched.map((event) => event.value.requestId);
    const outcome = await deps.transactAll(ids, (current) => {
      const result = applyBatch(current, batched);
      return { save: result.save, result };
    });
    for (const { event, index } of outcome.completions) {
      // The batched events are the leading ones of `rest`: the same index.
      await deps.publishCompletedFor(event, rest[index]!);
      await deps.markCompletionPublished(event.requestId, deps.now());
    }
    logOutcome(batched, outcome, deps);
    rest = rest.slice(outcome.consumed);
  }
}

/** The leading events that can be batched (all but triggers). */
function batchable(events: readonly TrackedEvent[]): BatchedEvent[] {
  const out: BatchedEvent[] = [];
  for (const event of events) {
    if (event.topicKey === "dailyExportTriggered") break;
    out.push(event);
  }
  return out;
}

/** The lines `handleTrackerEvent` logs for each event. */
function logOutcome(events: readonly BatchedEvent[], outcome: BatchOutcome, deps: TrackerEventDeps): void {
  for (const [index, transition] of outcome.transitions.entries()) {
    const event = events[index]!;
    const context = { requestId: event.value.requestId, event: event.type };
    if (event.topicKey === "exportRequested") {
      if (event.type !== "ExportRequested") deps.log.info(context, "request of a caller noted");
      continue;
    }
    if (!transition) continue;
    if (transition.ignored) deps.log.debug({ ...context, reason: transition.ignored }, "event changed nothing");
    if (transition.completed) {
      const { status, mode, exportDate, tables } = transition.completed;
      const { configVersion } = transition.state;
      deps.log.info({ ...context, status, mode, exportDate, tables: tables.length, configVersion }, "export completed");
    }
  }
}
