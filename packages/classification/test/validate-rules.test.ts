import { describe, expect, it } from "@jest/globals";
import {
  ConflictingRulesError,
  InvalidIdentifierError,
  InvalidTreatmentError,
  InvalidValueError,
  UnknownClassificationError,
  listRuleProblems,
  validateRules,
  type Classification,
  type ClassificationRules,
} from "../src/index.js";
import { rules } from "./helpers.js";

const good: ClassificationRules = {
  columns: [
    { table: "way", column: "id", classification: "nr" },
    { table: "way", column: "geom", classification: "hwc", treatment: { kind: "round", digits: 3 } },
    { table: "WAY", column: "ID", classification: "nr" },
    { table: "cctv", column: "id", classification: "de" },
  ],
  sources: [
    { source: "FUSION", classification: "nr" },
    { source: "FUSION", classification: "nr" },
    { source: "fusion", classification: "de" },
  ],
  metrics: [
    { table: "long_metrics", metric: "speed", classification: "nr" },
    { table: "other_long", metric: "speed", classification: "de" },
  ],
};

describe("validateRules", () => {
  it("accepts a usable rule set (agreeing duplicates, case-distinct values, same metric on two tables)", () => {
    expect(listRuleProblems(good)).toEqual([]);
    expect(() => validateRules(good)).not.toThrow();
    expect(() => validateRules(rules({}))).not.toThrow();
  });

  it.each([
    [
      "column rules that disagree",
      rules({ columns: [good.columns[0]!, { table: "Way", column: "Id", classification: "mx" }] }),
      ConflictingRulesError,
    ],
    [
      "hwc rules with different treatments",
      rules({ columns: [good.columns[1]!, { table: "way", column: "geom", classification: "hwc" }] }),
      ConflictingRulesError,
    ],
    [
      "source rules that disagree",
      rules({
        sources: [
          { source: "HERE", classification: "nr" },
          { source: "HERE", classification: "mx" },
        ],
      }),
      ConflictingRulesError,
    ],
    [
      "metric rules that disagree",
      rules({
        metrics: [
          { table: "t", metric: "m", classification: "nr" },
          { table: "T", metric: "m", classification: "de" },
        ],
      }),
      ConflictingRulesError,
    ],
    [
      "an unknown column classification",
      rules({ columns: [{ table: "t", column: "c", classification: "restricted" as Classification }] }),
      UnknownClassificationError,
    ],
    [
      "an unknown source classification",
      rules({ sources: [{ source: "HERE", classification: "" as Classification }] }),
      UnknownClassificationError,
    ],
    [
      "an unknown metric classification",
      rules({ metrics: [{ table: "t", metric: "m", classification: "DE" as Classification }] }),
      UnknownClassificationError,
    ],
    [
      "an invalid table identifier",
      rules({ columns: [{ table: "t t", column: "c", classification: "nr" }] }),
      InvalidIdentifierError,
    ],
    [
      "an invalid column identifier",
      rules({ columns: [{ table: "t", column: "c;", classification: "nr" }] }),
      InvalidIdentifierError,
    ],
    [
      "an invalid metric table identifier",
      rules({ metrics: [{ table: "", metric: "m", classification: "nr" }] }),
      InvalidIdentifierError,
    ],
    ["an invalid source value", rules({ sources: [{ source: "a\rb", classification: "nr" }] }), InvalidValueError],
    [
      "an invalid metric value",
      rules({ metrics: [{ table: "t", metric: "", classification: "nr" }] }),
      InvalidValueError,
    ],
    [
      "a malformed hwc treatment",
      rules({
        columns: [{ table: "t", column: "c", classification: "hwc", treatment: { kind: "round", digits: 99 } }],
      }),
      InvalidTreatmentError,
    ],
  ])("rejects %s with a typed error", (_label, input, type) => {
    expect(() => validateRules(input)).toThrow(type);
    expect(listRuleProblems(input)).toHaveLength(1);
  });

  it("names the conflicting classifications", () => {
    const [problem] = listRuleProblems(
      rules({ columns: [good.columns[1]!, { table: "way", column: "geom", classification: "hwc" }] }),
    );
    expect(problem).toMatchObject({
      kind: "column",
      key: "way.geom",
      context: { first: "hwc/round(3)", second: "hwc/default" },
    });
  });

  it("lists every problem at once, in rule order", () => {
    const problems = listRuleProblems({
      columns: [
        { table: "t", column: "bad name", classification: "nr" },
        { table: "t", column: "c", classification: "nr" },
        { table: "t", column: "c", classification: "de" },
      ],
      sources: [{ source: "", classification: "nr" }],
      metrics: [{ table: "t", metric: "m", classification: "x" as Classification }],
    });
    expect(problems.map((p) => p.code)).toEqual([
      "INVALID_IDENTIFIER",
      "CONFLICTING_RULES",
      "INVALID_VALUE",
      "UNKNOWN_CLASSIFICATION",
    ]);
  });

  it("does not swallow errors that are not configuration problems", () => {
    expect(() => validateRules({ columns: [null as never], sources: [], metrics: [] })).toThrow(TypeError);
  });
});
