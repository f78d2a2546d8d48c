import { describe, expect, it } from "@jest/globals";
import type { ExportPlanned, TableUnloadCompleted, TableUnloadFailed } from "@data-exporter/contracts";
import {
  applyLifecycleEvent,
  applyRequested,
  progressOf,
  requestedState,
  type ExportRequestState,
} from "../src/index.js";

const requestId = "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e";
const plan: ExportPlanned = {
  requestId,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1_000,
  windowEnd: 2_000,
  tables: ["way", "cctv"].map((table) => ({
    table,
    outputPrefix: `dev/data_exporter_service/${table}/`,
    exportedColumns: ["a"],
    unclassifiedColumns: [],
  })),
  skippedTables: [{ table: "internal_audit_log", reason: "disabled" }],
  configVersion: "v1",
  bucket: "exports",
  plannedAt: 3_000,
  run: 0,
};
const completed = (table: string, attempt = 1): TableUnloadCompleted => ({
  requestId,
  table,
  attempt,
  run: 0,
  rows: 10,
  bytes: 100,
  files: [{ key: `k/${table}_000.parquet`, rows: 10, bytes: 100, sha256: "ab", versionId: "v1" }],
  manifestKey: `k/manifest`,
  manifestVersionId: "v2",
  durationMs: 5,
  completedAt: 4_000,
});
const failed = (table: string, attempt: number, finalAttempt: boolean): TableUnloadFailed => ({
  requestId,
  table,
  attempt,
  run: 0,
  errorKind: "WAREHOUSE_QUERY",
  errorMessage: `attempt ${attempt} failed`,
  retryable: !finalAttempt,
  finalAttempt,
  failedAt: 5_000,
  cancelled: false,
  cancelledBy: null,
});

function planned(): ExportRequestState {
  const requested = requestedState(
    { requestId, windowStart: 1_000, windowEnd: 2_000, requestedAt: 500, requestedBy: null },
    "ON_DEMAND",
  );
  return applyLifecycleEvent(requested, { type: "ExportPlanned", value: plan }).state;
}

describe("applyLifecycleEvent", () => {
  it("plans every table as PENDING at progress 0", () => {
    const state = planned();
    expect(state.status).toBe("IN-PROGRESS");
    expect(state.requestedAt).toBe(500);
    expect(state.tables.map((job) => [job.table, job.status])).toEqual([
      ["way", "PENDING"],
      ["cctv", "PENDING"],
    ]);
    expect(progressOf(state)).toBe(0);
  });

  it("ignores a second ExportPlanned", () => {
    const state = planned();
    const again = applyLifecycleEvent(state, { type: "ExportPlanned", value: { ...plan, tables: [] } });
    expect(again.changed).toBe(false);
    expect(again.state).toBe(state);
  });

  it("completes with SUCCESS exactly once when every table completed", () => {
    let state = planned();
    const first = applyLifecycleEvent(state, { type: "TableUnloadCompleted", value: completed("way") });
    expect(first.completed).toBeUndefined();
    expect(progressOf(first.state)).toBe(50);
    state = first.state;
    const last = applyLifecycleEvent(state, { type: "TableUnloadCompleted", value: completed("cctv") });
    expect(last.completed?.status).toBe("SUCCESS");
    expect(last.completed?.tables.map((t) => [t.table, t.status, t.rows, t.s3Prefix])).toEqual([
      ["way", "COMPLETED", 10, "s3://exports/dev/data_exporter_service/way/"],
      ["cctv", "COMPLETED", 10, "s3://exports/dev/data_exporter_service/cctv/"],
    ]);
    expect(last.state.status).toBe("COMPLETED");
    expect(progressOf(last.state)).toBe(100);
    const redelivered = applyLifecycleEvent(last.state, { type: "TableUnloadCompleted", value: completed("cctv") });
    expect(redelivered.changed).toBe(false);
    expect(redelivered.completed).toBeUndefined();
  });

  it("keeps a table IN-PROGRESS after a retryable failure and FAILED after the final one", () => {
    let state = planned();
    state = applyLifecycleEvent(state, { type: "TableUnloadFailed", value: failed("way", 1, false) }).state;
    expect(state.tables[0]).toMatchObject({ status: "IN-PROGRESS", attempts: 1, lastError: "attempt 1 failed" });
    expect(progressOf(state)).toBe(0);
    state = applyLifecycleEvent(state, { type: "TableUnloadCompleted", value: completed("cctv") }).state;
    const final = applyLifecycleEvent(state, { type: "TableUnloadFailed", value: failed("way", 2, true) });
    expect(final.completed?.status).toBe("PARTIAL_SUCCESS");
    expect(final.completed?.tables.find((t) => t.table === "way")).toMatchObject({
      status: "FAILED",
      error: "attempt 2 failed",
    });
    expect(final.state.status).toBe("PARTIAL-SUCCESS");
  });

  it("reports FAILED when no table completed", () => {
    let state = planned();
    state = applyLifecycleEvent(state, { type: "TableUnloadFailed", value: failed("way", 1, true) }).state;
    const last = applyLifecycleEvent(state, { type: "TableUnloadFailed", value: failed("cctv", 1, true) });
    expect(last.completed?.status).toBe("FAILED");
  });

  it("ignores stale attempts and tables outside the plan", () => {
    let state = planned();
    state = applyLifecycleEvent(state, { type: "TableUnloadFailed", value: failed("way", 2, false) }).state;
    const stale = applyLifecycleEvent(state, {
      type: "TableUnloadStarted",
      value: { requestId, table: "way", attempt: 1, run: 0, worker: "w", startedAt: 1 },
    });
    expect(stale.changed).toBe(false);
    const unknown = applyLifecycleEvent(state, { type: "TableUnloadCompleted", value: completed("nope") });
    expect(unknown.changed).toBe(false);
  });

  it("finishes an export that planned no table at once, as FAILED: nothing was exported", () => {
    const result = applyLifecycleEvent(undefined, { type: "ExportPlanned", value: { ...plan, tables: [] } });
    expect(result.completed?.status).toBe("FAILED");
    expect(result.completed?.tables).toEqual([]);
  });
});

