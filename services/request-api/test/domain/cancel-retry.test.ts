import { describe, expect, it } from "@jest/globals";
import type { ExportRequestState, TableJob } from "@data-exporter/status-store";
import { cancellationOf, retryOf } from "../../src/domain/cancel-retry.js";

const job = (table: string, status: TableJob["status"]): TableJob => ({
  table,
  status,
  attempts: 1,
  rows: null,
  bytes: null,
  outputPrefix: `p/${table}/`,
  files: [],
  manifestKey: null,
  manifestVersionId: null,
  errorKind: null,
  lastError: null,
  cancelledBy: null,
  run: 0,
  startedAt: null,
  lastProgressAt: null,
  finishedAt: null,
});
const state = (status: ExportRequestState["status"], tables: TableJob[], run = 0): ExportRequestState => ({
  requestId: "r",
  mode: "SCHEDULED",
  exportDate: "2024-04-06",
  windowStart: 1,
  windowEnd: 2,
  status,
  run,
  plannedTables: tables.map((t) => t.table),
  skippedTables: [],
  bucket: "b",
  configVersion: "cfg",
  requestedAt: 0,
  requestedBy: null,
  requestRecorded: true,
  plannedAt: 0,
  completedAt: null,
  completionPublishedAt: null,
  tables,
});

describe("cancellationOf", () => {
  it("cancels the current run of an export that is not finished, planned or not", () => {
    expect(cancellationOf(state("IN-PROGRESS", [job("way", "IN-PROGRESS")], 2), "alice", 9)).toEqual({
      event: { requestId: "r", run: 2, cancelledBy: "alice", cancelledAt: 9 },
    });
    expect(cancellationOf(state("REQUESTED", []), null, 9)).toMatchObject({ event: { run: 0, cancelledBy: null } });
  });

  it("refuses a finished export, naming its status", () => {
    for (const status of ["COMPLETED", "FAILED", "PARTIAL-SUCCESS", "CANCELLED"] as const)
      expect(cancellationOf(state(status, []), "alice", 9)).toEqual({
        conflict: expect.stringMatching(/^the export already finished \(.+\); there is nothing to cancel$/) as unknown,
      });
  });
});

describe("retryOf", () => {
  it("names the failed and cancelled tables, the next run and the request's own window and date", () => {
    const partial = state("CANCELLED", [job("a", "COMPLETED"), job("b", "FAILED"), job("c", "CANCELLED")], 1);
    expect(retryOf(partial, "alice", 9)).toEqual({
      event: {
        requestId: "r",
        run: 2,
        mode: "SCHEDULED",
        exportDate: "2024-04-06",
        windowStart: 1,
        windowEnd: 2,
        tables: ["b", "c"],
        retriedBy: "alice",
        retriedAt: 9,
      },
    });
  });

  it("refuses a running export, a complete one, and one that planned no table", () => {
    expect(retryOf(state("IN-PROGRESS", [job("a", "FAILED")]), "a", 9)).toMatchObject({
      conflict: expect.stringContaining("still running") as unknown,
    });
    expect(retryOf(state("COMPLETED", [job("a", "COMPLETED")]), "a", 9)).toMatchObject({
      conflict: expect.stringContaining("nothing to retry") as unknown,
    });
    expect(retryOf(state("FAILED", []), "a", 9)).toMatchObject({
      conflict: expect.stringContaining("planned no table") as unknown,
    });
  });
});
