import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Envelope } from "@data-exporter/bus";
import { waitFor } from "@data-exporter/runtime";
import kafkajs from "kafkajs";
import pg from "pg";
import {
  EventRecorder,
  exportOnlySlowViews,
  firstDemoDay,
  freePort,
  kafkaFromEnv,
  requestData,
  type RequestStatusResult,
  type RunningService,
  spawnService,
  startDeployment,
  type TestDeployment,
  unloadSlotHolders,
  waitForExport,
  waitUntilReady,
  scrapeMetrics,
} from "../../dev/harness/index.js";

/**
 * MAX_CONCURRENCY_LIMIT holds across unloader replicas: three unloader processes, each allowed three unloads at once,
 * export eight slow tables (views that sleep in PostgreSQL) with a limit of 2, then again with no effective limit.
 * Concurrency is observed twice, independently of the unloaders' own account: by sampling the semaphore's advisory
 * locks in pg_locks, and from the TableUnloadStarted/Completed times on the lifecycle topic.
 */
const slowTables = Array.from({ length: 8 }, (_, i) => `slow_${i}`);
const REPLICAS = 3;
const PARALLELISM = 3;
/** Each unload runs the view twice (count, then COPY), so one takes about twice this plus DuckDB's start-up. */
const SLEEP_SECONDS = 0.7;

let deployment: TestDeployment;
let admin: pg.Pool;
let lifecycle: EventRecorder<"exportLifecycle">;
let window: [number, number];

beforeAll(async () => {
  deployment = await startDeployment({ label: "unloadconc", services: ["request-api", "planner", "status-tracker"] });
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  // Only the slow views are exported: the demo tables are switched off, the views' columns all classified nr.
  await exportOnlySlowViews(deployment, { tables: slowTables, rows: 50, sleepSeconds: SLEEP_SECONDS });

  lifecycle = await EventRecorder.start(deployment.names.topicNamespace, ["exportLifecycle"]);

  window = firstDemoDay(deployment);
}, 120_000);

afterAll(async () => {
  await lifecycle?.stop();
  await admin?.end();
  await deployment?.stop();
});

interface Run {
  readonly status: RequestStatusResult;
  /** Most advisory locks of the unload semaphore seen at once. */
  readonly peakLocks: number;
  /** Most Started..Completed intervals of the request that overlap. */
  readonly peakLifecycle: number;
  /** Largest sums over the replicas of their /metrics gauges. */
  readonly peakMetrics: { held: number; waiting: number };
  readonly logs: string[];
}

