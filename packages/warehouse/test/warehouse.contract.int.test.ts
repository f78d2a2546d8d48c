import { createHash, createHmac } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ColumnProjection, UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import { postgresSessionSettings, renderUnloadQueries, type UnloadManifest, type Warehouse } from "../src/index.js";
import { waitFor } from "@data-exporter/runtime";
import { ADAPTERS, type AdapterHarness } from "./adapters.js";
import { unloadCommand } from "./fixtures.js";

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const col = (
  name: string,
  treatment: ColumnProjection["treatment"] = "AS_IS",
  roundDigits: number | null = null,
): ColumnProjection => ({ name, treatment, roundDigits });
const TEXT = { getTypeParser: () => (value: string) => value };

/** Reads Parquet bytes with DuckDB's reader (another path than the writer), every value as text. */
async function readParquet(
  bytes: Uint8Array,
): Promise<{ rows: Record<string, string | null>[]; types: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), "wh-read-"));
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const connection = await instance.connect();
  try {
    const file = join(dir, "f.parquet");
    await writeFile(file, bytes);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const types = Object.fromEntries(
      described.getRowObjectsJson().map((r) => [r["column_name"] as string, r["column_type"] as string]),
    );
    const names = Object.keys(types);
    const select = names.map((n) => `CAST("${n}" AS VARCHAR) AS "${n}"`).join(", ");
    const result = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet('${file}')`);
    return { rows: result.getRowObjectsJson() as Record<string, string | null>[], types };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

const sortRows = (rows: Record<string, string | null>[]) =>
  [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** Object store that records the order of writes, to check the manifest goes last. */
function recording(store: ObjectStore, writes: string[]): ObjectStore {
  return {
    bucket: store.bucket,
    ensureBucket: () => store.ensureBucket(),
    putFile: async (key, path, type, options) => (writes.push(key), store.putFile(key, path, type, options)),
    putObject: async (key, body, type) => (writes.push(key), store.putObject(key, body, type)),
    getObject: (key) => store.getObject(key),
    getText: (key) => store.getText(key),
    list: (prefix) => store.list(prefix),
    deleteObjects: (keys) => store.deleteObjects(keys),
    presignGet: (key, seconds) => store.presignGet(key, seconds),
  };
}

for (const adapter of ADAPTERS) {
  describe(`Warehouse contract: ${adapter.name}`, () => {
    let h: AdapterHarness;
    let warehouse: Warehouse;
    let n = 0;
    const command = (overrides: Partial<UnloadTableCommand>): UnloadTableCommand => {
      n += 1;
      return unloadCommand({
        schema: h.schema,
        table: "traffic",
        outputPrefix: `exports/run-${n}/traffic/`,
        fileBaseName: "traffic",
        windowStart: T0,
        windowEnd: T0 + 24 * HOUR,
        ...overrides,
      });
    };
    /** The same classified SELECT run directly on the warehouse, every value as text. */
    const reference = async (c: UnloadTableCommand): Promise<Record<string, string | null>[]> => {
      const columns = await warehouse.describeTable(c.schema, c.table);
      const { select } = renderUnloadQueries(c, { columns, hashKey: h.hashKey });
      const client = await h.sql.connect();
      try {
        await client.query("BEGIN");
        for (const setting of postgresSessionSettings) await client.query(setting);
        const result = await client.query({ text: select, types: TEXT });
        await client.query("COMMIT");
        // PostgreSQL returns KEYED_HASH columns as text; the adapter hashes them in DuckDB (the key never reaches
        // the warehouse): apply the same standard HMAC here.
        const hashed = c.columns.filter((column) => column.treatment === "KEYED_HASH").map((column) => column.name);
        return (result.rows as Record<string, string | null>[]).map((row) => {
          const out = { ...row };
          for (const name of hashed) {
            const value = out[name];
            out[name] = value == null ? null : createHmac("sha256", h.hashKey).update(value).digest("hex");
          }
          return out;
        });
      } finally {
        client.release();
      }
    };
    const downloaded = async (key: string) => readParquet(await h.store.getObject(key));
    const manifestOf = async (prefix: string) =>
      JSON.parse(await h.store.getText(`${prefix}manifest`)) as UnloadManifest;

    beforeAll(async () => {
      h = await adapter.setup();
      warehouse = h.warehouse();
      const s = h.schema;
      await h.sql.query(`
        CREATE TABLE ${s}.traffic (
          obs_time timestamptz NOT NULL, way_id bigint, source text, metric text, speed_kmh double precision,
          travel_time_s numeric(10,2), probe_count int, label text, local_time timestamp);
        CREATE INDEX ON ${s}.traffic (obs_time);
        CREATE TABLE ${s}.road (way_id bigint, name text, lanes int);
        INSERT INTO ${s}.road VALUES (1, 'Main St', 2), (2, 'Ünïcode Rd', NULL), (3, '', 4);
        CREATE TABLE ${s}.empty_dim (id bigint, name text);`);
      const rows: string[] = [];
      const sources = ["nr1", "mx1", "hwc1", "blocked"];
      const labels = ["'plain'", "''", "NULL", "E'line1\\nline2'", "'Grüße 🚗'", "E'tab\\tquote''s \\\\N'"];
      for (let i = 0; i < 48; i++) {
        const t = `TIMESTAMPTZ 'epoch' + ${T0 + i * 30 * 60_000 + 123} * INTERVAL '1 millisecond'`;
        rows.push(
          `(${t}, ${i % 5 === 4 ? "NULL" : 9_000_000_000_000 + i}, '${sources[i % 4]}', '${i % 3 === 0 ? "speed" : "volume"}', ${i % 7 === 0 ? "NULL" : `${i}.${i}5`}, ` +
            `${i % 6 === 0 ? "NULL" : `${i * 1000}.${String(i).padStart(2, "0")}`}, ${i}, ${labels[i % labels.length]}, TIMESTAMP '2026-01-01 10:00:00' + ${i} * INTERVAL '17 minutes 3.5 seconds')`,
        );
      }
      await h.sql.query(`INSERT INTO ${s}.traffic VALUES ${rows.join(",\n")}`);
      // Extremes in a separate window (day 3).
      await h.sql.query(`INSERT INTO ${s}.traffic (obs_time, way_id, source, speed_kmh, travel_time_s, label) VALUES
        (TIMESTAMPTZ 'epoch' + ${T0 + 48 * HOUR} * INTERVAL '1 millisecond', 9223372036854775807, 'nr1', 'NaN', 99999999.99, 'max'),
        (TIMESTAMPTZ 'epoch' + ${T0 + 48 * HOUR + 1} * INTERVAL '1 millisecond', -9223372036854775808, 'nr1', '-Infinity', -99999999.99, 'min'),
        (TIMESTAMPTZ 'epoch' + ${T0 + 48 * HOUR + 2} * INTERVAL '1 millisecond', 0, 'nr1', '-0', 0.01, 'zero')`);
      // Window boundaries (day 5): just before, at start, just before end (1 µs), at end.
      const d5 = T0 + 96 * HOUR;
      await h.sql.query(`INSERT INTO ${s}.traffic (obs_time, way_id, source) VALUES
        (TIMESTAMPTZ 'epoch' + ${d5 - 1} * INTERVAL '1 millisecond', 1, 'nr1'),
        (TIMESTAMPTZ 'epoch' + ${d5} * INTERVAL '1 millisecond', 2, 'nr1'),
        (TIMESTAMPTZ 'epoch' + ${d5 + HOUR} * INTERVAL '1 millisecond' - INTERVAL '1 microsecond', 3, 'nr1'),
        (TIMESTAMPTZ 'epoch' + ${d5 + HOUR} * INTERVAL '1 millisecond', 4, 'nr1')`);
    });

    afterAll(async () => {
      // Every unload removes its local scratch directory, on success and on failure.
      const left = await readdir(h.tempDir).catch(() => []);
      await h.teardown();
      expect(left).toEqual([]);
    });

    it("describes a table in ordinal order and reports a missing one", async () => {
      const columns = await warehouse.describeTable(h.schema, "traffic");
      expect(columns.slice(0, 6)).toEqual([
        { name: "obs_time", type: "timestamp with time zone" },
        { name: "way_id", type: "bigint" },
        { name: "source", type: "text" },
        { name: "metric", type: "text" },
        { name: "speed_kmh", type: "double precision" },
        { name: "travel_time_s", type: "numeric(10,2)" },
      ]);
      await expect(warehouse.describeTable(h.schema, "nope")).rejects.toMatchObject({
        code: "TABLE_NOT_FOUND",
        retryable: false,
      });
    });

    it("filters the window exactly at its boundaries", async () => {
      const d5 = T0 + 96 * HOUR;
      const c = command({ windowStart: d5, windowEnd: d5 + HOUR, columns: [col("way_id")] });
      const result = await warehouse.unload(c);
      expect(result.rows).toBe(2);
      expect((await downloaded(result.files[0]!.key)).rows.map((r) => r["way_id"]).sort()).toEqual(["2", "3"]);
    });

    it("applies every treatment and the row filters, matching the same SELECT run directly", async () => {
      const c = command({
        columns: [
          col("obs_time"),
          col("way_id", "KEYED_HASH"),
          col("source"),
          col("metric"),
          col("speed_kmh", "NULL_UNLESS_UNRESTRICTED_SOURCE"),
          col("travel_time_s", "ROUND", 1),
          col("probe_count", "NULLIFY"),
          col("label"),
          col("local_time", "TRUNCATE_TO_HOUR"),
        ],
        rowFilter: {
          sourceColumn: "source",
          allowedSources: ["nr1", "mx1"],
          unrestrictedSources: ["nr1"],
          metricColumn: "metric",
          allowedMetrics: ["speed", "volume"],
        },
      });
      const result = await warehouse.unload(c);
      const expected = await reference(c);
      expect(result.rows).toBe(24);
      expect(expected).toHaveLength(24);
      const { rows, types } = await downloaded(result.files[0]!.key);
      expect(sortRows(rows)).toEqual(sortRows(expected));

      expect(types).toEqual({
        obs_time: "TIMESTAMP WITH TIME ZONE",
        way_id: "VARCHAR",
        source: "VARCHAR",
        metric: "VARCHAR",
        speed_kmh: "DOUBLE",
        travel_time_s: "DECIMAL(38,1)",
        probe_count: "INTEGER",
        label: "VARCHAR",
        local_time: "TIMESTAMP",
      });
      expect(new Set(rows.map((r) => r["source"]))).toEqual(new Set(["nr1", "mx1"]));
      for (const row of rows) {
        if (row["source"] === "mx1") expect(row["speed_kmh"]).toBeNull();
        expect(row["probe_count"]).toBeNull();
        expect(row["local_time"] ?? "").toMatch(/:00:00$/);
      }
      // KEYED_HASH is a standard HMAC-SHA256 of the value's text form.
      const plain = await h.sql.query(
        `SELECT way_id::text AS w FROM ${h.schema}.traffic WHERE way_id IS NOT NULL AND source IN ('nr1','mx1') AND obs_time < TIMESTAMPTZ '2026-01-02Z'`,
      );
      const hashes = new Set(
        plain.rows.map((r: { w: string }) => createHmac("sha256", h.hashKey).update(r.w).digest("hex")),
      );
      for (const row of rows) if (row["way_id"] !== null) expect(hashes.has(row["way_id"]!)).toBe(true);
      // ROUND, against PostgreSQL's round() written here by hand (the reference above uses the renderer's SQL).
      const rounded = await h.sql.query(
        `SELECT round(travel_time_s, 1)::text AS t FROM ${h.schema}.traffic WHERE travel_time_s IS NOT NULL AND source IN ('nr1','mx1') AND obs_time < TIMESTAMPTZ '2026-01-02Z'`,
      );
      const roundedValues = new Set(rounded.rows.map((r: { t: string }) => r.t));
      const exported = rows.map((r) => r["travel_time_s"]).filter((v) => v !== null);
      expect(exported.length).toBeGreaterThan(0);
      for (const value of exported) expect(roundedValues.has(value!)).toBe(true);
      // Text edge cases survive: empty string is not NULL, newlines and unicode are kept.
      const labels = new Set(rows.map((r) => r["label"]));
      expect(labels).toEqual(new Set(["plain", "", null, "line1\nline2", "Grüße 🚗", "tab\tquote's \\N"]));
    });

    it("keeps numeric precision, extremes and timestamps", async () => {
      const c = command({
        windowStart: T0 + 48 * HOUR,
        windowEnd: T0 + 49 * HOUR,
        columns: [col("obs_time"), col("way_id"), col("speed_kmh"), col("travel_time_s"), col("label")],
      });
      const result = await warehouse.unload(c);
      const { rows } = await downloaded(result.files[0]!.key);
      const byLabel = Object.fromEntries(rows.map((r) => [r["label"] ?? "", r] as const));
      expect(byLabel["max"]).toMatchObject({
        way_id: "9223372036854775807",
        travel_time_s: "99999999.99",
        obs_time: "2026-01-03 00:00:00+00",
      });
      expect(byLabel["min"]).toMatchObject({
        way_id: "-9223372036854775808",
        travel_time_s: "-99999999.99",
        speed_kmh: "-inf",
        obs_time: "2026-01-03 00:00:00.001+00",
      });
      expect(byLabel["zero"]).toMatchObject({ travel_time_s: "0.01", speed_kmh: "-0.0" });
      expect(byLabel["max"]!["speed_kmh"]).toBe("nan");
      const manifest = await manifestOf(c.outputPrefix);
      const schema = Object.fromEntries(manifest.parquetSchema.map((p) => [p.name, p]));
      expect(schema["obs_time"]).toMatchObject({
        physicalType: "INT64",
        logicalType: expect.stringContaining("isAdjustedToUTC=1"),
      });
      expect(schema["way_id"]).toMatchObject({ physicalType: "INT64", readerType: "BIGINT" });
      expect(schema["speed_kmh"]).toMatchObject({ physicalType: "DOUBLE" });
      expect(schema["travel_time_s"]).toMatchObject({ convertedType: "DECIMAL", precision: 10, scale: 2 });
      expect(schema["label"]).toMatchObject({ physicalType: "BYTE_ARRAY", convertedType: "UTF8" });
    });

    it("exports a table without time column whole", async () => {
      const c = command({
        table: "road",
        timeColumn: null,
        fileBaseName: "road",
        columns: [col("way_id"), col("name"), col("lanes")],
      });
      const result = await warehouse.unload(c);
      expect(result.rows).toBe(3);
      expect(sortRows((await downloaded(result.files[0]!.key)).rows)).toEqual(sortRows(await reference(c)));
      expect((await manifestOf(c.outputPrefix)).window).toBeNull();
    });

    it("exports no row when no source is allowed", async () => {
      const c = command({
        columns: [col("way_id")],
        rowFilter: {
          sourceColumn: "source",
          allowedSources: [],
          unrestrictedSources: [],
          metricColumn: null,
          allowedMetrics: [],
        },
      });
      expect((await warehouse.unload(c)).rows).toBe(0);
    });

    it("writes one valid empty file with the schema for a zero-row window", async () => {
      const c = command({
        windowStart: T0 + 200 * HOUR,
        windowEnd: T0 + 201 * HOUR,
        columns: [col("obs_time"), col("travel_time_s")],
      });
      const result = await warehouse.unload(c);
      expect(result.files.map((f) => [f.key, f.rows])).toEqual([[`${c.outputPrefix}traffic_000.parquet`, 0]]);
      const { rows, types } = await downloaded(result.files[0]!.key);
      expect(rows).toEqual([]);
      expect(types).toEqual({ obs_time: "TIMESTAMP WITH TIME ZONE", travel_time_s: "DECIMAL(10,2)" });
      expect((await manifestOf(c.outputPrefix)).totalRows).toBe(0);
    });

    it("splits into several files past maxFileBytes, uploads them with hashes and writes the manifest last", async () => {
      await h.sql.query(
        `CREATE TABLE ${h.schema}.big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS payload FROM generate_series(1, 30000) g`,
      );
      const writes: string[] = [];
      const small = h.warehouse({
        maxFileBytes: 128 * 1024,
        rowGroupSize: 2048,
        objectStore: recording(h.store, writes),
      });
      const c = command({ table: "big", timeColumn: null, fileBaseName: "big", columns: [col("id"), col("payload")] });
      const result = await small.unload(c);
      expect(result.rows).toBe(30000);
      expect(result.files.length).toBeGreaterThan(2);
      expect(result.files.map((f) => f.key)).toEqual(
        result.files.map((_, i) => `${c.outputPrefix}big_${String(i).padStart(3, "0")}.parquet`),
      );
      expect(writes).toEqual([...result.files.map((f) => f.key), `${c.outputPrefix}manifest`]);

      const listed = new Map((await h.store.list(c.outputPrefix)).map((o) => [o.key, o.size]));
      let ids = 0;
      for (const file of result.files) {
        const bytes = await h.store.getObject(file.key);
        expect(listed.get(file.key)).toBe(file.bytes);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
        const { rows } = await readParquet(bytes);
        expect(rows).toHaveLength(file.rows);
        ids += rows.length;
      }
      expect(ids).toBe(30000);
      const manifest = await manifestOf(c.outputPrefix);
      expect(manifest).toMatchObject({
        requestId: c.requestId,
        table: "big",
        totalRows: 30000,
        totalBytes: result.bytes,
        files: result.files,
        classification: c.audit,
        configVersion: "v1",
      });

      // A later attempt with bigger files replaces the earlier files: no stale file stays under the prefix.
      const again = await h.warehouse().unload({ ...c, attempt: 2 });
      expect(again.files).toHaveLength(1);
      expect([...(await h.store.list(c.outputPrefix)).map((o) => o.key)]).toEqual([
        `${c.outputPrefix}big_000.parquet`,
        `${c.outputPrefix}manifest`,
      ]);
    });

    it("counts and exports in one snapshot while rows are inserted concurrently", async () => {
      const s = h.schema;
      await h.sql.query(`
        CREATE TABLE ${s}.live (id int, t timestamptz);
        INSERT INTO ${s}.live SELECT g, TIMESTAMPTZ '2026-01-01Z' FROM generate_series(1, 100) g;
        CREATE FUNCTION ${s}.pause() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_sleep(1.0); RETURN true; END $$;
        CREATE VIEW ${s}.slow_live AS SELECT * FROM ${s}.live WHERE (SELECT ${s}.pause());`);
      const c = command({ table: "slow_live", timeColumn: null, fileBaseName: "live", columns: [col("id")] });
      const running = warehouse.unload(c);
      // The count takes 1 s: insert while PostgreSQL is running it, i.e. after the snapshot was taken and before
      // the COPY starts.
      await waitFor("the count over slow_live to run", async () => {
        const { rows } = await h.sql.query(
          `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()
             AND position('count(*)' in query) > 0 AND position('slow_live' in query) > 0`,
        );
        return rows.length > 0 ? true : undefined;
      });
      await h.sql.query(`INSERT INTO ${s}.live SELECT g, now() FROM generate_series(101, 150) g`);
      const result = await running;
      expect(result.rows).toBe(100);
      expect((await downloaded(result.files[0]!.key)).rows).toHaveLength(100);
      expect((await warehouse.unload(command({ ...c, outputPrefix: "exports/live-2/" }))).rows).toBe(150);
    });

    it("turns an abort by timeout into a retryable TIMEOUT error and publishes nothing", async () => {
      const c = command({ table: "slow_live", timeColumn: null, fileBaseName: "live", columns: [col("id")] });
      await expect(warehouse.unload(c, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
        errorKind: "TIMEOUT",
        retryable: true,
      });
      expect(await h.store.list(c.outputPrefix)).toEqual([]);
    });

    it("reports a missing column as an invalid command and an unreachable warehouse as retryable, without secrets", async () => {
      await expect(warehouse.unload(command({ columns: [col("nope")] }))).rejects.toMatchObject({
        errorKind: "INVALID_COMMAND",
        retryable: false,
      });
      const down = h.warehouse({ warehouseUrl: "postgresql://exporter:s3cr3t-pw@127.0.0.1:9/db" });
      const error = (await down.unload(command({ columns: [col("way_id")] })).catch((e: unknown) => e)) as Error & {
        errorKind: string;
        retryable: boolean;
      };
      expect(error).toMatchObject({ errorKind: "WAREHOUSE_QUERY", retryable: true });
      expect(error.message).not.toContain("s3cr3t-pw");
      expect(error.message).not.toContain(h.hashKey);
    });
  });
}
