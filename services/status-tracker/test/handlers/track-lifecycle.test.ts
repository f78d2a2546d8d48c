import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted, ExportPlanned } from "@data-exporter/contracts";
import type { ExportRequestState, Transition } from "@data-exporter/status-store";
import { trackLifecycleEvent, type TrackerDeps } from "../../src/handlers/track-lifecycle.js";

const requestId = "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e";
const plan: ExportPlanned = {
  requestId,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1,
  windowEnd: 2,
  tables: [{ table: "way", outputPrefix: "p/", exportedColumns: ["a"], unclassifiedColumns: [] }],
  skippedTables: [],
  configVersion: "cfg",
  bucket: "b",
  plannedAt: 3,
  run: 0,
};
const completed = {
  type: "TableUnloadCompleted" as const,
  value: {
    requestId,
    table: "way",
    attempt: 1,
    run: 0,
    rows: 1,
    bytes: 1,
    files: [],
    manifestKey: "p/manifest",
    manifestVersionId: null,
    durationMs: 1,
    completedAt: 4,
  },
};

/** An in-memory stand-in for PostgresStatusStore.transact/markCompletionPublished, applying the real transitions. */
function store(failPublishes: number) {
  let state: ExportRequestState | undefined;
  const published: ExportCompleted[] = [];
  let failures = failPublishes;
  const deps: TrackerDeps = {
    transact: (_id, decide): Promise<Transition> => {
      const transition = decide(state);
      if (transition.changed) state = transition.state;
      return Promise.resolve(transition);
    },
    publishCompleted: (event) => {
      if (failures-- > 0) return Promise.reject(new Error("broker unavailable"));
      published.push(event);
      return Promise.resolve();
    },
    markCompletionPublished: (_id, at) => {
      if (state) state = { ...state, completionPublishedAt: at };
      return Promise.resolve();
    },
    now: () => 9,
  };
  return { deps, published };
}

describe("trackLifecycleEvent", () => {
  it("publishes the completion when a retry finds the export finished but not announced", async () => {
    const { deps, published } = store(1);
    await trackLifecycleEvent({ type: "ExportPlanned", value: plan }, deps);
    await expect(trackLifecycleEvent(completed, deps)).rejects.toThrow("broker unavailable");
    expect(published).toHaveLength(0);
    await trackLifecycleEvent(completed, deps); // the consumer's retry of the same event
    expect(published.map((e) => e.status)).toEqual(["SUCCESS"]);
    await trackLifecycleEvent(completed, deps); // a later redelivery: already announced
    expect(published).toHaveLength(1);
  });
});
