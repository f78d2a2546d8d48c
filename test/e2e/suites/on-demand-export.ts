import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { waitFor } from "@data-exporter/runtime";
import {
  classifiedColumns,
  classifiedRows,
  classifiedTables,
  canonicalValue,
  firstDemoDay,
  graphql,
  kafkaFromEnv,
  readParquet,
  readTopic,
  requestData,
  type RequestStatusResult,
  redshiftHistory,
  rowKey,
  startDeployment,
  type TestDeployment,
  topicEventCount,
  unloadsIn,
  type WarehouseKind,
  waitForExport,
  waitForGroupToCatchUp,
  scrapeMetrics,
  type MetricsScrape,
} from "../../../dev/harness/index.js";
import { gunzipSync } from "node:zlib";
import { EventProducer } from "@data-exporter/bus";
import { compressedWayFeature, detailedWayFeature, hasDetailedFeature } from "@data-exporter/demo-data";

/**
 * The whole on-demand flow on the real local stack: GraphQL → Kafka → planner → unloader → status tracker →
 * presigned links, on either warehouse adapter (PostgreSQL → DuckDB → Parquet → S3, or Redshift UNLOAD through the
 * Data API emulator). The expected rows come from hand-written SQL over the warehouse that applies the demo
 * classification independently of the classification engine (the harness's classifiedRows).
 */
