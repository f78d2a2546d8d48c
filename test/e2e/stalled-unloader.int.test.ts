import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import type { Envelope } from "@data-exporter/bus";
import type { TableUnloadStarted } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import {
  crash,
  EventRecorder,
  exportOnlySlowViews,
  firstDemoDay,
  readParquet,
  requestData,
  type RunningService,
  startDeployment,
  startExtraService,
  type TestDeployment,
  waitForExport,
  waitForViewQuery,
  scrapeMetrics,
} from "../../dev/harness/index.js";
import { S3ObjectStore } from "@data-exporter/object-store";

/**
 * A stalled unloader (SIGSTOP: alive, holding its connections, doing nothing) must not hold a request past its
 * deadline. Alone, its table is failed as stuck once its lease lapses; with a second replica, Kafka moves the
 * partition and the other replica redoes the table. Either way the frozen run, resumed later, publishes nothing:
 * its lease lapsed or was taken over, so it is fenced at its commit point.
 */
const TABLES = ["slow_view"];
const ROWS = 40;
const SLEEP_SECONDS = 3;
/** Longer than the Kafka session (6 s) and the redelivery, so a second replica can take over first. */
const STUCK_AFTER_MS = 15_000;

let deployment: TestDeployment;
let lifecycle: EventRecorder<"exportLifecycle">;
let window: [number, number];

beforeAll(async () => {
  deployment = await startDeployment({
    label: "stall",
    services: ["request-api", "planner", "status-tracker"],
    env: { STUCK_AFTER_MS: String(STUCK_AFTER_MS), SWEEP_INTERVAL_MS: "500", KAFKA_SESSION_TIMEOUT_MS: "6000" },
  });
  await exportOnlySlowViews(deployment, { tables: TABLES, rows: ROWS, sleepSeconds: SLEEP_SECONDS });
  lifecycle = await EventRecorder.start(deployment.names.topicNamespace, ["exportLifecycle"]);
  window = firstDemoDay(deployment);
}, 120_000);

