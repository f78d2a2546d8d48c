import { describe, expect, it } from "@jest/globals";
import type { ParquetColumn } from "@data-exporter/warehouse";
import { manifestColumns } from "../../src/adapters/manifest-columns.js";
import type { ExportedPart } from "../../src/domain/exported-tables.js";

const column: ParquetColumn = {
  name: "payload",
  physicalType: "BYTE_ARRAY",
  logicalType: null,
  convertedType: null,
  precision: null,
  scale: null,
  nullable: true,
  readerType: "BLOB",
};
const manifest = JSON.stringify({
  formatVersion: 1,
  table: "way",
  parquetSchema: [column],
  columnEncodings: { payload: { encoding: "gzip", decodesTo: "utf-8 text" } },
});

const part = (manifestKey: string | null, manifestVersionId: string | null): ExportedPart => ({
  requestId: "r",
  table: "way",
  exportDate: null,
  bucket: "exports",
  manifestKey,
  manifestVersionId,
  files: [],
  finishedAt: 0,
});

function reader() {
  const reads: string[] = [];
  const read = (bucket: string, key: string) => {
    reads.push(`${bucket}/${key}`);
    return Promise.resolve(manifest);
  };
  return { reads, columnsOf: manifestColumns(read) };
}

describe("manifestColumns", () => {
  it("reads the exported Parquet schema, and says how to decode compressed columns", async () => {
    const { columnsOf } = reader();
    const columns = await columnsOf(part("dev/way/manifest.json", "v1"));
    expect(columns.columns).toEqual([expect.objectContaining({ name: "payload", physicalType: "BYTE_ARRAY" })]);
    expect(columns.comments["payload"]).toBe("gzip-compressed utf-8 text: decompress the bytes to read it");
  });

  it("reads a versioned manifest once, an unversioned one each time", async () => {
    const { reads, columnsOf } = reader();
    await columnsOf(part("dev/a/manifest.json", "v1"));
    await columnsOf(part("dev/a/manifest.json", "v1"));
    await columnsOf(part("dev/a/manifest.json", "v2"));
    await columnsOf(part("dev/b/manifest.json", null));
    await columnsOf(part("dev/b/manifest.json", null));
    expect(reads).toEqual([
      "exports/dev/a/manifest.json",
      "exports/dev/a/manifest.json",
      "exports/dev/b/manifest.json",
      "exports/dev/b/manifest.json",
    ]);
  });

  it("a table without a manifest has no columns, and nothing is read", async () => {
    const { reads, columnsOf } = reader();
    expect(await columnsOf(part(null, null))).toEqual({ columns: [], comments: {} });
    expect(reads).toEqual([]);
  });
});
