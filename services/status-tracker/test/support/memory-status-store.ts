import { applyRequested, type ExportRequestState, type Transition } from "@data-exporter/status-store";

/**
 * The read model in memory, behaving as PostgresStatusStore does where the tracker's handlers can tell: the real
 * reducer under `transact`, `recordRequested` through `applyRequested`, `findScheduled` among recorded triggers
 * (the latest by requestedAt), and a completion marked published once.
 */
export class MemoryStatusStore {
  readonly rows = new Map<string, ExportRequestState>();

  readonly transact = (
    requestId: string,
    decide: (current: ExportRequestState | undefined) => Transition,
  ): Promise<Transition> => {
    const transition = decide(this.rows.get(requestId));
    if (transition.changed) this.rows.set(requestId, transition.state);
    return Promise.resolve(transition);
  };

  readonly recordRequested = async (state: ExportRequestState): Promise<void> =>
    void (await this.transact(state.requestId, (current) => applyRequested(current, state)));

  readonly findScheduled = (exportDate: string): Promise<ExportRequestState | undefined> =>
    Promise.resolve(
      [...this.rows.values()]
        .filter((row) => row.mode === "SCHEDULED" && row.exportDate === exportDate && row.requestRecorded)
        .reduce<ExportRequestState | undefined>(
          (latest, row) => (latest === undefined || row.requestedAt > latest.requestedAt ? row : latest),
          undefined,
        ),
    );

  readonly markCompletionPublished = (requestId: string, at: number): Promise<void> => {
    const state = this.rows.get(requestId);
    if (state && state.completionPublishedAt === null)
      this.rows.set(requestId, { ...state, completionPublishedAt: at });
    return Promise.resolve();
  };
}
