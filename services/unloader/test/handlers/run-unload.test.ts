import { describe, expect, it } from "@jest/globals";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import { WarehouseError, type SerializePublish, type UnloadOptions } from "@data-exporter/warehouse";
import type { TableUnloadEvent } from "@data-exporter/contracts";
import { exportTable } from "../../src/handlers/export-table.js";
import { runUnload, type UnloaderDeps } from "../../src/handlers/run-unload.js";
import { MemoryUnloadJobs } from "../support/memory-jobs.js";

const command: UnloadTableCommand = {
  requestId: "r1",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 0,
  windowEnd: 1,
  table: "way",
  schema: "pm_internal",
  timeColumn: null,
  columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }],
  rowFilter: {
    sourceColumn: null,
    allowedSources: [],
    unrestrictedSources: [],
    metricColumn: null,
    allowedMetrics: [],
  },
  audit: [],
  outputPrefix: "p/",
  fileBaseName: "way",
  configVersion: "cfg",
  attempt: 1,
  run: 0,
  issuedAt: 0,
  snapshot: null,
};
const result = {
  rows: 3,
  bytes: 30,
  files: [{ key: "p/way_000.parquet", rows: 3, bytes: 30, sha256: "ab", versionId: "v1" }],
  manifestKey: "p/manifest",
  manifestVersionId: "v2",
};

function harness(outcomes: Array<Error | "ok">, maxAttempts = 3) {
  const events: TableUnloadEvent[] = [];
  const sleeps: number[] = [];
  /** What happened, in order: slot acquired/released, events published, backoff sleeps. */
  const trace: string[] = [];
  const unexpected: unknown[] = [];
  let call = 0;
  const deps: UnloaderDeps = {
    acquireSlot: () => {
      trace.push("acquire");
      return Promise.resolve({
        lost: new AbortController().signal,
        release: () => Promise.resolve(void trace.push("release")),
      });
    },
    unload: () => {
      const next = outcomes[call++];
      return next === "ok" ? Promise.resolve(result) : Promise.reject(next ?? new Error("no more outcomes"));
    },
    publish: (event) => Promise.resolve(void (events.push(event), trace.push(event.type))),
    jobs: new MemoryUnloadJobs(() => 42),
    maxAttempts,
    maxCommandAgeMs: 60_000,
    backoffMs: (attempt) => 100 * attempt,
    sleep: (ms) => Promise.resolve(void (sleeps.push(ms), trace.push(`sleep ${ms}`))),
    timeoutMs: 60_000,
    leaseMs: 60_000,
    heartbeatMs: 20_000,
    worker: "w1",
    now: () => 42,
    shutdown: new AbortController().signal,
    onUnexpectedError: (error) => void unexpected.push(error),
    onHeartbeatError: () => undefined,
  };
  return { deps, events, sleeps, trace, unexpected };
}

