import { describe, expect, it } from "@jest/globals";
import { InvalidTreatmentError, maxRoundDigits, minRoundDigits, validateTreatment } from "../src/index.js";
import { describeTreatment, hidesValue, maskedProjection, treatmentFits } from "../src/treatments.js";

describe("validateTreatment", () => {
  it.each([
    [{ kind: "keyed_hash" }, { kind: "keyed_hash" }],
    [{ kind: "truncate_to_hour" }, { kind: "truncate_to_hour" }],
    [{ kind: "null", extra: 1 }, { kind: "null" }],
    [
      { kind: "round", digits: 0 },
      { kind: "round", digits: 0 },
    ],
    [
      { kind: "round", digits: minRoundDigits },
      { kind: "round", digits: minRoundDigits },
    ],
    [
      { kind: "round", digits: maxRoundDigits, note: "x" },
      { kind: "round", digits: maxRoundDigits },
    ],
  ])("accepts %j as %j", (input, output) => {
    expect(validateTreatment(input, "test")).toEqual(output);
  });

  it.each([
    [null, "not an object"],
    ["keyed_hash", "not an object"],
    [{}, "unknown treatment kind"],
    [{ kind: "hash" }, "unknown treatment kind"],
    [{ kind: "KEYED_HASH" }, "unknown treatment kind"],
    [{ kind: "round" }, "must be an integer"],
    [{ kind: "round", digits: "2" }, "must be an integer"],
    [{ kind: "round", digits: 1.5 }, "must be an integer"],
    [{ kind: "round", digits: Number.NaN }, "must be an integer"],
    [{ kind: "round", digits: maxRoundDigits + 1 }, "between"],
    [{ kind: "round", digits: minRoundDigits - 1 }, "between"],
  ])("rejects %j (%s)", (input, reason) => {
    let error: unknown;
    try {
      validateTreatment(input, "column t.c");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTreatmentError);
    expect(error).toMatchObject({ code: "INVALID_TREATMENT", treatment: input, context: { where: "column t.c" } });
    expect((error as Error).message).toContain(reason);
  });
});

describe("treatment helpers", () => {
  it("fits types as documented", () => {
    expect(treatmentFits({ kind: "round", digits: 1 }, "numeric")).toBe(true);
    expect(treatmentFits({ kind: "round", digits: 1 }, "timestamp")).toBe(false);
    expect(treatmentFits({ kind: "truncate_to_hour" }, "timestamp")).toBe(true);
    expect(treatmentFits({ kind: "truncate_to_hour" }, "numeric")).toBe(false);
    for (const family of ["numeric", "timestamp", "other"] as const) {
      expect(treatmentFits({ kind: "keyed_hash" }, family)).toBe(true);
      expect(treatmentFits({ kind: "null" }, family)).toBe(true);
    }
  });

  it("only keyed_hash and null hide the value", () => {
    expect(hidesValue({ kind: "keyed_hash" })).toBe(true);
    expect(hidesValue({ kind: "null" })).toBe(true);
    expect(hidesValue({ kind: "round", digits: 0 })).toBe(false);
    expect(hidesValue({ kind: "truncate_to_hour" })).toBe(false);
  });

  it("maps treatments onto the contract's projection", () => {
    expect(maskedProjection("c", { kind: "keyed_hash" })).toEqual({
      name: "c",
      treatment: "KEYED_HASH",
      roundDigits: null,
    });
    expect(maskedProjection("c", { kind: "round", digits: 3 })).toEqual({
      name: "c",
      treatment: "ROUND",
      roundDigits: 3,
    });
    expect(maskedProjection("c", { kind: "truncate_to_hour" })).toEqual({
      name: "c",
      treatment: "TRUNCATE_TO_HOUR",
      roundDigits: null,
    });
    expect(maskedProjection("c", { kind: "null" })).toEqual({ name: "c", treatment: "NULLIFY", roundDigits: null });
    expect(describeTreatment({ kind: "round", digits: -1 })).toBe("round(-1)");
  });
});
