import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { evaluateJsonHint, evaluateSqlHint, mayMatch } from "../../src/domain/partition-filter.js";

const on = (date: string) => ({ export_date: date });
const nullDate = { export_date: "" };

const column = (name = "export_date", valueType = "date") => ({ op: "column", name, valueType });
const literal = (value: string, valueType = "date") => ({ op: "literal", value, valueType });
const node = (op: string, ...children: unknown[]) => ({ op, children });

describe("evaluateSqlHint", () => {
  it.each([
    ["export_date = '2026-11-25'", true],
    ["export_date = '2026-11-24'", false],
    ["export_date <> '2026-11-24'", true],
    ["export_date != '2026-11-25'", false],
    ["export_date < '2026-11-26'", true],
    ["export_date < '2026-11-25'", false],
    ["export_date <= '2026-11-25'", true],
    ["export_date > '2026-11-25'", false],
    ["export_date > '2026-11-24'", true],
    ["export_date >= '2026-11-25'", true],
    ["export_date >= '2026-11-26'", false],
  ])("%s on 2026-11-25 is %s", (hint, expected) => {
    expect(evaluateSqlHint(hint, on("2026-11-25"))).toBe(expected);
  });

  it.each([
    ["'2026-11-26' > export_date", true],
    ["'2026-11-25' < export_date", false],
    ["'2026-11-24' < export_date", true],
    ["'2026-11-25' <= export_date", true],
    ["'2026-11-25' >= export_date", true],
    ["'2026-11-24' >= export_date", false],
    ["'2026-11-25' = export_date", true],
    ["'2026-11-25' <> export_date", false],
  ])("literal first: %s on 2026-11-25 is %s", (hint, expected) => {
    expect(evaluateSqlHint(hint, on("2026-11-25"))).toBe(expected);
  });

  it("reads DATE and quoted-identifier forms, any case and spacing", () => {
    expect(evaluateSqlHint("export_date = DATE '2026-11-25'", on("2026-11-25"))).toBe(true);
    expect(evaluateSqlHint("export_date>date'2026-11-25'", on("2026-11-25"))).toBe(false);
    expect(evaluateSqlHint("  `export_date`   >=   Date '2026-11-01'  ", on("2026-11-25"))).toBe(true);
    expect(evaluateSqlHint("DATE '2026-12-01' > export_date", on("2026-11-25"))).toBe(true);
  });

  it("reads a hint in the parentheses Spark prints around it", () => {
    expect(evaluateSqlHint("(export_date = DATE '2026-11-24')", on("2026-11-25"))).toBe(false);
    expect(evaluateSqlHint(" (`export_date` >= '2026-11-01') ", on("2026-11-25"))).toBe(true);
    expect(evaluateSqlHint("(export_date IS NOT NULL)", on("2026-11-25"))).toBe(true);
    expect(
      evaluateSqlHint("(export_date = '2026-11-24') AND (export_date = '2026-11-25')", on("2026-11-25")),
    ).toBeUndefined();
    expect(
      evaluateSqlHint("(export_date = '2026-11-24') OR (export_date = '2026-11-25')", on("2026-11-25")),
    ).toBeUndefined();
  });

  it("IS [NOT] NULL on a present and a null partition value", () => {
    expect(evaluateSqlHint("export_date IS NULL", on("2026-11-25"))).toBe(false);
    expect(evaluateSqlHint("export_date is not null", on("2026-11-25"))).toBe(true);
    expect(evaluateSqlHint("export_date IS NULL", nullDate)).toBe(true);
    expect(evaluateSqlHint("export_date IS NOT NULL", nullDate)).toBe(false);
  });

  it("a comparison with a null partition value is unknown (the file is kept)", () => {
    expect(evaluateSqlHint("export_date = '2026-11-25'", nullDate)).toBeUndefined();
  });

  it("undoes doubled quotes in a literal", () => {
    expect(evaluateSqlHint("name = 'it''s'", { name: "it's" })).toBe(true);
    expect(evaluateSqlHint("name = 'it''s'", { name: "it''s" })).toBe(false);
  });

  it.each([
    "other_column = '2026-11-25'",
    "EXPORT_DATE_X = '2026-11-25'",
    "export_date LIKE '2026%'",
    "export_date = '2026-11-25' AND x = 1",
    "export_date =",
    "garbage",
    "",
    "export_date = 'unterminated",
    "other IS NULL",
  ])("%j is unknown", (hint) => {
    expect(evaluateSqlHint(hint, on("2026-11-25"))).toBeUndefined();
  });

  it("a column named like an Object property is still an unknown column", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(evaluateSqlHint(`${name} = 'x'`, on("2026-11-25"))).toBeUndefined();
      expect(evaluateSqlHint(`${name} IS NULL`, on("2026-11-25"))).toBeUndefined();
      expect(evaluateJsonHint(node("isNull", column(name)), on("2026-11-25"))).toBeUndefined();
      expect(evaluateJsonHint(node("equal", column(name), literal("x")), on("2026-11-25"))).toBeUndefined();
    }
  });

  it("a literal that is not a date in the partition's form is unknown, not compared as text", () => {
    // Spark compares these as dates or timestamps: as text they would drop files that match.
    expect(evaluateSqlHint("export_date > '2026-11-5'", on("2026-11-25"))).toBeUndefined();
    expect(evaluateSqlHint("export_date = TIMESTAMP '2026-11-25 00:00:00'", on("2026-11-25"))).toBeUndefined();
    expect(evaluateSqlHint("export_date >= timestamp '2026-11-25 00:00:00'", on("2026-11-25"))).toBeUndefined();
    expect(evaluateSqlHint("export_date > 5", on("2026-11-25"))).toBeUndefined();
    expect(evaluateSqlHint("export_date < 20261126", on("2026-11-25"))).toBeUndefined();
  });
});

