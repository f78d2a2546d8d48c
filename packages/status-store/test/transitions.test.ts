import { describe, expect, it } from "@jest/globals";
import type { ExportPlanned, TableUnloadCompleted, TableUnloadFailed } from "@data-exporter/contracts";
import { applyLifecycleEvent, progressOf, requestedState, type ExportRequestState } from "../src/index.js";

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
};
const completed = (table: string, attempt = 1): TableUnloadCompleted => ({
  requestId,
  table,
  attempt,
  rows: 10,
  bytes: 100,
  files: [{ key: `k/${table}_000.parquet`, rows: 10, bytes: 100, sha256: "ab" }],
  manifestKey: `k/manifest`,
  durationMs: 5,
  completedAt: 4_000,
});
const failed = (table: string, attempt: number, finalAttempt: boolean): TableUnloadFailed => ({
  requestId,
  table,
  attempt,
  errorKind: "WAREHOUSE_QUERY",
  errorMessage: `attempt ${attempt} failed`,
  retryable: !finalAttempt,
  finalAttempt,
  failedAt: 5_000,
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
      value: { requestId, table: "way", attempt: 1, worker: "w", startedAt: 1 },
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