describe("runUnload", () => {
  it("publishes Started then Completed with the files", async () => {
    const { deps, events } = harness(["ok"]);
    expect((await runUnload(command, deps)).status).toBe("COMPLETED");
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadCompleted"]);
    expect(events[1]?.value).toMatchObject({ rows: 3, bytes: 30, manifestKey: "p/manifest", attempt: 1 });
  });

  it("retries a retryable failure with backoff, then succeeds", async () => {
    const { deps, events, sleeps } = harness([
      new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "connection reset", { retryable: true }),
      "ok",
    ]);
    const outcome = await runUnload(command, deps);
    expect(outcome).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(events.map((e) => [e.type, e.value.attempt])).toEqual([
      ["TableUnloadStarted", 1],
      ["TableUnloadFailed", 1],
      ["TableUnloadStarted", 2],
      ["TableUnloadCompleted", 2],
    ]);
    expect(events[1]?.value).toMatchObject({ finalAttempt: false, retryable: true, errorKind: "WAREHOUSE_QUERY" });
    expect(sleeps).toEqual([100]);
  });

  it("fails for good after maxAttempts", async () => {
    const transient = () =>
      new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "connection reset", { retryable: true });
    const { deps, events } = harness([transient(), transient(), transient()], 3);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 3 });
    const failures = events
      .filter((e) => e.type === "TableUnloadFailed")
      .map((e) => (e.value as { finalAttempt: boolean }).finalAttempt);
    expect(failures).toEqual([false, false, true]);
  });

  it("does not retry what cannot succeed", async () => {
    const { deps, events } = harness([
      new WarehouseError("TABLE_NOT_FOUND", "WAREHOUSE_QUERY", "table pm_internal.way does not exist"),
    ]);
    expect(await runUnload(command, deps)).toMatchObject({
      status: "FAILED",
      attempts: 1,
      error: { kind: "WAREHOUSE_QUERY", message: "table pm_internal.way does not exist" },
    });
    expect(events.at(-1)?.value).toMatchObject({ finalAttempt: true });
  });

  it("reports an untyped error as UNKNOWN without leaking its message, retried within MAX_RETRY_COUNT", async () => {
    const secret = () => new Error("secret stack detail");
    const { deps, events, unexpected } = harness([secret(), secret(), secret()]);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 3 });
    expect(unexpected).toHaveLength(3);
    const failures = events.filter((e) => e.type === "TableUnloadFailed").map((e) => e.value);
    expect(failures.map((f) => [f.errorKind, f.errorMessage, f.retryable])).toEqual([
      ["UNKNOWN", "unexpected unloader error", true],
      ["UNKNOWN", "unexpected unloader error", true],
      ["UNKNOWN", "unexpected unloader error", true],
    ]);
    expect(JSON.stringify(events)).not.toContain("secret stack detail");
  });

  it("holds a slot from before Started until the outcome is published, and gives it up during the backoff", async () => {
    const { deps, trace } = harness([
      new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "connection reset", { retryable: true }),
      "ok",
    ]);
    await runUnload(command, deps);
    expect(trace).toEqual([
      "acquire",
      "TableUnloadStarted",
      "TableUnloadFailed",
      "release",
      "sleep 100",
      "acquire",
      "TableUnloadStarted",
      "TableUnloadCompleted",
      "release",
    ]);
  });

  it("releases the slot when publishing throws", async () => {
    const { deps, trace } = harness(["ok"]);
    const failing: UnloaderDeps = { ...deps, publish: () => Promise.reject(new Error("broker down")) };
    await expect(runUnload(command, failing)).rejects.toThrow("broker down");
    expect(trace).toEqual(["acquire", "release"]);
  });

  it("stops the unload when its slot is lost, and retries it", async () => {
    const { deps, events } = harness([]);
    const lost = new AbortController();
    let attempts = 0;
    const withLostSlot: UnloaderDeps = {
      ...deps,
      // The first attempt's slot is lost mid-unload (its lock connection dropped); the second keeps its slot.
      acquireSlot: () =>
        Promise.resolve({
          lost: attempts === 0 ? lost.signal : new AbortController().signal,
          release: () => Promise.resolve(),
        }),
      unload: (_command, { signal }) => {
        if (++attempts > 1) return Promise.resolve(result);
        return new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () =>
            reject(new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "unload aborted", { retryable: true })),
          );
          lost.abort(new Error("slot lost"));
        });
      },
    };
    expect(await runUnload(command, withLostSlot)).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(events.map((e) => e.type)).toEqual([
      "TableUnloadStarted",
      "TableUnloadFailed",
      "TableUnloadStarted",
      "TableUnloadCompleted",
    ]);
  });

  it("does not start while waiting for a slot is cut short by shutdown", async () => {
    const { deps, events } = harness(["ok"]);
    const shutdown = new AbortController();
    const waiting: UnloaderDeps = {
      ...deps,
      shutdown: shutdown.signal,
      acquireSlot: (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))),
    };
    const run = runUnload(command, waiting);
    shutdown.abort(new Error("unloader shutting down"));
    await expect(run).rejects.toThrow("unloader shutting down");
    expect(events).toEqual([]);
    // The attempt it had begun is given back: it does not count against the table's budget.
    expect((deps.jobs as MemoryUnloadJobs).row(command)).toMatchObject({ attempts: 1, interrupted: 1 });
  });

  it("refuses a command planned longer ago than MAX_COMMAND_AGE_MS, without touching the warehouse", async () => {
    const { deps, events, trace } = harness(["ok"]);
    const outcome = await runUnload({ ...command, issuedAt: 42 - 60_001 }, deps);
    expect(outcome).toMatchObject({ status: "FAILED", error: { kind: "INVALID_COMMAND" } });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadFailed"]);
    expect(events[0]?.value).toMatchObject({
      finalAttempt: true,
      retryable: false,
      errorMessage: expect.stringContaining("request the export again") as unknown,
    });
    expect(trace).not.toContain("acquire");
  });

  it("runs a snapshot command (its rows travel with it) without taking a warehouse slot, with the same protocol", async () => {
    const { deps, events, trace } = harness([
      new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "upload reset", { retryable: true }),
      "ok",
    ]);
    const snapshot = { ...command, table: "classifications", snapshot: { loadedAt: 1, tables: [] } };
    expect((await runUnload(snapshot, deps)).status).toBe("COMPLETED");
    expect(trace).not.toContain("acquire");
    expect(events.map((e) => [e.type, e.value.attempt])).toEqual([
      ["TableUnloadStarted", 1],
      ["TableUnloadFailed", 1],
      ["TableUnloadStarted", 2],
      ["TableUnloadCompleted", 2],
    ]);
  });
});

