/** The demo warehouse tables: columns in table order with their PostgreSQL types (the Redshift stand-in). */
export interface DemoColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull?: boolean;
}

export interface DemoTable {
  readonly name: string;
  readonly columns: readonly DemoColumn[];
  readonly primaryKey?: readonly string[];
  /** Columns indexed after loading (the export window's time column). */
  readonly indexes?: readonly string[];
}

const col = (name: string, type: string, notNull = false): DemoColumn =>
  notNull ? { name, type, notNull } : { name, type };

export const wayTable: DemoTable = {
  name: "way",
  columns: [
    col("way_id", "bigint", true),
    col("way_name", "text", true),
    col("road_class", "text", true),
    col("speed_limit_kmh", "integer", true),
    col("length_m", "numeric(10,2)", true),
    col("geoj_way_feature", "text", true),
    // Redshift VARBYTE: gzip of a feature too long for a VARCHAR (compressed-features.ts).
    col("geoj_way_feature_compressed", "bytea"),
    col("updated_by_email", "text"),
    col("created_at", "timestamptz", true),
  ],
  primaryKey: ["way_id"],
};

export const cctvTable: DemoTable = {
  name: "cctv",
  columns: [
    col("cctv_id", "bigint", true),
    col("way_id", "bigint", true),
    col("label", "text", true),
    col("latitude", "double precision", true),
    col("longitude", "double precision", true),
    col("operator_email", "text"),
    col("stream_url", "text"),
    col("installed_at", "timestamptz", true),
  ],
  primaryKey: ["cctv_id"],
};

export const trafficObservationTable: DemoTable = {
  name: "traffic_observation",
  columns: [
    col("obs_time", "timestamptz", true),
    col("way_id", "bigint", true),
    col("source", "text", true),
    col("speed_kmh", "double precision"),
    col("travel_time_s", "numeric(10,2)"),
    col("probe_count", "integer"),
    col("probe_vehicle_id", "text"),
    col("confidence", "real"),
  ],
  indexes: ["obs_time"],
};

export const wayMetricLongTable: DemoTable = {
  name: "way_metric_long",
  columns: [
    col("obs_time", "timestamptz", true),
    col("way_id", "bigint", true),
    col("source", "text", true),
    col("metric_name", "text", true),
    col("metric_value", "double precision"),
  ],
  indexes: ["obs_time"],
};

/** Configured for export but disabled: shows a table being skipped. */
export const internalAuditLogTable: DemoTable = {
  name: "internal_audit_log",
  columns: [
    col("audit_id", "bigint", true),
    col("occurred_at", "timestamptz", true),
    col("actor_email", "text", true),
    col("action", "text", true),
  ],
  primaryKey: ["audit_id"],
  indexes: ["occurred_at"],
};

export const demoTables: readonly DemoTable[] = [
  wayTable,
  cctvTable,
  trafficObservationTable,
  wayMetricLongTable,
  internalAuditLogTable,
];

export type DemoTableName = "way" | "cctv" | "traffic_observation" | "way_metric_long" | "internal_audit_log";

/**
 * Sources of traffic and long-format rows, with their share. The classification follows the seed's example (FUSION
 * nr, HERE and TOMTOM de) and adds BLUETOOTH, roadside scanners that re-identify passing devices, as the demo's hwc
 * source; WAZE deliberately has no classification rule.
 */
export const demoSources = [
  { source: "FUSION", share: 0.5 },
  { source: "TOMTOM", share: 0.2 },
  { source: "HERE", share: 0.15 },
  { source: "BLUETOOTH", share: 0.1 },
  { source: "WAZE", share: 0.05 },
] as const;

/** Metrics of way_metric_long, one row each per way per hour. */
export const demoMetrics = [
  "volume",
  "occupancy",
  "queue_length",
  "incident_flag",
  "driver_count",
  "unknown_metric",
] as const;

export const roadClasses = [
  { roadClass: "motorway", speedLimitKmh: 100 },
  { roadClass: "trunk", speedLimitKmh: 80 },
  { roadClass: "primary", speedLimitKmh: 70 },
  { roadClass: "secondary", speedLimitKmh: 60 },
  { roadClass: "tertiary", speedLimitKmh: 50 },
  { roadClass: "residential", speedLimitKmh: 40 },
] as const;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function createTableSql(schema: string, table: DemoTable): string {
  const columns = table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.notNull === true ? " NOT NULL" : ""}`);
  return `CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table.name)} (${columns.join(", ")})`;
}

/** Keys and indexes are built after the load: much faster than maintaining them row by row. */
export function indexSql(schema: string, table: DemoTable): string[] {
  const target = `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
  const out: string[] = [];
  if (table.primaryKey !== undefined)
    out.push(`ALTER TABLE ${target} ADD PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(", ")})`);
  for (const column of table.indexes ?? []) {
    out.push(`CREATE INDEX ${quoteIdent(`${table.name}_${column}_idx`)} ON ${target} (${quoteIdent(column)})`);
  }
  return out;
}