describe("applyLifecycleEvent: attempts and interleavings", () => {
  type TableEvent = Parameters<typeof applyLifecycleEvent>[1];
  const started = (attempt: number, at = 4_100): TableEvent => ({
    type: "TableUnloadStarted",
    value: { requestId, table: "way", attempt, run: 0, worker: "w", startedAt: at },
  });
  const heartbeat = (attempt: number, at: number): TableEvent => ({
    type: "TableUnloadHeartbeat",
    value: { requestId, table: "way", attempt, run: 0, worker: "w", at },
  });
  const done = (attempt: number): TableEvent => ({ type: "TableUnloadCompleted", value: completed("way", attempt) });
  const fail = (attempt: number, final: boolean): TableEvent => ({
    type: "TableUnloadFailed",
    value: failed("way", attempt, final),
  });
  const run = (events: readonly TableEvent[], from = planned()) =>
    events.reduce((state, event) => applyLifecycleEvent(state, event).state, from);
  const way = (state: ExportRequestState) => state.tables.find((t) => t.table === "way");

  it("retry then crash: a redelivered command reporting a lower attempt still finishes the table", () => {
    // Attempt 1 failed retryably, attempt 2 started, the unloader died; the redelivered command reports attempt 1.
    const state = run([started(1), fail(1, false), started(2), started(1), done(1)]);
    expect(way(state)).toMatchObject({ status: "COMPLETED", attempts: 2, rows: 10 });
  });

  it("a final failure of any attempt finishes an unfinished table", () => {
    expect(way(run([started(3), fail(1, true)]))).toMatchObject({ status: "FAILED", attempts: 3 });
  });

  it("never reopens a finished table: late starts, heartbeats and outcomes of superseded runs are ignored", () => {
    for (const late of [started(4), heartbeat(4, 9_000), fail(4, false), fail(4, true), done(4)]) {
      const completedFirst = run([started(1), done(1)]);
      const after = applyLifecycleEvent(completedFirst, late);
      expect([late.type, after.changed]).toEqual([late.type, false]);
      expect(way(after.state)?.status).toBe("COMPLETED");
      const failedFirst = run([started(1), fail(1, true)]);
      expect(way(applyLifecycleEvent(failedFirst, late).state)?.status).toBe("FAILED");
    }
  });

  it("an older attempt's start, heartbeat or retryable failure after a newer start changes nothing", () => {
    const state = run([started(2, 4_200)]);
    for (const stale of [started(1, 4_300), heartbeat(1, 4_400), fail(1, false)])
      expect(applyLifecycleEvent(state, stale).changed).toBe(false);
  });

  it("heartbeats record the last progress (never moving it back) and mark a PENDING table as running", () => {
    const state = run([heartbeat(1, 4_500), heartbeat(1, 4_400)]);
    expect(way(state)).toMatchObject({ status: "IN-PROGRESS", attempts: 1, startedAt: 4_500, lastProgressAt: 4_500 });
    expect(way(run([heartbeat(1, 4_600)], state))?.lastProgressAt).toBe(4_600);
    expect(applyLifecycleEvent(state, heartbeat(1, 4_500)).changed).toBe(false);
  });

  it("a start records progress; a repeated start of the same attempt changes nothing", () => {
    const state = run([started(1, 4_100)]);
    expect(way(state)?.lastProgressAt).toBe(4_100);
    expect(applyLifecycleEvent(state, started(1, 4_100)).changed).toBe(false);
  });

  it("the same events in any order where outcomes come last end in the same state", () => {
    const events = [started(1), fail(1, false), started(2), heartbeat(2, 4_800)];
    const forward = run([...events, done(2)]);
    const shuffled = run([events[1]!, events[3]!, events[0]!, events[2]!, done(2)]);
    expect(way(shuffled)).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(way(forward)).toMatchObject({ status: "COMPLETED", attempts: 2 });
  });
});

