import { describe, expect, it } from "@jest/globals";
import { RequestApiError } from "../../src/domain/errors.js";
import { validateExportWindow, validateRequestId } from "../../src/domain/export-window.js";

const nowMs = Date.UTC(2026, 10, 26);
const options = { nowMs, maxWindowSeconds: 86_400 };
const day = Date.UTC(2026, 10, 24) / 1000;

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestApiError);
    expect((error as RequestApiError).userError).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a validation error");
}

describe("validateExportWindow", () => {
  it("accepts one whole day and converts it to milliseconds", () => {
    expect(validateExportWindow(day, day + 86_400, options)).toEqual({
      windowStart: day * 1000,
      windowEnd: (day + 86_400) * 1000,
    });
  });
  it("rejects an end that is not after the start", () => {
    expect(reason(() => validateExportWindow(day, day, options))).toMatch(/endTime .* must be after startTime/);
    expect(reason(() => validateExportWindow(day, day - 1, options))).toMatch(/must be after/);
  });
  it("rejects a window longer than a day", () => {
    expect(reason(() => validateExportWindow(day, day + 86_401, options))).toMatch(/86401 s long; at most 86400 s/);
  });
  it("rejects negative, tiny and future values", () => {
    expect(reason(() => validateExportWindow(-5, 100, options))).toMatch(/startTime must not be negative/);
    expect(reason(() => validateExportWindow(20_000, 20_100, options))).toMatch(/before 2000-01-01/);
    expect(reason(() => validateExportWindow(nowMs / 1000 + 86_400, nowMs / 1000 + 90_000, options))).toMatch(
      /in the future/,
    );
  });
});

describe("validateRequestId", () => {
  it("accepts a UUID in any case and normalises it", () => {
    expect(validateRequestId(" 7D8F5B8E-3C1A-4C55-9D59-5F1A2B3C4D5E ")).toBe("7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e");
  });
  it("rejects anything else", () => {
    expect(reason(() => validateRequestId("'; DROP TABLE request_table; --"))).toMatch(/requestId must be a UUID/);
  });
});
