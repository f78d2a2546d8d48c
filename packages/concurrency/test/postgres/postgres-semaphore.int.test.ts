import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { waitFor } from "@data-exporter/runtime";
import { PostgresSemaphore, SlotLostError, semaphoreLockClass, type SemaphoreLease } from "../../src/index.js";

/** Against the real PostgreSQL of the test stack; each test names its own semaphore, so runs never share slots. */
const pools: pg.Pool[] = [];
function pool(max = 10): pg.Pool {
  const created = new pg.Pool({ connectionString: process.env.DATABASE_URL, max });
  pools.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

const uniqueName = (): string => `test.semaphore.${randomBytes(4).toString("hex")}`;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Slots of the semaphore held right now, as PostgreSQL sees them: the advisory locks granted. */
async function heldSlots(name: string): Promise<number[]> {
  const { rows } = await pool(1).query<{ slot: number }>(
    `SELECT objid::int AS slot FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::int::oid
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY 1`,
    [semaphoreLockClass(name)],
  );
  return rows.map((r) => r.slot);
}

describe("PostgresSemaphore", () => {
  it("lets at most N of N+k acquirers (each with its own pool, as separate processes would) hold a slot", async () => {
    const name = uniqueName();
    const slots = 3;
    let current = 0;
    let peak = 0;
    const lockSamples: number[] = [];
    const worker = async (): Promise<void> => {
      const semaphore = new PostgresSemaphore({ pool: pool(2), name, slots, pollMinMs: 10, pollMaxMs: 50 });
      const lease = await semaphore.acquire();
      current++;
      peak = Math.max(peak, current);
      lockSamples.push((await heldSlots(name)).length);
      await delay(150);
      current--;
      await lease.release();
    };
    await Promise.all(Array.from({ length: slots + 5 }, () => worker()));
    expect(peak).toBe(slots);
    expect(Math.max(...lockSamples)).toBe(slots);
    expect(await heldSlots(name)).toEqual([]);
  });

  it("hands out distinct slots and takes a released one again", async () => {
    const name = uniqueName();
    const semaphore = new PostgresSemaphore({ pool: pool(), name, slots: 2, pollMinMs: 10 });
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    expect([a.slot, b.slot].sort()).toEqual([0, 1]);
    expect(await heldSlots(name)).toEqual([0, 1]);
    await a.release();
    await a.release();
    const c = await semaphore.acquire();
    expect(c.slot).toBe(a.slot);
    await Promise.all([b.release(), c.release()]);
    expect(await heldSlots(name)).toEqual([]);
  });

  it("calls onWait once while every slot is taken, and rejects with the signal's reason on abort", async () => {
    const name = uniqueName();
    const semaphore = new PostgresSemaphore({ pool: pool(), name, slots: 1, pollMinMs: 10, pollMaxMs: 20 });
    const held = await semaphore.acquire();
    const controller = new AbortController();
    let waits = 0;
    const waiting = semaphore.acquire(controller.signal, { onWait: () => waits++ });
    await waitFor("the acquirer to wait", () => (waits === 1 ? true : undefined));
    controller.abort(new Error("shutting down"));
    await expect(waiting).rejects.toThrow("shutting down");
    expect(waits).toBe(1);
    await held.release();
  });

  it("keeps semaphores of different names apart", async () => {
    const [x, y] = [
      new PostgresSemaphore({ pool: pool(), name: uniqueName(), slots: 1 }),
      new PostgresSemaphore({ pool: pool(), name: uniqueName(), slots: 1 }),
    ];
    // One slot each: both are granted at once only if the names do not share slots.
    const leases = await Promise.all([x.acquire(AbortSignal.timeout(5_000)), y.acquire(AbortSignal.timeout(5_000))]);
    expect(leases.map((l) => l.slot)).toEqual([0, 0]);
    await Promise.all(leases.map((l) => l.release()));
  });

  it("frees the slot when the holder's connection is lost, and tells the holder", async () => {
    const name = uniqueName();
    const holder = new PostgresSemaphore({ pool: pool(), name, slots: 1 });
    const lease: SemaphoreLease = await holder.acquire();
    const waiter = new PostgresSemaphore({ pool: pool(), name, slots: 1, pollMinMs: 20, pollMaxMs: 50 });
    let waiting = false;
    const waited = waiter.acquire(AbortSignal.timeout(10_000), { onWait: () => (waiting = true) });
    await waitFor("the waiter to wait", () => (waiting ? true : undefined));

    // As if the holder's process died or its network dropped: PostgreSQL ends the session that holds the lock.
    const admin = pool(1);
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid",
      [semaphoreLockClass(name)],
    );
    expect(rows).toHaveLength(1);
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);

    const next = await waited;
    expect(next.slot).toBe(0);
    await expect(
      new Promise((resolve) =>
        lease.lost.aborted
          ? resolve(lease.lost.reason)
          : lease.lost.addEventListener("abort", () => resolve(lease.lost.reason)),
      ),
    ).resolves.toBeInstanceOf(SlotLostError);
    await lease.release();
    await next.release();
    expect(await heldSlots(name)).toEqual([]);
  });

  it("rejects nonsense options", () => {
    expect(() => new PostgresSemaphore({ pool: pool(), name: "x", slots: 0 })).toThrow(
      /slots must be a positive integer/,
    );
  });
});
