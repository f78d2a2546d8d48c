import { describe, expect, it } from "@jest/globals";
import {
  InvalidIdentifierError,
  InvalidValueError,
  assertIdentifier,
  assertValue,
  isValidIdentifier,
  maxValueLength,
} from "../src/index.js";

describe("identifiers", () => {
  it.each(["a", "_", "_x1", "Traffic_Observation", "t".repeat(63)])("accepts %j", (value) => {
    expect(isValidIdentifier(value)).toBe(true);
    expect(assertIdentifier(value, "column")).toBe(value);
  });

  it.each([
    "",
    "9lives",
    "t".repeat(64),
    "a b",
    "a-b",
    "a.b",
    'a"b',
    "a'b",
    "a;b",
    "a\nb",
    "é",
    "a\u0000",
    null,
    undefined,
    42,
    {},
  ])("rejects %j with the offending value", (value) => {
    expect(isValidIdentifier(value)).toBe(false);
    let error: unknown;
    try {
      assertIdentifier(value, "sourceColumn", "t");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect(error).toMatchObject({ code: "INVALID_IDENTIFIER", value, role: "sourceColumn", context: { table: "t" } });
  });
});

describe("source and metric values", () => {
  it.each(["FUSION", "HERE", "tom tom", "O'Brien St", "Zürich sensor", "x".repeat(maxValueLength), "😀 emoji"])(
    "accepts %j unchanged",
    (value) => {
      expect(assertValue(value, "source")).toBe(value);
    },
  );

  it.each([
    [null, "not a string"],
    [7, "not a string"],
    ["", "empty"],
    ["x".repeat(maxValueLength + 1), "longer than"],
    ["a\nb", "control"],
    ["a\u0000", "control"],
    ["tab\there", "control"],
    ["del\u007f", "control"],
    ["c1\u0085", "control"],
    ["lone\ud800", "control"],
    ["line\u2028sep", "control"],
    ["para\u2029sep", "control"],
  ])("rejects %j (%s)", (value, reason) => {
    let error: unknown;
    try {
      assertValue(value, "metric");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(error).toMatchObject({ code: "INVALID_VALUE", value, role: "metric" });
    expect((error as Error).message).toContain(reason);
  });
});