/** Unloaders a test started, killed after it whatever happened, so none joins the next test's group. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  await lifecycle?.stop();
  await deployment?.stop();
});

function startUnloader(worker: string): Promise<RunningService> {
  return startExtraService(deployment, "unloader", {
    instance: worker,
    env: {
      WORKER_ID: worker,
      MAX_CONCURRENCY_LIMIT: "2",
      UNLOAD_PARALLELISM: "1",
      RETRY_BACKOFF_MS: "200",
      STUCK_AFTER_MS: String(STUCK_AFTER_MS),
      UNLOAD_HEARTBEAT_MS: "1000",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
    },
  });
}

type Started = Envelope<"exportLifecycle"> & { type: "TableUnloadStarted"; value: TableUnloadStarted };

function startedBy(requestId: string, worker: string, timeoutMs?: number): Promise<Started> {
  return lifecycle.waitForEvent(
    `a TableUnloadStarted of ${requestId} by ${worker}`,
    (e): e is Started =>
      e.type === "TableUnloadStarted" && e.value.requestId === requestId && e.value.worker === worker,
    timeoutMs,
  );
}

const outcomesOf = (requestId: string): [string, number, string | null][] =>
  lifecycle.events.flatMap((e): [string, number, string | null][] => {
    if (e.value.requestId !== requestId) return [];
    if (e.type === "TableUnloadCompleted") return [[e.type, e.value.attempt, null]];
    if (e.type === "TableUnloadFailed") return [[e.type, e.value.attempt, e.value.errorKind]];
    return [];
  });

/** Resolves once the resumed unloader has no unload in flight any more: the frozen run has ended. */
function idle(unloader: RunningService): Promise<true> {
  return waitFor(
    `${unloader.name} to end the frozen run`,
    async () => {
      const metrics = await scrapeMetrics(unloader.healthUrl);
      return metrics.value("data_exporter_unloads_in_flight") === 0 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

function bucketStore(): S3ObjectStore {
  return S3ObjectStore.fromConfig({
    bucket: deployment.names.bucket,
    region: process.env["AWS_REGION"] ?? "ap-southeast-2",
    endpoint: process.env["AWS_ENDPOINT_URL"],
    forcePathStyle: true,
  });
}

describe("an unloader frozen (SIGSTOP) with no other replica", () => {
  it("has its table failed as stuck within STUCK_AFTER_MS, and publishes nothing when it resumes", async () => {
    const frozen = await startUnloader("frozen");
    cleanups.push(() => crash(frozen));
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    await startedBy(requestId, "frozen");
    await waitForViewQuery(TABLES[0]!);
    const stoppedAt = Date.now();
    frozen.process.kill("SIGSTOP");
    try {
      const status = await waitForExport(deployment.graphqlUrl, requestId, STUCK_AFTER_MS + 20_000);
      expect(Date.now() - stoppedAt).toBeLessThan(STUCK_AFTER_MS + 20_000);
      expect(status.status).toBe("Failed");
      expect(status.tables).toEqual([
        expect.objectContaining({ tableName: "slow_view", status: "FAILED", errorKind: "TIMEOUT" }),
      ]);
      expect(status.tables[0]?.error).toMatch(/^stuck: attempt 1 \(worker frozen\) showed no sign of life since/);
    } finally {
      frozen.process.kill("SIGCONT");
    }
    // Resumed, the frozen run finds its lease lapsed at its commit point: no Completed, no manifest.
    await idle(frozen);
    // The tracker's sweep, and the resumed unloader recording the lapse itself when the command came back to it:
    // the same final failure, never a Completed.
    const outcomes = outcomesOf(requestId);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes.map((o) => JSON.stringify(o)))).toEqual(
      new Set([JSON.stringify(["TableUnloadFailed", 1, "TIMEOUT"])]),
    );
    const plan = await lifecycle.waitForEvent(
      "the plan",
      (e) => e.type === "ExportPlanned" && e.value.requestId === requestId,
    );
    const prefix = plan.type === "ExportPlanned" ? (plan.value.tables[0]?.outputPrefix ?? "-") : "-";
    const keys = (await bucketStore().list(prefix)).map((o) => o.key);
    expect(keys.filter((key) => key.endsWith("manifest"))).toEqual([]);
  }, 120_000);
});

describe("an unloader frozen (SIGSTOP) beside a second replica", () => {
  it("has its table redone by the other replica, and the frozen run, resumed, is fenced", async () => {
    // Both members first, so no rebalance moves the command while it runs; then freeze whichever runs it.
    const unloaders = [await startUnloader("replica-a"), await startUnloader("replica-b")];
    for (const unloader of unloaders) cleanups.push(() => crash(unloader));
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const first = await lifecycle.waitForEvent(
      `a TableUnloadStarted of ${requestId}`,
      (e): e is Started => e.type === "TableUnloadStarted" && e.value.requestId === requestId,
    );
    const frozen = unloaders.find((u) => u.name === `unloader#${first.value.worker}`)!;
    const survivor = unloaders.find((u) => u !== frozen)!;
    await waitForViewQuery(TABLES[0]!);
    frozen.process.kill("SIGSTOP");
    let resumed = false;
    try {
      const redone = await startedBy(requestId, survivor.name.replace("unloader#", ""), 60_000).catch(
        (error: Error) => {
          const logs = deployment.logs.filter((line) => line.startsWith(survivor.name)).slice(-25);
          throw new Error(`${error.message}\n--- ${survivor.name} ---\n${logs.join("\n")}`);
        },
      );
      expect(redone.value.attempt).toBeGreaterThan(first.value.attempt);
      const status = await waitForExport(deployment.graphqlUrl, requestId, 60_000);
      expect(status.status).toBe("Completed");
      frozen.process.kill("SIGCONT");
      resumed = true;
      let rows = 0;
      for (const file of status.tables[0]?.files ?? []) {
        const response = await fetch(file.url);
        rows += (await readParquet(new Uint8Array(await response.arrayBuffer()))).rows.length;
      }
      expect(rows).toBe(ROWS);
      await idle(frozen);
      expect(outcomesOf(requestId)).toEqual([["TableUnloadCompleted", redone.value.attempt, null]]);
    } finally {
      if (!resumed) frozen.process.kill("SIGCONT");
    }
  }, 150_000);
});
