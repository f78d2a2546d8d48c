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
