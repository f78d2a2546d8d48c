import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { PostgresUnloadJobs } from "../../src/adapters/unload-jobs.js";
import type { JobOutcome } from "../../src/handlers/unload-job-store.js";

let pool: pg.Pool;
let jobs: PostgresUnloadJobs;
const schema = `uj_test_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 3 });
  jobs = new PostgresUnloadJobs(pool, schema);
  await jobs.migrate();
  await jobs.migrate(); // idempotent
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
});

const key = () => ({ requestId: randomUUID(), table: "way" });
const completed = (requestId: string, attempt: number): JobOutcome => ({
  type: "TableUnloadCompleted",
  value: {
    requestId,
    table: "way",
    attempt,
    run: 0,
    rows: 1,
    bytes: 2,
    files: [],
    manifestKey: "m",
    manifestVersionId: null,
    durationMs: 3,
    completedAt: 4,
  },
});

describe("PostgresUnloadJobs", () => {
  it("counts attempts across deliveries and fences every attempt but the latest", async () => {
    const k = key();
    expect(await jobs.begin(k, "w1", 60_000, 0)).toEqual({
      kind: "started",
      attempt: 1,
      interrupted: 0,
      runStartedAfter: 0,
    });
    expect(await jobs.begin(k, "w2", 60_000, 0)).toEqual({
      kind: "started",
      attempt: 2,
      interrupted: 0,
      runStartedAfter: 0,
    });
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "lost" });
    expect(await jobs.finish(k, 1, completed(k.requestId, 1))).toBe(false);
    expect(await jobs.renew(k, 2, 60_000)).toEqual({ kind: "held" });
    expect(await jobs.finish(k, 2, completed(k.requestId, 2))).toBe(true);
  });

  it("returns the recorded outcome to a redelivered command instead of a new attempt", async () => {
    const k = key();
    await jobs.begin(k, "w1", 60_000, 0);
    await jobs.finish(k, 1, completed(k.requestId, 1));
    expect(await jobs.begin(k, "w2", 60_000, 0)).toEqual({
      kind: "finished",
      attempts: 1,
      outcome: completed(k.requestId, 1),
    });
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "lost" });
  });

  it("never renews a lapsed lease, and answers the next delivery that the job lapsed until it is recorded", async () => {
    const k = key();
    await jobs.begin(k, "w1", 1, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "lost" });
    expect(await jobs.finish(k, 1, completed(k.requestId, 1))).toBe(false);
    await jobs.giveBack(k, 1); // a lapsed lease cannot be given back
    expect(await jobs.begin(k, "w2", 60_000, 0)).toMatchObject({ kind: "lapsed", attempts: 1, worker: "w1" });
    const stuck: JobOutcome = {
      type: "TableUnloadFailed",
      value: {
        requestId: k.requestId,
        table: "way",
        attempt: 1,
        run: 0,
        errorKind: "TIMEOUT",
        errorMessage: "stuck",
        retryable: false,
        finalAttempt: true,
        failedAt: 5,
        cancelled: false,
        cancelledBy: null,
      },
    };
    expect(await jobs.finishLapsed(k, stuck)).toBe(true);
    expect(await jobs.finishLapsed(k, stuck)).toBe(false);
    expect(await jobs.begin(k, "w3", 60_000, 0)).toEqual({ kind: "finished", attempts: 1, outcome: stuck });
  });

  it("counts an attempt given back as interrupted, and lets the next one start at once", async () => {
    const k = key();
    await jobs.begin(k, "w1", 60_000, 0);
    await jobs.giveBack(k, 1);
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "lost" });
    expect(await jobs.begin(k, "w2", 60_000, 0)).toEqual({
      kind: "started",
      attempt: 2,
      interrupted: 1,
      runStartedAfter: 0,
    });
  });

  it("lets one of two racing deliveries hold the job", async () => {
    const k = key();
    const [a, b] = await Promise.all([jobs.begin(k, "w1", 60_000, 0), jobs.begin(k, "w2", 60_000, 0)]);
    const attempts = [a, b].map((s) => (s.kind === "started" ? s.attempt : 0)).sort();
    expect(attempts).toEqual([1, 2]);
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "lost" });
    expect(await jobs.renew(k, 2, 60_000)).toEqual({ kind: "held" });
  });

  it("fences a cancelled run: a running attempt's renewal says cancelled, and no new attempt of that run starts", async () => {
    const k = key();
    expect(await jobs.begin(k, "w1", 60_000, 0)).toMatchObject({ kind: "started", attempt: 1 });
    await jobs.cancel(k.requestId, 0, "alice", Date.now());
    expect(await jobs.renew(k, 1, 60_000)).toEqual({ kind: "cancelled", cancelledBy: "alice" });
    expect(await jobs.begin(k, "w2", 60_000, 0)).toEqual({ kind: "cancelled", attempts: 1, cancelledBy: "alice" });
    const other = { requestId: k.requestId, table: "cctv" };
    expect(await jobs.begin(other, "w2", 60_000, 0)).toEqual({ kind: "cancelled", attempts: 0, cancelledBy: "alice" });
    const stopped = { ...completed(k.requestId, 1) };
    expect(await jobs.finishCancelled(k, 1, stopped)).toBe(true);
    expect(await jobs.finishCancelled(k, 1, stopped)).toBe(false);
    // A second cancellation of the same run changes nothing; an earlier run's cannot move the fence back.
    await jobs.cancel(k.requestId, 0, "bob", Date.now());
    expect(await jobs.begin(other, "w2", 60_000, 0)).toMatchObject({ cancelledBy: "alice" });
  });

  it("a retry's run reopens a failed or cancelled job with a fresh budget; the earlier run's commands are stale", async () => {
    const k = key();
    await jobs.begin(k, "w1", 60_000, 0);
    await jobs.giveBack(k, 1);
    await jobs.begin(k, "w1", 60_000, 0);
    const failed: JobOutcome = {
      type: "TableUnloadFailed",
      value: {
        requestId: k.requestId,
        table: "way",
        attempt: 2,
        run: 0,
        errorKind: "WAREHOUSE_QUERY",
        errorMessage: "no such column",
        retryable: false,
        finalAttempt: true,
        failedAt: 5,
        cancelled: false,
        cancelledBy: null,
      },
    };
    expect(await jobs.finish(k, 2, failed)).toBe(true);
    await jobs.cancel(k.requestId, 0, "alice", Date.now()); // a cancellation of the finished run does not fence run 1
    expect(await jobs.begin(k, "w2", 60_000, 1)).toEqual({
      kind: "started",
      attempt: 3,
      interrupted: 0,
      runStartedAfter: 2,
    });
    expect(await jobs.renew(k, 3, 60_000)).toEqual({ kind: "held" });
    expect(await jobs.begin(k, "w3", 60_000, 0)).toEqual({ kind: "stale", run: 1 });
    expect(await jobs.finish(k, 3, completed(k.requestId, 3))).toBe(true);
    // A completed job is never reopened, whatever run asks.
    expect(await jobs.begin(k, "w3", 60_000, 2)).toMatchObject({ kind: "finished", attempts: 3 });
  });
});