export function onDemandExportSuite(warehouse: WarehouseKind): void {
  let deployment: TestDeployment;
  let status: RequestStatusResult;
  let pool: pg.Pool;
  let startTime: number;
  let endTime: number;

  beforeAll(async () => {
    deployment = await startDeployment({ label: `ondemand-${warehouse}`, warehouse });
    pool = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 2 });
    [startTime, endTime] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, startTime, endTime);
    status = await waitForExport(deployment.graphqlUrl, requestId, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
    });
  }, 240_000);

  afterAll(async () => {
    await pool?.end();
    await deployment?.stop();
  });

  const expectedRowsOf = (table: (typeof classifiedTables)[number]): Promise<Record<string, unknown>[]> =>
    classifiedRows(pool, {
      schema: deployment.names.warehouseSchema,
      table,
      window: [new Date(startTime * 1000), new Date(endTime * 1000)],
      hashKey: deployment.serviceEnv.HASH_KEY ?? "",
    });

  async function download(url: string): Promise<Uint8Array> {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return new Uint8Array(await response.arrayBuffer());
  }

  describe("on-demand export of one demo day", () => {
    it("completes with progress 100 and links for every enabled table", () => {
      expect(status.status).toBe("Completed");
      expect(status.progress).toBe(100);
      expect(Object.keys(status.dataRequestDownloadLinks).sort()).toEqual([...classifiedTables].sort());
      expect(status.skippedTables).toEqual([
        { table: "internal_audit_log", reason: expect.stringMatching(/disabled/) as unknown },
      ]);
      for (const table of status.tables)
        expect(table).toMatchObject({ status: "COMPLETED", attempts: 1, errorKind: null });
    });

    it.each(classifiedTables)("%s: the Parquet files hold exactly the classified rows of the window", async (table) => {
      const columns = classifiedColumns(table);
      const links = status.dataRequestDownloadLinks[table] ?? [];
      expect(links.length).toBeGreaterThan(0);
      const actualRows: Record<string, unknown>[] = [];
      for (const link of links) {
        expect(link).toContain("X-Amz-Expires=86400");
        const file = await readParquet(await download(link));
        expect(file.columns).toEqual(columns);
        actualRows.push(...file.rows);
      }
      const expectedRows = await expectedRowsOf(table);
      expect(expectedRows.length).toBeGreaterThan(0);
      expect(actualRows.length).toBe(expectedRows.length);
      expect(status.tables.find((t) => t.tableName === table)?.rows).toBe(expectedRows.length);

      // probe_vehicle_id included: the oracle has the hwc keyed hash (HMAC-SHA256 of the text value with the
      // unloader's key), so the raw id never leaves.
      const actualKeys = actualRows.map((row) => rowKey(row, columns)).sort();
      const expectedKeys = expectedRows.map((row) => rowKey(row, columns)).sort();
      expect(actualKeys).toEqual(expectedKeys);

      if (table === "traffic_observation") {
        expect(actualRows.every((row) => /^[0-9a-f]{64}$|^null$/.test(canonicalValue(row.probe_vehicle_id)))).toBe(
          true,
        );
        // BLUETOOTH (hwc source): its rows are exported restricted, speed_kmh (mx) NULL but the nr columns and the
        // hashed probe id kept; FUSION (nr) rows keep their speed; HERE and TOMTOM (de) and WAZE (no rule) never.
        const bluetooth = actualRows.filter((row) => row.source === "BLUETOOTH");
        expect(bluetooth.length).toBeGreaterThan(0);
        expect(bluetooth.every((row) => row.speed_kmh === null)).toBe(true);
        expect(bluetooth.some((row) => row.travel_time_s !== null && row.probe_vehicle_id !== null)).toBe(true);
        expect(actualRows.some((row) => row.source === "FUSION" && row.speed_kmh !== null)).toBe(true);
      }
      if (table === "traffic_observation" || table === "way_metric_long") {
        expect(new Set(actualRows.map((row) => row.source))).toEqual(new Set(["FUSION", "BLUETOOTH"]));
      }
    });

    it("never exports a de, unclassified or deny-listed column, and says why in the manifest", async () => {
      const forbidden = ["updated_by_email", "created_at", "operator_email", "confidence", "actor_email"];
      expect(status.tables.map((t) => t.tableName).sort()).toEqual([...classifiedTables].sort());
      for (const table of status.tables) {
        expect(table.files.length).toBeGreaterThan(0);
        for (const file of table.files) {
          const parquet = await readParquet(await download(file.url));
          expect(parquet.columns.filter((c) => forbidden.includes(c))).toEqual([]);
        }
        const manifest = JSON.parse(new TextDecoder().decode(await download(table.manifestUrl ?? ""))) as {
          totalRows: number;
          files: { key: string; rows: number; sha256: string }[];
          classification: { column: string; action: string; rule: string }[];
        };
        expect(manifest.totalRows).toBe(table.rows);
        expect(manifest.files.map((f) => f.key)).toEqual(table.files.map((f) => f.key));
        if (table.tableName === "cctv") {
          expect(manifest.classification.find((d) => d.column === "operator_email")).toMatchObject({
            action: "REMOVED",
            rule: expect.stringMatching(/^deny-pattern/) as unknown,
          });
        }
        if (table.tableName === "way") {
          expect(manifest.classification.find((d) => d.column === "created_at")).toMatchObject({
            action: "REMOVED",
            rule: "unclassified",
          });
        }
      }
    });
  });

  describe("long values (`*_compressed`)", () => {
    it("exports the gzip bytes as Parquet binary, byte for byte, and says in the file and manifest how to decode them", async () => {
      const way = status.tables.find((t) => t.tableName === "way");
      const decoded = new Map<number, Uint8Array>();
      const encoding = { geoj_way_feature_compressed: { encoding: "gzip", decodesTo: "utf-8 text" } };
      for (const file of way?.files ?? []) {
        const parquet = await readParquet(await download(file.url));
        expect(JSON.parse(parquet.kvMetadata["data_exporter.column_encodings"] ?? "null")).toEqual(encoding);
        for (const row of parquet.rows) {
          const value = row.geoj_way_feature_compressed;
          if (value === null) continue;
          expect(value).toBeInstanceOf(Uint8Array);
          decoded.set(Number(row.way_id), value as Uint8Array);
        }
      }
      const seed = deployment.seed.params.seed;
      const expectedIds = Array.from({ length: deployment.seed.params.ways }, (_, i) => i + 1).filter(
        hasDetailedFeature,
      );
      expect([...decoded.keys()].sort((a, b) => a - b)).toEqual(expectedIds);
      for (const [wayId, bytes] of decoded) {
        expect(Buffer.from(bytes).equals(compressedWayFeature(seed, wayId) ?? Buffer.alloc(0))).toBe(true);
        const feature = gunzipSync(bytes).toString("utf8");
        // Far longer than a Redshift VARCHAR can hold, whole: never truncated on the way.
        expect(feature.length).toBeGreaterThan(65_535);
        expect(feature).toBe(detailedWayFeature(seed, wayId));
      }
      const manifest = JSON.parse(new TextDecoder().decode(await download(way?.manifestUrl ?? ""))) as {
        columnEncodings?: unknown;
      };
      expect(manifest.columnEncodings).toEqual(encoding);
    });
  });

  describe("observability", () => {
    it("each service reports at /metrics what it handled", async () => {
      const metrics = (name: string): Promise<MetricsScrape> =>
        scrapeMetrics(deployment.services.find((s) => s.name === name)?.healthUrl ?? "");
      const handled = "data_exporter_events_handled_total";
      expect((await metrics("request-api")).value("data_exporter_export_requests_total")).toBeGreaterThanOrEqual(1);
      expect((await metrics("planner")).value(handled, { event_type: "ExportRequested" })).toBeGreaterThanOrEqual(1);
      const unloader = await metrics("unloader");
      expect(unloader.value(handled, { event_type: "UnloadTableCommand" })).toBeGreaterThanOrEqual(
        status.tables.length,
      );
      expect(unloader.value("data_exporter_handlers_in_flight")).toBe(0);
      expect((await metrics("status-tracker")).value(handled, { event_type: "ExportPlanned" })).toBeGreaterThanOrEqual(
        1,
      );
      expect((await metrics("notifier")).value(handled, { event_type: "ExportCompleted" })).toBeGreaterThanOrEqual(1);
      // Lag is measured in the background: every command handled and committed means none is waiting.
      await waitFor("the unloader to report no lag", async () => {
        const lag = (await metrics("unloader")).samples("data_exporter_consumer_lag_messages", {
          group: "data-exporter.unloader",
          topic: "data-exporter.unload-commands.v1",
        });
        return lag.length > 0 && lag.every((partition) => partition.value === 0) ? true : undefined;
      });
    });
  });

  describe("redelivery", () => {
    it("does not plan or unload a redelivered request again", async () => {
      const namespace = deployment.names.topicNamespace;
      const requested = (await readTopic(namespace, "exportRequested")).find(
        (e) => e.type === "ExportRequested" && e.value.requestId === status.requestId,
      );
      if (requested?.type !== "ExportRequested") throw new Error("the ExportRequested event is not on the topic");
      const kafka = kafkaFromEnv("e2e-redeliver");
      const producer = new EventProducer(kafka, { namespace });
      await producer.connect();
      await producer.publish("exportRequested", { type: "ExportRequested", value: requested.value });
      await producer.disconnect();
      await waitForGroupToCatchUp(namespace, "data-exporter.planner", "exportRequested");
      // Whatever the planner might have re-published, the tracker has seen it too before completions are counted.
      await waitForGroupToCatchUp(namespace, "data-exporter.status-tracker", "exportLifecycle");

      const lifecycle = (await readTopic(namespace, "exportLifecycle")).filter(
        (e) => e.value.requestId === status.requestId,
      );
      expect(lifecycle.filter((e) => e.type === "ExportPlanned")).toHaveLength(1);
      const commands = (await readTopic(namespace, "unloadCommands")).filter(
        (e) => e.value.requestId === status.requestId,
      );
      expect(commands).toHaveLength(status.tables.length);
      const completed = (await readTopic(namespace, "exportCompleted")).filter(
        (e) => e.value.requestId === status.requestId,
      );
      expect(completed).toHaveLength(1);
    });
  });

  if (warehouse === "redshift")
    describe("on Redshift", () => {
      it("exported every table through an UNLOAD that FINISHED, and no statement holds the hash key", async () => {
        const schema = `"${deployment.names.warehouseSchema}"`;
        const history = await redshiftHistory(deployment.serviceEnv.REDSHIFT_DATA_ENDPOINT ?? "", schema);
        const unloads = unloadsIn(history);
        expect(unloads.length).toBeGreaterThanOrEqual(status.tables.length);
        expect(unloads.map((s) => s.status)).toEqual(unloads.map(() => "FINISHED"));
        for (const table of status.tables)
          expect(unloads.some((s) => s.texts.some((t) => t.includes(`FROM ${schema}."${table.tableName}"`)))).toBe(
            true,
          );
        const key = deployment.serviceEnv.HASH_KEY ?? "";
        expect(key.length).toBeGreaterThan(0);
        for (const text of history.flatMap((s) => s.texts)) expect(text).not.toContain(key);
      });
    });

  // Warehouse-independent (the API's validation and federation): run once, with the PostgreSQL deployment.
  if (warehouse === "postgres") {
    describe("requestData and requestStatus input errors", () => {
      const requestedCount = (): Promise<number> => topicEventCount(deployment.names.topicNamespace, "exportRequested");

      // Windows are built lazily: the demo day is known only once the deployment is up.
      it.each<[string, () => [number, number], RegExp]>([
        ["end not after start", () => [startTime, startTime], /must be after startTime/],
        ["a window longer than a day", () => [startTime, startTime + 86_401], /at most 86400 s/],
        ["a negative start", () => [-100, 100], /must not be negative/],
        ["an absurd (non-epoch) start", () => [1_000, 2_000], /before 2000-01-01/],
      ])("rejects %s with BAD_USER_INPUT and publishes nothing", async (_case, window, message) => {
        const before = await requestedCount();
        const [s, e] = window();
        const result = await graphql<{ requestData: string }>(
          deployment.graphqlUrl,
          `
            mutation ($s: Int!, $e: Int!) {
              requestData(startTime: $s, endTime: $e)
            }
          `,
          { s, e },
        );
        expect(result.data).toBeFalsy();
        expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(result.errors?.[0]?.message).toMatch(message);
        expect(await requestedCount()).toBe(before);
      });

      it("answers the seed's status for an unknown request id, as a mutation and as a query", async () => {
        const id = "00000000-0000-4000-8000-000000000000";
        const mutation = await graphql<{ requestStatus: { status: string; progress: number } }>(
          deployment.graphqlUrl,
          `mutation { requestStatus(requestId: "${id}") { status progress dataRequestDownloadLinks } }`,
        );
        expect(mutation.data?.requestStatus).toEqual({
          status: "Request has not been requested",
          progress: 0,
          dataRequestDownloadLinks: {},
        });
        const query = await graphql<{ requestStatus: { status: string } }>(
          deployment.graphqlUrl,
          `{ requestStatus(requestId: "${id}") { status } }`,
        );
        expect(query.data?.requestStatus.status).toBe("Request has not been requested");
      });

      it("rejects a request id that is not a UUID", async () => {
        const result = await graphql(
          deployment.graphqlUrl,
          `
            {
              requestStatus(requestId: "x'; drop table request_table") {
                status
              }
            }
          `,
        );
        expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      });
    });
  }
}
