import type { Pool, PoolClient } from "pg";
import { DemoDataError } from "../errors.js";
import { canonicalParams, defaultDemoSchema, validateSeedParams, type SeedParams } from "../seed-params.js";
import { createTableSql, demoTables, indexSql, quoteIdent, type DemoTableName } from "./demo-tables.js";
import { compressedFeatureColumn, compressedWayFeature, hasDetailedFeature } from "./compressed-features.js";
import { generationPlans } from "./generate-sql.js";

/** Bump when the generated data changes for equal parameters, so old markers stop matching. */
export const generatorVersion = 4;

/** The demo data's calendar: observation days are Melbourne days. */
export const demoTimeZone = "Australia/Melbourne";

/** The only pool method the seeder needs; a `pg.Pool` fits. */
export type PgPoolLike = Pick<Pool, "connect">;

export interface SeedWarehouseOptions extends SeedParams {
  /** Target schema, created if missing; default `pm_internal`. */
  readonly schema?: string | undefined;
  /** Regenerate even if the marker says these parameters are loaded. */
  readonly force?: boolean | undefined;
}

export interface SeedResult {
  readonly schema: string;
  readonly params: SeedParams;
  /** True when the marker matched and nothing was written. */
  readonly skipped: boolean;
  readonly rowCounts: Readonly<Record<DemoTableName, number>>;
  /** [start, end) of the data: Melbourne midnight of startDate to Melbourne midnight `days` later. */
  readonly window: { readonly start: Date; readonly end: Date; readonly hours: number };
  /** Milliseconds per step (one per table insert, plus `indexes`, `analyze`, `total`); empty when skipped. */
  readonly timingsMs: Readonly<Record<string, number>>;
}

interface MarkerRow {
  generator_version: number;
  params: SeedParams;
  row_counts: Record<DemoTableName, number>;
}

/**
 * Loads the deterministic demo tables into `schema` in one transaction (readers see the old or the new data, never a
 * mix), then records the parameters in `<schema>.demo_seed`. A second call with the same parameters is a no-op.
 */
export async function seedWarehouse(pool: PgPoolLike, options: SeedWarehouseOptions): Promise<SeedResult> {
  const schema = options.schema ?? defaultDemoSchema;
  const params = canonicalParams(options);
  validateSeedParams(params, schema);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await seedInTransaction(client, schema, params, options.force === true);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw toSeedError(error, schema);
  } finally {
    client.release();
  }
}

async function seedInTransaction(
  client: PoolClient,
  schema: string,
  params: SeedParams,
  force: boolean,
): Promise<SeedResult> {
  const s = quoteIdent(schema);
  // Serialises concurrent seeders of one schema (parallel test files) without blocking other schemas.
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`demo-data:${schema}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${s}.demo_seed (id int PRIMARY KEY CHECK (id = 1), generator_version int NOT NULL,
      params jsonb NOT NULL, row_counts jsonb NOT NULL, seeded_at timestamptz NOT NULL)`,
  );
  const window = await computeWindow(client, params);
  const marker = await client.query<MarkerRow>(
    `SELECT generator_version, params, row_counts FROM ${s}.demo_seed WHERE params = $1::jsonb`,
    [JSON.stringify(params)],
  );
  const existing = marker.rows[0];
  if (!force && existing?.generator_version === generatorVersion && (await allTablesExist(client, schema))) {
    return { schema, params, skipped: true, rowCounts: existing.row_counts, window, timingsMs: {} };
  }

  const timingsMs: Record<string, number> = {};
  const started = performance.now();
  await client.query("SET LOCAL maintenance_work_mem = '256MB'");
  await client.query("SET LOCAL jit = off");
  for (const table of demoTables) {
    await client.query(`DROP TABLE IF EXISTS ${s}.${quoteIdent(table.name)}`);
    await client.query(createTableSql(schema, table));
  }
  const rowCounts = {} as Record<DemoTableName, number>;
  for (const plan of generationPlans(schema, params, window.hours)) {
    const t0 = performance.now();
    const inserted = await client.query(plan.sql, plan.usesWindowStart ? [window.start] : []);
    timingsMs[plan.table.name] = Math.round(performance.now() - t0);
    if (inserted.rowCount !== plan.expectedRows) {
      throw new DemoDataError(
        "DEMO_SEED_FAILED",
        `${plan.table.name}: inserted ${inserted.rowCount} rows, expected ${plan.expectedRows}`,
      );
    }
    rowCounts[plan.table.name as DemoTableName] = plan.expectedRows;
  }
  let t0 = performance.now();
  await writeCompressedFeatures(client, schema, params);
  timingsMs[compressedFeatureColumn] = Math.round(performance.now() - t0);
  t0 = performance.now();
  for (const table of demoTables) for (const sql of indexSql(schema, table)) await client.query(sql);
  timingsMs["indexes"] = Math.round(performance.now() - t0);
  t0 = performance.now();
  for (const table of demoTables) await client.query(`ANALYZE ${s}.${quoteIdent(table.name)}`);
  timingsMs["analyze"] = Math.round(performance.now() - t0);
  await client.query(
    `INSERT INTO ${s}.demo_seed (id, generator_version, params, row_counts, seeded_at) VALUES (1, $1, $2::jsonb, $3::jsonb, now())
     ON CONFLICT (id) DO UPDATE SET generator_version = EXCLUDED.generator_version, params = EXCLUDED.params,
       row_counts = EXCLUDED.row_counts, seeded_at = EXCLUDED.seeded_at`,
    [generatorVersion, JSON.stringify(params), JSON.stringify(rowCounts)],
  );
  timingsMs["total"] = Math.round(performance.now() - started);
  return { schema, params, skipped: false, rowCounts, window, timingsMs };
}

