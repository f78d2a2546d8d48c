import { createHash, createHmac } from "node:crypto";

/**
 * The demo classification written out by hand: for each exported demo table, the columns its Parquet files must
 * have and SQL over the warehouse that applies the rules independently of the classification engine (nr kept,
 * mx kept only for nr sources, hwc rounded / truncated / nulled / keyed-hashed, de and unclassified dropped, rows of
 * de or unknown sources and metrics dropped). Sources: FUSION (nr) rows are exported whole; BLUETOOTH (hwc) rows are
 * exported restricted, their mx columns NULL and hwc columns treated like in every row; HERE and TOMTOM (de) and
 * WAZE (no rule) are dropped. The end-to-end scenarios and the chaos campaign compare what was exported with it.
 */
export const classifiedTables = ["way", "cctv", "traffic_observation", "way_metric_long"] as const;
export type ClassifiedTable = (typeof classifiedTables)[number];

interface TableOracle {
  readonly columns: readonly string[];
  /** $1 and $2 are the window's start and end when `windowed`. */
  readonly sql: (schema: string) => string;
  readonly windowed: boolean;
}

const oracles: Record<ClassifiedTable, TableOracle> = {
  way: {
    columns: [
      "way_id",
      "way_name",
      "road_class",
      "speed_limit_kmh",
      "length_m",
      "geoj_way_feature",
      "geoj_way_feature_compressed",
    ],
    sql: (schema) =>
      `SELECT way_id, way_name, road_class, speed_limit_kmh, length_m, geoj_way_feature, geoj_way_feature_compressed
       FROM ${schema}.way`,
    windowed: false,
  },
  cctv: {
    columns: ["cctv_id", "way_id", "label", "latitude", "longitude", "stream_url", "installed_at"],
    sql: (schema) =>
      `SELECT cctv_id, way_id, label, round(latitude::numeric, 3) AS latitude, round(longitude::numeric, 3) AS longitude,
              NULL::text AS stream_url, date_trunc('hour', installed_at) AS installed_at FROM ${schema}.cctv`,
    windowed: false,
  },
  traffic_observation: {
    columns: ["obs_time", "way_id", "source", "speed_kmh", "travel_time_s", "probe_count", "probe_vehicle_id"],
    sql: (schema) =>
      `SELECT obs_time, way_id, source, CASE WHEN source = 'FUSION' THEN speed_kmh END AS speed_kmh, travel_time_s,
              probe_count, probe_vehicle_id
       FROM ${schema}.traffic_observation
       WHERE source IN ('FUSION', 'BLUETOOTH') AND obs_time >= $1 AND obs_time < $2`,
    windowed: true,
  },
  way_metric_long: {
    columns: ["obs_time", "way_id", "source", "metric_name", "metric_value"],
    sql: (schema) =>
      `SELECT obs_time, way_id, source, metric_name, metric_value FROM ${schema}.way_metric_long
       WHERE source IN ('FUSION', 'BLUETOOTH')
         AND metric_name IN ('volume', 'occupancy', 'queue_length', 'incident_flag')
         AND obs_time >= $1 AND obs_time < $2`,
    windowed: true,
  },
};

export const isClassifiedTable = (table: string): table is ClassifiedTable =>
  (classifiedTables as readonly string[]).includes(table);

/** The columns a table's Parquet files hold, in order. */
export const classifiedColumns = (table: ClassifiedTable): readonly string[] => oracles[table].columns;

/** The subset of pg's Pool the oracle needs. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * The rows a table's export of [start, end) must hold, as the warehouse has them with the classification applied.
 * `hashKey` is the unloader's HASH_KEY: probe_vehicle_id (hwc, keyed hash) is HMAC-SHA256 of its text.
 */
export async function classifiedRows(
  pool: Queryable,
  options: { schema: string; table: ClassifiedTable; window: readonly [Date, Date]; hashKey: string },
): Promise<Record<string, unknown>[]> {
  const oracle = oracles[options.table];
  const params = oracle.windowed ? [options.window[0].toISOString(), options.window[1].toISOString()] : [];
  const { rows } = await pool.query(oracle.sql(options.schema), params);
  if (options.table !== "traffic_observation") return rows;
  return rows.map((row) => {
    const id = row.probe_vehicle_id as string | null;
    return {
      ...row,
      probe_vehicle_id: id === null ? null : createHmac("sha256", options.hashKey).update(id).digest("hex"),
    };
  });
}

/**
 * One value as text that PostgreSQL's and the Parquet reader's representations agree on: timestamps as ISO,
 * numbers (and numeric strings) to 12 significant digits, bigints as integers, bytes by their SHA-256 (a changed byte
 * shows).
 */
export function canonicalValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Uint8Array) return `bytes:${createHash("sha256").update(value).digest("hex")}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(12);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return canonicalValue(Number(value));
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A row as one comparable string of its columns' canonical values. */
export const rowKey = (row: Record<string, unknown>, columns: readonly string[]): string =>
  columns.map((column) => canonicalValue(row[column])).join("|");
