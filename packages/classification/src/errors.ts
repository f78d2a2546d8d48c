export const classificationErrorCodes = [
  "INVALID_IDENTIFIER",
  "INVALID_VALUE",
  "COLUMN_NOT_FOUND",
  "AMBIGUOUS_COLUMN",
  "CONFLICTING_RULES",
  "UNKNOWN_CLASSIFICATION",
  "INVALID_TREATMENT",
  "INVALID_POLICY",
] as const;
export type ClassificationErrorCode = (typeof classificationErrorCodes)[number];

export type ErrorContext = Readonly<Record<string, string | number | null>>;

/**
 * Base error of the classification engine. Every failure is a configuration problem, so none is retryable: retrying
 * with the same configuration gives the same answer.
 */
export class ClassificationError extends Error {
  readonly code: ClassificationErrorCode;
  readonly retryable = false;
  readonly context: ErrorContext;

  constructor(
    code: ClassificationErrorCode,
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ClassificationError";
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}

/** Which configured name an identifier error is about. */
export type IdentifierRole = "schema" | "table" | "column" | "timeColumn" | "sourceColumn" | "metricColumn";

/** A configured schema, table or column name is not a plain SQL identifier; it is never passed to SQL. */
export class InvalidIdentifierError extends ClassificationError {
  readonly value: unknown;
  readonly role: IdentifierRole;
  constructor(value: unknown, role: IdentifierRole, table: string | null = null) {
    super("INVALID_IDENTIFIER", `invalid ${role} identifier ${describe(value)}`, {
      role,
      value: describe(value),
      table,
    });
    this.name = "InvalidIdentifierError";
    this.value = value;
    this.role = role;
  }
}

export type ValueRole = "source" | "metric";

/** A source or metric value cannot safely become an SQL literal (empty, too long, control characters). */
export class InvalidValueError extends ClassificationError {
  readonly value: unknown;
  readonly role: ValueRole;
  constructor(value: unknown, role: ValueRole, reason: string) {
    super("INVALID_VALUE", `invalid ${role} value ${describe(value)}: ${reason}`, {
      role,
      value: describe(value),
      reason,
    });
    this.name = "InvalidValueError";
    this.value = value;
    this.role = role;
  }
}

/** A configured time, source or metric column does not exist in the warehouse table. */
export class ColumnNotFoundError extends ClassificationError {
  readonly table: string;
  readonly column: string;
  readonly role: IdentifierRole;
  constructor(table: string, column: string, role: IdentifierRole) {
    super("COLUMN_NOT_FOUND", `${role} ${column} is not a column of table ${table}`, { table, column, role });
    this.name = "ColumnNotFoundError";
    this.table = table;
    this.column = column;
    this.role = role;
  }
}

/** Two warehouse columns differ only by case, so a case-insensitive rule cannot tell them apart. */
export class AmbiguousColumnError extends ClassificationError {
  readonly table: string;
  readonly columns: readonly string[];
  constructor(table: string, columns: readonly string[]) {
    super("AMBIGUOUS_COLUMN", `table ${table} has columns differing only by case: ${columns.join(", ")}`, {
      table,
      columns: columns.join(","),
    });
    this.name = "AmbiguousColumnError";
    this.table = table;
    this.columns = columns;
  }
}

export type RuleKind = "column" | "source" | "metric";

/** Several rules for the same column, source or metric disagree; the engine does not guess which one wins. */
export class ConflictingRulesError extends ClassificationError {
  readonly kind: RuleKind;
  readonly key: string;
  constructor(kind: RuleKind, key: string, first: string, second: string) {
    super("CONFLICTING_RULES", `conflicting ${kind} rules for ${key}: ${first} vs ${second}`, {
      kind,
      key,
      first,
      second,
    });
    this.name = "ConflictingRulesError";
    this.kind = kind;
    this.key = key;
  }
}

/** A rule carries a classification code other than nr, mx, de, hwc. */
export class UnknownClassificationError extends ClassificationError {
  readonly value: unknown;
  readonly kind: RuleKind;
  readonly key: string;
  constructor(value: unknown, kind: RuleKind, key: string) {
    super("UNKNOWN_CLASSIFICATION", `unknown classification ${describe(value)} in ${kind} rule ${key}`, {
      value: describe(value),
      kind,
      key,
    });
    this.name = "UnknownClassificationError";
    this.value = value;
    this.kind = kind;
    this.key = key;
  }
}

/** An hwc treatment is malformed (unknown kind, non-integer or out-of-range round digits). */
export class InvalidTreatmentError extends ClassificationError {
  readonly treatment: unknown;
  constructor(treatment: unknown, reason: string, where: string) {
    super("INVALID_TREATMENT", `invalid hwc treatment ${describe(treatment)} for ${where}: ${reason}`, {
      treatment: describe(treatment),
      reason,
      where,
    });
    this.name = "InvalidTreatmentError";
    this.treatment = treatment;
  }
}

/** The policy itself is unusable (a deny pattern is empty or not a valid regular expression). */
export class InvalidPolicyError extends ClassificationError {
  constructor(reason: string, pattern: string | null, options?: { cause?: unknown }) {
    super("INVALID_POLICY", `invalid classification policy: ${reason}`, { reason, pattern }, options);
    this.name = "InvalidPolicyError";
  }
}

/**
 * Bounded, unambiguous rendering of an offending value for messages (JSON escapes control characters). Never throws:
 * a value neither JSON nor String can render (a null-prototype object holding a bigint) must still become this
 * package's typed error, not a TypeError.
 */
function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
