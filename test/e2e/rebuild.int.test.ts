import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { EventProducer, type Envelope } from "@data-exporter/bus";
import { configTableNames, writeConfig } from "@data-exporter/config-store";
import { mulberry32 } from "@data-exporter/demo-data";
import type { EventTopicKey } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  awsClientConfig,
  committedOffsets,
  EventRecorder,
  kafkaFromEnv,
  NotificationInbox,
  requestData,
  runRebuild,
  startDeployment,
  type RebuildRun,
  type TestDeployment,
  topicEnds,
  topicEventCount,
} from "../../dev/harness/index.js";

/**
 * `npm run rebuild` against a deployment that ran a randomized workload through the real services: on-demand and
 * scheduled exports (forced and repeated dates), a table that fails for any window reaching into the second demo
 * day (so COMPLETED and PARTIAL-SUCCESS exports, with retries), redelivered events on every consumed topic, and two
 * requests whose plan the live tracker read before the request. Once everything is finished and announced, the
 * rebuilt read model must equal the live one row by row, and the rebuild must have sent nothing and changed
 * nothing else. REBUILD_TEST_SEED replays another workload.
 */
const SEED = Number(process.env.REBUILD_TEST_SEED ?? 20240407);
const STEPS = 12;
const FLAKY = "day_two_feed";
/** 2024-04-07 00:00 in Melbourne: the flaky table fails for windows reaching past it. */
const DAY_TWO = "2024-04-06T13:00:00Z";
/** The Melbourne days of the demo data (2024-04-07 has 25 hours). */
const DAYS = {
  "2024-04-06": { windowStart: Date.parse("2024-04-05T13:00:00Z"), windowEnd: Date.parse("2024-04-06T13:00:00Z") },
  "2024-04-07": { windowStart: Date.parse("2024-04-06T13:00:00Z"), windowEnd: Date.parse("2024-04-07T14:00:00Z") },
} as const;
/** Older than REQUEST_DEADLINE_MS (26 h): the planner does not plan such a request. */
const OVERDUE_MS = 27 * 3_600_000;

/** Which group reads which topic; all of them must have caught up before the models are compared. */
const groups: readonly [string, EventTopicKey][] = [
  ["data-exporter.planner", "exportRequested"],
  ["data-exporter.planner.scheduled", "dailyExportTriggered"],
  ["data-exporter.status-tracker", "exportRequested"],
  ["data-exporter.status-tracker", "dailyExportTriggered"],
  ["data-exporter.status-tracker", "exportLifecycle"],
  ["data-exporter.unloader", "unloadCommands"],
  ["data-exporter.notifier", "exportCompleted"],
];
type Tracked = "exportRequested" | "dailyExportTriggered" | "exportLifecycle";

let deployment: TestDeployment;
let state: pg.Pool;
let inbox: NotificationInbox;
let producer: EventProducer;
let recorder: EventRecorder<Tracked>;
let planFirst: { onDemand: string; scheduled: string; requestedAt: number };
let before: Observed;
let run: RebuildRun;
const rebuilt = `de_rebuilt_${randomUUID().slice(0, 8)}`;

const ns = (): string => deployment.names.topicNamespace;
const live = (): string => deployment.names.statusSchema;

async function makeFlakyTable(): Promise<void> {
  const ws = deployment.names.warehouseSchema;
  const warehouse = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 1 });
  try {
    // Reads as a lost connection, which the unloader retries: the table ends FAILED after MAX_RETRY_COUNT.
    await warehouse.query(`CREATE FUNCTION ${ws}.day_two_feed_value(t timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
      BEGIN
        IF t >= '${DAY_TWO}' THEN RAISE EXCEPTION 'could not connect to the day-two feed (simulated outage)'; END IF;
        RETURN 1;
      END $$`);
    await warehouse.query(
      `CREATE VIEW ${ws}.${FLAKY} AS SELECT obs_time, way_id, ${ws}.day_two_feed_value(obs_time) AS feed_value
       FROM ${ws}.traffic_observation`,
    );
  } finally {
    await warehouse.end();
  }
  const dynamo = new DynamoDBClient(awsClientConfig());
  try {
    await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
      tables: [
        {
          table: FLAKY,
          schema: ws,
          enabled: true,
          onDemandEnabled: true,
          timeColumn: "obs_time",
          sourceColumn: null,
          metricColumn: null,
        },
      ],
      rules: {
        columns: ["obs_time", "way_id", "feed_value"].map((column) => ({
          table: FLAKY,
          column,
          classification: "nr" as const,
        })),
        sources: [],
        metrics: [],
      },
    });
  } finally {
    dynamo.destroy();
  }
}

