import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted } from "@data-exporter/contracts";
import type { ParquetColumn } from "@data-exporter/warehouse";
import type { Catalog, PartitionSpec } from "../../src/adapters/glue-catalog.js";
import type { RegistrationStatus } from "../../src/adapters/registration-log.js";
import type { PartitionKey, RegistrationTarget, TableSpec } from "../../src/domain/catalog-layout.js";
import type { CatalogColumn } from "../../src/domain/hive-types.js";
import { handleExportCompleted, type ManifestSchema, type RegistrarDeps } from "../../src/handlers/register-export.js";

/** An in-memory catalog with Glue's semantics where the handler depends on them (AlreadyExists, by-value partitions). */
class MemoryCatalog implements Catalog {
  readonly databases = new Set<string>();
  readonly tables = new Map<string, { columns: CatalogColumn[]; partitionKeys: PartitionKey[] }>();
  readonly partitions = new Map<string, PartitionSpec>();
  failNext: Error | undefined;

  ensureDatabase(database: string): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) return Promise.reject(failure);
    this.databases.add(database);
    return Promise.resolve();
  }
  getTable(database: string, table: string) {
    return Promise.resolve(this.tables.get(`${database}.${table}`));
  }
  createTable(database: string, spec: TableSpec): Promise<"created" | "exists"> {
    const key = `${database}.${spec.name}`;
    if (this.tables.has(key)) return Promise.resolve("exists");
    this.tables.set(key, { columns: [...spec.columns], partitionKeys: [...spec.partitionKeys] });
    return Promise.resolve("created");
  }
  upsertPartition(database: string, table: string, partition: PartitionSpec): Promise<"created" | "updated"> {
    const key = `${database}.${table}/${partition.values.join("/")}`;
    const existed = this.partitions.has(key);
    this.partitions.set(key, partition);
    return Promise.resolve(existed ? "updated" : "created");
  }
}

const column = (name: string, physicalType: string, convertedType: string | null = null): ParquetColumn => ({
  name,
  physicalType,
  logicalType: null,
  convertedType,
  precision: null,
  scale: null,
  nullable: true,
  readerType: null,
});
const waySchema = [column("way_id", "INT64"), column("name", "BYTE_ARRAY", "UTF8")];

function event(requestId: string, tables: string[]): ExportCompleted {
  return {
    requestId,
    mode: "SCHEDULED",
    exportDate: "2024-04-07",
    windowStart: 0,
    windowEnd: 1,
    status: "SUCCESS",
    tables: tables.map((table) => ({
      table,
      status: "COMPLETED",
      rows: 1,
      bytes: 1,
      s3Prefix: `s3://b/dev/2024/04/07/${table}/`,
      fileCount: 1,
      error: null,
      cancelled: false,
    })),
    bucket: "b",
    completedAt: 2,
    run: 0,
    cancelled: false,
    cancelledBy: null,
  };
}

function setup(manifests: Record<string, ManifestSchema>) {
  const catalog = new MemoryCatalog();
  const rows = new Map<string, { status: RegistrationStatus; attempts: number; error?: string }>();
  const key = (t: RegistrationTarget): string => `${t.requestId}/${t.table}`;
  const deps: RegistrarDeps = {
    database: "db",
    onDemand: false,
    catalog,
    readManifest: (_bucket, manifestKey) => {
      const manifest = manifests[manifestKey];
      return manifest === undefined ? Promise.reject(new Error(`no ${manifestKey}`)) : Promise.resolve(manifest);
    },
    registrations: {
      statusOf: (t) => Promise.resolve(rows.get(key(t))?.status),
      begin: (t) => {
        const row = rows.get(key(t)) ?? { status: "PENDING" as const, attempts: 0 };
        rows.set(key(t), { ...row, attempts: row.attempts + 1 });
        return Promise.resolve(row.attempts + 1);
      },
      finish: (t, status, details = {}) => {
        const row = rows.get(key(t));
        rows.set(key(t), { attempts: row?.attempts ?? 0, status, ...(details.error ? { error: details.error } : {}) });
        return Promise.resolve();
      },
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return { catalog, rows, deps };
}

describe("handleExportCompleted", () => {
  it("skips the tables already registered when the event is delivered again", async () => {
    const { catalog, rows, deps } = setup({
      "dev/2024/04/07/way/manifest": { requestId: "r1", parquetSchema: waySchema },
    });
    await handleExportCompleted(event("r1", ["way"]), deps);
    const outcomes = await handleExportCompleted(event("r1", ["way"]), deps);
    expect(outcomes).toEqual([{ status: "ALREADY_REGISTERED" }]);
    expect(rows.get("r1/way")).toEqual({ status: "REGISTERED", attempts: 1 });
    expect([...catalog.partitions.keys()]).toEqual(["db.way/2024-04-07"]);
  });

  it("skips an old event whose folder a later export of the date has overwritten", async () => {
    const { catalog, rows, deps } = setup({
      "dev/2024/04/07/way/manifest": { requestId: "r2", parquetSchema: waySchema },
    });
    expect(await handleExportCompleted(event("r1", ["way"]), deps)).toEqual([
      { status: "SKIPPED", why: "the folder now holds request r2's export, which registers it" },
    ]);
    expect(rows.get("r1/way")?.status).toBe("SKIPPED");
    expect(catalog.partitions.size).toBe(0);
  });

  it("registers the other tables when one fails, then fails the event (retryable) with the failure recorded", async () => {
    const { catalog, rows, deps } = setup({
      "dev/2024/04/07/way/manifest": { requestId: "r1", parquetSchema: waySchema },
    });
    const outage = Object.assign(new Error("throttled"), { retryable: true });
    catalog.failNext = outage;
    // cctv has no manifest at all; way meets a Glue outage on its first call.
    await expect(handleExportCompleted(event("r1", ["way", "cctv"]), deps)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining("2 of 2 tables failed") as unknown,
    });
    expect(rows.get("r1/way")).toEqual({ status: "FAILED", attempts: 1, error: "throttled" });
    // The retry registers way; cctv still fails and is counted again.
    await expect(handleExportCompleted(event("r1", ["way", "cctv"]), deps)).rejects.toThrow(/1 of 2 tables failed/);
    expect(rows.get("r1/way")).toEqual({ status: "REGISTERED", attempts: 2 });
    expect(rows.get("r1/cctv")).toMatchObject({ status: "FAILED", attempts: 2 });
  });

  it("refuses a table partitioned by another key", async () => {
    const { catalog, deps } = setup({ "dev/2024/04/07/way/manifest": { requestId: "r1", parquetSchema: waySchema } });
    catalog.tables.set("db.way", {
      columns: [
        { name: "way_id", type: "bigint" },
        { name: "name", type: "string" },
      ],
      partitionKeys: [{ name: "dt", type: "string" }],
    });
    await expect(handleExportCompleted(event("r1", ["way"]), deps)).rejects.toMatchObject({ retryable: false });
    expect(catalog.partitions.size).toBe(0);
  });
});
