import fc from "fast-check";
import {
  defaultPolicy,
  identifierPattern,
  type Classification,
  type ClassificationPolicy,
  type ClassificationRules,
  type ColumnRule,
  type HwcTreatment,
  type MetricRule,
  type PlanTableInput,
  type SourceRule,
  type WarehouseColumn,
} from "../src/index.js";

/**
 * fast-check generators of classification configurations and warehouse schemas, biased towards near misses: mixed
 * case, rules for the same column of another table, deny-listed and almost deny-listed names, unknown codes.
 *
 * Runs are deterministic: every property uses `propertyOptions`, whose seed is fixed unless FC_SEED is set, e.g.
 * `FC_SEED=42 FC_NUM_RUNS=20000 npm run test:unit -- --testPathPatterns 'classification/test/.*property'`.
 * A failure prints its seed and path (fast-check's counterexample) for replay.
 */
export function propertyOptions(numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED === undefined ? 20_240_406 : Number(process.env.FC_SEED);
  const runs = process.env.FC_NUM_RUNS === undefined ? numRuns : Number(process.env.FC_NUM_RUNS);
  return { seed, numRuns: runs };
}

const weighted = <T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** The same name with some letters upper-cased: what a rule typed by hand looks like next to the catalog's. */
export function caseVariant(name: string): fc.Arbitrary<string> {
  return weighted(
    [3, fc.constant(name)],
    [1, fc.constant(name.toUpperCase())],
    [1, fc.constant(name.toLowerCase())],
    [
      2,
      fc
        .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
        .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join("")),
    ],
  );
}

/** Words every deny pattern of the default policy catches (in some spelling), and words that almost match one. */
const deniedWords = [
  "email",
  "e_mail",
  "phone",
  "mobile",
  "plate",
  "rego",
  "driver",
  "licence",
  "license",
  "passport",
  "address",
  "birth",
  "dob",
] as const;
const nearMissWords = ["emai", "mail", "e_mai", "phon", "mobil", "plat", "reg", "drive", "licenze", "adress", "do_b"];
const plainWords = ["id", "way", "speed", "source", "metric", "obs", "time", "value", "label", "count", "geom", "kmh"];

