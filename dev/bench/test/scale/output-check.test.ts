import { describe, expect, it } from "@jest/globals";
import type { RequestStatusResult } from "../../../harness/index.js";
import { spreadSample, statusProblems } from "../../scale/output-check.js";

type Table = RequestStatusResult["tables"][number];

function table(overrides: Partial<Table> = {}): Table {
  return {
    tableName: "way",
    status: "COMPLETED",
    attempts: 1,
    rows: 30,
    bytes: 100,
    fileCount: 2,
    files: [
      { key: "k/way_000.parquet", url: "u0", rows: 20, bytes: 60, sha256: "a" },
      { key: "k/way_001.parquet", url: "u1", rows: 10, bytes: 40, sha256: "b" },
    ],
    manifestUrl: "m",
    errorKind: null,
    error: null,
    ...overrides,
  };
}

function status(tables: Table[], overall = "Completed"): RequestStatusResult {
  return {
    requestId: "r1",
    status: overall,
    progress: 100,
    dataRequestDownloadLinks: {},
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: 1_712_361_600,
    windowEnd: 1_712_362_200,
    tables,
    skippedTables: [],
  };
}

describe("statusProblems", () => {
  it("finds nothing wrong with a completed export whose files add up", () => {
    expect(statusProblems(status([table(), table({ tableName: "cctv", rows: 0, fileCount: 0, files: [] })]))).toEqual(
      [],
    );
  });

  it("says when files are missing, do not add up, or a table of a Completed export did not complete", () => {
    expect(statusProblems(status([table({ fileCount: 3 })]))).toEqual(["r1 way: fileCount 3, 2 files listed"]);
    expect(statusProblems(status([table({ rows: 31 })]))).toEqual(["r1 way: files hold 30 rows, table 31"]);
    expect(statusProblems(status([table({ fileCount: 0, files: [] })]))).toEqual([
      "r1 way: 30 rows, no files",
      "r1 way: files hold 0 rows, table 30",
    ]);
    expect(statusProblems(status([table({ manifestUrl: null })]))).toEqual(["r1 way: no manifest"]);
    expect(statusProblems(status([table({ status: "FAILED" })]))).toEqual(["r1 way: FAILED in a Completed export"]);
    expect(statusProblems(status([]))).toEqual(["r1: no tables"]);
  });

  it("does not hold a failed export's failed tables to a completed table's rules", () => {
    expect(statusProblems(status([table({ status: "FAILED", files: [], fileCount: 0 })], "Failed"))).toEqual([]);
  });
});

describe("spreadSample", () => {
  it("picks indexes spread evenly, first and last included", () => {
    expect(spreadSample(1000, 5)).toEqual([0, 250, 500, 749, 999]);
    expect(spreadSample(3, 5)).toEqual([0, 1, 2]);
    expect(spreadSample(10, 1)).toEqual([0]);
    expect(spreadSample(0, 5)).toEqual([]);
  });
});
