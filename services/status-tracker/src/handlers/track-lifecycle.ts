import type { ExportCompleted } from "@data-exporter/contracts";
import {
  applyLifecycleEvent,
  type ExportRequestState,
  type LifecycleEvent,
  type Transition,
} from "@data-exporter/status-store";

export interface TrackerDeps {
  readonly transact: (
    requestId: string,
    decide: (current: ExportRequestState | undefined) => Transition,
  ) => Promise<Transition>;
  readonly publishCompleted: (event: ExportCompleted) => Promise<void>;
  readonly markCompletionPublished: (requestId: string, at: number) => Promise<void>;
  readonly now: () => number;
}

/**
 * Applies one lifecycle event to the read model and, when it finished the export, publishes ExportCompleted.
 * The state change commits first; the completion is then published and marked. A crash in between leaves the
 * completion unmarked, and `republishPendingCompletions` sends it at the next start.
 */
export async function trackLifecycleEvent(event: LifecycleEvent, deps: TrackerDeps): Promise<Transition> {
  const transition = await deps.transact(event.value.requestId, (current) => applyLifecycleEvent(current, event));
  if (transition.completed) await publishCompletion(transition.completed, deps);
  return transition;
}

export async function publishCompletion(
  event: ExportCompleted,
  deps: Pick<TrackerDeps, "publishCompleted" | "markCompletionPublished" | "now">,
): Promise<void> {
  await deps.publishCompleted(event);
  await deps.markCompletionPublished(event.requestId, deps.now());
}
