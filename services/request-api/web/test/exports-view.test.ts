import { describe, expect, it } from "@jest/globals";
import {
  errorText,
  fileName,
  formatBytes,
  formatCount,
  formatDuration,
  formatInstant,
  inputValueOf,
  isTerminal,
  parseFragment,
  safeHref,
  tableProgress,
  windowFromInputs,
} from "../exports-view.js";

describe("the status page's view functions", () => {
  it("reads the fragment as an id, a token, or both, and never invents either", () => {
    expect(parseFragment("")).toEqual({});
    expect(parseFragment("#")).toEqual({});
    expect(parseFragment("#4b0c5a52-0000-4000-8000-000000000001")).toEqual({
      id: "4b0c5a52-0000-4000-8000-000000000001",
    });
    expect(parseFragment("#token=a.b.c")).toEqual({ token: "a.b.c" });
    expect(parseFragment("#token=a.b.c&id=42")).toEqual({ token: "a.b.c", id: "42" });
    expect(parseFragment("#token=")).toEqual({});
  });

  it("knows which export statuses are final", () => {
    for (const status of ["Completed", "Failed", "Partially Completed", "Cancelled"])
      expect(isTerminal(status)).toBe(true);
    for (const status of ["In Progress", "Request has not been requested"]) expect(isTerminal(status)).toBe(false);
  });

  it("draws a table's bar empty while pending, indeterminate while running and full once finished", () => {
    expect(tableProgress("PENDING")).toBe(0);
    expect(tableProgress("IN-PROGRESS")).toBeNull();
    for (const status of ["COMPLETED", "FAILED", "CANCELLED"]) expect(tableProgress(status)).toBe(100);
  });

  it("formats sizes, counts, instants and durations, with a dash for what is not known yet", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1500)).toBe("1.5 kB");
    expect(formatBytes(12_345_678)).toBe("12 MB");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(undefined)).toBe("—");
    expect(formatInstant("2024-04-06T14:00:00.000Z")).toBe("2024-04-06 14:00:00 UTC");
    expect(formatInstant(1712322000)).toBe("2024-04-05 13:00:00 UTC");
    expect(formatInstant("not a date")).toBe("—");
    const start = "2024-04-06T14:00:00.000Z";
    expect(formatDuration(start, "2024-04-06T14:00:42.400Z", 0)).toBe("42 s");
    expect(formatDuration(start, "2024-04-06T14:03:05.000Z", 0)).toBe("3 min 5 s");
    expect(formatDuration(start, null, Date.parse(start) + 2 * 3_600_000 + 60_000)).toBe("2 h 1 min");
    expect(formatDuration(null, null, 0)).toBe("—");
  });

  it("reads the form's times as UTC epoch seconds and refuses an empty or backwards window", () => {
    expect(windowFromInputs("2024-04-05T13:00", "2024-04-06T13:00")).toEqual({
      startTime: 1712322000,
      endTime: 1712408400,
    });
    expect(inputValueOf(1712322000)).toBe("2024-04-05T13:00");
    expect(windowFromInputs("", "2024-04-06T13:00")).toHaveProperty("error");
    expect(windowFromInputs("2024-04-06T13:00", "2024-04-06T13:00")).toHaveProperty("error");
  });

  it("links only http(s) URLs and names a file by its key's last part", () => {
    expect(safeHref("http://127.0.0.1:5000/b/k.parquet?X-Amz-Signature=1")).toBe(
      "http://127.0.0.1:5000/b/k.parquet?X-Amz-Signature=1",
    );
    expect(safeHref("javascript:alert(1)")).toBeUndefined();
    expect(safeHref("not a url")).toBeUndefined();
    expect(safeHref(null)).toBeUndefined();
    expect(fileName("dev/requests/abc/way/way_000.parquet")).toBe("way_000.parquet");
  });

  it("tells a refused token apart from other failures", () => {
    expect(errorText("UNAUTHENTICATED", "x")).toMatch(/token/);
    expect(errorText("BAD_USER_INPUT", "endTime must be after startTime")).toBe("endTime must be after startTime");
  });
});
