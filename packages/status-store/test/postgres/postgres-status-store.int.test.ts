import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { ExportPlanned, TableUnloadCompleted } from "@data-exporter/contracts";
import pg from "pg";
import {
  applyLifecycleEvent,
  PostgresStatusStore,
  progressOf,
  requestedState,
  type LifecycleEvent,
} from "../../src/index.js";

let pool: pg.Pool;
let store: PostgresStatusStore;
const schema = `de_test_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  store = new PostgresStatusStore(pool, schema);
  await store.migrate();
  await store.migrate(); // idempotent
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

function plannedEvent(requestId: string): ExportPlanned {
  return {
    requestId,
    mode: "SCHEDULED",
    exportDate: "2024-04-07",
    windowStart: Date.UTC(2024, 3, 6, 13),
    windowEnd: Date.UTC(2024, 3, 7, 14),
    tables: ["way", "cctv"].map((table) => ({
      table,
      outputPrefix: `test/2024/04/07/${table}/`,
      exportedColumns: ["a"],
      unclassifiedColumns: [],
    })),
    skippedTables: [],
    configVersion: "cfg-1",
    bucket: "b",
    plannedAt: Date.UTC(2024, 3, 7, 15),
    run: 0,
  };
}
const completed = (requestId: string, table: string): TableUnloadCompleted => ({
  requestId,
  table,
  attempt: 1,
  run: 0,
  rows: 9_007_199_254, // beyond int32: stored as bigint
  bytes: 1234,
  files: [{ key: `test/${table}_000.parquet`, rows: 9_007_199_254, bytes: 1234, sha256: "ab", versionId: "v-data" }],
  manifestKey: `test/${table}/manifest`,
  manifestVersionId: "v-manifest",
  durationMs: 10,
  completedAt: Date.UTC(2024, 3, 7, 16),
});
const apply = (event: LifecycleEvent) =>
  store.transact(event.value.requestId, (current) => applyLifecycleEvent(current, event));

describe("PostgresStatusStore", () => {
  it("materialises a request and its jobs, and a redelivered event changes nothing", async () => {
    const requestId = randomUUID();
    await store.recordRequested(
      requestedState(
        {
          requestId,
          exportDate: "2024-04-07",
          timeZone: "Australia/Melbourne",
          windowStart: 1,
          windowEnd: 2,
          force: false,
          triggeredAt: 3,
          triggeredBy: "operator",
        },
        "SCHEDULED",
      ),
    );
    await apply({ type: "ExportPlanned", value: plannedEvent(requestId) });
    const first = await apply({ type: "TableUnloadCompleted", value: completed(requestId, "way") });
    expect(first.changed).toBe(true);
    const before = await pool.query(
      `SELECT updated_at FROM ${schema}.table_export_job_statuses WHERE de_request_id = $1 AND table_name = 'way'`,
      [requestId],
    );
    const again = await apply({ type: "TableUnloadCompleted", value: completed(requestId, "way") });
    expect(again.changed).toBe(false);
    const after = await pool.query(
      `SELECT updated_at FROM ${schema}.table_export_job_statuses WHERE de_request_id = $1 AND table_name = 'way'`,
      [requestId],
    );
    expect(after.rows).toEqual(before.rows);

    const state = await store.get(requestId);
    expect(state).toMatchObject({
      status: "IN-PROGRESS",
      mode: "SCHEDULED",
      exportDate: "2024-04-07",
      requestedAt: 3,
      configVersion: "cfg-1",
    });
    expect(progressOf(state!)).toBe(50);
    expect(state?.tables.find((t) => t.table === "way")).toMatchObject({
      status: "COMPLETED",
      rows: 9_007_199_254,
      files: [{ key: "test/way_000.parquet" }],
    });
    expect((await store.findScheduled("2024-04-07"))?.requestId).toBe(requestId);
  });

  it("finishes once, even when the last events race, and lists the completion until it is marked published", async () => {
    const requestId = randomUUID();
    await apply({ type: "ExportPlanned", value: plannedEvent(requestId) });
    const results = await Promise.all([
      apply({ type: "TableUnloadCompleted", value: completed(requestId, "way") }),
      apply({ type: "TableUnloadCompleted", value: completed(requestId, "cctv") }),
      apply({ type: "TableUnloadCompleted", value: completed(requestId, "cctv") }),
    ]);
    expect(results.filter((r) => r.completed).length).toBe(1);
    expect((await store.get(requestId))?.status).toBe("COMPLETED");
    expect((await store.unpublishedCompletions()).map((s) => s.requestId)).toContain(requestId);
    await store.markCompletionPublished(requestId, Date.now());
    expect((await store.unpublishedCompletions()).map((s) => s.requestId)).not.toContain(requestId);
  });

  it("gives a row its plan created the request's time once the trigger arrives; until then it is not the date's", async () => {
    const requestId = randomUUID();
    const plan = { ...plannedEvent(requestId), exportDate: "2024-04-09" };
    await apply({ type: "ExportPlanned", value: plan });
    expect(await store.get(requestId)).toMatchObject({ requestedAt: plan.plannedAt, requestRecorded: false });
    expect(await store.findScheduled("2024-04-09")).toBeUndefined();

    const trigger = {
      requestId,
      exportDate: "2024-04-09",
      timeZone: "Australia/Melbourne",
      windowStart: plan.windowStart,
      windowEnd: plan.windowEnd,
      force: false,
      triggeredAt: Date.UTC(2024, 3, 9, 15),
      triggeredBy: "cronjob",
    };
    await store.recordRequested(requestedState(trigger, "SCHEDULED"));
    await store.recordRequested(requestedState({ ...trigger, triggeredAt: 1 }, "SCHEDULED")); // not the same event
    expect(await store.get(requestId)).toMatchObject({
      status: "IN-PROGRESS",
      plannedTables: ["way", "cctv"],
      requestedAt: trigger.triggeredAt,
      requestRecorded: true,
    });
    expect((await store.findScheduled("2024-04-09"))?.requestId).toBe(requestId);
  });

  it("reads the statuses of many requests at once, leaving out unknown ids", async () => {
    const [a, b, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    await store.recordRequested(
      requestedState({ requestId: a, windowStart: 0, windowEnd: 1, requestedAt: 1, requestedBy: null }, "ON_DEMAND"),
    );
    await store.recordRequested(
      requestedState({ requestId: b, windowStart: 0, windowEnd: 1, requestedAt: 1, requestedBy: null }, "ON_DEMAND"),
    );
    expect(await store.statuses([a, b, unknown])).toEqual(
      new Map([
        [a, "REQUESTED"],
        [b, "REQUESTED"],
      ]),
    );
    expect(await store.statuses([])).toEqual(new Map());
    expect(await new PostgresStatusStore(pool, `${schema}_missing`).statuses([a])).toEqual(new Map());
  });

  it("saves in one transactAll what transact saves event by event, and serialises the two on one request", async () => {
    const [byEvent, byBatch, raced] = [randomUUID(), randomUUID(), randomUUID()];
    const eventsOf = (requestId: string): LifecycleEvent[] => [
      { type: "ExportPlanned", value: plannedEvent(requestId) },
      {
        type: "TableUnloadStarted",
        value: { requestId, table: "way", attempt: 1, run: 0, worker: "w", startedAt: Date.UTC(2024, 3, 7, 15, 1) },
      },
      { type: "TableUnloadCompleted", value: completed(requestId, "way") },
      { type: "TableUnloadCompleted", value: completed(requestId, "cctv") },
    ];
    const requested = (requestId: string) =>
      requestedState({ requestId, windowStart: 1, windowEnd: 2, requestedAt: 3, requestedBy: "me" }, "ON_DEMAND");
    await store.recordRequested(requested(byEvent));
    for (const event of eventsOf(byEvent)) await apply(event);

    await store.recordRequested(requested(byBatch));
    const completions = await store.transactAll([byBatch, randomUUID()], (current) => {
      let state = current.get(byBatch);
      const done: string[] = [];
      for (const event of eventsOf(byBatch)) {
        const transition = applyLifecycleEvent(state, event);
        state = transition.state;
        if (transition.completed) done.push(transition.completed.requestId);
      }
      return { save: state ? [state] : [], result: done };
    });
    expect(completions).toEqual([byBatch]);
    const rowsOf = async (requestId: string) => ({
      request: (
        await pool.query<Record<string, unknown>>(`SELECT * FROM ${schema}.request_table WHERE de_request_id = $1`, [
          requestId,
        ])
      ).rows.map(({ de_request_id: _id, updated_at: _at, ...row }) => row),
      jobs: (
        await pool.query<Record<string, unknown>>(
          `SELECT * FROM ${schema}.table_export_job_statuses WHERE de_request_id = $1 ORDER BY table_name`,
          [requestId],
        )
      ).rows.map(({ de_request_id: _id, updated_at: _at, ...row }) => row),
    });
    expect(await rowsOf(byBatch)).toEqual(await rowsOf(byEvent));
    expect((await store.get(byBatch))?.tables.map((t) => t.files)).toEqual(
      (await store.get(byEvent))?.tables.map((t) => t.files),
    );

    // A batch and an event racing on one request: each sees the other's result, the export finishes once.
    await apply({ type: "ExportPlanned", value: plannedEvent(raced) });
    const [batchFinished, eventResult] = await Promise.all([
      store.transactAll([raced], (current) => {
        const transition = applyLifecycleEvent(current.get(raced), {
          type: "TableUnloadCompleted",
          value: completed(raced, "way"),
        });
        return { save: transition.changed ? [transition.state] : [], result: transition.completed !== undefined };
      }),
      apply({ type: "TableUnloadCompleted", value: completed(raced, "cctv") }),
    ]);
    expect([batchFinished, eventResult.completed !== undefined].filter(Boolean)).toHaveLength(1);
    expect((await store.get(raced))?.status).toBe("COMPLETED");
  });

  it("refuses a schema name that is not a plain identifier", () => {
    expect(() => new PostgresStatusStore(pool, "x; DROP TABLE y")).toThrow(/invalid schema name/);
  });
});
