import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Envelope } from "@data-exporter/bus";
import type { TableUnloadStarted } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  backendAlive,
  committedOffsets,
  crash,
  EventRecorder,
  exportOnlySlowViews,
  firstDemoDay,
  readParquet,
  readTopic,
  requestData,
  requestStatus,
  type RequestStatusResult,
  type RunningService,
  startDeployment,
  startExtraService,
  type TestDeployment,
  unloadSlotHolders,
  waitForExport,
  waitForViewQuery,
} from "../../dev/harness/index.js";

/**
 * Nothing is lost when a process dies: the real services run as child processes and are killed with SIGKILL (no
 * shutdown hook runs, as in an OOM kill) or stopped with SIGTERM while an unload is in flight. The tables are views
 * that sleep in PostgreSQL, so an unload is reliably running when the signal arrives. One unload slot in all
 * (MAX_CONCURRENCY_LIMIT=1), so a replacement unloader can only work if the dead one's slot was freed.
 *
 * A SIGKILLed consumer never leaves its group: its partitions move only when its session expires (kafkajs's 30 s
 * default), which is most of this file's running time.
 */
const TABLES = ["slow_view"];
const ROWS = 50;
/** Each unload queries the view twice (count, then COPY), so one takes a little over twice this. */
const SLEEP_SECONDS = 3;
/** Shorter than a query of the view: a graceful stop makes it in time only by cancelling the query in PostgreSQL. */
const SHUTDOWN_TIMEOUT_MS = 2_000;

let deployment: TestDeployment;
let lifecycle: EventRecorder<"exportLifecycle">;
let commands: EventRecorder<"unloadCommands">;
let state: pg.Pool;
let window: [number, number];

beforeAll(async () => {
  deployment = await startDeployment({ label: "crash", services: ["request-api", "planner", "status-tracker"] });
  await exportOnlySlowViews(deployment, { tables: TABLES, rows: ROWS, sleepSeconds: SLEEP_SECONDS });
  state = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  lifecycle = await EventRecorder.start(deployment.names.topicNamespace, ["exportLifecycle"]);
  commands = await EventRecorder.start(deployment.names.topicNamespace, ["unloadCommands"]);
  window = firstDemoDay(deployment);
}, 120_000);

afterAll(async () => {
  await lifecycle?.stop();
  await commands?.stop();
  await state?.end();
  await deployment?.stop();
});

/** An unloader of this deployment whose lifecycle events name it (WORKER_ID), with the single unload slot. */
function startUnloader(worker: string, env: Record<string, string> = {}): Promise<RunningService> {
  return startExtraService(deployment, "unloader", {
    instance: worker,
    env: { WORKER_ID: worker, MAX_CONCURRENCY_LIMIT: "1", UNLOAD_PARALLELISM: "1", RETRY_BACKOFF_MS: "200", ...env },
  });
}

type Started = Envelope<"exportLifecycle"> & { type: "TableUnloadStarted"; value: TableUnloadStarted };

/** The first TableUnloadStarted of the request by that worker (of that table, if given). */
function startedBy(requestId: string, worker: string, table?: string, timeoutMs?: number): Promise<Started> {
  return lifecycle.waitForEvent(
    `a TableUnloadStarted of ${requestId}${table ? `/${table}` : ""} by ${worker}`,
    (e): e is Started =>
      e.type === "TableUnloadStarted" &&
      e.value.requestId === requestId &&
      e.value.worker === worker &&
      (table === undefined || e.value.table === table),
    timeoutMs,
  );
}

/** Completed and Failed events: the outcomes of attempts. */
function eventsOf(requestId: string): Envelope<"exportLifecycle">[] {
  return lifecycle.events.filter((e) => e.value.requestId === requestId);
}

