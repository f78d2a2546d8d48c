import { describe, expect, it } from "@jest/globals";
import type { ExportRequestState, TableJob } from "@data-exporter/status-store";
import { statusText, toStatusView } from "../../src/domain/status-view.js";

const DAY_MS = 86_400_000;
const presign = (
  bucket: string,
  key: string,
  versionId: string | null,
  signedAt: number,
): Promise<{ url: string; expiresAt: number }> =>
  Promise.resolve({ url: `https://signed/${bucket}/${key}?versionId=${versionId}`, expiresAt: signedAt + DAY_MS });
const job = (table: string, status: TableJob["status"], keys: string[]): TableJob => ({
  table,
  status,
  attempts: 1,
  rows: status === "COMPLETED" ? 5 : null,
  bytes: status === "COMPLETED" ? 50 : null,
  outputPrefix: `p/${table}/`,
  files: keys.map((key) => ({ key, rows: 5, bytes: 50, sha256: "ab", versionId: `v-${key}` })),
  manifestKey: status === "COMPLETED" ? `p/${table}/manifest` : null,
  manifestVersionId: status === "COMPLETED" ? "v-manifest" : null,
  errorKind: status === "FAILED" ? "WAREHOUSE_QUERY" : null,
  lastError: status === "FAILED" ? "boom" : null,
  cancelledBy: null,
  run: 0,
  startedAt: 1_000,
  lastProgressAt: status === "PENDING" ? null : 1_500,
  finishedAt: status === "PENDING" ? null : 2_000,
});
const state = (status: ExportRequestState["status"], tables: TableJob[]): ExportRequestState => ({
  requestId: "r",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 86_400_000,
  windowEnd: 172_800_000,
  status,
  run: 0,
  plannedTables: tables.map((t) => t.table),
  skippedTables: [],
  bucket: "exports",
  configVersion: "cfg",
  requestedAt: 500,
  requestedBy: "alice",
  requestRecorded: true,
  plannedAt: 600,
  completedAt: null,
  completionPublishedAt: null,
  tables,
});

describe("toStatusView", () => {
  it("answers the seed's string for an unknown request", async () => {
    const view = await toStatusView("r", undefined, presign);
    expect(view).toMatchObject({ status: statusText.unknown, progress: 0, dataRequestDownloadLinks: {}, tables: [] });
  });

  it("links only completed tables' files, grouped by table", async () => {
    const view = await toStatusView(
      "r",
      state("IN-PROGRESS", [
        job("way", "COMPLETED", ["p/way/way_000.parquet", "p/way/way_001.parquet"]),
        job("cctv", "IN-PROGRESS", []),
      ]),
      presign,
    );
    expect(view.status).toBe("In Progress");
    expect(view.progress).toBe(50);
    expect(view.dataRequestDownloadLinks).toEqual({
      way: [
        "https://signed/exports/p/way/way_000.parquet?versionId=v-p/way/way_000.parquet",
        "https://signed/exports/p/way/way_001.parquet?versionId=v-p/way/way_001.parquet",
      ],
    });
    expect(view.tables[0]?.manifestUrl).toBe("https://signed/exports/p/way/manifest?versionId=v-manifest");
    // Signed as at the table's end (finishedAt 2000): a day from then, however often the status is read.
    expect(view.tables[0]?.files[0]?.expiresAt).toBe(new Date(2_000 + DAY_MS).toISOString());
    expect(view.linksExpireAt).toBe(new Date(2_000 + DAY_MS).toISOString());
    expect(view.windowStart).toBe(86_400);
  });

  it("maps finished states to Completed, Failed and Partially Completed at progress 100", async () => {
    expect((await toStatusView("r", state("COMPLETED", [job("way", "COMPLETED", [])]), presign)).status).toBe(
      "Completed",
    );
    const failed = await toStatusView("r", state("FAILED", [job("way", "FAILED", [])]), presign);
    expect(failed).toMatchObject({ status: "Failed", progress: 100 });
    expect(failed.tables[0]).toMatchObject({ errorKind: "WAREHOUSE_QUERY", error: "boom", files: [] });
    expect((await toStatusView("r", state("PARTIAL-SUCCESS", [job("way", "FAILED", [])]), presign)).status).toBe(
      "Partially Completed",
    );
  });

  it("signs links as at the owner's latest grant (refreshLinks) when there is one", async () => {
    const view = await toStatusView(
      "r",
      state("COMPLETED", [job("way", "COMPLETED", ["p/way/way_000.parquet"])]),
      presign,
      5_000_000,
    );
    expect(view.tables[0]?.files[0]?.expiresAt).toBe(new Date(5_000_000 + DAY_MS).toISOString());
    expect(view.linksExpireAt).toBe(new Date(5_000_000 + DAY_MS).toISOString());
  });
});