describe("applyRequested: a request and its plan in either order", () => {
  const request = requestedState(
    { requestId, windowStart: 1_000, windowEnd: 2_000, requestedAt: 500, requestedBy: null },
    "ON_DEMAND",
  );
  const planEvent = { type: "ExportPlanned" as const, value: plan };

  it("records a new request as REQUESTED at its own time", () => {
    const result = applyRequested(undefined, request);
    expect(result.changed).toBe(true);
    expect(result.state).toMatchObject({ status: "REQUESTED", requestedAt: 500, requestRecorded: true });
  });

  it("a plan seen first stands in with its own time, and the request then sets the real one", () => {
    const planFirst = applyLifecycleEvent(undefined, planEvent).state;
    expect(planFirst).toMatchObject({ requestedAt: 3_000, requestRecorded: false, status: "IN-PROGRESS" });
    const result = applyRequested(planFirst, request);
    expect(result.changed).toBe(true);
    expect(result.state).toEqual({ ...planFirst, requestedAt: 500, requestRecorded: true });
  });

  it("ends in the same state whichever topic was read first, also for a finished export", () => {
    const requestFirst = applyLifecycleEvent(applyRequested(undefined, request).state, planEvent).state;
    const planFirst = applyRequested(applyLifecycleEvent(undefined, planEvent).state, request).state;
    expect(planFirst).toEqual(requestFirst);

    const empty = { type: "ExportPlanned" as const, value: { ...plan, tables: [] } };
    const finishedFirst = applyLifecycleEvent(undefined, empty);
    expect(finishedFirst.completed?.status).toBe("FAILED");
    const late = applyRequested(finishedFirst.state, request);
    expect(late.completed).toBeUndefined();
    expect(late.state).toEqual(applyLifecycleEvent(applyRequested(undefined, request).state, empty).state);
  });

  it("a redelivered request changes nothing, even one carrying another time", () => {
    const recorded = applyRequested(undefined, request).state;
    const again = applyRequested(recorded, { ...request, requestedAt: 99 });
    expect(again.changed).toBe(false);
    expect(again.state).toBe(recorded);
  });
});

