import { describe, expect, it } from "@jest/globals";
import { ReacquiringSemaphore } from "../src/index.js";
import type { Semaphore, SemaphoreLease } from "../src/index.js";

/** A semaphore whose leases the test can make lost, and which can be unavailable for a while. */
function fakeSemaphore() {
  const leases: { lease: SemaphoreLease; lose: () => void; released: boolean }[] = [];
  let available = true;
  const semaphore: Semaphore = {
    acquire: (signal) =>
      new Promise((resolve, reject) => {
        const grant = (): void => {
          const lost = new AbortController();
          const entry = {
            released: false,
            lose: () => lost.abort(new Error("connection ended")),
            lease: {
              slot: leases.length,
              lost: lost.signal,
              release: () => Promise.resolve(void (entry.released = true)),
            },
          };
          leases.push(entry);
          resolve(entry.lease);
        };
        if (available) return grant();
        const timer = setInterval(() => available && (clearInterval(timer), grant()), 5);
        signal?.addEventListener("abort", () => (clearInterval(timer), reject(signal.reason as Error)), { once: true });
      }),
  };
  return { semaphore, leases, setAvailable: (value: boolean) => void (available = value) };
}

const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ReacquiringSemaphore", () => {
  it("gets a lost slot back when the database returns within the grace period: the work goes on", async () => {
    const { semaphore, leases, setAvailable } = fakeSemaphore();
    const reacquired: number[] = [];
    const lease = await new ReacquiringSemaphore(semaphore, {
      graceMs: 1_000,
      onReacquired: (slot) => void reacquired.push(slot),
    }).acquire();
    setAvailable(false);
    leases[0]!.lose();
    await tick();
    setAvailable(true);
    await tick();
    expect(lease.lost.aborted).toBe(false);
    expect([lease.slot, reacquired]).toEqual([1, [1]]);
    await lease.release();
    expect(leases.map((l) => l.released)).toEqual([true, true]);
  });

  it("reports the loss when no slot comes back within the grace period", async () => {
    const { semaphore, leases, setAvailable } = fakeSemaphore();
    const lease = await new ReacquiringSemaphore(semaphore, { graceMs: 50 }).acquire();
    setAvailable(false);
    leases[0]!.lose();
    await tick(120);
    expect(lease.lost.aborted).toBe(true);
    expect((lease.lost.reason as Error).message).toBe("connection ended");
  });

  it("a lease released while it was getting its slot back keeps no slot", async () => {
    const { semaphore, leases, setAvailable } = fakeSemaphore();
    const lease = await new ReacquiringSemaphore(semaphore, { graceMs: 1_000 }).acquire();
    setAvailable(false);
    leases[0]!.lose();
    await lease.release();
    setAvailable(true);
    await tick();
    expect(leases.every((l) => l.released)).toBe(true);
    expect(lease.lost.aborted).toBe(false);
  });
});