/** Fills way.geoj_way_feature_compressed, which PostgreSQL cannot compute (no gzip), in batches of 50 ways. */
async function writeCompressedFeatures(client: PoolClient, schema: string, params: SeedParams): Promise<void> {
  const ids: number[] = [];
  for (let id = 1; id <= params.ways; id++) if (hasDetailedFeature(id)) ids.push(id);
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50);
    await client.query(
      `UPDATE ${quoteIdent(schema)}.way AS w SET ${compressedFeatureColumn} = v.value
       FROM unnest($1::bigint[], $2::bytea[]) AS v(id, value) WHERE w.way_id = v.id`,
      [batch, batch.map((id) => compressedWayFeature(params.seed, id))],
    );
  }
}

/** Melbourne midnights as instants; the hour count is 24 × days ± 1 per DST change inside the window. */
async function computeWindow(client: PoolClient, params: SeedParams): Promise<SeedResult["window"]> {
  const { rows } = await client.query<{ start: Date; end: Date; hours: number }>(
    `SELECT ($1::date)::timestamp AT TIME ZONE $3 AS start, ($1::date + $2::int)::timestamp AT TIME ZONE $3 AS "end",
       (extract(epoch FROM (($1::date + $2::int)::timestamp AT TIME ZONE $3) - (($1::date)::timestamp AT TIME ZONE $3)) / 3600)::int AS hours`,
    [params.startDate, params.days, demoTimeZone],
  );
  const row = rows[0];
  if (row === undefined) throw new DemoDataError("DEMO_SEED_FAILED", "could not compute the data window");
  return row;
}

async function allTablesExist(client: PoolClient, schema: string): Promise<boolean> {
  const names = demoTables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t.name)}`);
  const { rows } = await client.query<{ missing: number }>(
    "SELECT count(*)::int AS missing FROM unnest($1::text[]) AS n(name) WHERE to_regclass(n.name) IS NULL",
    [names],
  );
  return rows[0]?.missing === 0;
}

const connectionLost = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03"]);

/** Connection loss, serialization failures and deadlocks can succeed on a retry; everything else cannot. */
function toSeedError(error: unknown, schema: string): DemoDataError {
  if (error instanceof DemoDataError) return error;
  const code = (error as { code?: unknown }).code;
  const retryable =
    typeof code === "string" &&
    (connectionLost.has(code) || code === "40001" || code === "40P01" || /^E[A-Z]+$/.test(code));
  const message = error instanceof Error ? error.message : String(error);
  return new DemoDataError("DEMO_SEED_FAILED", `seeding schema ${schema} failed: ${message}`, {
    cause: error,
    retryable,
  });
}
