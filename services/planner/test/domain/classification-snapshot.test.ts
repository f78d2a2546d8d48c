import { describe, expect, it } from "@jest/globals";
import type { ClassificationRules, ExportTableConfig } from "@data-exporter/classification";
import { classificationSnapshotTables } from "../../src/domain/classification-snapshot.js";

const tables: ExportTableConfig[] = [
  {
    table: "way",
    schema: "pm",
    enabled: true,
    onDemandEnabled: false,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
  },
  {
    table: "traffic_observation",
    schema: "pm",
    enabled: true,
    onDemandEnabled: true,
    timeColumn: "obs_time",
    sourceColumn: "source",
    metricColumn: null,
  },
];
const rules: ClassificationRules = {
  columns: [
    { table: "way", column: "way_id", classification: "nr" },
    { table: "cctv", column: "latitude", classification: "hwc", treatment: { kind: "round", digits: 3 } },
    { table: "cctv", column: "label", classification: "hwc" },
    { table: "cctv", column: "installed_at", classification: "hwc", treatment: { kind: "truncate_to_hour" } },
  ],
  sources: [
    { source: "TOMTOM", classification: "mx" },
    { source: "FUSION", classification: "nr" },
  ],
  metrics: [{ table: "way_metric_long", metric: "volume", classification: "nr" }],
};

describe("classificationSnapshotTables", () => {
  const snapshot = classificationSnapshotTables({ tables, rules });
  const byName = new Map(snapshot.map((t) => [t.name, t]));

  it("names the four tables as the DynamoDB tables are named", () => {
    expect(snapshot.map((t) => t.name)).toEqual([
      "export_tables",
      "data_column_classification",
      "actual_data_classifications",
      "long_table_data_classifications",
    ]);
  });

  it("shapes export_tables as its items, sorted by key", () => {
    const exportTables = byName.get("export_tables");
    expect(exportTables?.columns.map((c) => c.name)).toEqual([
      "table_name",
      "schema_name",
      "enabled",
      "on_demand_enabled",
      "time_column",
      "source_column",
      "metric_column",
    ]);
    expect(exportTables?.rows).toEqual([
      ["traffic_observation", "pm", true, true, "obs_time", "source", null],
      ["way", "pm", true, false, null, null, null],
    ]);
  });

  it("spells treatments as the items do: kind, round_digits only for round, null when absent", () => {
    expect(byName.get("data_column_classification")?.rows).toEqual([
      ["cctv", "installed_at", "hwc", "truncate_to_hour", null],
      ["cctv", "label", "hwc", null, null],
      ["cctv", "latitude", "hwc", "round", 3],
      ["way", "way_id", "nr", null, null],
    ]);
  });

  it("keeps sources and metrics with their classification", () => {
    expect(byName.get("actual_data_classifications")?.rows).toEqual([
      ["FUSION", "nr"],
      ["TOMTOM", "mx"],
    ]);
    expect(byName.get("long_table_data_classifications")?.rows).toEqual([["way_metric_long", "volume", "nr"]]);
  });

  it("gives every row one value per column, of the column's type", () => {
    for (const table of snapshot) {
      for (const row of table.rows) {
        expect(row).toHaveLength(table.columns.length);
        row.forEach((value, i) => {
          const type = table.columns[i]?.type;
          if (value !== null)
            expect(typeof value).toBe(type === "VARCHAR" ? "string" : type === "BOOLEAN" ? "boolean" : "number");
        });
      }
    }
  });
});
