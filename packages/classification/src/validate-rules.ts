import type { ClassificationError } from "./errors.js";
import { indexColumnRules, indexMetricRules, indexSourceRules } from "./rule-index.js";
import type { ClassificationRules } from "./types.js";

/**
 * Every problem of a rule set, in rule order: invalid table/column identifiers, invalid source/metric values, unknown
 * classification codes, malformed hwc treatments, and duplicates that disagree. Empty when the rules are usable.
 */
export function listRuleProblems(rules: ClassificationRules): ClassificationError[] {
  const problems: ClassificationError[] = [];
  const collect = (problem: ClassificationError): void => {
    problems.push(problem);
  };
  indexColumnRules(rules.columns, collect);
  indexSourceRules(rules.sources, collect);
  indexMetricRules(rules.metrics, collect);
  return problems;
}

/** Throws the first problem `listRuleProblems` finds (a typed ClassificationError); returns if there is none. */
export function validateRules(rules: ClassificationRules): void {
  const [first] = listRuleProblems(rules);
  if (first !== undefined) throw first;
}
