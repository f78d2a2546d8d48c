import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { demoScales, demoSources, demoTables, seedWarehouse, type SeedParams } from "../../src/index.js";

const tiny: SeedParams = demoScales.tiny; // 2024-04-06 + 2 days: the second Melbourne day has 25 hours (DST ends)

describe("seedWarehouse against PostgreSQL", () => {
  let pool: pg.Pool;
  const schemas: string[] = [];

  /** A fresh schema name per use; dropped after the file so a million demo rows do not pile up. */
  function freshSchema(): string {
    const schema = `demo_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    schemas.push(schema);
    return schema;
  }

  async function tableHash(schema: string, table: string): Promise<string> {
    const { rows } = await pool.query<{ hash: string }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS hash FROM "${schema}"."${table}" AS t`,
    );
    return rows[0]?.hash ?? "";
  }

  async function allHashes(schema: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of demoTables) out[t.name] = await tableHash(schema, t.name);
    return out;
  }

  async function countsPerMelbourneDay(schema: string, table: string): Promise<Record<string, number>> {
    const { rows } = await pool.query<{ day: string; n: number }>(
      `SELECT to_char((obs_time AT TIME ZONE 'Australia/Melbourne')::date, 'YYYY-MM-DD') AS day, count(*)::int AS n
       FROM "${schema}"."${table}" GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.day, r.n]));
  }

  beforeAll(() => {
    const connectionString = process.env["WAREHOUSE_URL"] ?? process.env["DATABASE_URL"];
    if (connectionString === undefined)
      throw new Error("WAREHOUSE_URL or DATABASE_URL is not set: start the local stack first");
    pool = new pg.Pool({ connectionString, max: 4 });
  });

  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it("generates the expected rows per table and per Melbourne day, across a DST change", async () => {
    const schema = freshSchema();
    const result = await seedWarehouse(pool, { ...tiny, schema });
    const { ways, observationsPerWayPerHour: oph } = tiny;
    expect(result.window).toEqual({
      start: new Date("2024-04-05T13:00:00Z"),
      end: new Date("2024-04-07T14:00:00Z"),
      hours: 49,
    });
    expect(result.rowCounts).toEqual({
      way: ways,
      cctv: Math.ceil(ways / 4),
      traffic_observation: ways * oph * 49,
      way_metric_long: ways * 6 * 49,
      internal_audit_log: 50,
    });
    expect(await countsPerMelbourneDay(schema, "traffic_observation")).toEqual({
      "2024-04-06": ways * oph * 24,
      "2024-04-07": ways * oph * 25,
    });
    expect(await countsPerMelbourneDay(schema, "way_metric_long")).toEqual({
      "2024-04-06": ways * 6 * 24,
      "2024-04-07": ways * 6 * 25,
    });
    // Every way has exactly `oph` observations in every hour.
    const { rows: perHour } = await pool.query<{ min: number; max: number }>(
      `SELECT min(n)::int AS min, max(n)::int AS max FROM (
         SELECT way_id, date_trunc('hour', obs_time), count(*) AS n FROM "${schema}".traffic_observation GROUP BY 1, 2) AS h`,
    );
    expect(perHour[0]).toEqual({ min: oph, max: oph });

    const { rows: shape } = await pool.query<Record<string, number>>(
      `SELECT avg((speed_kmh IS NULL)::int)::float8 AS speed_nulls, avg((source = 'WAZE')::int)::float8 AS waze,
         avg((source = 'FUSION')::int)::float8 AS fusion, count(DISTINCT source)::int AS sources
       FROM "${schema}".traffic_observation`,
    );
    expect(shape[0]?.["sources"]).toBe(demoSources.length);
    expect(shape[0]?.["speed_nulls"]).toBeGreaterThan(0.02);
    expect(shape[0]?.["speed_nulls"]).toBeLessThan(0.08);
    expect(shape[0]?.["waze"]).toBeGreaterThan(0.02);
    expect(shape[0]?.["fusion"]).toBeGreaterThan(0.4);

    const { rows: geo } = await pool.query<{ min_len: number; valid: boolean }>(
      `SELECT min(length(geoj_way_feature))::int AS min_len,
         bool_and(jsonb_array_length(geoj_way_feature::jsonb -> 'geometry' -> 'coordinates') >= 120) AS valid
       FROM "${schema}".way`,
    );
    expect(geo[0]?.valid).toBe(true);
    expect(geo[0]?.min_len).toBeGreaterThan(2500);

    const { rows: indexes } = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%(obs_time)%' ORDER BY 1",
      [schema],
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      "traffic_observation_obs_time_idx",
      "way_metric_long_obs_time_idx",
    ]);
  });

  it("has 23 hours on the day DST starts", async () => {
    const schema = freshSchema();
    const result = await seedWarehouse(pool, {
      startDate: "2024-10-06",
      days: 1,
      ways: 3,
      observationsPerWayPerHour: 1,
      seed: 9,
      schema,
    });
    expect(result.window.hours).toBe(23);
    expect(await countsPerMelbourneDay(schema, "traffic_observation")).toEqual({ "2024-10-06": 3 * 23 });
  });

  it("produces byte-identical tables for equal parameters and different ones for another seed", async () => {
    const [a, b, c] = [freshSchema(), freshSchema(), freshSchema()];
    await seedWarehouse(pool, { ...tiny, schema: a });
    await seedWarehouse(pool, { ...tiny, schema: b });
    await seedWarehouse(pool, { ...tiny, seed: tiny.seed + 1, schema: c });
    const [ha, hb, hc] = [await allHashes(a), await allHashes(b), await allHashes(c)];
    expect(hb).toEqual(ha);
    for (const table of demoTables) expect(hc[table.name]).not.toBe(ha[table.name]);
  });

  it("skips a second load of the same parameters and reloads on a change or when forced", async () => {
    const schema = freshSchema();
    const first = await seedWarehouse(pool, { ...tiny, schema });
    const hashes = await allHashes(schema);
    const again = await seedWarehouse(pool, { ...tiny, schema });
    expect(again.skipped).toBe(true);
    expect(again.rowCounts).toEqual(first.rowCounts);
    expect(await allHashes(schema)).toEqual(hashes);

    const forced = await seedWarehouse(pool, { ...tiny, schema, force: true });
    expect(forced.skipped).toBe(false);
    expect(await allHashes(schema)).toEqual(hashes);

    const changed = await seedWarehouse(pool, { ...tiny, ways: tiny.ways + 1, schema });
    expect(changed.skipped).toBe(false);
    expect(changed.rowCounts.way).toBe(tiny.ways + 1);

    await pool.query(`DROP TABLE "${schema}".cctv`);
    expect((await seedWarehouse(pool, { ...tiny, ways: tiny.ways + 1, schema })).skipped).toBe(false);
  });

  it("serialises concurrent seeders of one schema", async () => {
    const schema = freshSchema();
    const results = await Promise.all([
      seedWarehouse(pool, { ...tiny, schema }),
      seedWarehouse(pool, { ...tiny, schema }),
    ]);
    expect(results.map((r) => r.skipped).sort()).toEqual([false, true]);
  });

  it("loads about a million traffic rows in a few seconds (bench scale)", async () => {
    const schema = freshSchema();
    const result = await seedWarehouse(pool, { ...demoScales.bench, schema });
    expect(result.rowCounts.traffic_observation).toBe(1_008_000);
    // Not a benchmark assertion (shared CI machines vary); the numbers are printed for the reader.
    console.log(`bench-scale seed of ${JSON.stringify(result.rowCounts)}: ${JSON.stringify(result.timingsMs)} ms`);
  }, 120_000);
});
