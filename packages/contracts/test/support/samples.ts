import type { ExportPlanned, UnloadTableCommand } from "../../src/index.js";

export const requestId = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";

export const exportPlanned: ExportPlanned = {
  requestId,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: Date.UTC(2025, 0, 1),
  windowEnd: Date.UTC(2025, 0, 2),
  tables: [
    {
      table: "traffic_observation",
      outputPrefix: "exports/x/traffic_observation/",
      exportedColumns: ["site_id", "observed_at"],
      unclassifiedColumns: ["notes"],
    },
  ],
  skippedTables: [{ table: "secret", reason: "disabled" }],
  configVersion: "v7",
  bucket: "exports",
  plannedAt: Date.UTC(2025, 0, 2, 1),
  run: 0,
};

export const unloadCommand: UnloadTableCommand = {
  requestId,
  mode: "SCHEDULED",
  exportDate: "2025-01-01",
  windowStart: Date.UTC(2025, 0, 1),
  windowEnd: Date.UTC(2025, 0, 2),
  table: "traffic_observation",
  schema: "pm_internal",
  timeColumn: "observed_at",
  columns: [{ name: "site_id", treatment: "ROUND", roundDigits: 2 }],
  rowFilter: {
    sourceColumn: "source",
    allowedSources: ["a"],
    unrestrictedSources: [],
    metricColumn: null,
    allowedMetrics: [],
  },
  audit: [{ column: "site_id", classification: "nr", action: "EXPORTED", rule: "classification:nr", detail: null }],
  outputPrefix: "exports/x/traffic_observation/",
  fileBaseName: "traffic_observation",
  configVersion: "v7",
  attempt: 1,
  run: 0,
  issuedAt: Date.UTC(2025, 0, 2, 1),
  snapshot: null,
};

/** A command whose rows travel with it (the classifications snapshot): nulls, strings, booleans and ints. */
export const snapshotCommand: UnloadTableCommand = {
  ...unloadCommand,
  table: "classifications",
  schema: "export_configuration",
  timeColumn: null,
  columns: [],
  audit: [],
  snapshot: {
    loadedAt: Date.UTC(2025, 0, 2, 0, 59),
    tables: [
      {
        name: "data_column_classification",
        columns: [
          { name: "column_name", type: "VARCHAR" },
          { name: "enabled", type: "BOOLEAN" },
          { name: "round_digits", type: "INTEGER" },
        ],
        rows: [
          ["speed", true, 1],
          ["probe_id", false, null],
          [null, null, -3],
        ],
      },
    ],
  },
};
