import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { postgresPublishLock } from "../../src/adapters/publish-lock.js";

// The lock on the real state database, with two pools standing for two unloader replicas.
let replicaA: pg.Pool;
let replicaB: pg.Pool;

beforeAll(() => {
  replicaA = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 3 });
  replicaB = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 3 });
});
afterAll(async () => {
  await replicaA.end();
  await replicaB.end();
});

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a publish that records when it starts and ends. */
function recorder() {
  const events: string[] = [];
  const publish = (name: string, ms: number) => async (): Promise<string> => {
    events.push(`${name}:start`);
    await delay(ms);
    events.push(`${name}:end`);
    return name;
  };
  return { events, publish };
}

describe("postgresPublishLock", () => {
  it("tells the publish when its lock went with its connection, so it stops before the next change", async () => {
    const namespace = `${randomUUID()}.`;
    const lock = postgresPublishLock(replicaA, namespace, 20);
    const other = postgresPublishLock(replicaB, namespace, 20);
    let secondRan = false;
    const outcome = lock("p/lost/", async (stillHeld) => {
      await stillHeld();
      // The lock's session is terminated (a failover, a network cut): the lock is released with it.
      await replicaB.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND objid = (hashtextextended($1, 0) & 4294967295)::oid`,
        [`${namespace}data-exporter.publish:p/lost/`],
      );
      await other("p/lost/", () => Promise.resolve(void (secondRan = true)));
      await stillHeld();
    });
    await expect(outcome).rejects.toMatchObject({ name: "PublishLockLost", retryable: true });
    expect(secondRan).toBe(true);
  });

  it("runs publishes of one prefix from two replicas one after the other", async () => {
    const namespace = `${randomUUID()}.`;
    const [a, b] = [postgresPublishLock(replicaA, namespace, 20), postgresPublishLock(replicaB, namespace, 20)];
    const { events, publish } = recorder();
    const results = await Promise.all([
      a("dev/2026/11/25/way/", publish("a", 300)),
      delay(50).then(() => b("dev/2026/11/25/way/", publish("b", 10))),
    ]);
    expect(results).toEqual(["a", "b"]);
    expect(events).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });

  it("runs publishes of different prefixes side by side", async () => {
    const namespace = `${randomUUID()}.`;
    const lock = postgresPublishLock(replicaA, namespace, 20);
    const { events, publish } = recorder();
    await Promise.all([
      lock("p/way/", publish("way", 300)),
      delay(50).then(() => lock("p/cctv/", publish("cctv", 10))),
    ]);
    expect(events).toEqual(["way:start", "cctv:start", "cctv:end", "way:end"]);
  });

  it("releases the lock when the publish fails, and stops waiting when the signal aborts", async () => {
    const namespace = `${randomUUID()}.`;
    const lock = postgresPublishLock(replicaA, namespace, 20);
    await expect(lock("p/", () => Promise.reject(new Error("S3 down")))).rejects.toThrow("S3 down");
    await expect(lock("p/", () => Promise.resolve("after a failure"))).resolves.toBe("after a failure");

    let release: () => void = () => undefined;
    const holding = lock("p/", () => new Promise<void>((resolve) => (release = resolve)));
    await delay(50);
    const timeout = AbortSignal.timeout(150);
    const waited = Date.now();
    await expect(
      postgresPublishLock(replicaB, namespace, 20)("p/", () => Promise.resolve("never"), timeout),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - waited).toBeLessThan(2_000);
    release();
    await holding;
    expect(replicaA.totalCount - replicaA.idleCount).toBe(0);
  });
});
