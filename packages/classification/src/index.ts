export type {
  Classification,
  ClassificationPolicy,
  ClassificationRules,
  ColumnRule,
  ExportTableConfig,
  ExportableTablePlan,
  HwcTreatment,
  MetricRule,
  PlanTableInput,
  SkipReasonCode,
  SkippedTablePlan,
  SourceRule,
  TablePlan,
  WarehouseColumn,
} from "./types.js";
export type { ClassificationErrorCode, ErrorContext, IdentifierRole, RuleKind, ValueRole } from "./errors.js";
export {
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
} from "./errors.js";
export { classificationCodes, isClassification } from "./classification-codes.js";
export type { ColumnTypeFamily } from "./column-types.js";
export { columnTypeFamily } from "./column-types.js";
export type { ConfigVersionInput } from "./config-version.js";
export { computeConfigVersion } from "./config-version.js";
export { assertIdentifier, assertValue, identifierPattern, isValidIdentifier, maxValueLength } from "./identifiers.js";
export { planTable } from "./plan-table.js";
export { defaultPolicy, deploymentPolicy } from "./policy.js";
export { maxRoundDigits, minRoundDigits, validateTreatment } from "./treatments.js";
export { listRuleProblems, validateRules } from "./validate-rules.js";
