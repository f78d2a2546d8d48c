import type { ClassificationRules, ExportTableConfig } from "@data-exporter/classification";
import type { SnapshotTable } from "@data-exporter/contracts";

/** Name of the pseudo-table a scheduled export writes the classification snapshot under. */
export const CLASSIFICATIONS_TABLE = "classifications";

/** What the snapshot command names as its source (the manifest's `schema`): not a warehouse schema. */
export const SNAPSHOT_SOURCE = "export_configuration";

const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };

/**
 * The four configuration tables a plan was made with, shaped as their DynamoDB items (same snake_case attribute
 * names, absent treatment as null), so the exported Parquet files read like the tables people edit.
 */
export function classificationSnapshotTables(config: {
  tables: readonly ExportTableConfig[];
  rules: ClassificationRules;
}): SnapshotTable[] {
  return [
    {
      name: "export_tables",
      columns: [
        { name: "table_name", type: "VARCHAR" },
        { name: "schema_name", type: "VARCHAR" },
        { name: "enabled", type: "BOOLEAN" },
        { name: "on_demand_enabled", type: "BOOLEAN" },
        { name: "time_column", type: "VARCHAR" },
        { name: "source_column", type: "VARCHAR" },
        { name: "metric_column", type: "VARCHAR" },
      ],
      rows: [...config.tables]
        .sort(byKey((t) => t.table))
        .map((t) => [t.table, t.schema, t.enabled, t.onDemandEnabled, t.timeColumn, t.sourceColumn, t.metricColumn]),
    },
    {
      name: "data_column_classification",
      columns: [
        { name: "table_name", type: "VARCHAR" },
        { name: "column_name", type: "VARCHAR" },
        { name: "classification", type: "VARCHAR" },
        { name: "treatment", type: "VARCHAR" },
        { name: "round_digits", type: "INTEGER" },
      ],
      rows: [...config.rules.columns]
        .sort(byKey((r) => `${r.table}\u0000${r.column}`))
        .map((r) => [
          r.table,
          r.column,
          r.classification,
          r.treatment?.kind ?? null,
          r.treatment?.kind === "round" ? r.treatment.digits : null,
        ]),
    },
    {
      name: "actual_data_classifications",
      columns: [
        { name: "source", type: "VARCHAR" },
        { name: "classification", type: "VARCHAR" },
      ],
      rows: [...config.rules.sources].sort(byKey((r) => r.source)).map((r) => [r.source, r.classification]),
    },
    {
      name: "long_table_data_classifications",
      columns: [
        { name: "table_name", type: "VARCHAR" },
        { name: "metric_name", type: "VARCHAR" },
        { name: "classification", type: "VARCHAR" },
      ],
      rows: [...config.rules.metrics]
        .sort(byKey((r) => `${r.table}\u0000${r.metric}`))
        .map((r) => [r.table, r.metric, r.classification]),
    },
  ];
}