describe("evaluateJsonHint", () => {
  const d = on("2026-11-25");

  it.each([
    ["equal", "2026-11-25", true],
    ["equal", "2026-11-24", false],
    ["lessThan", "2026-11-26", true],
    ["lessThan", "2026-11-25", false],
    ["lessThanOrEqual", "2026-11-25", true],
    ["greaterThan", "2026-11-25", false],
    ["greaterThan", "2026-11-24", true],
    ["greaterThanOrEqual", "2026-11-25", true],
    ["greaterThanOrEqual", "2026-11-26", false],
  ])("column %s %s is %s, and the literal-first form agrees", (op, value, expected) => {
    expect(evaluateJsonHint(node(op, column(), literal(value)), d)).toBe(expected);
    // literal op column: `value op date`, i.e. date (flipped op) value.
    const flippedExpected = {
      equal: expected,
      lessThan: value < "2026-11-25",
      lessThanOrEqual: value <= "2026-11-25",
      greaterThan: value > "2026-11-25",
      greaterThanOrEqual: value >= "2026-11-25",
    }[op];
    expect(evaluateJsonHint(node(op, literal(value), column()), d)).toBe(flippedExpected);
  });

  const yes = node("equal", column(), literal("2026-11-25"));
  const no = node("equal", column(), literal("2026-11-24"));
  const unknown = node("equal", column("id", "int"), literal("25", "int"));

  it("and / or / not in three-valued logic", () => {
    expect(evaluateJsonHint(node("and", yes, yes), d)).toBe(true);
    expect(evaluateJsonHint(node("and", yes, no), d)).toBe(false);
    expect(evaluateJsonHint(node("and", unknown, no), d)).toBe(false);
    expect(evaluateJsonHint(node("and", unknown, yes), d)).toBeUndefined();
    expect(evaluateJsonHint(node("or", no, yes), d)).toBe(true);
    expect(evaluateJsonHint(node("or", unknown, yes), d)).toBe(true);
    expect(evaluateJsonHint(node("or", unknown, no), d)).toBeUndefined();
    expect(evaluateJsonHint(node("or", no, no), d)).toBe(false);
    expect(evaluateJsonHint(node("not", yes), d)).toBe(false);
    expect(evaluateJsonHint(node("not", no), d)).toBe(true);
    expect(evaluateJsonHint(node("not", unknown), d)).toBeUndefined();
  });

  it("isNull, and the protocol's not-null example", () => {
    expect(evaluateJsonHint(node("isNull", column()), d)).toBe(false);
    expect(evaluateJsonHint(node("isNull", column()), nullDate)).toBe(true);
    expect(evaluateJsonHint(node("not", node("isNull", column())), d)).toBe(true);
    expect(evaluateJsonHint(node("isNull", column("id")), d)).toBeUndefined();
  });

  it.each([
    ["an unknown op", node("like", column(), literal("2026%"))],
    ["in (not an op of the protocol)", node("in", column(), literal("2026-11-24"))],
    ["a comparison with one child", node("equal", column())],
    ["a comparison with three children", node("equal", column(), literal("2026-11-24"), literal("x"))],
    ["two columns", node("equal", column(), column())],
    ["two literals", node("equal", literal("a"), literal("b"))],
    ["a non-string literal", node("equal", column(), { op: "literal", value: 20261124, valueType: "int" })],
    ["children not an array", { op: "and", children: { op: "equal" } }],
    ["an empty and", node("and")],
    ["an empty or", node("or")],
    ["not with two children", node("not", no, no)],
    ["isNull of a literal", node("isNull", literal("x"))],
    ["null", null],
    ["a string", "equal"],
    ["an array", [no]],
    ["a column alone", column()],
  ])("%s is unknown", (_, tree) => {
    expect(evaluateJsonHint(tree, d)).toBeUndefined();
  });
});

