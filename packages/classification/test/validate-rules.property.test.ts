import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { ClassificationError, listRuleProblems, validateRules } from "../src/index.js";
import { anyRules, propertyOptions } from "./arbitraries.js";

// Rule sets as a DynamoDB scan could return them: mostly plausible rules, some with fields of any type (numbers,
// objects, null, bigints, boxed values, null-prototype objects). validateRules is the planner's up-front check, so
// it must answer every one of them with "fine" or a typed configuration error, never crash with anything else.

const ruleProblemCodes = [
  "INVALID_IDENTIFIER",
  "INVALID_VALUE",
  "CONFLICTING_RULES",
  "UNKNOWN_CLASSIFICATION",
  "INVALID_TREATMENT",
];

describe("validateRules over random rule sets", () => {
  it("either accepts the rules or throws a typed, non-retryable ClassificationError: never anything else", () => {
    const outcomes = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(anyRules, (rules) => {
        let thrown: unknown;
        try {
          validateRules(rules);
          outcomes.valid++;
          return;
        } catch (error) {
          thrown = error;
        }
        outcomes.invalid++;
        expect(thrown).toBeInstanceOf(ClassificationError);
        const error = thrown as ClassificationError;
        expect(ruleProblemCodes).toContain(error.code);
        expect(error.retryable).toBe(false);
        expect(Object.isFrozen(error.context)).toBe(true);
        // Messages quote the offending value, bounded: a huge or hostile value cannot flood a log line.
        expect(error.message.length).toBeLessThan(600);
      }),
      propertyOptions(2000),
    );
    expect(outcomes.valid).toBeGreaterThan(100);
    expect(outcomes.invalid).toBeGreaterThan(100);
  });

  it("throws exactly the first problem listRuleProblems reports, and only when it reports one", () => {
    fc.assert(
      fc.property(anyRules, (rules) => {
        const problems = listRuleProblems(rules);
        for (const problem of problems) expect(problem).toBeInstanceOf(ClassificationError);
        if (problems.length === 0) {
          expect(() => validateRules(rules)).not.toThrow();
        } else {
          expect(() => validateRules(rules)).toThrow(problems[0]!.message);
        }
      }),
      propertyOptions(1000),
    );
  });
});
