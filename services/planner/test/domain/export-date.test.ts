import { describe, expect, it } from "@jest/globals";
import {
  dateRange,
  exportWindowOf,
  InvalidExportDateError,
  localDate,
  parseExportDate,
  yesterdayIn,
} from "../../src/domain/export-date.js";

const hours = (w: { windowStart: number; windowEnd: number }): number => (w.windowEnd - w.windowStart) / 3_600_000;

describe("Melbourne export windows", () => {
  it("is a 24-hour day at +11:00 in summer", () => {
    const w = exportWindowOf("2026-11-25");
    expect(new Date(w.windowStart).toISOString()).toBe("2026-11-24T13:00:00.000Z");
    expect(new Date(w.windowEnd).toISOString()).toBe("2026-11-25T13:00:00.000Z");
  });

  it("is a 24-hour day at +10:00 in winter", () => {
    const w = exportWindowOf("2026-07-01");
    expect(new Date(w.windowStart).toISOString()).toBe("2026-06-30T14:00:00.000Z");
    expect(hours(w)).toBe(24);
  });

  it("has 25 hours on the day daylight saving ends (first Sunday of April)", () => {
    const w = exportWindowOf("2024-04-07");
    expect(new Date(w.windowStart).toISOString()).toBe("2024-04-06T13:00:00.000Z");
    expect(new Date(w.windowEnd).toISOString()).toBe("2024-04-07T14:00:00.000Z");
    expect(hours(w)).toBe(25);
    expect(hours(exportWindowOf("2026-04-05"))).toBe(25);
  });

  it("has 23 hours on the day daylight saving starts (first Sunday of October)", () => {
    const w = exportWindowOf("2024-10-06");
    expect(new Date(w.windowStart).toISOString()).toBe("2024-10-05T14:00:00.000Z");
    expect(new Date(w.windowEnd).toISOString()).toBe("2024-10-06T13:00:00.000Z");
    expect(hours(w)).toBe(23);
    expect(hours(exportWindowOf("2026-10-04"))).toBe(23);
  });

  it("lays consecutive days end to end", () => {
    const dates = dateRange("2024-04-05", "2024-10-07");
    for (const [index, date] of dates.slice(0, -1).entries()) {
      expect(exportWindowOf(date).windowEnd).toBe(exportWindowOf(dates[index + 1] ?? "").windowStart);
    }
    expect(exportWindowOf("2024-04-07").windowEnd).toBe(exportWindowOf("2024-04-08").windowStart);
  });
});

describe("dates", () => {
  it("takes yesterday in Melbourne, not in UTC", () => {
    // 2026-11-25T14:30Z is 01:30 on the 26th in Melbourne: the 01:00 CronJob exports the 25th.
    expect(localDate(Date.UTC(2026, 10, 25, 14, 30))).toBe("2026-11-26");
    expect(yesterdayIn(Date.UTC(2026, 10, 25, 14, 30))).toBe("2026-11-25");
  });

  it("expands a backfill range and refuses nonsense", () => {
    expect(dateRange("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(() => dateRange("2024-03-02", "2024-03-01")).toThrow(InvalidExportDateError);
    expect(() => parseExportDate("2024-02-30")).toThrow(/not a calendar date/);
    expect(() => parseExportDate("20240230")).toThrow(/YYYY-MM-DD/);
  });
});
