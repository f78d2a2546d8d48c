import { describe, expect, it } from "@jest/globals";
import type { ExportPlanned, TableUnloadEvent } from "@data-exporter/contracts";
import { ObjectStoreError } from "@data-exporter/object-store";
import { exportClassifications, type ClassificationExportDeps } from "../../src/handlers/export-classifications.js";

const planned: ExportPlanned = {
  requestId: "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e",
  mode: "SCHEDULED",
  exportDate: "2024-04-07",
  windowStart: 1,
  windowEnd: 2,
  tables: [
    {
      table: "classifications",
      outputPrefix: "dev/2024/04/07/classifications/",
      exportedColumns: [],
      unclassifiedColumns: [],
    },
  ],
  skippedTables: [],
  configVersion: "cfg-1",
  bucket: "b",
  plannedAt: 0,
};
const config = {
  tables: [
    {
      table: "way",
      schema: "pm",
      enabled: true,
      onDemandEnabled: true,
      timeColumn: null,
      sourceColumn: null,
      metricColumn: null,
    },
  ],
  rules: { columns: [], sources: [{ source: "FUSION", classification: "nr" as const }], metrics: [] },
  loadedAt: 5,
};

function fakeDeps(failures: Error[]): { deps: ClassificationExportDeps; events: TableUnloadEvent[]; sleeps: number[] } {
  const events: TableUnloadEvent[] = [];
  const sleeps: number[] = [];
  const deps: ClassificationExportDeps = {
    writeSnapshot: (tables, target) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      return Promise.resolve({
        files: tables.map((t) => ({
          key: `${target.outputPrefix}${t.name}.parquet`,
          rows: t.rows.length,
          bytes: 10,
          sha256: "x",
        })),
        manifestKey: `${target.outputPrefix}manifest`,
      });
    },
    publish: (event) => Promise.resolve(void events.push(event)),
    maxAttempts: 3,
    backoffMs: (attempt) => attempt * 100,
    sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    worker: "w",
    now: () => 7,
  };
  return { deps, events, sleeps };
}

describe("exportClassifications", () => {
  it("reports the snapshot as the classifications table: Started, then Completed with its four files", async () => {
    const { deps, events } = fakeDeps([]);
    const outcome = await exportClassifications(planned, config, deps);
    expect(outcome).toMatchObject({ status: "COMPLETED", attempts: 1 });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadCompleted"]);
    const completed = events[1];
    expect(completed?.type === "TableUnloadCompleted" && completed.value).toMatchObject({
      requestId: planned.requestId,
      table: "classifications",
      rows: 2,
      bytes: 40,
      manifestKey: "dev/2024/04/07/classifications/manifest",
    });
    expect(completed?.type === "TableUnloadCompleted" && completed.value.files.map((f) => f.key)).toEqual([
      "dev/2024/04/07/classifications/export_tables.parquet",
      "dev/2024/04/07/classifications/data_column_classification.parquet",
      "dev/2024/04/07/classifications/actual_data_classifications.parquet",
      "dev/2024/04/07/classifications/long_table_data_classifications.parquet",
    ]);
  });

  it("retries a retryable failure with backoff", async () => {
    const { deps, events, sleeps } = fakeDeps([
      new ObjectStoreError("UNAVAILABLE", "S3 unavailable", { retryable: true }),
    ]);
    expect(await exportClassifications(planned, config, deps)).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(events.map((e) => e.type)).toEqual([
      "TableUnloadStarted",
      "TableUnloadFailed",
      "TableUnloadStarted",
      "TableUnloadCompleted",
    ]);
    expect(events[1]?.value).toMatchObject({ errorKind: "OBJECT_STORE", retryable: true, finalAttempt: false });
    expect(sleeps).toEqual([100]);
  });

  it("fails for good after the last attempt, or at once when retrying cannot help", async () => {
    const retryable = (): Error => new ObjectStoreError("UNAVAILABLE", "S3 unavailable", { retryable: true });
    const exhausted = fakeDeps([retryable(), retryable(), retryable()]);
    expect(await exportClassifications(planned, config, exhausted.deps)).toEqual({
      status: "FAILED",
      attempts: 3,
      error: "S3 unavailable",
    });
    expect(exhausted.events.at(-1)?.value).toMatchObject({ attempt: 3, finalAttempt: true });

    const fatal = fakeDeps([new Error("disk full")]);
    expect(await exportClassifications(planned, config, fatal.deps)).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(fatal.events.at(-1)?.value).toMatchObject({ errorKind: "UNKNOWN", retryable: false, finalAttempt: true });
  });

  it("does nothing for a plan without the snapshot (on demand)", async () => {
    const { deps, events } = fakeDeps([]);
    expect(await exportClassifications({ ...planned, tables: [] }, config, deps)).toEqual({ status: "NOT_PLANNED" });
    expect(events).toEqual([]);
  });
});
