import { describe, expect, it } from "@jest/globals";
import type { ParquetColumn } from "@data-exporter/warehouse";
import { catalogColumnsOf, hiveTypeOf } from "../../src/domain/hive-types.js";
import { UnmappableColumnError } from "../../src/errors.js";

const column = (physicalType: string, more: Partial<ParquetColumn> = {}): ParquetColumn => ({
  name: "c",
  physicalType,
  logicalType: null,
  convertedType: null,
  precision: null,
  scale: null,
  nullable: true,
  readerType: null,
  ...more,
});

describe("hiveTypeOf", () => {
  it.each<[string, ParquetColumn, string]>([
    ["BOOLEAN", column("BOOLEAN"), "boolean"],
    ["INT32", column("INT32"), "int"],
    ["INT32 INT_16", column("INT32", { convertedType: "INT_16" }), "smallint"],
    ["INT32 IntType(bitWidth=8)", column("INT32", { logicalType: "IntType(bitWidth=8, isSigned=1)" }), "tinyint"],
    ["INT32 unsigned", column("INT32", { logicalType: "IntType(bitWidth=32, isSigned=0)" }), "bigint"],
    ["INT32 DATE", column("INT32", { convertedType: "DATE", logicalType: "DateType()" }), "date"],
    ["INT64", column("INT64"), "bigint"],
    ["INT64 UINT_64", column("INT64", { convertedType: "UINT_64" }), "decimal(20,0)"],
    [
      "INT64 TimestampType",
      column("INT64", {
        logicalType:
          "TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicrosSeconds(), NANOS=<null>))",
        convertedType: "TIMESTAMP_MICROS",
      }),
      "timestamp",
    ],
    ["INT64 TIMESTAMP_MILLIS", column("INT64", { convertedType: "TIMESTAMP_MILLIS" }), "timestamp"],
    ["INT96", column("INT96"), "timestamp"],
    ["FLOAT", column("FLOAT"), "float"],
    ["DOUBLE", column("DOUBLE"), "double"],
    ["BYTE_ARRAY UTF8", column("BYTE_ARRAY", { convertedType: "UTF8", logicalType: "StringType()" }), "string"],
    ["BYTE_ARRAY JSON", column("BYTE_ARRAY", { convertedType: "JSON" }), "string"],
    ["BYTE_ARRAY", column("BYTE_ARRAY"), "binary"],
    ["FIXED_LEN_BYTE_ARRAY UUID", column("FIXED_LEN_BYTE_ARRAY", { logicalType: "UUIDType()" }), "binary"],
    [
      "INT64 DECIMAL",
      column("INT64", {
        convertedType: "DECIMAL",
        precision: 18,
        scale: 3,
        logicalType: "DecimalType(scale=3, precision=18)",
      }),
      "decimal(18,3)",
    ],
    ["INT32 DECIMAL", column("INT32", { convertedType: "DECIMAL", precision: 9, scale: 2 }), "decimal(9,2)"],
    [
      "FIXED_LEN_BYTE_ARRAY DecimalType without precision fields",
      column("FIXED_LEN_BYTE_ARRAY", { logicalType: "DecimalType(scale=4, precision=38)" }),
      "decimal(38,4)",
    ],
  ])("maps %s", (_, input, expected) => {
    expect(hiveTypeOf(input)).toBe(expected);
  });

  it("refuses a time of day, which Athena cannot read from Parquet", () => {
    expect(() => hiveTypeOf(column("INT64", { convertedType: "TIME_MICROS" }))).toThrow(UnmappableColumnError);
  });

  it("refuses a decimal without a precision Athena accepts", () => {
    expect(() => hiveTypeOf(column("FIXED_LEN_BYTE_ARRAY", { convertedType: "DECIMAL", precision: 40 }))).toThrow(
      /decimal without precision/,
    );
  });
});

describe("catalogColumnsOf", () => {
  it("keeps compressed columns binary and says how to decode them in the comment", () => {
    const columns = catalogColumnsOf(
      [column("INT64", { name: "Way_ID" }), column("BYTE_ARRAY", { name: "geometry_compressed" })],
      { geometry_compressed: { encoding: "gzip", decodesTo: "utf-8 text" } },
    );
    expect(columns).toEqual([
      { name: "way_id", type: "bigint" },
      { name: "geometry_compressed", type: "binary", comment: "gzip-compressed utf-8 text" },
    ]);
  });
});