const validColumnName: fc.Arbitrary<string> = fc
  .array(
    weighted(
      [6, fc.constantFrom(...plainWords)],
      [2, fc.constantFrom(...deniedWords)],
      [2, fc.constantFrom(...nearMissWords)],
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((words) => words.join("_"))
  .chain(caseVariant);

/** Names the engine must refuse to put into SQL: it removes such columns whatever their rules say. */
const invalidColumnName = fc.constantFrom(
  "1st_email",
  "speed kmh",
  "speed;--",
  'way"id',
  "naïve",
  "a-b",
  "",
  `c${"x".repeat(63)}`,
  "e\u0000mail",
);

const columnTypes = [
  "integer",
  "bigint",
  "numeric(10,2)",
  "DOUBLE PRECISION",
  "float8",
  "text",
  "character varying(64)",
  "timestamp with time zone",
  "timestamp(3) without time zone",
  "TIMESTAMPTZ",
  "date",
  "time",
  "integer[]",
  "jsonb",
  "geometry",
];

const warehouseColumn: fc.Arbitrary<WarehouseColumn> = fc.record({
  name: weighted([12, validColumnName], [1, invalidColumnName]),
  type: fc.constantFrom(...columnTypes),
});

/** A warehouse table's columns; names are unique ignoring case, as the catalog of a sane table reports them. */
const warehouseColumns = fc.uniqueArray(warehouseColumn, {
  minLength: 1,
  maxLength: 10,
  selector: (column) => column.name.toLowerCase(),
});

const tableNames = ["traffic_observation", "way", "cctv", "way_metric_long"] as const;

const knownCode = fc.constantFrom<Classification>("nr", "mx", "de", "hwc");
/** Codes someone might type instead of a known one; none of them may ever allow anything. */
const unknownCode = fc.constantFrom(
  "NR",
  "Nr",
  "DE",
  "public",
  "restricted",
  "",
  "de ",
  "n r",
) as fc.Arbitrary<string> as fc.Arbitrary<Classification>;
const anyCode = weighted([80, knownCode], [1, unknownCode]);

const validTreatment: fc.Arbitrary<HwcTreatment> = fc.oneof(
  fc.constant({ kind: "keyed_hash" } as const),
  fc.constant({ kind: "truncate_to_hour" } as const),
  fc.constant({ kind: "null" } as const),
  fc.integer({ min: -10, max: 10 }).map((digits) => ({ kind: "round", digits }) as const),
);
const invalidTreatment = fc.constantFrom(
  { kind: "round", digits: 11 },
  { kind: "round", digits: 2.5 },
  { kind: "round" },
  { kind: "hash" },
  { kind: "KEYED_HASH" },
  null,
  "keyed_hash",
) as fc.Arbitrary<unknown> as fc.Arbitrary<HwcTreatment>;

/** How one warehouse column is classified in the generated rules. */
type ColumnSpec =
  | { readonly kind: "none" }
  | { readonly kind: "rule"; readonly classification: Classification; readonly treatment?: HwcTreatment };

const columnSpec: fc.Arbitrary<ColumnSpec> = weighted<ColumnSpec>(
  [2, fc.constant({ kind: "none" })],
  [
    10,
    fc
      .tuple(anyCode, weighted([10, fc.constant(undefined)], [20, validTreatment], [1, invalidTreatment]))
      .map(([classification, treatment]) =>
        treatment === undefined ? { kind: "rule", classification } : { kind: "rule", classification, treatment },
      ),
  ],
);

function columnRule(table: string, column: string, spec: Extract<ColumnSpec, { kind: "rule" }>): ColumnRule {
  return spec.treatment === undefined
    ? { table, column, classification: spec.classification }
    : { table, column, classification: spec.classification, treatment: spec.treatment };
}

/** The rules of one warehouse column: its own (maybe spelt differently), agreeing duplicates, rare conflicts, decoys. */
function rulesForColumn(table: string, column: WarehouseColumn): fc.Arbitrary<ColumnRule[]> {
  const otherTables = tableNames.filter((name) => name !== table);
  // A rule naming an invalid identifier refuses the whole table: seldom, or few plans would be made at all.
  const spec = identifierPattern.test(column.name)
    ? columnSpec
    : weighted([9, fc.constant<ColumnSpec>({ kind: "none" })], [1, columnSpec]);
  return fc
    .record({
      spec,
      ruleTable: caseVariant(table),
      ruleColumn: caseVariant(column.name),
      duplicateTable: caseVariant(table),
      duplicate: weighted([5, fc.constant(false)], [1, fc.constant(true)]),
      conflict: weighted([40, fc.constant(undefined)], [1, knownCode]),
      // The same column name classified (often nr) for another table: it must never classify this one.
      decoy: weighted(
        [3, fc.constant(undefined)],
        [2, fc.tuple(fc.constantFrom(...otherTables), weighted([3, fc.constant<Classification>("nr")], [1, anyCode]))],
      ),
    })
    .map(({ spec, ruleTable, ruleColumn, duplicateTable, duplicate, conflict, decoy }) => {
      const rules: ColumnRule[] = [];
      if (spec.kind === "rule") {
        rules.push(columnRule(ruleTable, ruleColumn, spec));
        if (duplicate) rules.push(columnRule(duplicateTable, column.name, spec));
        if (conflict !== undefined && conflict !== spec.classification) {
          rules.push({ table: ruleTable, column: column.name, classification: conflict });
        }
      }
      if (decoy !== undefined) rules.push({ table: decoy[0], column: column.name, classification: decoy[1] });
      return rules;
    });
}

const sourceValues = [
  "FUSION",
  "fusion",
  "Fusion",
  "TOMTOM",
  "HERE",
  "probe",
  "x'); DROP TABLE way; --",
  "spaced value",
  "ünïcode",
];
const invalidValues = ["", "a\u0000b", "x".repeat(257), "line\u2028sep", "tab\there"];
const sourceValue = weighted([80, fc.constantFrom(...sourceValues)], [1, fc.constantFrom(...invalidValues)]);
const metricValues = ["volume", "Volume", "occupancy", "queue_length", "incident_flag", "speed", "x' OR '1'='1"];
const metricValue = weighted([80, fc.constantFrom(...metricValues)], [1, fc.constantFrom(...invalidValues)]);

/** Mostly one rule per value, sometimes a duplicate (agreeing or, rarely, not). */
const sourceRules: fc.Arbitrary<SourceRule[]> = fc
  .tuple(
    fc.uniqueArray(fc.record({ source: sourceValue, classification: anyCode }), {
      maxLength: 8,
      selector: (rule) => rule.source,
    }),
    weighted(
      [20, fc.constant<SourceRule[]>([])],
      [1, fc.array(fc.record({ source: sourceValue, classification: anyCode }), { maxLength: 2 })],
    ),
  )
  .map(([unique, extra]) => [...unique, ...extra]);

function metricRules(table: string): fc.Arbitrary<MetricRule[]> {
  const ruleTable = weighted([3, caseVariant(table)], [1, fc.constantFrom(...tableNames)]);
  return fc.uniqueArray(fc.record({ table: ruleTable, metric: metricValue, classification: anyCode }), {
    maxLength: 8,
    selector: (rule) => `${rule.table.toLowerCase()}/${rule.metric}`,
  });
}

/** A configured time, source or metric column: one of the table's columns spelt some way, rarely a missing one. */
function configuredColumn(columns: readonly WarehouseColumn[]): fc.Arbitrary<string | null> {
  const names = columns.map((c) => c.name).filter((name) => identifierPattern.test(name));
  const missing: [number, fc.Arbitrary<string | null>] = [1, fc.constant("no_such_column")];
  if (names.length === 0) return weighted<string | null>([30, fc.constant(null)], missing);
  return weighted<string | null>([12, fc.constant(null)], [18, fc.constantFrom(...names).chain(caseVariant)], missing);
}

const policy: fc.Arbitrary<ClassificationPolicy> = weighted(
  [6, fc.constant(defaultPolicy)],
  [
    2,
    fc.record({
      denyColumnPatterns: fc
        .subarray(["^ssn$", "secret", "token", "kmh$", "^geo"])
        .map((extra) => [...defaultPolicy.denyColumnPatterns, ...extra]),
      defaultHwcTreatment: validTreatment,
    }),
  ],
);

/** One planTable call: a table, its warehouse columns, rules aimed at (and around) them, a policy and a mode. */
export const scenario: fc.Arbitrary<PlanTableInput> = fc
  .record({
    table: fc.constantFrom(...tableNames),
    columns: warehouseColumns,
    mode: fc.constantFrom<PlanTableInput["mode"]>("SCHEDULED", "ON_DEMAND"),
    enabled: weighted([19, fc.constant(true)], [1, fc.constant(false)]),
    onDemandEnabled: weighted([19, fc.constant(true)], [1, fc.constant(false)]),
  })
  .chain((base) =>
    fc
      .record({
        configTable: caseVariant(base.table),
        columnRules: fc.tuple(...base.columns.map((column) => rulesForColumn(base.table, column))),
        strayRules: fc.array(
          fc.record({ table: fc.constantFrom(...tableNames), column: validColumnName, classification: anyCode }),
          { maxLength: 3 },
        ),
        sources: sourceRules,
        metrics: metricRules(base.table),
        timeColumn: configuredColumn(base.columns),
        sourceColumn: configuredColumn(base.columns),
        metricColumn: configuredColumn(base.columns),
        policy,
      })
      .map((drawn): PlanTableInput => {
        const rules: ClassificationRules = {
          columns: [...drawn.columnRules.flat(), ...drawn.strayRules],
          sources: drawn.sources,
          metrics: drawn.metrics,
        };
        return {
          table: {
            table: drawn.configTable,
            schema: "pm_internal",
            enabled: base.enabled,
            onDemandEnabled: base.onDemandEnabled,
            timeColumn: drawn.timeColumn,
            sourceColumn: drawn.sourceColumn,
            metricColumn: drawn.metricColumn,
          },
          columns: base.columns,
          rules,
          policy: drawn.policy,
          mode: base.mode,
        };
      }),
  );

/** Any value at all, as a malformed DynamoDB item could hold in a rule's field. */
const garbage = fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withBoxedValues: true });

