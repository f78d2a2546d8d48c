import { describe, expect, it } from "@jest/globals";
import type { RequestStatus, TableExport } from "../../src/api/operations.js";
import { bar, eraseLines, renderStatus, tableFraction } from "../../src/render/progress.js";

const table = (tableName: string, status: string, extra: Partial<TableExport> = {}): TableExport => ({
  tableName,
  status,
  attempts: 1,
  rows: null,
  bytes: null,
  fileCount: 0,
  error: null,
  startedAt: null,
  finishedAt: null,
  linksExpireAt: null,
  manifestUrl: null,
  files: [],
  ...extra,
});

const status = (tables: TableExport[], progress: number, state = "In Progress"): RequestStatus => ({
  requestId: "r-1",
  status: state,
  progress,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1712322000,
  windowEnd: 1712408400,
  requestedAt: null,
  completedAt: null,
  linksExpireAt: null,
  tables,
  skippedTables: [],
});

describe("progress rendering", () => {
  it("fills a bar by fraction, clamped", () => {
    expect(bar(0, 10)).toBe("[----------]");
    expect(bar(0.5, 10)).toBe("[#####-----]");
    expect(bar(1, 10)).toBe("[##########]");
    expect(bar(7, 4)).toBe("[####]");
  });

  it("shows pending tables empty, running ones half and finished ones full", () => {
    expect(["PENDING", "IN-PROGRESS", "COMPLETED", "FAILED", "CANCELLED"].map(tableFraction)).toEqual([
      0, 0.5, 1, 1, 1,
    ]);
  });

  it("renders the export's bar and one aligned bar per table, with rows, files, errors and attempts", () => {
    const lines = renderStatus(
      status(
        [
          table("way", "COMPLETED", { rows: 12345, fileCount: 2 }),
          table("node_tag", "IN-PROGRESS", { attempts: 2 }),
          table("bus", "FAILED", { error: "warehouse timeout" }),
          table("stop", "PENDING"),
        ],
        50,
      ),
    );
    expect(lines).toEqual([
      "r-1  In Progress  [##########----------] 50%  (2/4 tables)",
      "  way       [####################] COMPLETED   12,345 rows, 2 files",
      "  node_tag  [##########----------] IN-PROGRESS attempt 2",
      "  bus       [####################] FAILED      warehouse timeout",
      "  stop      [--------------------] PENDING",
    ]);
  });

  it("erases a block of lines to redraw it on a terminal", () => {
    expect(eraseLines(0)).toBe("");
    expect(eraseLines(3)).toBe("\x1b[3F\x1b[J");
  });
});