async function trigger(exportDate: keyof typeof DAYS, force: boolean, triggeredAt = Date.now()): Promise<string> {
  const requestId = randomUUID();
  await producer.publish("dailyExportTriggered", {
    type: "DailyExportTriggered",
    value: {
      requestId,
      exportDate,
      timeZone: "Australia/Melbourne",
      ...DAYS[exportDate],
      force,
      triggeredAt,
      triggeredBy: "operator",
    },
  });
  return requestId;
}

/** Publishes an event again, as a redelivery does (same key, so the same partition, after the original). */
async function redeliver(envelope: Envelope<Tracked>): Promise<void> {
  switch (envelope.topicKey) {
    case "exportRequested":
      return void (await producer.publish("exportRequested", envelope));
    case "dailyExportTriggered":
      return void (await producer.publish("dailyExportTriggered", { type: envelope.type, value: envelope.value }));
    case "exportLifecycle":
      return void (await producer.publish("exportLifecycle", envelope));
  }
}

async function redeliverSome(random: () => number, count: number): Promise<void> {
  for (let i = 0; i < count && recorder.events.length > 0; i++) {
    const envelope = recorder.events[Math.floor(random() * recorder.events.length)];
    if (envelope) await redeliver(envelope);
  }
}

/** The seeded workload: on-demand windows over the demo data and triggers of its two dates, with redeliveries. */
async function runWorkload(random: () => number): Promise<void> {
  const dataStart = Math.floor(deployment.seed.window.start.getTime() / 1000);
  const dataEnd = Math.floor(deployment.seed.window.end.getTime() / 1000);
  for (let step = 0; step < STEPS; step++) {
    if (random() < 0.55) {
      const start = dataStart + Math.floor(random() * 44) * 3600;
      const end = Math.min(start + (1 + Math.floor(random() * 24)) * 3600, dataEnd);
      await requestData(deployment.graphqlUrl, start, end);
    } else {
      await trigger(random() < 0.5 ? "2024-04-06" : "2024-04-07", random() < 0.35);
    }
    if (random() < 0.4) await redeliverSome(random, 1 + Math.floor(random() * 3));
    // Pacing, so exports overlap in varying ways; nothing waits on it.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1200)));
  }
  // Whatever the draw: an export of the second day (PARTIAL-SUCCESS), a repeat of it that nobody records, and an
  // export of the first hours (COMPLETED).
  await trigger("2024-04-07", true);
  await trigger("2024-04-07", false);
  await requestData(deployment.graphqlUrl, dataStart, dataStart + 6 * 3600);
}

/**
 * A plan the tracker reads before its request: an empty plan (an export that fails at once, as the sweeper's for an
 * unplannable request) is applied first, then the request, overdue so the planner leaves it alone.
 */
async function planBeforeRequest(mode: "ON_DEMAND" | "SCHEDULED", requestedAt: number): Promise<string> {
  const requestId = randomUUID();
  const exportDate = mode === "SCHEDULED" ? "2024-04-08" : null;
  const window = { windowStart: Date.parse("2024-04-07T14:00:00Z"), windowEnd: Date.parse("2024-04-08T14:00:00Z") };
  await producer.publish("exportLifecycle", {
    type: "ExportPlanned",
    value: {
      requestId,
      mode,
      exportDate,
      ...window,
      tables: [],
      skippedTables: [{ table: "(request)", reason: "planned before its request (rebuild test)" }],
      configVersion: "not-planned",
      bucket: "",
      plannedAt: Date.now(),
      run: 0,
    },
  });
  await waitFor(`the plan of ${requestId} in the live read model`, async () => {
    const { rows } = await state.query(`SELECT 1 FROM "${live()}".request_table WHERE de_request_id = $1`, [requestId]);
    return rows.length > 0 ? true : undefined;
  });
  if (mode === "ON_DEMAND")
    await producer.publish("exportRequested", {
      type: "ExportRequested",
      value: { requestId, ...window, requestedAt, requestedBy: null },
    });
  else
    await producer.publish("dailyExportTriggered", {
      type: "DailyExportTriggered",
      value: {
        requestId,
        exportDate: "2024-04-08",
        timeZone: "Australia/Melbourne",
        ...window,
        force: false,
        triggeredAt: requestedAt,
        triggeredBy: "operator",
      },
    });
  return requestId;
}

/** Whether every group has handled everything on its topic, and every tracked export finished and was announced. */
async function settled(): Promise<boolean> {
  for (const [group, key] of groups) {
    const ends = await topicEnds(ns(), key);
    const committed = await committedOffsets(ns(), group, key);
    if (![...ends].every(([partition, end]) => end === 0 || (committed.get(partition) ?? -1) >= end)) return false;
  }
  const { rows } = await state.query<{ unfinished: number; unannounced: number }>(
    `SELECT count(*) FILTER (WHERE status NOT IN ('COMPLETED', 'FAILED', 'PARTIAL-SUCCESS'))::int AS unfinished,
            count(*) FILTER (WHERE completion_published_at IS NULL)::int AS unannounced
     FROM "${live()}".request_table`,
  );
  return rows[0]?.unfinished === 0 && rows[0].unannounced === 0;
}

