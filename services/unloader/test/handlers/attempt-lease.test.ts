import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { AttemptLease, FencedError, type LeaseDeps } from "../../src/handlers/attempt-lease.js";

const key = { requestId: "r1", table: "way" };

function deps(renew: (attempt: number) => Promise<boolean>, clock: { now: number }) {
  const beats: number[] = [];
  const errors: unknown[] = [];
  const d: LeaseDeps = {
    jobs: { renew: async (_key, attempt) => ((await renew(attempt)) ? { kind: "held" } : { kind: "lost" }) },
    leaseMs: 30_000,
    heartbeatMs: 10_000,
    now: () => clock.now,
    onRenewed: (attempt) => Promise.resolve(void beats.push(attempt)),
    onRenewError: (error) => void errors.push(error),
  };
  return { d, beats, errors };
}

afterEach(() => {
  jest.useRealTimers();
});

describe("AttemptLease", () => {
  it("renews every heartbeat and publishes a heartbeat for the attempt it holds", async () => {
    jest.useFakeTimers();
    const clock = { now: 0 };
    const { d, beats } = deps(() => Promise.resolve(true), clock);
    const lease = new AttemptLease(key, 1, d);
    await jest.advanceTimersByTimeAsync(20_000);
    lease.switchTo(2);
    await jest.advanceTimersByTimeAsync(10_000);
    lease.stop();
    expect(beats).toEqual([1, 1, 2]);
    expect(lease.fenced.aborted).toBe(false);
  });

  it("is fenced when a renewal finds the job taken over, and check() then throws FencedError", async () => {
    const { d, beats } = deps(() => Promise.resolve(false), { now: 0 });
    const lease = new AttemptLease(key, 1, d);
    await expect(lease.check()).rejects.toBeInstanceOf(FencedError);
    expect(lease.fenced.aborted).toBe(true);
    expect(beats).toEqual([]);
    lease.stop();
  });

  it("rides out database errors while the lease lasts, and is fenced once a whole lease passed without renewal", async () => {
    const clock = { now: 0 };
    const { d, errors } = deps(() => Promise.reject(new Error("connection refused")), clock);
    const lease = new AttemptLease(key, 1, d);
    clock.now = 29_999;
    await lease.check();
    expect(lease.fenced.aborted).toBe(false);
    clock.now = 30_000;
    await expect(lease.check()).rejects.toBeInstanceOf(FencedError);
    expect(errors).toHaveLength(2);
    lease.stop();
  });

  it("ignores the answer of a renewal that was in flight when the next attempt began", async () => {
    let answer: (held: boolean) => void = () => undefined;
    const { d } = deps(
      (attempt) => (attempt === 1 ? new Promise<boolean>((resolve) => (answer = resolve)) : Promise.resolve(true)),
      { now: 0 },
    );
    const lease = new AttemptLease(key, 1, d);
    const renewing = lease.check();
    lease.switchTo(2);
    answer(false); // attempt 1's lease is gone because attempt 2 began: not a sign of being superseded
    await renewing;
    expect(lease.fenced.aborted).toBe(false);
    lease.stop();
  });
});
