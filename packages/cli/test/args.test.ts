import { describe, expect, it } from "@jest/globals";
import { parseCount, parseDeadLetterId, parseMode, parseStatuses } from "../src/args.js";

describe("argument parsers", () => {
  it("spell statuses as the API does, whatever the case or separator, accumulating repeats", () => {
    expect(parseStatuses("completed,in-progress")).toEqual(["Completed", "In Progress"]);
    expect(parseStatuses("PARTIALLY_COMPLETED", ["Failed"])).toEqual(["Failed", "Partially Completed"]);
    expect(() => parseStatuses("done")).toThrow(/unknown status "done"/);
  });
  it("spell modes as the API does", () => {
    expect(parseMode("on-demand")).toBe("ON_DEMAND");
    expect(parseMode("scheduled")).toBe("SCHEDULED");
    expect(() => parseMode("daily")).toThrow(/--mode/);
  });
  it("take whole numbers within bounds", () => {
    expect(parseCount("20", "--limit", 1, 100)).toBe(20);
    for (const bad of ["0", "101", "1.5", "x", ""]) expect(() => parseCount(bad, "--limit", 1, 100)).toThrow(/--limit/);
  });
  it("take dead letter ids as partition:offset", () => {
    expect(parseDeadLetterId("0:12")).toBe("0:12");
    expect(() => parseDeadLetterId("12")).toThrow(/partition:offset/);
  });
});
