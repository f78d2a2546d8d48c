import { describe, expect, it } from "@jest/globals";
import {
  decodeCursor,
  encodeCursor,
  readModelStatuses,
  validateMode,
  validatePageSize,
} from "../../src/domain/export-listing.js";

describe("export listing", () => {
  it("maps the seed's status strings to the read model's, refusing others", () => {
    expect(readModelStatuses(["In Progress", "Partially Completed"])).toEqual([
      "REQUESTED",
      "IN-PROGRESS",
      "PARTIAL-SUCCESS",
    ]);
    expect(() => readModelStatuses(["COMPLETED"])).toThrow(/unknown status "COMPLETED"/);
  });

  it("round-trips a cursor and refuses one it did not make", () => {
    const cursor = { requestedAt: 1_712_322_000_123, requestId: "6f1c7f38-3c55-4d0b-9b44-0d3c1f7f0001" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const forged of ["", "xyz", Buffer.from('[1,"x\' OR 1=1"]').toString("base64url")])
      expect(() => decodeCursor(forged)).toThrow(/not a cursor/);
  });

  it("takes the two modes and refuses anything else", () => {
    expect(validateMode("SCHEDULED")).toBe("SCHEDULED");
    expect(validateMode("ON_DEMAND")).toBe("ON_DEMAND");
    expect(() => validateMode("on_demand")).toThrow(/unknown mode "on_demand"/);
  });

  it("takes pages of 1 to 100", () => {
    expect(validatePageSize(100)).toBe(100);
    for (const size of [0, 101, 1.5]) expect(() => validatePageSize(size)).toThrow(/between 1 and 100/);
  });
});
