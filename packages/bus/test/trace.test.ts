import { describe, expect, it } from "@jest/globals";
import { isTraceparent, newTraceparent } from "../src/index.js";

describe("traceparent", () => {
  it("generates distinct valid W3C traceparents", () => {
    const a = newTraceparent();
    expect(isTraceparent(a)).toBe(true);
    expect(newTraceparent()).not.toBe(a);
  });

  it("rejects malformed or all-zero ids", () => {
    expect(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBe(true);
    expect(isTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBe(false);
    expect(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).toBe(false);
    expect(isTraceparent("garbage")).toBe(false);
  });
});
