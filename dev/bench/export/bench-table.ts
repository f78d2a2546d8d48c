import pg from "pg";

/** The exported columns of the demo's traffic_observation (`confidence` is `de`, never exported). */
export const exportedTrafficColumns = [
  "obs_time",
  "way_id",
  "source",
  "speed_kmh",
  "travel_time_s",
  "probe_count",
  "probe_vehicle_id",
] as const;

/** Sources the demo classification exports: FUSION (nr) as is, BLUETOOTH (hwc) with its mx column nulled. */
const exportedSources = ["FUSION", "BLUETOOTH"] as const;

/**
 * SQL that refills the deployment's traffic_observation with exactly `rows` rows spread evenly over
 * [windowStart, windowStart + 1 day), every one of them exported by the demo classification (so the export writes
 * `rows` rows: 90 % FUSION, 10 % BLUETOOTH), with about 10 % NULLs per nullable column and a keyed-hash pseudonym.
 * Plain arithmetic, no random(): fast to generate at 20 M rows and the same every time.
 */
export function benchTrafficSql(schema: string, rows: number, windowStartS: number): string[] {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`not a plain schema name: ${schema}`);
  const table = `${schema}.traffic_observation`;
  const step = 86_400 / rows;
  return [
    `TRUNCATE ${table}`,
    `INSERT INTO ${table} (obs_time, way_id, source, speed_kmh, travel_time_s, probe_count, probe_vehicle_id, confidence)
     SELECT to_timestamp(${windowStartS}) + (g * ${step}) * INTERVAL '1 second',
            (g % 20000)::bigint,
            CASE WHEN g % 10 = 0 THEN '${exportedSources[1]}' ELSE '${exportedSources[0]}' END,
            CASE WHEN g % 10 = 3 THEN NULL ELSE (g % 1300) / 10.0 END,
            CASE WHEN g % 10 = 4 THEN NULL ELSE (g % 99991) / 100.0 END::numeric(10,2),
            CASE WHEN g % 10 = 5 THEN NULL ELSE (g % 40)::int END,
            CASE WHEN g % 10 = 6 THEN NULL ELSE 'vehicle-' || (g % 250000) END,
            ((g % 100) / 100.0)::real
       FROM generate_series(0, ${rows - 1}) g`,
    // Hint bits and statistics set now, so the first measured read does not pay for them.
    `VACUUM (FREEZE, ANALYZE) ${table}`,
  ];
}

/** The SELECT the floor and the peer run: the rows and columns the export writes, without classifying them. */
export function benchSelect(schema: string, windowStartS: number): string {
  const start = new Date(windowStartS * 1000).toISOString();
  const end = new Date((windowStartS + 86_400) * 1000).toISOString();
  return (
    `SELECT ${exportedTrafficColumns.join(", ")} FROM ${schema}.traffic_observation ` +
    `WHERE obs_time >= '${start}' AND obs_time < '${end}' AND source IN (${exportedSources.map((s) => `'${s}'`).join(", ")})`
  );
}

export async function dropSchema(warehouseUrl: string, schema: string): Promise<void> {
  await withClient(warehouseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function fillBenchTable(
  warehouseUrl: string,
  schema: string,
  rows: number,
  windowStartS: number,
): Promise<void> {
  await withClient(warehouseUrl, async (client) => {
    for (const statement of benchTrafficSql(schema, rows, windowStartS)) await client.query(statement);
  });
}