describe("runUnload: durable attempts, leases and fencing", () => {
  const transient = () =>
    new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "connection reset", { retryable: true });

  it("numbers attempts from the job's record: a redelivered command continues the count", async () => {
    const { deps, events } = harness([transient(), "ok"]);
    // A first delivery began attempt 1 and its unloader died (no outcome): the record says 1.
    await deps.jobs.begin(command, "dead-worker", 60_000, 0);
    expect(await runUnload(command, deps)).toMatchObject({ status: "COMPLETED", attempts: 3 });
    expect(events.map((e) => [e.type, e.value.attempt])).toEqual([
      ["TableUnloadStarted", 2],
      ["TableUnloadFailed", 2],
      ["TableUnloadStarted", 3],
      ["TableUnloadCompleted", 3],
    ]);
  });

  it("keeps the budget across crashes: a command whose unloaders keep dying ends FAILED, saying why", async () => {
    const { deps, events } = harness(["ok"], 3);
    for (let i = 0; i < 3; i++) await deps.jobs.begin(command, "killed", 60_000, 0);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 4 });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadFailed"]);
    expect(events[0]?.value).toMatchObject({
      attempt: 4,
      finalAttempt: true,
      errorMessage: expect.stringContaining("gave up after 3 attempts") as unknown,
    });
  });

  it("does not count attempts given back after a shutdown or rebalance", async () => {
    const { deps } = harness(["ok"], 1);
    const begun = await deps.jobs.begin(command, "stopping", 60_000, 0);
    await deps.jobs.giveBack(command, begun.kind === "started" ? begun.attempt : 0);
    expect(await runUnload(command, deps)).toMatchObject({ status: "COMPLETED", attempts: 2 });
  });

  it("publishes a recorded outcome again instead of running a redelivered command", async () => {
    const { deps, events } = harness(["ok"]);
    await runUnload(command, deps);
    const unloadsBefore = events.length;
    expect(await runUnload(command, deps)).toMatchObject({ status: "COMPLETED" });
    expect(events.slice(unloadsBefore).map((e) => e.type)).toEqual(["TableUnloadCompleted"]);
    expect(events.at(-1)).toEqual(events[unloadsBefore - 1]);
  });

  it("publishes the recorded outcome when publishing it failed the first time (the command is redelivered)", async () => {
    const { deps, events } = harness(["ok"]);
    let failNext = false;
    const flaky: UnloaderDeps = {
      ...deps,
      publish: (event) => {
        if (event.type === "TableUnloadCompleted" && !failNext) {
          failNext = true;
          return Promise.reject(new Error("broker down"));
        }
        return deps.publish(event);
      },
    };
    await expect(runUnload(command, flaky)).rejects.toThrow("broker down");
    expect(await runUnload(command, flaky)).toMatchObject({ status: "COMPLETED" });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadCompleted"]);
  });

  it("a recorded outcome whose publish outlasts the lease is retried, not reported SUPERSEDED (chaos seed 7)", async () => {
    const { deps, events } = harness(["ok"]);
    let brokerDown = true;
    const slowBroker: UnloaderDeps = {
      ...deps,
      heartbeatMs: 5,
      // Kafka is restarting: the Completed event's publish retries for a while and fails, while renewals keep
      // running (and would find the job no longer RUNNING).
      publish: async (event) => {
        if (event.type === "TableUnloadCompleted" && brokerDown) {
          await new Promise((resolve) => setTimeout(resolve, 60));
          brokerDown = false;
          throw new Error("broker down");
        }
        return deps.publish(event);
      },
    };
    await expect(runUnload(command, slowBroker)).rejects.toThrow("broker down");
    // The consumer retries the message: the recorded outcome is published, nothing is unloaded again.
    expect(await runUnload(command, slowBroker)).toMatchObject({ status: "COMPLETED", attempts: 1 });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadCompleted"]);
  });

  it("a run whose lease was taken over publishes nothing at its commit point (SUPERSEDED)", async () => {
    const { deps, events } = harness([]);
    const superseded: UnloaderDeps = {
      ...deps,
      unload: async (_c, { beforeCommit }) => {
        // Another unloader took the table over (the command was redelivered to it) while this one ran.
        await deps.jobs.begin(command, "w2", 60_000, 0);
        await beforeCommit();
        return result;
      },
    };
    expect(await runUnload(command, superseded)).toMatchObject({ status: "SUPERSEDED" });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted"]);
  });

  it("a delivery that finds the last run's lease lapsed records and publishes it as stuck instead of running", async () => {
    let clock = 42;
    const { deps, events, trace } = harness(["ok"]);
    const jobs = new MemoryUnloadJobs(() => clock);
    await jobs.begin(command, "frozen", 1_000, 0);
    clock += 5_000;
    const later: UnloaderDeps = { ...deps, jobs, now: () => clock };
    expect(await runUnload(command, later)).toMatchObject({ status: "FAILED", error: { kind: "TIMEOUT" } });
    expect(trace).not.toContain("acquire");
    expect(events).toEqual([
      {
        type: "TableUnloadFailed",
        value: expect.objectContaining({
          attempt: 1,
          finalAttempt: true,
          errorMessage: expect.stringMatching(/^stuck: attempt 1 \(worker frozen\) let its lease lapse/) as unknown,
        }) as unknown,
      },
    ]);
    // Redelivered again: the recorded failure, not a run.
    expect(await runUnload(command, later)).toMatchObject({ status: "FAILED" });
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
  });

  it("a run stalled past its lease (a frozen process) is fenced: no outcome is recorded or published", async () => {
    let clock = 42;
    const { deps, events } = harness([]);
    const jobs = new MemoryUnloadJobs(() => clock);
    const stalled: UnloaderDeps = {
      ...deps,
      jobs,
      now: () => clock,
      unload: async (_c, { beforeCommit }) => {
        clock += 61_000; // longer than leaseMs with no renewal: the status tracker fails the table meanwhile
        await beforeCommit();
        return result;
      },
    };
    expect(await runUnload(command, stalled)).toMatchObject({ status: "SUPERSEDED" });
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted"]);
    expect(jobs.row(command)?.state).toBe("RUNNING");
  });
});

