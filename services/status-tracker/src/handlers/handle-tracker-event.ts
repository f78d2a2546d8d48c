import type { TopicEvent } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { requestedState } from "@data-exporter/status-store";
import { recordScheduledTrigger, type TriggerRecordDeps } from "./record-trigger.js";
import { trackLifecycleEvent, type TrackerDeps } from "./track-lifecycle.js";

/** The topics the status tracker consumes. */
export type TrackedTopic = "exportRequested" | "dailyExportTriggered" | "exportLifecycle";
export type TrackedEvent = { [K in TrackedTopic]: TopicEvent<K> & { readonly topicKey: K } }[TrackedTopic];

export interface TrackerEventDeps extends TrackerDeps, TriggerRecordDeps {
  readonly log: Pick<Logger, "info" | "debug" | "warn">;
}

/**
 * One event of any consumed topic: a request (on demand or scheduled) is recorded as REQUESTED as soon as it is
 * known; a lifecycle event moves the read model and, when it finishes the export, publishes ExportCompleted. A
 * cancellation or retry request changes nothing here: what follows from it reaches the lifecycle topic (each
 * table's cancelled outcome from the unloaders, the retry's plan from the planner), so the read model depends on that
 * topic's order alone.
 */
export async function handleTrackerEvent(event: TrackedEvent, deps: TrackerEventDeps): Promise<void> {
  switch (event.topicKey) {
    case "exportRequested":
      if (event.type === "ExportRequested") return deps.recordRequested(requestedState(event.value, "ON_DEMAND"));
      deps.log.info({ requestId: event.value.requestId, event: event.type }, "request of a caller noted");
      return;
    case "dailyExportTriggered": {
      const { requestId, exportDate, force } = event.value;
      const record = await recordScheduledTrigger(event.value, deps);
      if (record.recorded) deps.log.info({ requestId, exportDate, force }, "scheduled export requested");
      else
        deps.log.info(
          { requestId, exportDate, existingRequestId: record.existingRequestId },
          "trigger of an already exported date; not recorded",
        );
      return;
    }
    case "exportLifecycle": {
      const transition = await trackLifecycleEvent(event, deps);
      const context = { requestId: event.value.requestId, event: event.type };
      if (transition.ignored) deps.log.debug({ ...context, reason: transition.ignored }, "event changed nothing");
      if (transition.completed) {
        const { status, mode, exportDate, tables } = transition.completed;
        const { configVersion } = transition.state;
        deps.log.info(
          { ...context, status, mode, exportDate, tables: tables.length, configVersion },
          "export completed",
        );
      }
      return;
    }
  }
}
