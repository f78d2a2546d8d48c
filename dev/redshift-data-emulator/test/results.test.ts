import { describe, expect, it } from "@jest/globals";
import { findOverlongValue, toColumnMetadata, toField, type ResultColumn } from "../src/results.js";

const column = (typeName: string, typeModifier = -1): ResultColumn => ({
  name: "c",
  typeName,
  typeModifier,
  schemaName: "",
  tableName: "",
});

describe("toField", () => {
  it("types values as the Data API does", () => {
    expect(toField(column("int8"), "9007199254740")).toEqual({ longValue: 9007199254740 });
    expect(toField(column("int2"), "-3")).toEqual({ longValue: -3 });
    expect(toField(column("float8"), "2.5")).toEqual({ doubleValue: 2.5 });
    expect(toField(column("float4"), "NaN")).toEqual({ stringValue: "NaN" });
    expect(toField(column("bool"), "t")).toEqual({ booleanValue: true });
    expect(toField(column("bool"), "f")).toEqual({ booleanValue: false });
    expect(toField(column("numeric"), "1.50")).toEqual({ stringValue: "1.50" });
    expect(toField(column("timestamp"), "2024-04-06 01:02:03")).toEqual({ stringValue: "2024-04-06 01:02:03" });
    expect(toField(column("varchar"), null)).toEqual({ isNull: true });
  });
});

describe("toColumnMetadata", () => {
  it("reports Redshift's type names and the dimensions of the type modifier", () => {
    expect(toColumnMetadata({ ...column("numeric", ((10 << 16) | 2) + 4), schemaName: "s", tableName: "t" })).toEqual({
      isCaseSensitive: false,
      isCurrency: false,
      isSigned: true,
      label: "c",
      name: "c",
      nullable: 1,
      precision: 10,
      scale: 2,
      schemaName: "s",
      tableName: "t",
      typeName: "numeric",
      length: 0,
    });
    expect(toColumnMetadata(column("varchar", 24))).toMatchObject({
      typeName: "varchar",
      precision: 20,
      isCaseSensitive: true,
    });
    expect(toColumnMetadata(column("text"))).toMatchObject({ typeName: "varchar", precision: 65535 });
    expect(toColumnMetadata(column("int8"))).toMatchObject({ typeName: "int8", precision: 19, isSigned: true });
  });
});

describe("findOverlongValue", () => {
  it("finds a character value over 65,535 bytes, counting bytes rather than characters", () => {
    const columns = [column("int4"), { ...column("varchar"), name: "v" }];
    expect(findOverlongValue(columns, [["1", "x".repeat(65535)]])).toBeUndefined();
    // 21,846 three-byte characters are 65,538 bytes.
    expect(findOverlongValue(columns, [["1", "€".repeat(21846)]])).toEqual({ column: "v", bytes: 65538 });
    expect(findOverlongValue([column("int4")], [["1".repeat(70000)]])).toBeUndefined();
  });
});