describe("applyLifecycleEvent: cancelled tables and retried runs", () => {
  type TableEvent = Parameters<typeof applyLifecycleEvent>[1];
  const apply = (events: readonly TableEvent[], from?: ExportRequestState) =>
    events.reduce<ExportRequestState | undefined>((state, event) => applyLifecycleEvent(state, event).state, from);
  const first: TableEvent = { type: "ExportPlanned", value: plan };
  const cancelledEvent = (table: string, attempt: number, run = 0): TableEvent => ({
    type: "TableUnloadFailed",
    value: {
      ...failed(table, attempt, true),
      run,
      errorKind: "UNKNOWN",
      errorMessage: "cancelled by alice: no file of this table was published",
      cancelled: true,
      cancelledBy: "alice",
    },
  });
  const done = (table: string, attempt: number, run = 0): TableEvent => ({
    type: "TableUnloadCompleted",
    value: { ...completed(table, attempt), run },
  });
  const retryPlan = (run: number, tables: string[]): TableEvent => ({
    type: "ExportPlanned",
    value: { ...plan, run, plannedAt: 9_000 + run, tables: plan.tables.filter((t) => tables.includes(t.table)) },
  });

  it("finishes as CANCELLED once every table stopped, keeping what completed, and says so in ExportCompleted", () => {
    const running = apply([first, done("way", 1)]);
    expect(running?.status).toBe("IN-PROGRESS");
    const transition = applyLifecycleEvent(running, cancelledEvent("cctv", 1));
    expect(transition.state).toMatchObject({ status: "CANCELLED", completedAt: 5_000 });
    expect(transition.state.tables.find((t) => t.table === "cctv")).toMatchObject({
      status: "CANCELLED",
      errorKind: "CANCELLED",
      cancelledBy: "alice",
    });
    expect(transition.completed).toMatchObject({
      status: "PARTIAL_SUCCESS",
      cancelled: true,
      cancelledBy: "alice",
      run: 0,
      tables: [
        expect.objectContaining({ table: "way", status: "COMPLETED", cancelled: false }),
        expect.objectContaining({ table: "cctv", status: "FAILED", cancelled: true }),
      ],
    });
    expect(progressOf(transition.state)).toBe(100);
  });

  it("a retry's plan reopens only failed and cancelled tables, and the export completes again as that run", () => {
    const cancelled = apply([first, done("way", 1), cancelledEvent("cctv", 2)]);
    const retried = applyLifecycleEvent(cancelled, retryPlan(1, ["cctv"]));
    expect(retried.state).toMatchObject({
      status: "IN-PROGRESS",
      run: 1,
      completedAt: null,
      completionPublishedAt: null,
      plannedAt: 9_001,
      configVersion: "v1",
    });
    expect(retried.state.tables.find((t) => t.table === "cctv")).toMatchObject({
      status: "PENDING",
      run: 1,
      attempts: 2,
      cancelledBy: null,
      lastError: null,
    });
    const way = cancelled?.tables.find((t) => t.table === "way");
    expect(retried.state.tables.find((t) => t.table === "way")).toEqual(way);
    expect(progressOf(retried.state)).toBe(50);

    const finished = applyLifecycleEvent(retried.state, done("cctv", 3, 1));
    expect(finished.state.status).toBe("COMPLETED");
    expect(finished.completed).toMatchObject({ status: "SUCCESS", run: 1, cancelled: false });
  });

  it("ignores events of an earlier run once the table was retried, and a retry's plan delivered twice", () => {
    const failedRun = apply([first, done("way", 1), { type: "TableUnloadFailed", value: failed("cctv", 1, true) }]);
    expect(failedRun?.status).toBe("PARTIAL-SUCCESS");
    const retried = apply([retryPlan(1, ["cctv"])], failedRun);
    // The first run's outcome republished late (a redelivered command) must not end the retried table.
    const late = applyLifecycleEvent(retried, { type: "TableUnloadFailed", value: failed("cctv", 1, true) });
    expect(late.changed).toBe(false);
    expect(late.ignored).toMatch(/run 0, before the table was retried/);
    expect(applyLifecycleEvent(retried, cancelledEvent("cctv", 0, 0)).changed).toBe(false);
    expect(applyLifecycleEvent(retried, retryPlan(1, ["cctv"])).changed).toBe(false);
    // The tracker's own verdicts on the retried run (attempt 0: nothing started) still apply.
    const deadline = applyLifecycleEvent(retried, {
      type: "TableUnloadFailed",
      value: { ...failed("cctv", 0, true), run: 1, errorMessage: "deadline" },
    });
    expect(deadline.state).toMatchObject({ status: "PARTIAL-SUCCESS", run: 1 });
  });

  it("a retry that plans nothing (its tables left the configuration) completes again at once", () => {
    const failedRun = apply([first, done("way", 1), { type: "TableUnloadFailed", value: failed("cctv", 1, true) }]);
    const retried = applyLifecycleEvent(failedRun, retryPlan(1, []));
    expect(retried.state).toMatchObject({ status: "PARTIAL-SUCCESS", run: 1 });
    expect(retried.completed).toMatchObject({ run: 1, status: "PARTIAL_SUCCESS" });
  });
});
