import { describe, expect, it } from "@jest/globals";
import {
  AmbiguousColumnError,
  ClassificationError,
  ColumnNotFoundError,
  ConflictingRulesError,
  InvalidIdentifierError,
  InvalidPolicyError,
  InvalidTreatmentError,
  InvalidValueError,
  UnknownClassificationError,
  classificationErrorCodes,
} from "../src/index.js";

describe("errors", () => {
  const errors: ClassificationError[] = [
    new InvalidIdentifierError("a b", "column"),
    new InvalidValueError("", "source", "empty"),
    new ColumnNotFoundError("t", "c", "timeColumn"),
    new AmbiguousColumnError("t", ["A", "a"]),
    new ConflictingRulesError("column", "t.c", "nr", "de"),
    new UnknownClassificationError("zz", "source", "HERE"),
    new InvalidTreatmentError({ kind: "x" }, "unknown treatment kind", "policy default"),
    new InvalidPolicyError("bad", null),
  ];

  it("covers every code with a subclass of ClassificationError that is never retryable", () => {
    expect(errors.map((e) => e.code)).toEqual([...classificationErrorCodes]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ClassificationError);
      expect(error).toBeInstanceOf(Error);
      expect(error.retryable).toBe(false);
      expect(error.name).toBe(error.constructor.name);
      expect(Object.isFrozen(error.context)).toBe(true);
    }
  });

  it("keeps the cause", () => {
    const cause = new SyntaxError("x");
    expect(new InvalidPolicyError("bad", "(", { cause }).cause).toBe(cause);
    expect(new ClassificationError("INVALID_POLICY", "m").context).toEqual({});
  });

  it("shows offending values escaped and bounded in messages", () => {
    expect(new InvalidIdentifierError("a\nb", "table").message).toBe('invalid table identifier "a\\nb"');
    const long = new InvalidValueError("x".repeat(500), "metric", "too long");
    expect(long.message.length).toBeLessThan(200);
    expect(long.value).toBe("x".repeat(500));
    expect(new InvalidIdentifierError(undefined, "schema").message).toBe("invalid schema identifier undefined");
    expect(new InvalidIdentifierError(10n, "schema").message).toBe("invalid schema identifier 10");
  });

  it("describes a value that neither JSON nor String can render, instead of throwing a TypeError", () => {
    // Found by validate-rules.property.test.ts: a null-prototype object holding a bigint.
    const unrenderable = Object.assign(Object.create(null) as object, { n: 1n });
    const error = new UnknownClassificationError(unrenderable, "metric", "t/m");
    expect(error.code).toBe("UNKNOWN_CLASSIFICATION");
    expect(error.message).toBe("unknown classification [object Object] in metric rule t/m");
  });
});
