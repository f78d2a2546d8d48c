import { describe, expect, it } from "@jest/globals";
import { compareReadModels, type ReadModelRows } from "../../src/domain/read-model-diff.js";

const request = (id: string, overrides: Record<string, unknown> = {}) => ({
  de_request_id: id,
  status: "COMPLETED",
  planned_tables: ["way", "cctv"],
  skipped_tables: [{ table: "x", reason: "disabled" }],
  requested_at: "2024-04-07T01:00:00.123456+00:00",
  completion_published_at: "2024-04-07T02:00:00.010+00:00",
  updated_at: "2024-04-07T02:00:00.011+00:00",
  ...overrides,
});
const job = (id: string, table: string, overrides: Record<string, unknown> = {}) => ({
  de_request_id: id,
  table_name: table,
  attempts: 1,
  files: [{ key: "k", rows: 1, bytes: 2, sha256: "ab" }],
  updated_at: "2024-04-07T02:00:00+00:00",
  ...overrides,
});
const model = (...ids: string[]): ReadModelRows => ({
  requests: ids.map((id) => request(id)),
  jobs: ids.flatMap((id) => [job(id, "way"), job(id, "cctv")]),
});

describe("compareReadModels", () => {
  it("finds two models equal whatever their row order, key order and write times", () => {
    const live = model("a", "b");
    const rebuilt: ReadModelRows = {
      requests: [...live.requests].reverse().map((row) => ({
        ...Object.fromEntries(Object.entries(row).reverse()),
        updated_at: "2025-01-01T00:00:00+00:00",
        skipped_tables: [{ reason: "disabled", table: "x" }],
        completion_published_at: "2024-04-07T02:00:00.004+00:00",
      })),
      jobs: [...live.jobs].reverse().map((row) => ({ ...row, updated_at: "2025-01-01T00:00:00+00:00" })),
    };
    expect(compareReadModels(live, rebuilt)).toEqual({
      rows: { request_table: 2, table_export_job_statuses: 4 },
      differences: [],
      announcementLagMs: { compared: 2, min: 6, max: 6 },
    });
  });

  it("names each row only one side has and each column that differs, in order", () => {
    const live = model("a", "b");
    const rebuilt: ReadModelRows = {
      requests: [
        request("a", { requested_at: "2024-04-07T01:30:00+00:00", completion_published_at: null }),
        request("c"),
      ],
      jobs: [job("a", "way", { attempts: 2 }), job("a", "cctv", { files: [] }), job("c", "way")],
    };
    const { differences } = compareReadModels(live, rebuilt);
    expect(differences).toEqual([
      {
        table: "request_table",
        key: "a",
        kind: "column",
        column: "completion_published_at",
        live: "2024-04-07T02:00:00.010+00:00",
        rebuilt: null,
      },
      {
        table: "request_table",
        key: "a",
        kind: "column",
        column: "requested_at",
        live: "2024-04-07T01:00:00.123456+00:00",
        rebuilt: "2024-04-07T01:30:00+00:00",
      },
      { table: "request_table", key: "b", kind: "missing" },
      { table: "request_table", key: "c", kind: "extra" },
      {
        table: "table_export_job_statuses",
        key: "a/cctv",
        kind: "column",
        column: "files",
        live: [{ key: "k", rows: 1, bytes: 2, sha256: "ab" }],
        rebuilt: [],
      },
      { table: "table_export_job_statuses", key: "a/way", kind: "column", column: "attempts", live: 1, rebuilt: 2 },
      { table: "table_export_job_statuses", key: "b/cctv", kind: "missing" },
      { table: "table_export_job_statuses", key: "b/way", kind: "missing" },
      { table: "table_export_job_statuses", key: "c/way", kind: "extra" },
    ]);
  });

  it("treats a column only one side has as a difference", () => {
    const live = model("a");
    const rebuilt = { ...live, requests: [{ ...request("a"), request_recorded: true }] };
    expect(compareReadModels(live, rebuilt).differences).toEqual([
      { table: "request_table", key: "a", kind: "column", column: "request_recorded", live: null, rebuilt: true },
    ]);
  });
});
