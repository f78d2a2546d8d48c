import { describe, expect, it } from "@jest/globals";
import type { ConfigItemIssue } from "../../src/errors.js";
import {
  decodeColumnRule,
  decodeExportTable,
  encodeColumnRule,
  encodeExportTable,
  type DecodeContext,
} from "../../src/dynamodb/item-codec.js";
import type { DynamoItem, UnknownAttributePolicy } from "../../src/dynamodb/item-reader.js";

function ctx(unknownAttributes: UnknownAttributePolicy = "reject"): DecodeContext & { issues: ConfigItemIssue[] } {
  return { table: "data_column_classification", issues: [], unknownAttributes };
}

const column = (extra: DynamoItem): DynamoItem => ({
  table_name: { S: "cctv" },
  column_name: { S: "latitude" },
  ...extra,
});

describe("column rule items", () => {
  it("round-trips every treatment", () => {
    const rules = [
      { table: "cctv", column: "a", classification: "nr" as const },
      { table: "cctv", column: "b", classification: "hwc" as const },
      { table: "cctv", column: "c", classification: "hwc" as const, treatment: { kind: "keyed_hash" as const } },
      { table: "cctv", column: "d", classification: "hwc" as const, treatment: { kind: "round" as const, digits: -2 } },
      { table: "cctv", column: "e", classification: "hwc" as const, treatment: { kind: "truncate_to_hour" as const } },
      { table: "cctv", column: "f", classification: "hwc" as const, treatment: { kind: "null" as const } },
    ];
    const c = ctx();
    expect(rules.map((r) => decodeColumnRule(encodeColumnRule(r), c))).toEqual(rules);
    expect(c.issues).toEqual([]);
  });

  it.each<[string, DynamoItem, string, string]>([
    ["unknown code", { classification: { S: "NR" } }, "classification", "unknown value"],
    ["missing code", {}, "classification", "is missing"],
    ["code of wrong type", { classification: { N: "1" } }, "classification", "must be a string (S), got N"],
    [
      "treatment on nr",
      { classification: { S: "nr" }, treatment: { S: "null" } },
      "treatment",
      "only valid for classification hwc",
    ],
    ["unknown treatment", { classification: { S: "hwc" }, treatment: { S: "blur" } }, "treatment", "unknown value"],
    ["round without digits", { classification: { S: "hwc" }, treatment: { S: "round" } }, "round_digits", "is missing"],
    [
      "fractional digits",
      { classification: { S: "hwc" }, treatment: { S: "round" }, round_digits: { N: "2.5" } },
      "round_digits",
      "integer",
    ],
    [
      "digits out of range",
      { classification: { S: "hwc" }, treatment: { S: "round" }, round_digits: { N: "11" } },
      "round_digits",
      "integer",
    ],
    [
      "digits without round",
      { classification: { S: "hwc" }, treatment: { S: "null" }, round_digits: { N: "3" } },
      "round_digits",
      "only valid with treatment round",
    ],
    [
      "digits without treatment",
      { classification: { S: "hwc" }, round_digits: { N: "3" } },
      "round_digits",
      "only valid with treatment round",
    ],
    ["unknown attribute", { classification: { S: "nr" }, note: { S: "x" } }, "note", "not a known attribute"],
  ])("rejects %s", (_name, extra, attribute, reason) => {
    const c = ctx();
    expect(decodeColumnRule(column(extra), c)).toBeUndefined();
    expect(c.issues).toEqual([
      expect.objectContaining({
        table: "data_column_classification",
        key: { table_name: "cctv", column_name: "latitude" },
        attribute,
        reason: expect.stringContaining(reason),
      }),
    ]);
  });

  it("tolerates extra attributes only when told to", () => {
    const c = ctx("ignore");
    expect(decodeColumnRule(column({ classification: { S: "de" }, updated_at: { S: "2024" } }), c)).toEqual({
      table: "cctv",
      column: "latitude",
      classification: "de",
    });
    expect(c.issues).toEqual([]);
  });
});

describe("export table items", () => {
  const config = {
    table: "way",
    schema: "pm_internal",
    enabled: true,
    onDemandEnabled: false,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
  };

  it("reads absent and NULL nullable columns as null", () => {
    const c = ctx();
    const item = encodeExportTable(config);
    delete item["source_column"];
    expect(decodeExportTable(item, c)).toEqual(config);
    expect(c.issues).toEqual([]);
  });

  it("lists every problem of one item", () => {
    const c = ctx();
    const item: DynamoItem = {
      table_name: { S: "way" },
      schema_name: { S: " " },
      enabled: { S: "true" },
      time_column: { N: "1" },
    };
    expect(decodeExportTable(item, c)).toBeUndefined();
    expect(c.issues.map((i) => i.attribute)).toEqual(["schema_name", "enabled", "on_demand_enabled", "time_column"]);
  });
});
