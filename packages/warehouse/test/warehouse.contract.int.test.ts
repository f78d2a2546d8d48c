import { createHash, createHmac } from "node:crypto";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { ColumnProjection, UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import { waitFor } from "@data-exporter/runtime";
import type { UnloadManifest, Warehouse } from "../src/index.js";
import { ADAPTERS } from "./adapters.js";
import {
  HOUR,
  LABELS,
  T0,
  bigTable,
  liveRows,
  liveTable,
  road,
  traffic,
  trafficDay1,
  uniqueName,
  unloadCommand,
} from "./fixtures.js";
import { readParquet, sortRows } from "./parquet-reader.js";
import type { WarehouseHarness } from "./warehouse-harness.js";

// The contract of the Warehouse port, run over every adapter's harness. It speaks only the port, the harness and
// fixtures described in logical types; checks of one adapter's mechanism live beside it (test/postgres/).

const col = (
  name: string,
  treatment: ColumnProjection["treatment"] = "AS_IS",
  roundDigits: number | null = null,
): ColumnProjection => ({ name, treatment, roundDigits });

/** Object store that records the order of writes, to check the manifest goes last. */
function recording(store: ObjectStore, writes: string[]): ObjectStore {
  return {
    bucket: store.bucket,
    ensureBucket: () => store.ensureBucket(),
    versioning: () => store.versioning(),
    exists: (key, versionId, options) => store.exists(key, versionId, options),
    putFile: async (key, path, type, options) => (writes.push(key), store.putFile(key, path, type, options)),
    putObject: async (key, body, type, options) => (writes.push(key), store.putObject(key, body, type, options)),
    getObject: (key, options) => store.getObject(key, options),
    getFile: (key, path, options) => store.getFile(key, path, options),
    getText: (key) => store.getText(key),
    list: (prefix, options) => store.list(prefix, options),
    deleteObjects: (keys, options) => store.deleteObjects(keys, options),
    deleteVersions: (objects, options) => store.deleteVersions(objects, options),
    presignGet: (key, seconds, versionId) => store.presignGet(key, seconds, versionId),
  };
}

/**
 * ROUND on an exact decimal as SQL numeric does it (half away from zero), printed with exactly `digits` decimals:
 * a reference that owes nothing to any warehouse.
 */
function roundDecimal(value: string, digits: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (match === null) throw new RangeError(`${value} is not a decimal`);
  const [, sign = "", whole = "", fraction = ""] = match;
  const padded = fraction.padEnd(digits, "0");
  const scale = padded.length;
  const magnitude = BigInt(whole + padded);
  const drop = 10n ** BigInt(scale - digits);
  const rounded = magnitude / drop + ((magnitude % drop) * 2n >= drop ? 1n : 0n);
  const text = rounded.toString().padStart(digits + 1, "0");
  const unsigned = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return rounded === 0n ? unsigned : sign + unsigned;
}

/** Values in a stable order, NULLs first (a missing value stays undefined, so it never equals a NULL). */
const sorted = (values: readonly (string | null | undefined)[]): (string | null | undefined)[] =>
  [...values].sort((a, b) => (a === b ? 0 : a == null ? -1 : b == null ? 1 : a < b ? -1 : 1));

for (const adapter of ADAPTERS) {
  describe(`Warehouse contract: ${adapter.name}`, () => {
    let h: WarehouseHarness;
    let warehouse: Warehouse;
    let n = 0;
    const command = (overrides: Partial<UnloadTableCommand>): UnloadTableCommand => {
      n += 1;
      return unloadCommand({
        schema: h.schema,
        table: traffic.name,
        outputPrefix: `exports/run-${n}/traffic/`,
        fileBaseName: "traffic",
        windowStart: T0,
        windowEnd: T0 + 24 * HOUR,
        ...overrides,
      });
    };
    const downloaded = async (key: string) => readParquet(await h.store.getObject(key));
    const manifestOf = async (prefix: string) =>
      JSON.parse(await h.store.getText(`${prefix}manifest`)) as UnloadManifest;
    /** A table of `rows` ids and a view over it whose every query takes `delayMs` in the warehouse. */
    const slowTable = async (rows: number, delayMs: number) => {
      const table = liveTable(uniqueName("live"), rows);
      const view = uniqueName("slow");
      await h.createTable(table);
      await h.createView({ name: view, of: table.name, delayMs });
      return { table, view };
    };

    beforeAll(async () => {
      h = await adapter.setup();
      warehouse = h.warehouse();
      // Read-only fixtures shared by the tests; whatever a test writes or needs alone it creates under a unique name.
      await h.createTable(traffic);
      await h.createTable(road);
    });

    afterAll(async () => {
      // Every unload removes its local scratch directory, on success and on failure.
      const left = await readdir(h.tempDir).catch(() => []);
      await h.teardown();
      expect(left).toEqual([]);
    });

    it("describes a table in ordinal order and reports a missing one", async () => {
      const columns = await warehouse.describeTable(h.schema, traffic.name);
      expect(columns).toEqual(traffic.columns.map((c) => ({ name: c.name, type: h.typeName(c.type) })));
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

    it("applies every treatment and the row filters, matching the warehouse's own result and the fixture", async () => {
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
      const expected = await h.referenceRows(c);
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
      // Against the fixture itself, not the warehouse: the day's rows of the allowed sources (every one has an
      // allowed metric).
      const selected = trafficDay1.filter((r) => r["source"] === "nr1" || r["source"] === "mx1");
      expect(selected).toHaveLength(24);
      // KEYED_HASH is a standard HMAC-SHA256 of the value's text form (a bigint's is its decimal digits).
      const hmac = (text: string) => createHmac("sha256", h.hashKey).update(text).digest("hex");
      const wayIds = selected.map((r) => r["way_id"]);
      expect(wayIds.filter((v) => v !== null).length).toBeGreaterThan(0);
      expect(sorted(rows.map((r) => r["way_id"]))).toEqual(
        sorted(wayIds.map((v) => (typeof v === "bigint" ? hmac(v.toString()) : null))),
      );
      // ROUND, half away from zero, computed here from the exact decimals.
      const travel = selected.map((r) => r["travel_time_s"]);
      expect(travel.filter((v) => v !== null).length).toBeGreaterThan(0);
      expect(sorted(rows.map((r) => r["travel_time_s"]))).toEqual(
        sorted(travel.map((v) => (typeof v === "string" ? roundDecimal(v, 1) : null))),
      );
      // Text edge cases survive: empty string is not NULL, newlines and unicode are kept.
      expect(new Set(rows.map((r) => r["label"]))).toEqual(new Set(LABELS));
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
        table: road.name,
        timeColumn: null,
        fileBaseName: "road",
        columns: [col("way_id"), col("name"), col("lanes")],
      });
      const result = await warehouse.unload(c);
      expect(result.rows).toBe(3);
      expect(sortRows((await downloaded(result.files[0]!.key)).rows)).toEqual(sortRows(await h.referenceRows(c)));
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
      const big = bigTable(uniqueName("big"), 30_000);
      await h.createTable(big);
      const writes: string[] = [];
      const small = h.warehouse({
        maxFileBytes: 128 * 1024,
        rowGroupSize: 2048,
        objectStore: recording(h.store, writes),
      });
      const c = command({
        table: big.name,
        timeColumn: null,
        fileBaseName: "big",
        columns: [col("id"), col("payload")],
      });
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
        table: big.name,
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
      const { table, view } = await slowTable(100, 1000);
      const c = command({ table: view, timeColumn: null, fileBaseName: "live", columns: [col("id")] });
      const running = warehouse.unload(c);
      // Every query over the view takes 1 s: insert while the unload's first one is running in the warehouse.
      await waitFor(`a query over ${view} to run`, async () => ((await h.runningQueries(view)) > 0 ? true : undefined));
      await h.insertRows(table, liveRows(101, 50));
      const result = await running;
      expect(result.rows).toBe(100);
      expect((await downloaded(result.files[0]!.key)).rows).toHaveLength(100);
      // The inserted rows were committed: the next unload sees them.
      expect((await warehouse.unload(command({ ...c, outputPrefix: `exports/run-${n}-again/` }))).rows).toBe(150);
    });

    it("turns an abort by timeout into a retryable TIMEOUT error, stops the warehouse's query and publishes nothing", async () => {
      // The view's own table, not another test's: every query over it would take 60 s unless the abort stops it.
      const { view } = await slowTable(10, 60_000);
      const c = command({ table: view, timeColumn: null, fileBaseName: "live", columns: [col("id")] });
      const controller = new AbortController();
      const running = warehouse.unload(c, { signal: controller.signal });
      await waitFor(`a query over ${view} to run`, async () => ((await h.runningQueries(view)) > 0 ? true : undefined));
      // The reason AbortSignal.timeout() gives, at a moment the warehouse is known to be busy.
      controller.abort(new DOMException("the unload took too long", "TimeoutError"));
      // Stopped, well before the 60 s the query would take: the abort reaches the warehouse, not only the client.
      await waitFor(
        `the query over ${view} to stop`,
        async () => ((await h.runningQueries(view)) === 0 ? true : undefined),
        { timeoutMs: 20_000 },
      );
      await expect(running).rejects.toMatchObject({ errorKind: "TIMEOUT", retryable: true });
      expect(await h.store.list(c.outputPrefix)).toEqual([]);
    });

    it("reports a missing column as an invalid command and an unreachable warehouse as retryable, without secrets", async () => {
      await expect(warehouse.unload(command({ columns: [col("nope")] }))).rejects.toMatchObject({
        errorKind: "INVALID_COMMAND",
        retryable: false,
      });
      const down = h.unreachableWarehouse();
      const error = (await down.warehouse
        .unload(command({ columns: [col("way_id")] }))
        .catch((e: unknown) => e)) as Error & { errorKind: string; retryable: boolean };
      expect(error).toMatchObject({ errorKind: "WAREHOUSE_QUERY", retryable: true });
      expect(down.secrets.length).toBeGreaterThan(0);
      for (const secret of down.secrets) expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain(h.hashKey);
    });
  });
}
