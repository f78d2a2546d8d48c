import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, type ClassificationRules, type ExportTableConfig } from "@data-exporter/classification";
import { planExport, type DescribedTable } from "../../src/domain/plan-export.js";

const tables: ExportTableConfig[] = [
  {
    table: "traffic_observation",
    schema: "pm_internal",
    enabled: true,
    onDemandEnabled: true,
    timeColumn: "obs_time",
    sourceColumn: "source",
    metricColumn: null,
  },
  {
    table: "way",
    schema: "pm_internal",
    enabled: true,
    onDemandEnabled: true,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
  },
  {
    table: "internal_audit_log",
    schema: "pm_internal",
    enabled: false,
    onDemandEnabled: false,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
  },
  {
    table: "gone",
    schema: "pm_internal",
    enabled: true,
    onDemandEnabled: true,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
  },
];
const rules: ClassificationRules = {
  columns: [
    { table: "traffic_observation", column: "obs_time", classification: "nr" },
    { table: "traffic_observation", column: "source", classification: "nr" },
    { table: "traffic_observation", column: "speed_kmh", classification: "mx" },
    { table: "way", column: "way_id", classification: "nr" },
  ],
  sources: [
    { source: "FUSION", classification: "nr" },
    { source: "HERE", classification: "de" },
  ],
  metrics: [],
};
const described = new Map<string, DescribedTable>([
  [
    "traffic_observation",
    {
      columns: [
        { name: "obs_time", type: "timestamp with time zone" },
        { name: "source", type: "text" },
        { name: "speed_kmh", type: "double precision" },
        { name: "probe_vehicle_id", type: "text" },
      ],
    },
  ],
  [
    "way",
    {
      columns: [
        { name: "way_id", type: "bigint" },
        { name: "geoj_way_feature", type: "text" },
      ],
    },
  ],
  ["gone", { error: "table pm_internal.gone does not exist" }],
]);
const inputs = {
  tables,
  rules,
  configVersion: "cfg-1",
  policy: defaultPolicy,
  describedTables: described,
  bucket: "exports",
  envName: "dev",
  now: 99,
  configLoadedAt: 98,
};
const intent = {
  requestId: "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e",
  mode: "ON_DEMAND" as const,
  exportDate: null,
  windowStart: Date.UTC(2026, 10, 24, 13),
  windowEnd: Date.UTC(2026, 10, 25, 13),
};

describe("planExport", () => {
  it("emits one command per exportable table with the seed's on-demand layout", () => {
    const { planned, commands } = planExport(intent, inputs);
    expect(commands.map((c) => c.table)).toEqual(["traffic_observation", "way"]);
    const traffic = commands[0];
    expect(traffic?.outputPrefix).toBe(
      "dev/data_exporter_service/traffic_observation/20261124/20261124T130000Z_20261125T130000Z/",
    );
    expect(traffic?.columns.map((c) => [c.name, c.treatment])).toEqual([
      ["obs_time", "AS_IS"],
      ["source", "AS_IS"],
      ["speed_kmh", "NULL_UNLESS_UNRESTRICTED_SOURCE"],
    ]);
    expect(traffic?.rowFilter).toMatchObject({
      sourceColumn: "source",
      allowedSources: ["FUSION"],
      unrestrictedSources: ["FUSION"],
    });
    expect(traffic?.timeColumn).toBe("obs_time");
    expect(planned.tables.find((t) => t.table === "traffic_observation")?.unclassifiedColumns).toEqual([
      "probe_vehicle_id",
    ]);
    expect(commands[1]?.timeColumn).toBeNull();
  });

  it("lists skipped tables with their reasons", () => {
    const { planned } = planExport(intent, inputs);
    expect(planned.skippedTables).toEqual([
      { table: "gone", reason: "cannot read the table: table pm_internal.gone does not exist" },
      { table: "internal_audit_log", reason: "disabled" },
    ]);
    expect(planned).toMatchObject({ bucket: "exports", configVersion: "cfg-1", plannedAt: 99 });
  });

  it("lays scheduled exports out by date", () => {
    const { commands } = planExport({ ...intent, mode: "SCHEDULED", exportDate: "2026-11-25" }, inputs);
    expect(commands[1]?.outputPrefix).toBe("dev/2026/11/25/way/");
  });
});

describe("planExport of a scheduled date", () => {
  const scheduled = { ...intent, mode: "SCHEDULED" as const, exportDate: "2024-04-07" };

  it("adds the classification snapshot as a table of the plan, under the date", () => {
    const { planned, commands } = planExport(scheduled, inputs);
    expect(planned.tables.map((t) => [t.table, t.outputPrefix])).toEqual([
      ["traffic_observation", "dev/2024/04/07/traffic_observation/"],
      ["way", "dev/2024/04/07/way/"],
      ["classifications", "dev/2024/04/07/classifications/"],
    ]);
    // An unload command like any other table, whose rows travel with it.
    expect(commands.map((c) => [c.table, c.snapshot === null])).toEqual([
      ["traffic_observation", true],
      ["way", true],
      ["classifications", false],
    ]);
  });

  it("puts the configuration the plan was made with into the snapshot command", () => {
    const snapshotCommand = planExport(scheduled, inputs).commands.find((c) => c.table === "classifications");
    expect(snapshotCommand).toMatchObject({
      schema: "export_configuration",
      timeColumn: null,
      columns: [],
      exportDate: "2024-04-07",
      configVersion: inputs.configVersion,
      issuedAt: inputs.now,
      attempt: 1,
    });
    expect(snapshotCommand?.snapshot?.loadedAt).toBe(98);
    expect(snapshotCommand?.snapshot?.tables.map((t) => [t.name, t.rows.length])).toEqual([
      ["export_tables", tables.length],
      ["data_column_classification", rules.columns.length],
      ["actual_data_classifications", rules.sources.length],
      ["long_table_data_classifications", rules.metrics.length],
    ]);
  });

  it("reserves the name for the snapshot", () => {
    const clash = { ...inputs, tables: [...tables, { ...tables[1]!, table: "classifications" }] };
    const { planned, commands } = planExport(scheduled, clash);
    expect(planned.skippedTables).toContainEqual({
      table: "classifications",
      reason: expect.stringMatching(/reserved/) as unknown,
    });
    expect(commands.filter((c) => c.table === "classifications").map((c) => c.schema)).toEqual([
      "export_configuration",
    ]);
  });

  it("has no snapshot on demand", () => {
    expect(planExport(intent, inputs).planned.tables.map((t) => t.table)).not.toContain("classifications");
  });
});
