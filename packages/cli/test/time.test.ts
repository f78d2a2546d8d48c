import { describe, expect, it } from "@jest/globals";
import { BadArgumentsError } from "../src/errors.js";
import { parseInstant, parseSince, parseWindow } from "../src/time.js";

describe("parseInstant", () => {
  it("reads epoch seconds and ISO-8601 instants with an offset as epoch seconds", () => {
    expect(parseInstant("1712322000", "--from")).toBe(1712322000);
    expect(parseInstant("2024-04-06T00:00:00+11:00", "--from")).toBe(1712322000);
    expect(parseInstant("2024-04-05T13:00:00Z", "--from")).toBe(1712322000);
    expect(parseInstant("2024-04-05T13:00Z", "--from")).toBe(1712322000);
    expect(parseInstant("2024-04-05", "--from")).toBe(1712275200);
  });

  it.each(["", "yesterday", "2024-04-05T13:00:00", "2024-13-45T00:00:00Z", "1.5", "-1", "2024-04-05T13:00:00.5Z"])(
    "refuses %j, naming the option",
    (text) => {
      expect(() => parseInstant(text, "--to")).toThrow(BadArgumentsError);
      expect(() => parseInstant(text, "--to")).toThrow(/--to/);
    },
  );
});

describe("parseWindow", () => {
  it("returns the window, and refuses an end that is not after its start", () => {
    expect(parseWindow("1712322000", "2024-04-06T13:00:00Z")).toEqual({ startTime: 1712322000, endTime: 1712408400 });
    expect(() => parseWindow("1712322000", "1712322000")).toThrow("--to must be after --from");
  });
});

describe("parseSince", () => {
  const now = 1_800_000_000;
  it("reads durations back from now, and instants", () => {
    expect(parseSince("30m", now)).toBe(now - 1800);
    expect(parseSince("12h", now)).toBe(now - 43_200);
    expect(parseSince("7d", now)).toBe(now - 604_800);
    expect(parseSince("2w", now)).toBe(now - 1_209_600);
    expect(parseSince("2024-04-06T00:00:00+11:00", now)).toBe(1712322000);
  });
  it("refuses anything else", () => {
    expect(() => parseSince("7 days", now)).toThrow(/--since/);
  });
});
