import { describe, expect, it } from "@jest/globals";
import { retryWithin } from "../src/index.js";

const transient = () => Object.assign(new Error("connection refused"), { retryable: true });
const fast = { backoff: { initialMs: 1, maxMs: 2 } };

describe("retryWithin", () => {
  it("retries a retryable failure until it passes", async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWithin(1_000, () => (++calls < 3 ? Promise.reject(transient()) : Promise.resolve("ok")), {
      ...fast,
      onRetry: (_e, delay) => void retries.push(delay),
    });
    expect([result, calls, retries.length]).toEqual(["ok", 3, 2]);
  });

  it("gives up at once on what cannot pass, and when the budget is spent", async () => {
    let calls = 0;
    const permanent = Object.assign(new Error("syntax"), { retryable: false });
    await expect(retryWithin(1_000, () => (calls++, Promise.reject(permanent)), fast)).rejects.toBe(permanent);
    expect(calls).toBe(1);
    let clock = 0;
    await expect(
      retryWithin(10, () => ((clock += 6), Promise.reject(transient())), { ...fast, now: () => clock }),
    ).rejects.toThrow("connection refused");
  });

  it("stops when its signal aborts", async () => {
    const stop = new AbortController();
    stop.abort();
    let calls = 0;
    await expect(
      retryWithin(1_000, () => (calls++, Promise.reject(transient())), { ...fast, signal: stop.signal }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