describe("literal types in JSON hints", () => {
  it("compares string and date literals as text, numbers and timestamps not at all", () => {
    expect(evaluateJsonHint(node("lessThan", column("n", "int"), literal("9", "int")), { n: "10" })).toBeUndefined();
    expect(evaluateJsonHint(node("equal", column("s", "string"), literal("a", "string")), { s: "a" })).toBe(true);
    expect(evaluateJsonHint(node("equal", column(), literal("2026-11-25", "string")), on("2026-11-25"))).toBe(true);
    expect(
      evaluateJsonHint(node("equal", column(), literal("2026-11-25T00:00:00Z", "timestamp")), on("2026-11-25")),
    ).toBeUndefined();
    expect(evaluateJsonHint(node("greaterThan", column(), literal("2026-11-5")), on("2026-11-25"))).toBeUndefined();
  });
});

describe("mayMatch", () => {
  const hints = (predicateHints: string[], json?: unknown) => ({
    predicateHints,
    jsonPredicateHints: json === undefined ? undefined : typeof json === "string" ? json : JSON.stringify(json),
  });

  it("keeps a file when there is no hint", () => {
    expect(mayMatch(hints([]), on("2026-11-25"))).toBe(true);
  });

  it("AND-s the SQL hints: one false drops the file, unknown ones do not", () => {
    const d = on("2026-11-25");
    expect(mayMatch(hints(["export_date >= '2026-11-01'", "export_date <= '2026-11-30'"]), d)).toBe(true);
    expect(mayMatch(hints(["export_date >= '2026-11-01'", "export_date < '2026-11-25'"]), d)).toBe(false);
    expect(mayMatch(hints(["garbage", "id = 3", "export_date IS NOT NULL"]), d)).toBe(true);
  });

  it("AND-s the JSON tree with the SQL hints", () => {
    const d = on("2026-11-25");
    const no = node("equal", column(), literal("2026-11-24"));
    const yes = node("equal", column(), literal("2026-11-25"));
    expect(mayMatch(hints([], no), d)).toBe(false);
    expect(mayMatch(hints(["export_date = '2026-11-25'"], no), d)).toBe(false);
    expect(mayMatch(hints(["export_date = '2026-11-24'"], yes), d)).toBe(false);
    expect(mayMatch(hints(["export_date = '2026-11-25'"], yes), d)).toBe(true);
  });

  it("keeps the file when the JSON is not JSON or not a tree", () => {
    const d = on("2026-11-25");
    expect(mayMatch(hints([], "{not json"), d)).toBe(true);
    expect(mayMatch(hints([], "null"), d)).toBe(true);
    expect(mayMatch(hints([], "42"), d)).toBe(true);
    expect(mayMatch(hints([], ""), d)).toBe(true);
  });
});

/** Reference semantics (Spark's): the partition value and the literal compared as calendar dates. */
const referenceCompare: Record<string, (a: number, b: number) => boolean> = {
  "=": (a, b) => a === b,
  "<>": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};
