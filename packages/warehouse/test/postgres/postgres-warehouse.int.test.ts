import { createHmac } from "node:crypto";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { ColumnProjection, UnloadTableCommand } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import { T0, liveRows, liveTable, uniqueName, unloadCommand } from "../fixtures.js";
import { readParquet, sortRows } from "../parquet-reader.js";
import { postgresHarness, type PostgresHarness } from "./postgres-harness.js";

// How the PostgreSQL adapter keeps the port's promises: one REPEATABLE READ transaction for the count and the COPY
// (observed in pg_stat_activity), and session settings that fix every text form it hashes or truncates. The
// adapter-neutral promises are in test/warehouse.contract.int.test.ts.

const col = (name: string, treatment: ColumnProjection["treatment"] = "AS_IS"): ColumnProjection => ({
  name,
  treatment,
  roundDigits: null,
});

describe("PostgresWarehouse", () => {
  let h: PostgresHarness;
  let n = 0;
  const command = (overrides: Partial<UnloadTableCommand>): UnloadTableCommand => {
    n += 1;
    return unloadCommand({ schema: h.schema, outputPrefix: `exports/pg-${n}/`, timeColumn: null, ...overrides });
  };

  beforeAll(async () => {
    h = await postgresHarness.setup();
  });

  afterAll(async () => {
    const left = await readdir(h.tempDir).catch(() => []);
    await h.teardown();
    expect(left).toEqual([]);
  });

  it("counts and copies in one REPEATABLE READ transaction: rows inserted between the count and the COPY are not exported", async () => {
    const live = liveTable(uniqueName("live"), 100);
    const view = uniqueName("slow");
    await h.createTable(live);
    await h.createView({ name: view, of: live.name, delayMs: 1000 });
    const c = command({ table: view, fileBaseName: "live", columns: [col("id")] });
    /** The unload's statement over the view that is running now: its backend and transaction start. */
    const statement = (count: boolean) => async () => {
      const { rows } = await h.sql.query<{ pid: number; xact_start: string }>(
        `SELECT pid, xact_start::text AS xact_start FROM pg_stat_activity
          WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0
            AND (position('count(*)' in query) > 0) = $2`,
        [view, count],
      );
      return rows[0];
    };

    const running = h.warehouse().unload(c);
    // The count takes 1 s: insert while PostgreSQL is running it, after the snapshot was taken, before the COPY.
    const counting = await waitFor(`the count over ${view} to run`, statement(true));
    await h.insertRows(live, liveRows(101, 50));
    const copying = await waitFor(`the COPY's SELECT over ${view} to run`, statement(false));
    expect(copying).toEqual(counting);
    const result = await running;
    expect(result.rows).toBe(100);
    expect((await readParquet(await h.store.getObject(result.files[0]!.key))).rows).toHaveLength(100);
    const { rows } = await h.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${h.schema}.${live.name}`);
    expect(rows[0]?.n).toBe(150);
  });

  it("fixes the session settings the hashed and truncated values depend on, whatever the connection's defaults", async () => {
    const table = {
      name: uniqueName("forms"),
      columns: [
        { name: "t", type: "timestamptz" },
        { name: "hour", type: "timestamptz" },
        { name: "local_time", type: "timestamp" },
        { name: "d", type: "date" },
        { name: "x", type: "double" },
      ],
      rows: [
        {
          t: new Date(T0 + 123),
          hour: new Date(T0 + 123),
          local_time: "2026-01-01 10:17:03.5",
          d: "2026-01-31",
          x: 0.1,
        },
        { t: new Date(T0 + 45 * 60_000), hour: new Date(T0 + 45 * 60_000), x: 1 / 3 },
      ],
    } as const;
    await h.createTable(table);
    const c = command({
      table: table.name,
      fileBaseName: "forms",
      columns: [
        col("t", "KEYED_HASH"),
        col("hour", "TRUNCATE_TO_HOUR"),
        col("local_time", "KEYED_HASH"),
        col("d", "KEYED_HASH"),
        col("x", "KEYED_HASH"),
      ],
    });
    // A session that would print or truncate every one of them differently: a zone 13:45 ahead of UTC, dates
    // day-first, fewer float digits.
    const url = new URL(h.url);
    // libpq decodes %20 but not URLSearchParams' "+" as a space.
    const options = encodeURIComponent("-c TimeZone=Pacific/Chatham -c DateStyle=SQL,DMY -c extra_float_digits=-3");
    url.search = `${url.search === "" ? "?" : `${url.search}&`}options=${options}`;
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    try {
      const { rows } = await probe.query<{ t: string }>("SELECT CAST(TIMESTAMPTZ '2026-01-01 00:45Z' AS text) AS t");
      expect(rows[0]?.t).toBe("01/01/2026 14:30:00 +1345");
    } finally {
      await probe.end();
    }

    const read = async (result: { files: readonly { key: string }[] }) =>
      sortRows((await readParquet(await h.store.getObject(result.files[0]!.key))).rows);
    const plain = await read(await h.warehouse().unload(c));
    const odd = h.warehouse({ warehouseUrl: url.toString() });
    expect(await read(await odd.unload(command({ ...c, outputPrefix: `exports/pg-${n}-odd/` })))).toEqual(plain);
    const hmac = (text: string) => createHmac("sha256", h.hashKey).update(text).digest("hex");
    expect(plain.map((r) => r["t"]).sort()).toEqual(
      ["2026-01-01 00:00:00.123+00", "2026-01-01 00:45:00+00"].map(hmac).sort(),
    );
    expect(plain.map((r) => r["hour"])).toEqual(["2026-01-01 00:00:00+00", "2026-01-01 00:00:00+00"]);
    expect(new Set(plain.map((r) => r["local_time"]))).toEqual(new Set([hmac("2026-01-01 10:17:03.5"), null]));
    expect(new Set(plain.map((r) => r["d"]))).toEqual(new Set([hmac("2026-01-31"), null]));
    expect(new Set(plain.map((r) => r["x"]))).toEqual(new Set([hmac("0.1"), hmac("0.3333333333333333")]));
  });

  it("reports a warehouse connection killed mid-unload as a retryable error, and the process lives on", async () => {
    // DuckDB used to roll the open transaction back while closing, on the dead connection, and aborted the process.
    const live = liveTable(uniqueName("killed"), 10);
    const view = uniqueName("slow");
    await h.createTable(live);
    await h.createView({ name: view, of: live.name, delayMs: 3000 });
    const running = h.warehouse().unload(command({ table: view, fileBaseName: "killed", columns: [col("id")] }));
    const pid = await waitFor(`a query over ${view}`, async () => {
      const { rows } = await h.sql.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0`,
        [view],
      );
      return rows[0]?.pid;
    });
    await h.sql.query("SELECT pg_terminate_backend($1)", [pid]);
    await expect(running).rejects.toMatchObject({ code: "WAREHOUSE_QUERY", retryable: true });
    // Still here, and the next unload works.
    await expect(
      h.warehouse().unload(command({ table: live.name, fileBaseName: "after", columns: [col("id")] })),
    ).resolves.toMatchObject({ rows: 10 });
  });
});