async function waitUntilSettled(): Promise<void> {
  await waitFor(
    "every export finished and announced, and every group caught up",
    async () => ((await settled()) ? true : undefined),
    { timeoutMs: 8 * 60_000, intervalMs: 1000 },
  );
}

/** Everything the rebuild must leave as it was: every table of the live schema, offsets, topics, groups. */
interface Observed {
  readonly schema: Record<string, unknown[]>;
  readonly trackerOffsets: Record<string, [number, number][]>;
  readonly events: Record<string, number>;
  readonly groups: string[];
}

async function observe(): Promise<Observed> {
  const { rows: tables } = await state.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [live()],
  );
  const schema: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await state.query<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM "${live()}"."${table}" t ORDER BY to_jsonb(t)::text`,
    );
    schema[table] = rows.map((r) => r.row);
  }
  const trackerOffsets: Record<string, [number, number][]> = {};
  for (const key of ["exportRequested", "dailyExportTriggered", "exportLifecycle"] as const)
    trackerOffsets[key] = [...(await committedOffsets(ns(), "data-exporter.status-tracker", key))];
  const events: Record<string, number> = {};
  for (const key of ["exportCompleted", "deadLetter", "exportLifecycle", "unloadCommands"] as const)
    events[key] = await topicEventCount(ns(), key);
  const admin = kafkaFromEnv("e2e-rebuild-groups").admin();
  await admin.connect();
  try {
    const { groups: all } = await admin.listGroups();
    return {
      schema,
      trackerOffsets,
      events,
      groups: all
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(ns()))
        .sort(),
    };
  } finally {
    await admin.disconnect();
  }
}

/** A read-model table of a schema, each row without the columns the comparison leaves out, in key order. */
async function modelRows(schema: string, table: string, key: string): Promise<unknown[]> {
  const { rows } = await state.query<{ row: unknown }>(
    `SELECT to_jsonb(t) - 'updated_at' - 'completion_published_at' AS row FROM "${schema}".${table} t ORDER BY ${key}`,
  );
  return rows.map((r) => r.row);
}

beforeAll(async () => {
  deployment = await startDeployment({ label: "rebuild", env: { MAX_RETRY_COUNT: "1", RETRY_BACKOFF_MS: "100" } });
  state = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  inbox = new NotificationInbox(deployment.notificationQueueUrl, awsClientConfig());
  producer = new EventProducer(kafkaFromEnv("e2e-rebuild"), { namespace: ns() });
  await producer.connect();
  recorder = await EventRecorder.start(ns(), ["exportRequested", "dailyExportTriggered", "exportLifecycle"]);
  await makeFlakyTable();

  const random = mulberry32(SEED);
  const requestedAt = Date.now() - OVERDUE_MS;
  planFirst = {
    onDemand: await planBeforeRequest("ON_DEMAND", requestedAt),
    scheduled: await planBeforeRequest("SCHEDULED", requestedAt),
    requestedAt,
  };
  await runWorkload(random);
  await waitUntilSettled();
  // Redeliveries of finished exports' events, requests and triggers: the live tracker ignores them, so must a replay.
  await redeliverSome(random, 4);
  await waitUntilSettled();
  const exports = (await state.query(`SELECT 1 FROM "${live()}".request_table`)).rows.length;
  await waitFor(`${exports} SNS notifications`, async () => {
    await inbox.receive(1);
    return inbox.all.length >= exports ? true : undefined;
  });

  before = await observe();
  run = await runRebuild(["--schema", rebuilt, "--compare-with", live(), "--json"], deployment.serviceEnv);
}, 15 * 60_000);

afterAll(async () => {
  await recorder?.stop();
  await producer?.disconnect();
  inbox?.close();
  await state?.end();
  await deployment?.stop();
});

describe(`rebuilding the read model after a randomized workload (seed ${SEED})`, () => {
  it("ran a workload worth rebuilding: every outcome, retries, plans read before their request", async () => {
    const { rows } = await state.query<{ status: string; mode: string; n: number }>(
      `SELECT status, mode, count(*)::int AS n FROM "${live()}".request_table GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const statuses = new Set(rows.map((r) => r.status));
    expect(statuses).toEqual(new Set(["COMPLETED", "PARTIAL-SUCCESS", "FAILED"]));
    expect(new Set(rows.map((r) => r.mode))).toEqual(new Set(["ON_DEMAND", "SCHEDULED"]));
    const { rows: retried } = await state.query(
      `SELECT 1 FROM "${live()}".table_export_job_statuses WHERE table_name = $1 AND status = 'FAILED' AND attempts = 2`,
      [FLAKY],
    );
    expect(retried.length).toBeGreaterThan(0);
    const triggered = new Set(
      recorder.events.filter((e) => e.topicKey === "dailyExportTriggered").map((e) => e.value.requestId),
    );
    const scheduled = rows.filter((r) => r.mode === "SCHEDULED").reduce((sum, r) => sum + r.n, 0);
    // Triggers of an exported date, without force: not recorded live, so not rebuilt either.
    expect(triggered.size).toBeGreaterThan(scheduled);
    expect(before.events.deadLetter).toBe(0);
  });

  it("rebuilds from every event of the tracker's topics, and says so", async () => {
    expect(run.code).toBe(0);
    const output = run.output;
    expect(output?.schema).toBe(rebuilt);
    const read = Object.fromEntries((output?.topics ?? []).map((t) => [t.topic, [t.events, t.skipped]]));
    expect(read).toEqual({
      exportCompleted: [await topicEventCount(ns(), "exportCompleted"), 0],
      exportRequested: [await topicEventCount(ns(), "exportRequested"), 0],
      dailyExportTriggered: [await topicEventCount(ns(), "dailyExportTriggered"), 0],
      exportLifecycle: [before.events.exportLifecycle, 0],
    });
    const liveCount = (before.schema.request_table ?? []).length;
    expect(Object.values(output?.requests ?? {}).reduce((a, b) => a + b, 0)).toBe(liveCount);
    expect(output?.announced).toBe(liveCount);
    expect(output?.unannounced).toEqual([]);
    expect(output?.comparison).toMatchObject({ with: live(), equal: true, differences: [] });
  });

  it("equals the live read model row by row, every column but updated_at and the announcement time", async () => {
    const requests = await modelRows(live(), "request_table", "de_request_id");
    expect(requests.length).toBeGreaterThan(STEPS / 2);
    expect(await modelRows(rebuilt, "request_table", "de_request_id")).toEqual(requests);
    const jobs = await modelRows(live(), "table_export_job_statuses", "de_request_id, table_name");
    expect(jobs.length).toBeGreaterThan(requests.length);
    expect(await modelRows(rebuilt, "table_export_job_statuses", "de_request_id, table_name")).toEqual(jobs);
  });

  it("sets completion_published_at from each export's ExportCompleted, before the live tracker marked it", async () => {
    const { rows } = await state.query<{ live: Date | null; rebuilt: Date | null }>(
      `SELECT l.completion_published_at AS live, r.completion_published_at AS rebuilt
       FROM "${live()}".request_table l JOIN "${rebuilt}".request_table r USING (de_request_id)`,
    );
    expect(rows.length).toBe((before.schema.request_table ?? []).length);
    for (const row of rows) {
      expect(row.live).not.toBeNull();
      expect(row.rebuilt).not.toBeNull();
      const lag = (row.live?.getTime() ?? 0) - (row.rebuilt?.getTime() ?? 0);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(60_000);
    }
  });

  it("gives a request whose plan was read first its own time, live and rebuilt", async () => {
    for (const schema of [live(), rebuilt]) {
      const { rows } = await state.query<{ id: string; requested_at: Date; request_recorded: boolean; status: string }>(
        `SELECT de_request_id AS id, requested_at, request_recorded, status FROM "${schema}".request_table
         WHERE de_request_id = ANY($1) ORDER BY mode`,
        [[planFirst.onDemand, planFirst.scheduled]],
      );
      expect(rows).toEqual([
        {
          id: planFirst.onDemand,
          requested_at: new Date(planFirst.requestedAt),
          request_recorded: true,
          status: "FAILED",
        },
        {
          id: planFirst.scheduled,
          requested_at: new Date(planFirst.requestedAt),
          request_recorded: true,
          status: "FAILED",
        },
      ]);
    }
  });

  it("sent nothing and changed nothing else: no ExportCompleted, no SNS message, live schema, offsets, groups", async () => {
    expect(await observe()).toEqual(before);
    expect(await inbox.receive(3)).toEqual([]);
  });

  it("refuses to build into a schema that holds anything, or into the live one", async () => {
    const again = await runRebuild(["--schema", rebuilt], deployment.serviceEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`schema ${rebuilt} already holds`);
    const intoLive = await runRebuild(["--schema", live()], deployment.serviceEnv);
    expect(intoLive.code).toBe(2);
    expect(intoLive.stderr).toContain("is STATUS_SCHEMA, the live read model");
    expect(await observe()).toEqual(before);
  });
});
