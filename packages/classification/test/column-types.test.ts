import { describe, expect, it } from "@jest/globals";
import { columnTypeFamily } from "../src/index.js";

describe("columnTypeFamily", () => {
  it.each([
    "smallint",
    "integer",
    "int",
    "bigint",
    "int2",
    "int4",
    "int8",
    "numeric",
    "numeric(10,2)",
    "NUMERIC (12, 4)",
    "decimal(5)",
    "real",
    "double precision",
    "  Double   Precision ",
    "float",
    "float4",
    "float8",
  ])("%j is numeric", (type) => {
    expect(columnTypeFamily(type)).toBe("numeric");
  });

  it.each([
    "timestamp",
    "timestamp without time zone",
    "timestamp with time zone",
    "timestamp(3) without time zone",
    "TIMESTAMPTZ",
    "timestamptz(6)",
  ])("%j is a timestamp", (type) => {
    expect(columnTypeFamily(type)).toBe("timestamp");
  });

  it.each([
    "text",
    "character varying(256)",
    "varchar",
    "boolean",
    "date",
    "time without time zone",
    "interval",
    "jsonb",
    "super",
    "geometry",
    "money",
    "integer[]",
    "timestamp[]",
    "_int4",
    "",
  ])("%j is other", (type) => {
    expect(columnTypeFamily(type)).toBe("other");
  });
});
