import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { ExportedColumn } from "../../src/domain/delta-schema.js";
import type { ExportedFile, ExportedPart } from "../../src/domain/exported-tables.js";
import {
  fileAction,
  fileId,
  filesForQuery,
  onDemandTableView,
  scheduledTableView,
  type TableColumns,
} from "../../src/domain/table-view.js";

const file = (key: string, rows: number, bytes = rows * 10, versionId: string | null = null): ExportedFile => ({
  key,
  rows,
  bytes,
  sha256: `sha-${key}`,
  versionId,
});

const part = (exportDate: string | null, files: ExportedFile[], requestId = `req-${exportDate}`): ExportedPart => ({
  requestId,
  table: "way",
  exportDate,
  bucket: "exports",
  manifestKey: `dev/${exportDate}/way/manifest.json`,
  manifestVersionId: null,
  files,
  finishedAt: 0,
});

const idColumn: ExportedColumn = {
  name: "id",
  physicalType: "INT64",
  logicalType: null,
  convertedType: "INT_64",
  precision: null,
  scale: null,
  nullable: false,
};
const columns: TableColumns = { columns: [idColumn], comments: {} };
const noHints = { predicateHints: [], jsonPredicateHints: undefined };

describe("scheduledTableView", () => {
  const parts = [
    part("2026-11-25", [file("d25/a", 5), file("d25/b", 7)]),
    part("2026-11-23", [file("d23/a", 3)]),
    part("2026-11-24", [file("d24/a", 4)]),
  ];
  const view = scheduledTableView("id-1", "way", parts, 6, columns);

  it("orders the files by export date and gives each its date partition", () => {
    expect(view.files.map((f) => f.file.key)).toEqual(["d23/a", "d24/a", "d25/a", "d25/b"]);
    expect(view.files.map((f) => f.partitionValues)).toEqual([
      { export_date: "2026-11-23" },
      { export_date: "2026-11-24" },
      { export_date: "2026-11-25" },
      { export_date: "2026-11-25" },
    ]);
  });

  it("describes the table: version, size, file count, partition column last in the schema", () => {
    expect(view.version).toBe(6);
    expect(view.metadata).toMatchObject({
      id: "id-1",
      name: "way",
      format: { provider: "parquet" },
      partitionColumns: ["export_date"],
      configuration: {},
      size: (5 + 7 + 3 + 4) * 10,
      numFiles: 4,
    });
    const schema = JSON.parse(view.metadata.schemaString) as { fields: { name: string; type: string }[] };
    expect(schema.fields.map((f) => [f.name, f.type])).toEqual([
      ["id", "long"],
      ["export_date", "date"],
    ]);
  });

  it("a date partition hint keeps only the matching dates", () => {
    const chosen = filesForQuery(
      view.files,
      { predicateHints: ["export_date >= '2026-11-24'"], jsonPredicateHints: undefined },
      undefined,
    );
    expect(chosen.map((f) => f.file.key)).toEqual(["d24/a", "d25/a", "d25/b"]);
  });
});

describe("onDemandTableView", () => {
  it("is version 0, unpartitioned, with the part's files", () => {
    const view = onDemandTableView(
      "id-2",
      "way__abc",
      part(null, [file("x/a", 1, 100), file("x/b", 2, 200)], "r1"),
      columns,
    );
    expect(view.version).toBe(0);
    expect(view.metadata.partitionColumns).toEqual([]);
    expect(view.metadata.size).toBe(300);
    expect(view.metadata.numFiles).toBe(2);
    expect(view.metadata.description).toContain("r1");
    expect(view.files.every((f) => Object.keys(f.partitionValues).length === 0)).toBe(true);
  });
});

describe("filesForQuery and limitHint", () => {
  const files = scheduledTableView(
    "id",
    "way",
    [part("2026-11-23", [file("a", 3), file("b", 3), file("c", 3)]), part("2026-11-24", [file("d", 0), file("e", 3)])],
    0,
    columns,
  ).files;
  const keys = (limit: number | undefined) => filesForQuery(files, noHints, limit).map((f) => f.file.key);

  it("without a limit returns every file", () => {
    expect(keys(undefined)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("stops as soon as the files chosen hold at least limitHint rows", () => {
    expect(keys(1)).toEqual(["a"]);
    expect(keys(3)).toEqual(["a"]);
    expect(keys(4)).toEqual(["a", "b"]);
    expect(keys(9)).toEqual(["a", "b", "c"]);
    expect(keys(10)).toEqual(["a", "b", "c", "d", "e"]);
    expect(keys(1000)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("limitHint 0 returns no file", () => {
    expect(keys(0)).toEqual([]);
  });

  it("applies the hints before the limit", () => {
    const chosen = filesForQuery(
      files,
      { predicateHints: ["export_date = '2026-11-24'"], jsonPredicateHints: undefined },
      1,
    );
    expect(chosen.map((f) => f.file.key)).toEqual(["d", "e"]);
  });
});

describe("limitHint (property)", () => {
  it("returns the shortest prefix of the files holding at least limitHint rows, or all of them", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 20 }), fc.nat({ max: 400 }), (rows, limit) => {
        const files = rows.map((n, i) => ({ part: part(null, []), file: file(`k${i}`, n), partitionValues: {} }));
        const chosen = filesForQuery(files, noHints, limit);
        const sum = (fs: typeof files) => fs.reduce((total, f) => total + f.file.rows, 0);
        expect(chosen).toEqual(files.slice(0, chosen.length));
        if (chosen.length < files.length) expect(sum(chosen)).toBeGreaterThanOrEqual(limit);
        if (chosen.length > 0) expect(sum(chosen.slice(0, -1))).toBeLessThan(limit);
      }),
    );
  });
});

describe("fileAction", () => {
  const f = {
    part: part("2026-11-25", []),
    file: file("dev/2026/11/25/way/data_0.parquet", 42, 4096, "v1"),
    partitionValues: { export_date: "2026-11-25" },
  };

  it("has the protocol's fields: url, id, partitionValues, size, stats with numRecords, expirationTimestamp", () => {
    const action = fileAction(f, "https://s3.example/x?sig", 1_800_000_000_000);
    expect(action).toEqual({
      file: {
        url: "https://s3.example/x?sig",
        id: fileId(f.file),
        partitionValues: { export_date: "2026-11-25" },
        size: 4096,
        stats: JSON.stringify({ numRecords: 42 }),
        expirationTimestamp: 1_800_000_000_000,
      },
    });
    expect(JSON.parse(action.file["stats"] as string)).toEqual({ numRecords: 42 });
  });

  it("ids are stable for an object version, and differ across keys and versions", () => {
    const a = file("k1", 1, 1, "v1");
    expect(fileId(a)).toBe(fileId({ ...a, rows: 99, bytes: 99 }));
    expect(fileId(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(fileId(a)).not.toBe(fileId({ ...a, key: "k2" }));
    expect(fileId(a)).not.toBe(fileId({ ...a, versionId: "v2" }));
    // Without a version id, the content hash tells versions apart.
    const unversioned = file("k1", 1, 1, null);
    expect(fileId(unversioned)).not.toBe(fileId({ ...unversioned, sha256: "other" }));
    expect(fileId(unversioned)).toBe(fileId({ ...unversioned }));
  });

  it("the same file gets the same id whatever its link", () => {
    expect(fileAction(f, "u1", 1).file["id"]).toBe(fileAction(f, "u2", 2).file["id"]);
  });
});
