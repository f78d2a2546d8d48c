import { describe, expect, it } from "@jest/globals";
import { backoffDelay } from "../src/index.js";

describe("backoffDelay", () => {
  it("doubles from the initial delay and stops at the cap", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(20)).toBe(5000);
    expect(backoffDelay(3, { initialMs: 10, multiplier: 3, maxMs: 50 })).toBe(50);
    expect(backoffDelay(2, { initialMs: 10, multiplier: 3 })).toBe(30);
  });
});

describe("backoffDelay with jitter", () => {
  it("keeps the random share of a delay within [nominal × (1 - jitter), nominal]", () => {
    expect(backoffDelay(3, { initialMs: 100, jitter: 0.5, random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { initialMs: 100, jitter: 0.5, random: () => 0.999_999 })).toBe(400);
    expect(backoffDelay(3, { initialMs: 100, jitter: 1, random: () => 0.25 })).toBe(100);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(4, { initialMs: 1000, maxMs: 6000, jitter: 0.5 });
      expect(delay).toBeGreaterThanOrEqual(3000);
      expect(delay).toBeLessThanOrEqual(6000);
    }
  });
});
