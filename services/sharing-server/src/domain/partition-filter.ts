/**
 * predicateHints and jsonPredicateHints applied to partition values, BEST EFFORT as the protocol says: a hint this
 * server cannot evaluate (another column, an unknown op, a malformed tree) keeps the file, so a hint can only ever
 * drop files it proves do not match. Partition values compare as text: the only partition column is a date
 * (YYYY-MM-DD), whose text order is its date order, so only a literal in that same form is compared with it.
 */
export type PartitionValues = Readonly<Record<string, string>>;
type Truth = boolean | undefined;

const comparisons: Record<string, (a: string, b: string) => boolean> = {
  "=": (a, b) => a === b,
  "<>": (a, b) => a !== b,
  "!=": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};
const flipped: Record<string, string> = {
  "=": "=",
  "<>": "<>",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

const identifier = String.raw`\`?([A-Za-z_][A-Za-z0-9_]*)\`?`;
const literal = String.raw`(?:'((?:[^']|'')*)'|(?:date|timestamp)\s*'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))`;
const operator = String.raw`(<>|!=|<=|>=|=|<|>)`;
const columnFirst = new RegExp(`^\\s*${identifier}\\s*${operator}\\s*${literal}\\s*$`, "i");
const literalFirst = new RegExp(`^\\s*${literal}\\s*${operator}\\s*${identifier}\\s*$`, "i");
const nullCheck = new RegExp(`^\\s*${identifier}\\s+IS\\s+(NOT\\s+)?NULL\\s*$`, "i");

const unquote = (value: string): string => value.replace(/''/g, "'");

/** A literal as text, and whether it was written as a string (quoted) rather than a number. */
interface Literal {
  readonly text: string;
  readonly quoted: boolean;
}

const sqlLiteral = (quoted: string | undefined, typed: string | undefined, number: string | undefined) =>
  quoted !== undefined || typed !== undefined
    ? { text: unquote(quoted ?? typed ?? ""), quoted: true }
    : number === undefined
      ? undefined
      : { text: number, quoted: false };

/** One SQL hint (`col op literal`, `literal op col`, `col IS [NOT] NULL`) on partition values; undefined: unknown. */
export function evaluateSqlHint(sql: string, values: PartitionValues): Truth {
  // Spark writes its hints as expressions print, in parentheses: `(export_date = DATE '2026-11-25')`.
  const hint = /^\s*\((.*)\)\s*$/s.exec(sql)?.[1] ?? sql;
  let match = columnFirst.exec(hint);
  if (match) return compareColumn(values, match[1], match[2], sqlLiteral(match[3], match[4], match[5]));
  match = literalFirst.exec(hint);
  if (match) return compareColumn(values, match[5], flipped[match[4] ?? ""], sqlLiteral(match[1], match[2], match[3]));
  match = nullCheck.exec(hint);
  if (match?.[1] !== undefined && Object.hasOwn(values, match[1])) {
    const isNull = (values[match[1]] ?? "") === "";
    return match[2] === undefined ? isNull : !isNull;
  }
  return undefined;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function compareColumn(
  values: PartitionValues,
  column: string | undefined,
  op: string | undefined,
  literal: Literal | undefined,
): Truth {
  // hasOwn, not `in`: a hint on a column named `constructor` is on an unknown column.
  if (column === undefined || op === undefined || literal === undefined || !Object.hasOwn(values, column))
    return undefined;
  const value = values[column] ?? "";
  const compareTo = comparisons[op];
  if (value === "" || compareTo === undefined) return undefined;
  // Text order is the clients' order only between two YYYY-MM-DD dates (or two strings): Spark compares a date with
  // '2026-11-5', a timestamp or a number as dates or numbers, and text would drop files that match.
  const comparable = isoDate.test(value) ? isoDate.test(literal.text) : literal.quoted;
  return comparable ? compareTo(value, literal.text) : undefined;
}

interface JsonHint {
  readonly op?: unknown;
  readonly children?: unknown;
  readonly name?: unknown;
  readonly value?: unknown;
  readonly valueType?: unknown;
}

const jsonComparisons: Record<string, string> = {
  equal: "=",
  lessThan: "<",
  lessThanOrEqual: "<=",
  greaterThan: ">",
  greaterThanOrEqual: ">=",
};

/** One jsonPredicateHints tree on partition values; undefined: this server cannot tell. */
export function evaluateJsonHint(node: unknown, values: PartitionValues): Truth {
  if (typeof node !== "object" || node === null) return undefined;
  const { op, children } = node as JsonHint;
  const kids = Array.isArray(children) ? (children as unknown[]) : [];
  switch (op) {
    case "and": {
      const results = kids.map((child) => evaluateJsonHint(child, values));
      if (results.includes(false)) return false;
      return results.length > 0 && results.every((r) => r === true) ? true : undefined;
    }
    case "or": {
      const results = kids.map((child) => evaluateJsonHint(child, values));
      if (results.includes(true)) return true;
      return results.length > 0 && results.every((r) => r === false) ? false : undefined;
    }
    case "not": {
      const inner = kids.length === 1 ? evaluateJsonHint(kids[0], values) : undefined;
      return inner === undefined ? undefined : !inner;
    }
    case "isNull": {
      const name = columnName(kids[0]);
      return name === undefined || !Object.hasOwn(values, name) ? undefined : (values[name] ?? "") === "";
    }
    default: {
      const symbol = typeof op === "string" ? jsonComparisons[op] : undefined;
      if (symbol === undefined || kids.length !== 2) return undefined;
      const [left, right] = kids;
      const leftColumn = columnName(left);
      if (leftColumn !== undefined) return compareColumn(values, leftColumn, symbol, literalValue(right));
      const rightColumn = columnName(right);
      return compareColumn(values, rightColumn, flipped[symbol], literalValue(left));
    }
  }
}

function columnName(node: unknown): string | undefined {
  const hint = node as JsonHint | undefined;
  return hint?.op === "column" && typeof hint.name === "string" ? hint.name : undefined;
}

/** A literal leaf; only string and date literals compare as text (an int's "10" is not after "9"). */
function literalValue(node: unknown): Literal | undefined {
  const hint = node as JsonHint | undefined;
  if (hint?.op !== "literal" || typeof hint.value !== "string") return undefined;
  const textual = hint.valueType === undefined || hint.valueType === "string" || hint.valueType === "date";
  return { text: hint.value, quoted: textual };
}

/** The query's hints as given: SQL strings (AND-ed) and the JSON tree (a string holding JSON). */
export interface PartitionHints {
  readonly predicateHints: readonly string[];
  readonly jsonPredicateHints: string | undefined;
}

/** Whether a file with these partition values may match: false only when a hint proves it does not. */
export function mayMatch(hints: PartitionHints, values: PartitionValues): boolean {
  if (hints.predicateHints.some((hint) => evaluateSqlHint(hint, values) === false)) return false;
  if (hints.jsonPredicateHints === undefined) return true;
  let tree: unknown;
  try {
    tree = JSON.parse(hints.jsonPredicateHints);
  } catch {
    return true;
  }
  return evaluateJsonHint(tree, values) !== false;
}