const roughRules: fc.Arbitrary<ClassificationRules> = fc
  .record({
    columns: fc.array(
      fc.record({
        table: weighted([8, fc.constantFrom(...tableNames).chain(caseVariant)], [1, invalidColumnName], [1, garbage]),
        column: weighted([8, validColumnName], [1, invalidColumnName], [1, garbage]),
        classification: weighted([8, anyCode], [1, garbage]),
        treatment: weighted([3, fc.constant(undefined)], [4, validTreatment], [2, invalidTreatment], [1, garbage]),
      }),
      { maxLength: 12 },
    ),
    sources: fc.array(
      fc.record({
        source: weighted([8, sourceValue], [1, garbage]),
        classification: weighted([8, anyCode], [1, garbage]),
      }),
      { maxLength: 8 },
    ),
    metrics: fc.array(
      fc.record({
        table: weighted([8, fc.constantFrom(...tableNames)], [1, garbage]),
        metric: weighted([8, metricValue], [1, garbage]),
        classification: weighted([8, anyCode], [1, garbage]),
      }),
      { maxLength: 8 },
    ),
  })
  .map((rules) => rules as unknown as ClassificationRules);

/** Rule sets as configuration could hold them: the scenarios' plausible rules, or rules with fields of any type. */
export const anyRules: fc.Arbitrary<ClassificationRules> = fc.oneof(
  scenario.map((input) => input.rules),
  roughRules,
);
