import { isClassification } from "./classification-codes.js";
import { ClassificationError, ConflictingRulesError, UnknownClassificationError, type RuleKind } from "./errors.js";
import { assertIdentifier, assertValue, foldName } from "./identifiers.js";
import { describeTreatment, validateTreatment } from "./treatments.js";
import type { Classification, ColumnRule, HwcTreatment, MetricRule, SourceRule } from "./types.js";

/**
 * Receives each problem found while indexing. The planner throws the first one; `listRuleProblems` collects them all.
 * A reporter that returns lets indexing go on, skipping the bad rule.
 */
export type ProblemReporter = (problem: ClassificationError) => void;

export const throwProblem: ProblemReporter = (problem) => {
  throw problem;
};

export interface IndexedColumnRule {
  readonly column: string;
  readonly classification: Classification;
  /** The rule's own treatment when it is hwc and names one; null means the policy default. */
  readonly treatment: HwcTreatment | null;
}

/** Runs `check` and hands a thrown ClassificationError to the reporter; returns undefined when it failed. */
function attempt<T>(report: ProblemReporter, check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    // Anything else is a bug (or a malformed rules object), not a configuration problem to report and skip.
    if (!(error instanceof ClassificationError)) throw error;
    report(error);
    return undefined;
  }
}

function checkClassification(value: unknown, kind: RuleKind, key: string): Classification {
  if (!isClassification(value)) throw new UnknownClassificationError(value, kind, key);
  return value;
}

function columnRuleSignature(rule: IndexedColumnRule): string {
  if (rule.classification !== "hwc") return rule.classification;
  return `hwc/${rule.treatment === null ? "default" : describeTreatment(rule.treatment)}`;
}

/**
 * Column rules keyed by `table.column` folded to lower case. With `onlyTable` set, rules of other tables are ignored
 * (neither checked nor indexed). Identical duplicates are fine; duplicates that disagree are a ConflictingRulesError.
 * A treatment on a non-hwc rule is ignored: it cannot change how an nr, mx or de column is handled.
 */
export function indexColumnRules(
  rules: readonly ColumnRule[],
  report: ProblemReporter,
  onlyTable?: string,
): Map<string, IndexedColumnRule> {
  const index = new Map<string, IndexedColumnRule>();
  const wanted = onlyTable === undefined ? undefined : foldName(onlyTable);
  for (const rule of rules) {
    if (wanted !== undefined && (typeof rule.table !== "string" || foldName(rule.table) !== wanted)) continue;
    const checked = attempt(report, () => {
      const table = assertIdentifier(rule.table, "table");
      const column = assertIdentifier(rule.column, "column", table);
      const key = `${foldName(table)}.${foldName(column)}`;
      const classification = checkClassification(rule.classification, "column", `${table}.${column}`);
      const treatment =
        classification === "hwc" && rule.treatment !== undefined
          ? validateTreatment(rule.treatment, `column ${table}.${column}`)
          : null;
      return { key, indexed: { column, classification, treatment } };
    });
    if (checked === undefined) continue;
    const previous = index.get(checked.key);
    if (previous === undefined) {
      index.set(checked.key, checked.indexed);
    } else if (columnRuleSignature(previous) !== columnRuleSignature(checked.indexed)) {
      report(
        new ConflictingRulesError(
          "column",
          checked.key,
          columnRuleSignature(previous),
          columnRuleSignature(checked.indexed),
        ),
      );
    }
  }
  return index;
}

/** Source rules keyed by the exact source value. */
export function indexSourceRules(rules: readonly SourceRule[], report: ProblemReporter): Map<string, Classification> {
  const index = new Map<string, Classification>();
  for (const rule of rules) {
    const checked = attempt(report, () => {
      const source = assertValue(rule.source, "source");
      return { source, classification: checkClassification(rule.classification, "source", source) };
    });
    if (checked === undefined) continue;
    addValueRule(index, "source", checked.source, checked.source, checked.classification, report);
  }
  return index;
}

/** Metric rules keyed by folded table, then the exact metric value; `onlyTable` works as in indexColumnRules. */
export function indexMetricRules(
  rules: readonly MetricRule[],
  report: ProblemReporter,
  onlyTable?: string,
): Map<string, Map<string, Classification>> {
  const index = new Map<string, Map<string, Classification>>();
  const wanted = onlyTable === undefined ? undefined : foldName(onlyTable);
  for (const rule of rules) {
    if (wanted !== undefined && (typeof rule.table !== "string" || foldName(rule.table) !== wanted)) continue;
    const checked = attempt(report, () => {
      const table = assertIdentifier(rule.table, "table");
      const metric = assertValue(rule.metric, "metric");
      return {
        table,
        metric,
        classification: checkClassification(rule.classification, "metric", `${table}/${metric}`),
      };
    });
    if (checked === undefined) continue;
    const tableKey = foldName(checked.table);
    let metrics = index.get(tableKey);
    if (metrics === undefined) {
      metrics = new Map();
      index.set(tableKey, metrics);
    }
    addValueRule(metrics, "metric", checked.metric, `${tableKey}/${checked.metric}`, checked.classification, report);
  }
  return index;
}

function addValueRule(
  index: Map<string, Classification>,
  kind: RuleKind,
  value: string,
  key: string,
  classification: Classification,
  report: ProblemReporter,
): void {
  const previous = index.get(value);
  if (previous === undefined) index.set(value, classification);
  else if (previous !== classification) report(new ConflictingRulesError(kind, key, previous, classification));
}