/** Waits for the export to finish; on a timeout the error carries the services' last log lines. */
async function finished(requestId: string, timeoutMs: number): Promise<RequestStatusResult> {
  return waitForExport(deployment.graphqlUrl, requestId, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-40).join("\n")}`);
  });
}

/** Every table COMPLETED with all its rows, and the files behind the links (read back) hold exactly those rows. */
async function expectEveryTableExported(status: RequestStatusResult): Promise<void> {
  expect(status.status).toBe("Completed");
  expect(status.progress).toBe(100);
  expect(status.tables.map((t) => t.tableName).sort()).toEqual(TABLES);
  for (const table of status.tables) {
    expect(table).toMatchObject({ status: "COMPLETED", rows: ROWS, errorKind: null });
    let rows = 0;
    for (const file of table.files) {
      const response = await fetch(file.url);
      expect(response.status).toBe(200);
      const parquet = await readParquet(new Uint8Array(await response.arrayBuffer()));
      expect(parquet.columns).toEqual(["id", "label"]);
      rows += parquet.rows.length;
    }
    expect(rows).toBe(ROWS);
  }
}

/** The unloaders' committed offset of one partition of unload-commands (-1 when nothing was committed). */
async function committedUnloadOffset(partition: number): Promise<number> {
  const committed = await committedOffsets(deployment.names.topicNamespace, "data-exporter.unloader", "unloadCommands");
  return committed.get(partition) ?? -1;
}

describe("an unloader killed mid-unload (SIGKILL)", () => {
  it("loses nothing: a fresh unloader redoes the command in the dead one's freed slot and the export completes", async () => {
    const doomed = await startUnloader("doomed");
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const started = await startedBy(requestId, "doomed");
    // Started is published while the slot is held, so the lock is there now: that session is the dead one's.
    const [deadSession, ...others] = await unloadSlotHolders(state, deployment.names.topicNamespace);
    expect(deadSession).toBeDefined();
    expect(others).toEqual([]);

    // Killed while its query runs in the warehouse: the middle of the unload, not its edges.
    await waitForViewQuery(started.value.table);
    await crash(doomed);
    expect(doomed.process.signalCode).toBe("SIGKILL");
    // PostgreSQL ends the session of a vanished client, and its advisory lock with it: nobody has to clean up.
    await waitFor("the dead unloader's slot to be freed", async () =>
      (await backendAlive(state, deadSession!)) ? undefined : true,
    );
    expect(await unloadSlotHolders(state, deployment.names.topicNamespace)).toEqual([]);

    const fresh = await startUnloader("fresh");
    // The fresh unloader gets the partitions once the dead member's session expires, then the uncommitted command.
    const redone = await startedBy(requestId, "fresh", started.value.table, 60_000);
    const holders = await unloadSlotHolders(state, deployment.names.topicNamespace);
    expect(holders).toHaveLength(1);
    expect(holders).not.toContain(deadSession);

    const status = await finished(requestId, 60_000);
    await expectEveryTableExported(status);
    // The redelivered command continues the table's durable attempt count (unload_jobs): the killed run used one up,
    // so a command that kills every unloader still ends within MAX_RETRY_COUNT. It is not reported as a failure.
    expect(redone.value.attempt).toBe(started.value.attempt + 1);
    const mine = eventsOf(requestId);
    expect(mine.filter((e) => e.type === "TableUnloadFailed")).toEqual([]);
    expect(
      mine
        .filter((e) => e.type === "TableUnloadCompleted")
        .map((e) => e.value.table)
        .sort(),
    ).toEqual(TABLES);
    expect(fresh.process.exitCode).toBeNull();
    await fresh.stop();
  }, 110_000);
});

describe("the status tracker killed mid-export (SIGKILL) and restarted", () => {
  it("completes the export and publishes exactly one ExportCompleted", async () => {
    const tracker = deployment.services.find((s) => s.name === "status-tracker");
    if (!tracker) throw new Error("the deployment has no status-tracker");
    const unloader = await startUnloader("steady");
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    // The tracker has recorded the table running; its completion will arrive while the tracker is dead.
    const midway = await waitFor(
      "the read model to show the table IN-PROGRESS",
      async () => {
        const status = await requestStatus(deployment.graphqlUrl, requestId);
        return status.tables.some((t) => t.status === "IN-PROGRESS") ? status : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(midway.progress).toBe(0);

    await crash(tracker);
    // Nothing was published before the crash: the one completion must come from the restarted tracker.
    expect(
      (await readTopic(deployment.names.topicNamespace, "exportCompleted")).filter(
        (e) => e.value.requestId === requestId,
      ),
    ).toEqual([]);
    const restarted = await startExtraService(deployment, "status-tracker", { instance: "restarted" });
    const status = await finished(requestId, 70_000);
    await expectEveryTableExported(status);

    // Marked after the publish was acknowledged, so once it is set the topic holds every completion ever sent.
    await waitFor("the completion to be marked published", async () => {
      const { rows } = await state.query(
        `SELECT 1 FROM "${deployment.names.statusSchema}".request_table
          WHERE de_request_id = $1 AND completion_published_at IS NOT NULL`,
        [requestId],
      );
      return rows.length > 0 ? true : undefined;
    });
    const completions = (await readTopic(deployment.names.topicNamespace, "exportCompleted")).filter(
      (e) => e.value.requestId === requestId,
    );
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ type: "ExportCompleted", key: requestId, value: { status: "SUCCESS" } });
    // The restarted tracker is the one that saw the export finish, not the killed one.
    expect(
      deployment.logs.some(
        (line) =>
          line.startsWith("status-tracker#restarted") &&
          line.includes(requestId) &&
          line.includes('"export completed"'),
      ),
    ).toBe(true);
    expect(restarted.process.exitCode).toBeNull();
    await unloader.stop();
  }, 110_000);
});

describe("an unloader killed during a retry (attempt 2)", () => {
  it("does not leave the table IN-PROGRESS: the next unloader continues the attempt count and completes it", async () => {
    const first = await startUnloader("retrying");
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const attempt1 = await startedBy(requestId, "retrying");
    // Attempt 1 loses its warehouse connection mid-query: a retryable failure, so attempt 2 follows.
    const pid = await waitForViewQuery(attempt1.value.table);
    await state.query("SELECT pg_terminate_backend($1)", [pid]);
    const attempt2 = await lifecycle
      .waitForEvent(
        `attempt 2 of ${requestId}`,
        (e): e is Started =>
          e.type === "TableUnloadStarted" &&
          e.value.requestId === requestId &&
          e.value.attempt === attempt1.value.attempt + 1,
      )
      .catch((error: Error) => {
        // Say what the unloader did instead (e.g. it died: the process' last lines).
        const logs = deployment.logs.filter((line) => line.startsWith("unloader#retrying")).slice(-15);
        throw new Error(`${error.message}\n--- unloader logs ---\n${logs.join("\n")}`);
      });
    expect(attempt2.value.worker).toBe("retrying");
    await waitForViewQuery(attempt1.value.table);
    await crash(first);

    const second = await startUnloader("after-retry");
    const redone = await startedBy(requestId, "after-retry", attempt1.value.table, 60_000);
    // The redelivered command still says attempt 1; the count comes from unload_jobs, so its events are not stale.
    expect(redone.value.attempt).toBe(attempt2.value.attempt + 1);
    const status = await finished(requestId, 60_000);
    await expectEveryTableExported(status);
    expect(status.tables[0]?.attempts).toBe(redone.value.attempt);
    const failures = eventsOf(requestId).filter((e) => e.type === "TableUnloadFailed");
    expect(failures.map((e) => [e.value.attempt, e.value.finalAttempt])).toEqual([[attempt1.value.attempt, false]]);
    await second.stop();
  }, 110_000);
});

describe("the exporter database dropping the unload slot's connection mid-unload", () => {
  it("does not stop the unload: the slot is held again and the table completes in its first attempt", async () => {
    const unloader = await startUnloader("steady");
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const started = await startedBy(requestId, "steady");
    await waitForViewQuery(started.value.table);
    // What a restart of the exporter's own database does to the unloader: its slot session (and lock) is gone.
    const [holder] = await unloadSlotHolders(state, deployment.names.topicNamespace);
    expect(holder).toBeDefined();
    await state.query("SELECT pg_terminate_backend($1)", [holder]);

    const status = await finished(requestId, 60_000);
    await expectEveryTableExported(status);
    expect(eventsOf(requestId).filter((e) => e.type === "TableUnloadFailed")).toEqual([]);
    expect(status.tables[0]?.attempts).toBe(started.value.attempt);
    expect(deployment.logs.some((line) => line.startsWith("unloader#steady") && line.includes("held again"))).toBe(
      true,
    );
    await unloader.stop();
  }, 90_000);
});

describe("an unloader stopped mid-unload (SIGTERM)", () => {
  it("exits 0 in time without committing the in-flight command, and a restarted unloader completes the table", async () => {
    const leaving = await startUnloader("leaving", { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const started = await startedBy(requestId, "leaving");
    const command = await commands.waitForEvent(
      `the unload command of ${started.value.table}`,
      (e) => e.value.requestId === requestId && e.value.table === started.value.table,
    );

    await waitForViewQuery(started.value.table);
    leaving.process.kill("SIGTERM");
    // Exit code 0 means it finished within SHUTDOWN_TIMEOUT_MS: the runtime exits 1 when that timer fires.
    expect(await leaving.exited).toBe(0);
    // Handed back, not finished: no outcome published for the attempt, and its offset not committed.
    // Read up to the topic's end (the live recorder could lag behind an outcome sent just before exit).
    const lifecycleNow = await readTopic(deployment.names.topicNamespace, "exportLifecycle");
    const outcomes = lifecycleNow.filter(
      (e) =>
        (e.type === "TableUnloadCompleted" || e.type === "TableUnloadFailed") &&
        e.value.requestId === requestId &&
        e.value.table === started.value.table,
    );
    expect(outcomes).toEqual([]);
    expect(await committedUnloadOffset(command.partition)).toBeLessThanOrEqual(Number(command.offset));
    expect(deployment.logs.some((line) => line.startsWith("unloader#leaving") && line.includes('"stopped"'))).toBe(
      true,
    );

    const successor = await startUnloader("successor");
    await startedBy(requestId, "successor", started.value.table);
    const status = await finished(requestId, 60_000);
    await expectEveryTableExported(status);
    expect(status.tables.filter((t) => t.status === "IN-PROGRESS")).toEqual([]);
    await waitFor("the successor to commit the command", async () =>
      (await committedUnloadOffset(command.partition)) > Number(command.offset) ? true : undefined,
    );
    await successor.stop();
  }, 90_000);
});
