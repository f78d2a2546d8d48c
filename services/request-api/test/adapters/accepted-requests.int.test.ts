import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { AcceptedRequests } from "../../src/adapters/accepted-requests.js";

/**
 * The window lock under a burst, on the real database: more requests of one caller at once than the pool has
 * connections, each querying through the same pool while it holds the lock (as requestData does). Before requests
 * queued in memory, each took a connection to wait for the advisory lock and the holder never got one for its own
 * queries: every request failed after the pool's connect timeout.
 */
const POOL_SIZE = 4;
let pool: pg.Pool;
let accepted: AcceptedRequests;
const schema = `ra_test_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: POOL_SIZE, connectionTimeoutMillis: 5_000 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  accepted = new AcceptedRequests(pool, schema, POOL_SIZE / 2);
  await accepted.migrate();
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

describe("AcceptedRequests.exclusively", () => {
  it("serves a burst of one caller's requests larger than the pool, one at a time", async () => {
    let inside = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: POOL_SIZE * 5 }, (_, i) =>
        accepted.exclusively("caller", async () => {
          peak = Math.max(peak, ++inside);
          // The holder's own queries go through the pool, as findReusable, the quota and recordAccepted do.
          const { rows } = await pool.query<{ n: number }>("SELECT $1::int AS n, pg_sleep(0.01)", [i]);
          inside--;
          return rows[0]?.n;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: POOL_SIZE * 5 }, (_, i) => i));
    expect(peak).toBe(1);
  }, 60_000);

  it("serves as many callers at once as the pool has connections, each querying while it holds its lock", async () => {
    const results = await Promise.all(
      Array.from({ length: POOL_SIZE * 3 }, (_, i) =>
        accepted.exclusively(`caller-${i % POOL_SIZE}`, async () => {
          const { rows } = await pool.query<{ n: number }>("SELECT $1::int AS n, pg_sleep(0.01)", [i]);
          return rows[0]?.n;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: POOL_SIZE * 3 }, (_, i) => i));
  }, 60_000);
});
