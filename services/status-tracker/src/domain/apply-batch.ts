import type { ExportCompleted, TopicEvent } from "@data-exporter/contracts";
import {
  applyLifecycleEvent,
  applyRequested,
  completionEventOf,
  isFinished,
  requestedState,
  type ExportRequestState,
  type Transition,
} from "@data-exporter/status-store";

/** An event the tracker applies in batches: a request or a lifecycle event (triggers go one by one). */
export type BatchedEvent =
  | (TopicEvent<"exportRequested"> & { readonly topicKey: "exportRequested" })
  | (TopicEvent<"exportLifecycle"> & { readonly topicKey: "exportLifecycle" });

export interface BatchOutcome {
  /** How many of the events were applied: a prefix, cut before an event of an export whose completion is pending. */
  readonly consumed: number;
  /** The final state of each request the applied events changed. */
  readonly save: readonly ExportRequestState[];
  /** Per applied event: its transition, or undefined for a caller's request that changes nothing here. */
  readonly transitions: readonly (Transition | undefined)[];
  /** ExportCompleted events to publish once the states are saved, with the index of the event that called for it. */
  readonly completions: readonly { readonly event: ExportCompleted; readonly index: number }[];
}

/**
 * Applies events in order to the requests' states, as handling them one by one would: each request its own
 * transitions (`applyRequested`, `applyLifecycleEvent`), and an ExportCompleted called for where `trackLifecycleEvent`
 * publishes one (the event finished the export, or found it finished but unannounced). Once an export's completion is
 * called for, the batch stops before that export's next event: one by one, that event would run only after the
 * completion was published and marked, so it is applied in the next batch, after them.
 */
export function applyBatch(
  current: ReadonlyMap<string, ExportRequestState>,
  events: readonly BatchedEvent[],
): BatchOutcome {
  const states = new Map(current);
  const changed = new Set<string>();
  const pending = new Set<string>();
  const transitions: (Transition | undefined)[] = [];
  const completions: { event: ExportCompleted; index: number }[] = [];
  for (const [index, event] of events.entries()) {
    const { requestId } = event.value;
    if (pending.has(requestId)) break;
    const transition =
      event.topicKey === "exportRequested"
        ? event.type === "ExportRequested"
          ? applyRequested(states.get(requestId), requestedState(event.value, "ON_DEMAND"))
          : undefined
        : applyLifecycleEvent(states.get(requestId), event);
    transitions.push(transition);
    if (!transition) continue;
    if (transition.changed) {
      states.set(requestId, transition.state);
      changed.add(requestId);
    }
    if (event.topicKey !== "exportLifecycle") continue;
    const { state } = transition;
    const completion =
      transition.completed ??
      (isFinished(state.status) && state.plannedTables !== null && state.completionPublishedAt === null
        ? completionEventOf(state)
        : undefined);
    if (completion) {
      pending.add(requestId);
      completions.push({ event: completion, index });
    }
  }
  return {
    consumed: transitions.length,
    save: [...changed].map((id) => states.get(id)!),
    transitions,
    completions,
  };
}
