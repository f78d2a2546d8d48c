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

  /** Applies a batch's decision as PostgresStatusStore.transactAll does: all of it, after reading the current rows. */
  readonly transactAll = <T>(
    requestIds: readonly string[],
    decide: (current: ReadonlyMap<string, ExportRequestState>) => {
      readonly save: readonly ExportRequestState[];
      readonly result: T;
    },
  ): Promise<T> => {
    const current = new Map<string, ExportRequestState>();
    for (const id of requestIds) {
      const row = this.rows.get(id);
      if (row) current.set(id, row);
    }
    const { save, result } = decide(current);
    for (const state of save) this.rows.set(state.requestId, state);
    return Promise.resolve(result);
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
