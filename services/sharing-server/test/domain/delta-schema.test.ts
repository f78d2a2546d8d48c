import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { copyToParquet, openDuckDb, type ParquetColumn } from "@data-exporter/warehouse";
import { deltaSchemaString, deltaTypeOf, type ExportedColumn } from "../../src/domain/delta-schema.js";
import { SharingError } from "../../src/domain/errors.js";

/** Each DuckDB type the exports may hold, and the Spark type Spark's own Parquet reader gives its column. */
const expected: readonly (readonly [string, string, string])[] = [
  ["bool_col", "true::BOOLEAN", "boolean"],
  ["tiny_col", "1::TINYINT", "byte"],
  ["small_col", "1::SMALLINT", "short"],
  ["int_col", "1::INTEGER", "integer"],
  ["big_col", "1::BIGINT", "long"],
  ["utiny_col", "1::UTINYINT", "short"],
  ["usmall_col", "1::USMALLINT", "integer"],
  ["uint_col", "1::UINTEGER", "long"],
  ["ubig_col", "1::UBIGINT", "decimal(20,0)"],
  ["dec_int32", "1.5::DECIMAL(9,2)", "decimal(9,2)"],
  ["dec_int64", "1.5::DECIMAL(18,3)", "decimal(18,3)"],
  ["dec_fixed", "1.5::DECIMAL(38,4)", "decimal(38,4)"],
  ["text_col", "'x'::VARCHAR", "string"],
  ["json_col", "'{}'::JSON", "string"],
  ["blob_col", "'x'::BLOB", "binary"],
  ["date_col", "DATE '2026-11-25'", "date"],
  ["double_col", "1.5::DOUBLE", "double"],
  ["float_col", "1.5::FLOAT", "float"],
  ["tstz_col", "TIMESTAMPTZ '2026-11-25 10:00:00+00'", "timestamp"],
  ["ts_col", "TIMESTAMP '2026-11-25 10:00:00'", "timestamp"],
];

describe("deltaTypeOf on the schema DuckDB writes (read back as the manifest records it)", () => {
  let schema: readonly ParquetColumn[] = [];
  const dir = mkdtempSync(join(tmpdir(), "sharing-schema-"));

  beforeAll(async () => {
    const duck = await openDuckDb();
    try {
      const select = `SELECT ${expected.map(([name, value]) => `${value} AS ${name}`).join(", ")}, NULL::INTEGER AS maybe`;
      schema = (
        await copyToParquet(duck.connection, {
          select: `${select} UNION ALL ${select}`,
          outDir: join(dir, "out"),
          rowGroupSize: 1000,
          maxFileBytes: 1 << 20,
        })
      ).schema;
    } finally {
      duck.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(expected)("%s (%s) is %s", (name, _, type) => {
    const column = schema.find((c) => c.name === name);
    expect(column).toBeDefined();
    if (column !== undefined) expect(deltaTypeOf(column)).toBe(type);
  });

  it("reads the strings the mapping relies on: logical types and converted types as DuckDB states them", () => {
    const byName = new Map(schema.map((c) => [c.name, c]));
    expect(byName.get("tstz_col")?.logicalType).toMatch(/^TimestampType\(isAdjustedToUTC=1/);
    expect(byName.get("dec_int32")).toMatchObject({ physicalType: "INT32", precision: 9, scale: 2 });
    expect(byName.get("dec_int64")).toMatchObject({ physicalType: "INT64", precision: 18, scale: 3 });
    expect(byName.get("dec_fixed")).toMatchObject({ physicalType: "FIXED_LEN_BYTE_ARRAY", precision: 38, scale: 4 });
    expect(byName.get("text_col")).toMatchObject({ physicalType: "BYTE_ARRAY", convertedType: "UTF8" });
    expect(byName.get("maybe")?.nullable).toBe(true);
  });
});

const column = (overrides: Partial<ExportedColumn>): ExportedColumn => ({
  name: "c",
  physicalType: "INT32",
  logicalType: null,
  convertedType: null,
  precision: null,
  scale: null,
  nullable: true,
  ...overrides,
});

describe("deltaTypeOf on other writers' annotations", () => {
  it.each([
    [column({ logicalType: "IntType(bitWidth=8, isSigned=1)" }), "byte"],
    [column({ logicalType: "IntType(bitWidth=16, isSigned=1)" }), "short"],
    [column({ logicalType: "IntType(bitWidth=8, isSigned=0)" }), "short"],
    [column({ logicalType: "IntType(bitWidth=16, isSigned=0)" }), "integer"],
    [column({ logicalType: "IntType(bitWidth=32, isSigned=0)" }), "long"],
    [column({ physicalType: "INT64", logicalType: "IntType(bitWidth=64, isSigned=0)" }), "decimal(20,0)"],
    [column({ physicalType: "INT64", convertedType: "TIMESTAMP_MILLIS" }), "timestamp"],
    [column({ physicalType: "INT96" }), "timestamp"],
    [column({ physicalType: "BYTE_ARRAY", logicalType: "StringType()" }), "string"],
    [column({ physicalType: "BYTE_ARRAY", convertedType: "ENUM" }), "string"],
    [
      column({ physicalType: "FIXED_LEN_BYTE_ARRAY", convertedType: "DECIMAL", precision: 20, scale: 2 }),
      "decimal(20,2)",
    ],
    [column({ convertedType: "DATE" }), "date"],
  ])("%j is %s", (c, type) => {
    expect(deltaTypeOf(c)).toBe(type);
  });

  it("refuses a physical type it cannot map, as an internal error naming the column", () => {
    expect(() => deltaTypeOf(column({ name: "odd", physicalType: "GROUP" }))).toThrow(SharingError);
    expect(() => deltaTypeOf(column({ name: "odd", physicalType: "GROUP" }))).toThrow(/odd/);
  });
});

describe("deltaSchemaString", () => {
  it("is a Spark struct: the files' columns, then the partition columns, comments as metadata", () => {
    const text = deltaSchemaString(
      [
        column({ name: "id", physicalType: "INT64", nullable: false }),
        column({ name: "payload", physicalType: "BYTE_ARRAY" }),
      ],
      [{ name: "export_date", type: "date", nullable: false, metadata: { comment: "the date" } }],
      { payload: "zstd-compressed text" },
    );
    expect(JSON.parse(text)).toEqual({
      type: "struct",
      fields: [
        { name: "id", type: "long", nullable: false, metadata: {} },
        { name: "payload", type: "binary", nullable: true, metadata: { comment: "zstd-compressed text" } },
        { name: "export_date", type: "date", nullable: false, metadata: { comment: "the date" } },
      ],
    });
  });

  it("an export without columns is a struct of its partition columns only", () => {
    expect(JSON.parse(deltaSchemaString([], []))).toEqual({ type: "struct", fields: [] });
  });
});
