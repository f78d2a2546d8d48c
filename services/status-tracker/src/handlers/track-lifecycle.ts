import type { ExportCompleted } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import {
  applyLifecycleEvent,
  completionEventOf,
  isFinished,
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
 * Applies one lifecycle event to the read model and publishes ExportCompleted while the export is finished but its
 * completion not yet marked published. The state change commits first; if the publish then fails, the retried
 * (or redelivered) event finds the export finished and unmarked and publishes it then. A crash in between is
 * covered at start-up by `unpublishedCompletions`.
 */
export async function trackLifecycleEvent(event: LifecycleEvent, deps: TrackerDeps): Promise<Transition> {
  const transition = await deps.transact(event.value.requestId, (current) => applyLifecycleEvent(current, event));
  const { state } = transition;
  if (transition.completed) await publishCompletion(transition.completed, deps);
  else if (isFinished(state.status) && state.plannedTables !== null && state.completionPublishedAt === null) {
    await publishCompletion(completionEventOf(state), deps);
  }
  return transition;
}

export async function publishCompletion(
  event: ExportCompleted,
  deps: Pick<TrackerDeps, "publishCompleted" | "markCompletionPublished" | "now">,
): Promise<void> {
  await deps.publishCompleted(event);
  await deps.markCompletionPublished(event.requestId, deps.now());
}

/**
 * Publishes the ExportCompleted of every finished export whose publish was never confirmed (a crash between the
 * commit and the publish); run at start-up, before consuming.
 */
export async function republishUnannounced(
  unannounced: () => Promise<readonly ExportRequestState[]>,
  deps: Pick<TrackerDeps, "publishCompleted" | "markCompletionPublished" | "now"> & {
    readonly log: Pick<Logger, "warn">;
  },
): Promise<void> {
  for (const state of await unannounced()) {
    await publishCompletion(completionEventOf(state), deps);
    deps.log.warn({ requestId: state.requestId }, "published an ExportCompleted left unpublished by an earlier crash");
  }
}