const flipSql: Record<string, string> = { "=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
const jsonOps: Record<string, string> = {
  "=": "equal",
  "<": "lessThan",
  "<=": "lessThanOrEqual",
  ">": "greaterThan",
  ">=": "greaterThanOrEqual",
};

const day = fc.integer({ min: Date.UTC(1990, 0, 1) / 864e5, max: Date.UTC(2100, 0, 1) / 864e5 });
const iso = (days: number): string => new Date(days * 864e5).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, "0");
/** A literal that means `days` to Spark, in the forms a client may write it. */
const literalOf = (days: number, form: number): string => {
  const d = new Date(days * 864e5);
  const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  switch (form) {
    case 0:
      return `'${iso(days)}'`;
    case 1:
      return `DATE '${iso(days)}'`;
    case 2:
      return `'${y}-${m}-${dd}'`; // unpadded: a date to Spark, not to a text comparison
    case 3:
      return `TIMESTAMP '${y}-${pad(m)}-${pad(dd)} 00:00:00'`;
    default:
      return `date'${iso(days)}'`;
  }
};

describe("a hint never drops a file whose partition value satisfies it (property)", () => {
  it("SQL hints, both orders, every literal form", () => {
    fc.assert(
      fc.property(
        day,
        day,
        fc.constantFrom("=", "<>", "<", "<=", ">", ">="),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        (value, lit, op, form, literalFirst, parenthesised) => {
          const bare = literalFirst
            ? `${literalOf(lit, form)} ${flipSql[op]} export_date`
            : `export_date ${op} ${literalOf(lit, form)}`;
          const hint = parenthesised ? `(${bare})` : bare;
          const truth = referenceCompare[op]?.(value, lit);
          const result = evaluateSqlHint(hint, on(iso(value)));
          // Unknown is always allowed; a verdict must be the true one.
          if (result !== undefined) expect(result).toBe(truth);
          if (truth === true)
            expect(mayMatch({ predicateHints: [hint], jsonPredicateHints: undefined }, on(iso(value)))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("canonical date literals always get a verdict", () => {
    fc.assert(
      fc.property(day, day, fc.constantFrom("=", "<>", "<", "<=", ">", ">="), (value, lit, op) => {
        expect(evaluateSqlHint(`export_date ${op} '${iso(lit)}'`, on(iso(value)))).toBe(
          referenceCompare[op]?.(value, lit),
        );
      }),
    );
  });

  it("JSON trees of comparisons under and/or/not", () => {
    type Tree = { tree: unknown; truth: (value: number) => boolean | undefined };
    const leaf: fc.Arbitrary<Tree> = fc
      .tuple(day, fc.constantFrom("=", "<", "<=", ">", ">="), fc.boolean(), fc.boolean())
      .map(([lit, op, literalFirst, otherColumn]) => {
        const col = otherColumn ? column("id", "int") : column();
        const lt = literal(iso(lit));
        return {
          tree: literalFirst ? node(jsonOps[op] ?? "", lt, col) : node(jsonOps[op] ?? "", col, lt),
          truth: (value: number) =>
            otherColumn
              ? undefined
              : literalFirst
                ? referenceCompare[flipSql[op] ?? ""]?.(value, lit)
                : referenceCompare[op]?.(value, lit),
        };
      });
    const and3 = (a: boolean | undefined, b: boolean | undefined) =>
      a === false || b === false ? false : a === true && b === true ? true : undefined;
    const or3 = (a: boolean | undefined, b: boolean | undefined) =>
      a === true || b === true ? true : a === false && b === false ? false : undefined;
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.tuple(tie("tree"), tie("tree")).map(([a, b]) => ({
          tree: node("and", a.tree, b.tree),
          truth: (v: number) => and3(a.truth(v), b.truth(v)),
        })),
        fc.tuple(tie("tree"), tie("tree")).map(([a, b]) => ({
          tree: node("or", a.tree, b.tree),
          truth: (v: number) => or3(a.truth(v), b.truth(v)),
        })),
        tie("tree").map((a) => ({
          tree: node("not", a.tree),
          truth: (v: number) => {
            const t = a.truth(v);
            return t === undefined ? undefined : !t;
          },
        })),
      ),
    }));
    fc.assert(
      fc.property(tree, day, (t, value) => {
        const result = evaluateJsonHint(t.tree, on(iso(value)));
        const truth = t.truth(value);
        if (result !== undefined) expect(result).toBe(truth);
        if (truth !== false)
          expect(mayMatch({ predicateHints: [], jsonPredicateHints: JSON.stringify(t.tree) }, on(iso(value)))).toBe(
            true,
          );
      }),
      { numRuns: 300 },
    );
  });
});