describe("exportTable", () => {
  it("sends a command with snapshot rows to the snapshot exporter and every other one to the warehouse, with the deployment's publish lock", async () => {
    const seen: string[] = [];
    const serialize: SerializePublish = (_prefix, publish) => publish(() => Promise.resolve());
    const exporter = (name: string) => ({
      unload: (c: UnloadTableCommand, options?: UnloadOptions) =>
        Promise.resolve(void seen.push(`${name}:${c.table}:${options?.serializePublish === serialize}`)).then(
          () => result,
        ),
    });
    const run = exportTable({ warehouse: exporter("warehouse"), snapshot: exporter("snapshot") }, serialize);
    const options = { signal: new AbortController().signal, beforeCommit: () => Promise.resolve() };
    await run(command, options);
    await run({ ...command, table: "classifications", snapshot: { loadedAt: 1, tables: [] } }, options);
    expect(seen).toEqual(["warehouse:way:true", "snapshot:classifications:true"]);
  });
});

describe("runUnload: cancelled exports and retried runs", () => {
  const permanent = () =>
    new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", "no such column", { retryable: false });

  it("stops a running unload when its export is cancelled: the unload's signal aborts, the table reports CANCELLED", async () => {
    const { deps, events } = harness([]);
    const jobs = deps.jobs as MemoryUnloadJobs;
    let lease: { renewNow: () => Promise<void> } | undefined;
    let signalled = false;
    const running = runUnload(command, {
      ...deps,
      onLease: (_requestId, held) => void (lease = held),
      unload: (_command, options) =>
        new Promise((_resolve, reject) =>
          options.signal.addEventListener("abort", () => {
            signalled = true;
            reject(new Error("query cancelled"));
          }),
        ),
    });
    await new Promise((resolve) => setImmediate(resolve));
    jobs.cancel("r1", 0, "alice");
    await lease?.renewNow();
    expect(await running).toEqual({ status: "CANCELLED", attempts: 1 });
    expect(signalled).toBe(true);
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadFailed"]);
    expect(events[1]?.value).toMatchObject({
      attempt: 1,
      run: 0,
      cancelled: true,
      cancelledBy: "alice",
      finalAttempt: true,
      errorMessage: "cancelled by alice: no file of this table was published",
    });
    expect(jobs.row(command)?.state).toBe("CANCELLED");
  });

  it("never starts a command of a cancelled run; a redelivery reports the cancellation again", async () => {
    const { deps, events } = harness(["ok"]);
    (deps.jobs as MemoryUnloadJobs).cancel("r1", 0, null);
    expect(await runUnload(command, deps)).toEqual({ status: "CANCELLED", attempts: 0 });
    expect(await runUnload(command, deps)).toEqual({ status: "CANCELLED", attempts: 0 });
    expect(events.map((e) => [e.type, e.value.attempt, (e.value as { cancelled?: boolean }).cancelled])).toEqual([
      ["TableUnloadFailed", 0, true],
      ["TableUnloadFailed", 0, true],
    ]);
  });

  it("a retry's command reopens the failed job with a fresh budget; commands of the earlier run are refused", async () => {
    const { deps, events } = harness([permanent(), "ok"], 1);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 1 });
    const retry = { ...command, run: 1 };
    expect(await runUnload(retry, deps)).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(events.slice(2).map((e) => [e.type, e.value.attempt, e.value.run])).toEqual([
      ["TableUnloadStarted", 2, 1],
      ["TableUnloadCompleted", 2, 1],
    ]);
    // The first run's command redelivered now: not run, nothing published.
    expect(await runUnload(command, deps)).toEqual({ status: "SUPERSEDED", attempts: 0 });
    expect(events).toHaveLength(4);
  });

  it("a cancellation of the earlier run does not stop the retry", async () => {
    const { deps } = harness([permanent(), "ok"], 1);
    const jobs = deps.jobs as MemoryUnloadJobs;
    await runUnload(command, deps);
    jobs.cancel("r1", 0, "alice");
    expect(await runUnload({ ...command, run: 1 }, deps)).toMatchObject({ status: "COMPLETED" });
  });
});
