import { describe, expect, it } from "@jest/globals";
import { confinedPresign, type PresignRefused } from "@data-exporter/export-links";
import type { ExportRequestState, TableJob } from "@data-exporter/status-store";
import { toStatusView, type Presign } from "../../src/domain/status-view.js";

const scope = { bucket: "exports", prefix: "prod/" };

const signed: string[] = [];
const presign: Presign = (bucket, key, _versionId, signedAt) => {
  signed.push(`${bucket}/${key}`);
  return Promise.resolve({ url: `https://signed/${bucket}/${key}`, expiresAt: signedAt + 1000 });
};

function completed(table: string, keys: string[], manifestKey: string): TableJob {
  return {
    table,
    status: "COMPLETED",
    attempts: 1,
    rows: 1,
    bytes: 1,
    outputPrefix: `prod/${table}/`,
    files: keys.map((key) => ({ key, rows: 1, bytes: 1, sha256: "ab", versionId: "v1" })),
    manifestKey,
    manifestVersionId: "v1",
    errorKind: null,
    lastError: null,
    cancelledBy: null,
    run: 0,
    startedAt: 1,
    lastProgressAt: 2,
    finishedAt: 3,
  };
}

function request(bucket: string, tables: TableJob[]): ExportRequestState {
  return {
    requestId: "r",
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: 0,
    windowEnd: 1,
    status: "COMPLETED",
    run: 0,
    plannedTables: tables.map((t) => t.table),
    skippedTables: [],
    bucket,
    configVersion: "c",
    requestedAt: 0,
    requestedBy: "alice",
    requestRecorded: true,
    plannedAt: 0,
    completedAt: 3,
    completionPublishedAt: 3,
    tables,
  };
}

describe("a tampered read-model row", () => {
  it("yields no URL for an object outside the export prefix, and the refusal is reported", async () => {
    signed.length = 0;
    const refused: PresignRefused[] = [];
    const confined = confinedPresign(presign, scope, (r) => void refused.push(r));
    const state = request("exports", [
      completed("way", ["prod/way/way_000.parquet"], "prod/way/manifest.json"),
      // Rewritten in the read model to point at someone else's objects.
      completed("cctv", ["hr/payroll/2024.parquet", "prod/../hr/salaries.parquet"], "hr/manifest.json"),
    ]);
    const view = await toStatusView("r", state, confined);
    expect(view.dataRequestDownloadLinks).toEqual({ way: ["https://signed/exports/prod/way/way_000.parquet"] });
    const cctv = view.tables.find((t) => t.tableName === "cctv");
    expect(cctv).toMatchObject({ files: [], manifestUrl: null, linksExpireAt: null, fileCount: 2 });
    expect(signed).toEqual(["exports/prod/way/way_000.parquet", "exports/prod/way/manifest.json"]);
    expect(refused.map((r) => r.key).sort()).toEqual(
      ["hr/manifest.json", "hr/payroll/2024.parquet", "prod/../hr/salaries.parquet"].sort(),
    );
  });

  it("yields no URL at all when the row names another bucket", async () => {
    signed.length = 0;
    const confined = confinedPresign(presign, scope, () => undefined);
    const view = await toStatusView(
      "r",
      request("payroll", [completed("way", ["prod/way/way_000.parquet"], "prod/way/manifest.json")]),
      confined,
    );
    expect(view.dataRequestDownloadLinks).toEqual({});
    expect(view.tables[0]?.manifestUrl).toBeNull();
    expect(signed).toEqual([]);
  });
});