/** Starts the unloader replicas, exports once, and measures how many unloads ran at once. */
async function exportWith(limit: number): Promise<Run> {
  const logs: string[] = [];
  const unloaders: RunningService[] = [];
  for (let i = 0; i < REPLICAS; i++) {
    const healthPort = await freePort();
    unloaders.push(
      spawnService("unloader", {
        healthPort,
        instance: String(i),
        env: {
          ...deployment.serviceEnv,
          HEALTH_PORT: String(healthPort),
          MAX_CONCURRENCY_LIMIT: String(limit),
          UNLOAD_PARALLELISM: String(PARALLELISM),
          RETRY_BACKOFF_MS: "200",
        },
        onLine: (service, line) => void logs.push(`${service} ${line}`),
      }),
    );
  }
  let sampling = true;
  let peakLocks = 0;
  const peakMetrics = { held: 0, waiting: 0 };
  try {
    await Promise.all(unloaders.map((u) => waitUntilReady(u, 60_000)));
    await waitForGroup(REPLICAS);

    const sampler = (async () => {
      while (sampling) {
        const holders = await unloadSlotHolders(admin, deployment.names.topicNamespace);
        peakLocks = Math.max(peakLocks, holders.length);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const metricsSampler = (async () => {
      while (sampling) {
        const all = await Promise.all(unloaders.map((u) => scrapeMetrics(u.healthUrl)));
        const sum = (name: string): number => all.reduce((total, metrics) => total + metrics.value(name), 0);
        peakMetrics.held = Math.max(peakMetrics.held, sum("data_exporter_unload_slots_held"));
        peakMetrics.waiting = Math.max(peakMetrics.waiting, sum("data_exporter_unloads_waiting_for_slot"));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const requestId = await requestData(deployment.graphqlUrl, ...window, { force: true });
    const status = await waitForExport(deployment.graphqlUrl, requestId, 60_000);
    sampling = false;
    await Promise.all([sampler, metricsSampler]);
    const events = await waitFor("every table's lifecycle events", () => {
      const mine = lifecycle.events.filter((e) => e.value.requestId === requestId);
      return mine.filter((e) => e.type === "TableUnloadCompleted").length >= slowTables.length ? mine : undefined;
    });
    return { status, peakLocks, peakLifecycle: peakOverlap(events), peakMetrics, logs };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${logs.slice(-30).join("\n")}`);
  } finally {
    sampling = false;
    await Promise.all(unloaders.map((u) => u.stop()));
  }
}

/** Waits until every replica is a member of the unloaders' group with partitions of its own, so all can work. */
async function waitForGroup(members: number): Promise<void> {
  const kafkaAdmin = kafkaFromEnv("e2e-group-check").admin();
  await kafkaAdmin.connect();
  try {
    await waitFor(
      `${members} unloaders to share the unload-commands partitions`,
      async () => {
        const { groups } = await kafkaAdmin.describeGroups([
          `${deployment.names.topicNamespace}data-exporter.unloader`,
        ]);
        const group = groups[0];
        if (group?.state !== "Stable" || group.members.length !== members) return undefined;
        const assigned = group.members.map(
          (m) =>
            Object.values(kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).flat()
              .length,
        );
        return assigned.every((n) => n > 0) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } finally {
    await kafkaAdmin.disconnect();
  }
}

/** Sweep over the attempts' [startedAt, completedAt] intervals; an end at the same millisecond as a start goes first. */
function peakOverlap(events: readonly Envelope<"exportLifecycle">[]): number {
  const points: [number, number][] = [];
  for (const e of events) {
    if (e.type === "TableUnloadStarted") points.push([e.value.startedAt, +1]);
    if (e.type === "TableUnloadCompleted") points.push([e.value.completedAt, -1]);
    if (e.type === "TableUnloadFailed") points.push([e.value.failedAt, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of points) peak = Math.max(peak, (current += delta));
  return peak;
}

describe("MAX_CONCURRENCY_LIMIT across unloader replicas", () => {
  let limited: Run;
  let unlimited: Run;

  it("runs at most 2 unloads at once with the limit at 2, and reaches 2", async () => {
    // Which replica gets which command depends on the request's id (the message key picks the partition), and a
    // replica takes the next commands only after its current fetch is handled: whether more than two unloads are
    // ready at one moment varies by run. The limit must hold in every run; the first run with contention (of at most
    // three) shows the replicas queueing for slots.
    const runs: Run[] = [];
    const waitedIn = (run: Run): boolean => run.logs.some((line) => line.includes("waiting for an unload slot"));
    do runs.push(await exportWith(2));
    while (!waitedIn(runs.at(-1)!) && runs.length < 3);
    for (const run of runs) {
      expect(run.status.status).toBe("Completed");
      expect(run.status.tables.map((t) => t.tableName).sort()).toEqual([...slowTables].sort());
      for (const table of run.status.tables) expect(table).toMatchObject({ status: "COMPLETED", rows: 50 });
      expect(run.peakLocks).toBeLessThanOrEqual(2);
      expect(run.peakLifecycle).toBeLessThanOrEqual(2);
      expect(run.peakMetrics.held).toBeLessThanOrEqual(2);
    }
    limited = runs.at(-1)!;
    expect(limited.peakLocks).toBe(2);
    expect(limited.peakLifecycle).toBe(2);
    // Replicas really did queue for slots, and say so in their logs and at /metrics.
    const waited = waitedIn(limited);
    expect({ waited, ...(waited ? {} : { logTail: limited.logs.slice(-60) }) }).toEqual({ waited: true });
    expect(limited.peakMetrics.waiting).toBeGreaterThan(0);
  }, 330_000);

  it("runs more than 2 at once when the limit is out of the way, so the limit is what held it at 2", async () => {
    unlimited = await exportWith(100);
    expect(unlimited.status.status).toBe("Completed");
    for (const table of unlimited.status.tables) expect(table).toMatchObject({ status: "COMPLETED", rows: 50 });
    expect(unlimited.peakLocks).toBeGreaterThan(2);
    expect(unlimited.peakLifecycle).toBeGreaterThan(2);
    expect(unlimited.peakLifecycle).toBeLessThanOrEqual(REPLICAS * PARALLELISM);
  }, 120_000);
});
