import type {
  ClassificationRules,
  ColumnRule,
  ExportTableConfig,
  MetricRule,
  SourceRule,
} from "@data-exporter/classification";
import { defaultDemoSchema } from "../seed-params.js";

/** export_tables plus the three rule sets for the demo tables. */
export interface DemoClassification {
  readonly tables: readonly ExportTableConfig[];
  readonly rules: ClassificationRules;
}

/**
 * Columns left without a rule on purpose: unclassified means "do not export" (deny by default), and the demo shows
 * it. Everything else in the demo tables has a rule.
 */
export const intentionallyUnclassifiedColumns: readonly { readonly table: string; readonly column: string }[] = [
  { table: "way", column: "created_at" },
];

/** Sources and metrics present in the data without a rule on purpose: their rows are dropped. */
export const intentionallyUnclassifiedSources: readonly string[] = ["WAZE"];
export const intentionallyUnclassifiedMetrics: readonly string[] = ["unknown_metric"];

const dimension = (schema: string, table: string): ExportTableConfig => ({
  table,
  schema,
  enabled: true,
  onDemandEnabled: true,
  timeColumn: null,
  sourceColumn: null,
  metricColumn: null,
});

function tables(schema: string): ExportTableConfig[] {
  return [
    dimension(schema, "way"),
    dimension(schema, "cctv"),
    {
      table: "traffic_observation",
      schema,
      enabled: true,
      onDemandEnabled: true,
      timeColumn: "obs_time",
      sourceColumn: "source",
      metricColumn: null,
    },
    {
      table: "way_metric_long",
      schema,
      enabled: true,
      onDemandEnabled: true,
      timeColumn: "obs_time",
      sourceColumn: "source",
      metricColumn: "metric_name",
    },
    // Configured but switched off: the planner must skip it in both modes.
    {
      table: "internal_audit_log",
      schema,
      enabled: false,
      onDemandEnabled: false,
      timeColumn: "occurred_at",
      sourceColumn: null,
      metricColumn: null,
    },
  ];
}

const nr = (table: string, ...columns: string[]): ColumnRule[] =>
  columns.map((column) => ({ table, column, classification: "nr" }));

const columns: ColumnRule[] = [
  // way: plain dimension; the long GeoJSON column is exported as is, the editor's e-mail never.
  ...nr(
    "way",
    "way_id",
    "way_name",
    "road_class",
    "speed_limit_kmh",
    "length_m",
    "geoj_way_feature",
    "geoj_way_feature_compressed",
  ),
  { table: "way", column: "updated_by_email", classification: "de" },
  // way.created_at: no rule (intentionallyUnclassifiedColumns).

  // cctv: every hwc treatment except keyed_hash, and a PII column misclassified nr that the deny-list must block.
  ...nr("cctv", "cctv_id", "way_id", "label"),
  { table: "cctv", column: "latitude", classification: "hwc", treatment: { kind: "round", digits: 3 } },
  { table: "cctv", column: "longitude", classification: "hwc", treatment: { kind: "round", digits: 3 } },
  { table: "cctv", column: "operator_email", classification: "nr" },
  { table: "cctv", column: "stream_url", classification: "hwc", treatment: { kind: "null" } },
  { table: "cctv", column: "installed_at", classification: "hwc", treatment: { kind: "truncate_to_hour" } },

  // traffic_observation: the mx speed, a keyed-hash pseudonym, a de measure.
  ...nr("traffic_observation", "obs_time", "way_id", "source", "travel_time_s", "probe_count"),
  { table: "traffic_observation", column: "speed_kmh", classification: "mx" },
  {
    table: "traffic_observation",
    column: "probe_vehicle_id",
    classification: "hwc",
    treatment: { kind: "keyed_hash" },
  },
  { table: "traffic_observation", column: "confidence", classification: "de" },

  // way_metric_long: rows are filtered by source and by metric.
  ...nr("way_metric_long", "obs_time", "way_id", "source", "metric_name", "metric_value"),

  // internal_audit_log (disabled): classified anyway, so enabling it would not leak the actor's e-mail.
  ...nr("internal_audit_log", "audit_id", "occurred_at", "action"),
  { table: "internal_audit_log", column: "actor_email", classification: "de" },
];

// The seed's example exactly (FUSION = nr, HERE = de, TOMTOM = de), plus the demo's own hwc source: BLUETOOTH rows
// are exported restricted (mx columns NULL, hwc columns treated as in every row).
const sources: SourceRule[] = [
  { source: "FUSION", classification: "nr" },
  { source: "HERE", classification: "de" },
  { source: "TOMTOM", classification: "de" },
  { source: "BLUETOOTH", classification: "hwc" },
  // WAZE: no rule (intentionallyUnclassifiedSources).
];

const metrics: MetricRule[] = [
  { table: "way_metric_long", metric: "volume", classification: "nr" },
  { table: "way_metric_long", metric: "occupancy", classification: "nr" },
  { table: "way_metric_long", metric: "queue_length", classification: "nr" },
  { table: "way_metric_long", metric: "incident_flag", classification: "hwc" },
  { table: "way_metric_long", metric: "driver_count", classification: "de" },
  // unknown_metric: no rule (intentionallyUnclassifiedMetrics).
];

/** The demo classification for tables seeded into `schema` (tests seed into their own schema). */
export function demoClassificationFor(schema: string): DemoClassification {
  return { tables: tables(schema), rules: { columns, sources, metrics } };
}

/** The demo classification for the default `pm_internal` schema. */
export const demoClassification: DemoClassification = demoClassificationFor(defaultDemoSchema);
