import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { configTableNames, writeConfig } from "@data-exporter/config-store";
import { topics } from "@data-exporter/contracts";
import { demoClassificationFor } from "@data-exporter/demo-data";
import { S3ObjectStore } from "@data-exporter/object-store";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  awsClientConfig,
  NotificationInbox,
  readParquet,
  type ReceivedNotification,
  redshiftHistory,
  runTrigger,
  startDeployment,
  type TestDeployment,
  topicEventCount,
  type TriggerRun,
  unloadsIn,
  type WarehouseKind,
} from "../../../dev/harness/index.js";

/**
 * The scheduled export on the real local stack: the trigger entry point (what the CronJob runs) → Kafka → planner
 * (date claim, plan, classification snapshot) → unloader → status tracker → notifier → SNS → the SQS inbox, on either
 * warehouse adapter.
 * 2024-04-07 is the day Melbourne leaves daylight saving: its window has 25 hours.
 */
const DATE = "2024-04-07";
const WINDOW = { start: "2024-04-06T13:00:00.000Z", end: "2024-04-07T14:00:00.000Z" };
const BROKEN = "broken_feed";

export function scheduledExportSuite(warehouse: WarehouseKind): void {
  let deployment: TestDeployment;
  let warehouseDb: pg.Pool;
  let state: pg.Pool;
  let inbox: NotificationInbox;
  let objectStore: S3ObjectStore;
  let first: TriggerRun;
  let firstId: string;
  let firstNotification: ReceivedNotification;

  const env = (): Record<string, string> => ({ ...deployment.serviceEnv, LOG_LEVEL: "info" });
  const schema = (): string => deployment.names.statusSchema;
  const datePrefix = (): string => `${deployment.names.exportEnv}/2024/04/07/`;

  async function notificationOf(requestId: string): Promise<ReceivedNotification> {
    return waitFor(
      `the notification of ${requestId}`,
      async () => {
        await inbox.receive(1);
        return inbox.about(requestId)[0];
      },
      { timeoutMs: 45_000, intervalMs: 0 },
    );
  }

  const lifecycleOffsets = (): Promise<number> => topicEventCount(deployment.names.topicNamespace, "exportLifecycle");

  interface JobRow {
    table_name: string;
    status: string;
    attempts: number;
    rows: string | null;
    bytes: string | null;
    error_kind: string | null;
    last_error: string | null;
  }

  async function jobsOf(requestId: string): Promise<JobRow[]> {
    const { rows } = await state.query<JobRow>(
      `SELECT table_name, status, attempts, rows, bytes, error_kind, last_error FROM "${schema()}".table_export_job_statuses
     WHERE de_request_id = $1 ORDER BY table_name`,
      [requestId],
    );
    return rows;
  }

  async function claimOf(date: string): Promise<{ request_id: string; forced_count: number } | undefined> {
    const { rows } = await state.query<{ request_id: string; forced_count: number }>(
      `SELECT request_id, forced_count FROM "${schema()}".scheduled_export_dates WHERE export_date = $1`,
      [date],
    );
    return rows[0];
  }

  beforeAll(async () => {
    deployment = await startDeployment({
      label: `sched-${warehouse}`,
      warehouse,
      env: { MAX_RETRY_COUNT: "1", RETRY_BACKOFF_MS: "100" },
    });
    warehouseDb = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 2 });
    state = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    const aws = { region: process.env.AWS_REGION ?? "ap-southeast-2", endpoint: process.env.AWS_ENDPOINT_URL ?? "" };
    inbox = new NotificationInbox(deployment.notificationQueueUrl, aws);
    objectStore = S3ObjectStore.fromConfig({ bucket: deployment.names.bucket, ...aws, forcePathStyle: true });
    first = await runTrigger(["--date", DATE], env());
    firstId = first.triggered[0]?.requestId ?? "";
    firstNotification = await notificationOf(firstId);
  }, 120_000);

  afterAll(async () => {
    inbox?.close();
    await warehouseDb?.end();
    await state?.end();
    await deployment?.stop();
  });

  describe("scheduled export of a demo date", () => {
    it("is triggered by the trigger command, which publishes one event, reports it and exits 0", () => {
      expect(first.code).toBe(0);
      expect(first.triggered).toEqual([
        {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
          exportDate: DATE,
          timeZone: "Australia/Melbourne",
          windowStart: WINDOW.start,
          windowEnd: WINDOW.end,
          hours: 25,
          force: false,
          triggeredBy: "operator",
          topic: `${deployment.names.topicNamespace}${topics.dailyExportTriggered.name}`,
          partition: expect.any(Number) as unknown,
          offset: expect.stringMatching(/^\d+$/) as unknown,
        },
      ]);
      // Under --json the logs go to stderr, so stdout held nothing but the document.
      expect(first.stderr).toContain('"msg":"export triggered"');
    });

    it("announces SUCCESS once, with filterable attributes and a readable subject", () => {
      expect(firstNotification.attributes).toEqual({
        status: "SUCCESS",
        mode: "SCHEDULED",
        exportDate: DATE,
        requestId: firstId,
      });
      expect(firstNotification.subject).toBe(`data-exporter scheduled export ${DATE}: SUCCESS (5 tables)`);
      expect(firstNotification.message).toContain(`Window:   ${WINDOW.start} to ${WINDOW.end}`);
      expect(inbox.about(firstId)).toHaveLength(1);
    });

    it("writes every enabled table and the classification snapshot under the date", async () => {
      const objects = await objectStore.list(datePrefix());
      const byFolder = new Map<string, string[]>();
      for (const { key } of objects) {
        const [folder = "", name = ""] = key.slice(datePrefix().length).split("/");
        byFolder.set(folder, [...(byFolder.get(folder) ?? []), name]);
      }
      expect([...byFolder.keys()].sort()).toEqual([
        "cctv",
        "classifications",
        "traffic_observation",
        "way",
        "way_metric_long",
      ]);
      for (const [folder, names] of byFolder) {
        expect(names).toContain("manifest");
        expect(names.filter((n) => n.endsWith(".parquet")).length).toBeGreaterThan(0);
        if (folder !== "classifications") expect(names).toContain(`${folder}_000.parquet`);
      }
      expect(byFolder.get("classifications")?.sort()).toEqual([
        "actual_data_classifications.parquet",
        "data_column_classification.parquet",
        "export_tables.parquet",
        "long_table_data_classifications.parquet",
        "manifest",
      ]);
    });

    it("exports the classification tables it planned with, readable by another Parquet reader", async () => {
      const demo = demoClassificationFor(deployment.names.warehouseSchema);
      const sources = await readParquet(
        await objectStore.getObject(`${datePrefix()}classifications/actual_data_classifications.parquet`),
      );
      expect(sources.columns).toEqual(["source", "classification"]);
      expect(sources.rows).toEqual(
        [...demo.rules.sources]
          .sort((a, b) => a.source.localeCompare(b.source))
          .map((r) => ({ source: r.source, classification: r.classification })),
      );
      const exportTables = await readParquet(
        await objectStore.getObject(`${datePrefix()}classifications/export_tables.parquet`),
      );
      expect(exportTables.rows.map((r) => [r.table_name, r.enabled])).toEqual(
        [...demo.tables].sort((a, b) => a.table.localeCompare(b.table)).map((t) => [t.table, t.enabled]),
      );
      const columns = await readParquet(
        await objectStore.getObject(`${datePrefix()}classifications/data_column_classification.parquet`),
      );
      expect(columns.rows).toHaveLength(demo.rules.columns.length);

      const manifest = JSON.parse(await objectStore.getText(`${datePrefix()}classifications/manifest`)) as {
        configVersion: string;
        totalRows: number;
      };
      const { rows } = await state.query<{ config_version: string }>(
        `SELECT config_version FROM "${schema()}".request_table WHERE de_request_id = $1`,
        [firstId],
      );
      expect(manifest.configVersion).toMatch(/^cfg-[0-9a-f]+$/);
      expect(manifest.configVersion).toBe(rows[0]?.config_version);
    });

    it("tracks the request and every table job as COMPLETED with rows, bytes and attempts", async () => {
      const { rows: requests } = await state.query(
        `SELECT mode, to_char(export_date, 'YYYY-MM-DD') AS export_date, status, window_start, window_end FROM "${schema()}".request_table WHERE de_request_id = $1`,
        [firstId],
      );
      expect(requests).toEqual([
        {
          mode: "SCHEDULED",
          export_date: DATE,
          status: "COMPLETED",
          window_start: new Date(WINDOW.start),
          window_end: new Date(WINDOW.end),
        },
      ]);
      const jobs = await jobsOf(firstId);
      expect(jobs.map((j) => j.table_name)).toEqual([
        "cctv",
        "classifications",
        "traffic_observation",
        "way",
        "way_metric_long",
      ]);
      for (const job of jobs) {
        expect(job).toMatchObject({ status: "COMPLETED", attempts: 1, error_kind: null, last_error: null });
        expect(Number(job.rows)).toBeGreaterThan(0);
        expect(Number(job.bytes)).toBeGreaterThan(0);
      }
    });

    it("exports the whole 25-hour Melbourne day of traffic_observation", async () => {
      const count = async (end: string): Promise<number> => {
        const { rows } = await warehouseDb.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${deployment.names.warehouseSchema}.traffic_observation
         WHERE source IN ('FUSION', 'BLUETOOTH') AND obs_time >= $1 AND obs_time < $2`,
          [WINDOW.start, end],
        );
        return Number(rows[0]?.n);
      };
      const exported = Number((await jobsOf(firstId)).find((j) => j.table_name === "traffic_observation")?.rows);
      expect(exported).toBe(await count(WINDOW.end));
      // The 25th hour holds rows: a 24-hour window would have missed them.
      expect(exported).toBeGreaterThan(await count("2024-04-07T13:00:00.000Z"));
    });
  });

  describe("triggering a date again", () => {
    it("without --force is a no-op: nothing planned, recorded or announced", async () => {
      const before = await lifecycleOffsets();
      const again = await runTrigger(["--date", DATE], env());
      expect(again.code).toBe(0);
      const againId = again.triggered[0]?.requestId ?? "";
      const skipped = await waitFor(
        "the planner to skip the second trigger",
        () =>
          deployment.logs.find(
            (line) => line.startsWith("planner ") && line.includes(againId) && line.includes("already exported"),
          ),
        { timeoutMs: 30_000 },
      );
      expect(skipped).toContain(`"existingRequestId":"${firstId}"`);
      expect(await lifecycleOffsets()).toBe(before);
      expect(await claimOf(DATE)).toEqual({ request_id: firstId, forced_count: 0 });
      const { rows } = await state.query(`SELECT 1 FROM "${schema()}".request_table WHERE de_request_id = $1`, [
        againId,
      ]);
      expect(rows).toEqual([]);
      await inbox.receive(1);
      expect(inbox.about(againId)).toEqual([]);
      expect(inbox.about(firstId)).toHaveLength(1);
    });

    it("with --force exports it again under a new request id, with a second notification", async () => {
      const forced = await runTrigger(["--date", DATE, "--force"], env());
      expect(forced.code).toBe(0);
      const forcedId = forced.triggered[0]?.requestId ?? "";
      expect(forcedId).not.toBe(firstId);
      const notification = await notificationOf(forcedId);
      expect(notification.attributes).toMatchObject({ status: "SUCCESS", exportDate: DATE });
      expect(await claimOf(DATE)).toEqual({ request_id: forcedId, forced_count: 1 });
      const forcedJobs = await jobsOf(forcedId);
      expect(forcedJobs.length).toBeGreaterThan(1);
      expect(forcedJobs.every((j) => j.status === "COMPLETED")).toBe(true);
      expect(inbox.about(firstId)).toHaveLength(1);
    });

    it("refuses a bad date with exit code 2 and the usage", async () => {
      const bad = await runTrigger(["--date", "2024-02-30"], env());
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("2024-02-30 is not a calendar date");
      expect(bad.stderr).toContain("usage: trigger");
      expect(bad.triggered).toEqual([]);
    });
  });

  describe("a table whose query fails every attempt", () => {
    it("ends FAILED after its retries, and the notification says PARTIAL-SUCCESS naming it", async () => {
      const ws = deployment.names.warehouseSchema;
      // The message reads as a lost connection, which the warehouse adapter treats as retryable: every attempt fails.
      await warehouseDb.query(`CREATE FUNCTION ${ws}.broken_feed_value(bigint) RETURNS integer LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not connect to the feed of way % (simulated outage)', $1; END $$`);
      await warehouseDb.query(
        `CREATE VIEW ${ws}.${BROKEN} AS SELECT way_id, ${ws}.broken_feed_value(way_id) AS feed_value FROM ${ws}.way`,
      );
      const dynamo = new DynamoDBClient(awsClientConfig());
      try {
        await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
          tables: [
            {
              table: BROKEN,
              schema: ws,
              enabled: true,
              onDemandEnabled: false,
              timeColumn: null,
              sourceColumn: null,
              metricColumn: null,
            },
          ],
          rules: {
            columns: [
              { table: BROKEN, column: "way_id", classification: "nr" },
              { table: BROKEN, column: "feed_value", classification: "nr" },
            ],
            sources: [],
            metrics: [],
          },
        });
      } finally {
        dynamo.destroy();
      }

      const run = await runTrigger(["--date", "2024-04-06"], env());
      expect(run.code).toBe(0);
      const requestId = run.triggered[0]?.requestId ?? "";
      const notification = await notificationOf(requestId);
      expect(notification.attributes).toEqual({
        status: "PARTIAL-SUCCESS",
        mode: "SCHEDULED",
        exportDate: "2024-04-06",
        requestId,
      });
      expect(notification.subject).toBe(
        "data-exporter scheduled export 2024-04-06: PARTIAL-SUCCESS (1 of 6 tables failed)",
      );
      expect(notification.message).toContain(`Failed tables: ${BROKEN}`);
      expect(notification.message).toMatch(new RegExp(`- ${BROKEN}: FAILED, 0 rows`));

      const jobs = await jobsOf(requestId);
      const broken = jobs.find((j) => j.table_name === BROKEN);
      // MAX_RETRY_COUNT=1: the first attempt and one retry.
      expect(broken).toMatchObject({ status: "FAILED", attempts: 2, error_kind: "WAREHOUSE_QUERY" });
      expect(broken?.last_error).toContain("simulated outage");
      if (warehouse === "redshift") {
        // Each attempt was one UNLOAD statement that Redshift's history shows FAILED: the first and one retry.
        const history = await redshiftHistory(
          deployment.serviceEnv.REDSHIFT_DATA_ENDPOINT ?? "",
          `"${ws}"."${BROKEN}"`,
        );
        expect(unloadsIn(history).map((s) => s.status)).toEqual(["FAILED", "FAILED"]);
      }
      const others = jobs.filter((j) => j.table_name !== BROKEN);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((j) => j.status === "COMPLETED")).toBe(true);
      const { rows } = await state.query(`SELECT status FROM "${schema()}".request_table WHERE de_request_id = $1`, [
        requestId,
      ]);
      expect(rows).toEqual([{ status: "PARTIAL-SUCCESS" }]);
    });
  });
}
