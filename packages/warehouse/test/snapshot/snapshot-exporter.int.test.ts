import { createHash, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { InlineSnapshot } from "@data-exporter/contracts";
import { createS3Client, S3ObjectStore } from "@data-exporter/object-store";
import { SnapshotExporter, type UnloadManifest } from "../../src/index.js";
import { unloadCommand } from "../fixtures.js";

const tempDir = join(tmpdir(), `snapshot-test-${randomUUID()}`);
let store: S3ObjectStore;

beforeAll(async () => {
  const endpoint = process.env["AWS_ENDPOINT_URL"];
  if (!endpoint) throw new Error("AWS_ENDPOINT_URL is not set: run through the jest global setup");
  store = new S3ObjectStore({
    client: createS3Client({ endpoint, region: process.env["AWS_REGION"] ?? "ap-southeast-2", forcePathStyle: true }),
    bucket: `snapshot-test-${randomUUID()}`,
  });
  await store.ensureBucket();
});
afterAll(() => rm(tempDir, { recursive: true, force: true }));

const read = async (key: string): Promise<Record<string, unknown>[]> => {
  const bytes = await store.getObject(key);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
};

const snapshot: InlineSnapshot = {
  loadedAt: Date.UTC(2024, 3, 7, 15),
  tables: [
    {
      name: "sample",
      columns: [
        { name: "text_col", type: "VARCHAR" },
        { name: "flag", type: "BOOLEAN" },
        { name: "digits", type: "INTEGER" },
      ],
      rows: [
        ["it's", true, 3],
        [null, false, null],
        ["ünïcødé\nline", null, -1],
      ],
    },
    { name: "empty", columns: [{ name: "a", type: "VARCHAR" }], rows: [] },
  ],
};

describe("SnapshotExporter", () => {
  it("writes one Parquet file per table that another reader reads back exactly, then the manifest", async () => {
    const prefix = `dev/2024/04/07/classifications-${randomUUID()}/`;
    const command = unloadCommand({ table: "classifications", outputPrefix: prefix, snapshot, timeColumn: null });
    const result = await new SnapshotExporter({ objectStore: store, tempDir }).unload(command);

    expect(result.files.map((f) => [f.key, f.rows])).toEqual([
      [`${prefix}sample.parquet`, 3],
      [`${prefix}empty.parquet`, 0],
    ]);
    expect(await read(`${prefix}sample.parquet`)).toEqual([
      { text_col: "it's", flag: true, digits: 3 },
      { text_col: null, flag: false, digits: null },
      { text_col: "ünïcødé\nline", flag: null, digits: -1 },
    ]);
    expect(await read(`${prefix}empty.parquet`)).toEqual([]);
    for (const file of result.files) {
      const bytes = await store.getObject(file.key);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
    }
    const manifest = JSON.parse(await store.getText(`${prefix}manifest`)) as UnloadManifest;
    expect(manifest).toMatchObject({
      requestId: command.requestId,
      table: "classifications",
      configVersion: command.configVersion,
      configLoadedAt: "2024-04-07T15:00:00.000Z",
      totalRows: 3,
      window: null,
    });
    expect(manifest.files).toEqual(result.files);
  });

  it("replaces an earlier attempt's files and removes a table the snapshot no longer has", async () => {
    const prefix = `dev/2024/04/08/classifications-${randomUUID()}/`;
    const exporter = new SnapshotExporter({ objectStore: store, tempDir });
    await exporter.unload(unloadCommand({ outputPrefix: prefix, snapshot }));
    await exporter.unload(
      unloadCommand({ outputPrefix: prefix, snapshot: { ...snapshot, tables: [snapshot.tables[0]!] } }),
    );
    expect((await store.list(prefix)).map((o) => o.key.slice(prefix.length))).toEqual(["manifest", "sample.parquet"]);
  });

  it("refuses rows that do not match their columns, and names that are not plain identifiers, writing nothing", async () => {
    const prefix = `dev/bad-${randomUUID()}/`;
    const exporter = new SnapshotExporter({ objectStore: store, tempDir });
    const table = snapshot.tables[0]!;
    await expect(
      exporter.unload(
        unloadCommand({
          outputPrefix: prefix,
          snapshot: { loadedAt: 1, tables: [{ ...table, rows: [["1", "x", 1]] }] },
        }),
      ),
    ).rejects.toMatchObject({ code: "INVALID_COMMAND", retryable: false });
    await expect(
      exporter.unload(
        unloadCommand({ outputPrefix: prefix, snapshot: { loadedAt: 1, tables: [{ ...table, name: "x; drop" }] } }),
      ),
    ).rejects.toMatchObject({ code: "INVALID_COMMAND" });
    expect(await store.list(prefix)).toEqual([]);
  });
});
