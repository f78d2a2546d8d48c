import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, type ColumnRule, type HwcTreatment, type WarehouseColumn } from "../src/index.js";
import { col, planned, rule, rules, tableConfig } from "./helpers.js";

// Every combination of classification × treatment × deny-listed name × column type × source column present, planned
// in one table, then checked against the safety invariants and a plain-language decision table.

type Variant = { label: string; classification: ColumnRule["classification"] | null; treatment?: HwcTreatment };
const variants: Variant[] = [
  { label: "none", classification: null },
  { label: "nr", classification: "nr" },
  { label: "mx", classification: "mx" },
  { label: "de", classification: "de" },
  { label: "hwc_default", classification: "hwc" },
  { label: "hwc_hash", classification: "hwc", treatment: { kind: "keyed_hash" } },
  { label: "hwc_round", classification: "hwc", treatment: { kind: "round", digits: 2 } },
  { label: "hwc_trunc", classification: "hwc", treatment: { kind: "truncate_to_hour" } },
  { label: "hwc_null", classification: "hwc", treatment: { kind: "null" } },
];
const types = { text: "character varying(64)", num: "numeric(12,3)", ts: "timestamp with time zone" } as const;
const baseNames = { plain: "reading", denied: "driver" } as const;

interface Case {
  column: WarehouseColumn;
  variant: Variant;
  denied: boolean;
  family: keyof typeof types;
}

const cases: Case[] = variants.flatMap((variant) =>
  Object.entries(baseNames).flatMap(([nameKind, base]) =>
    Object.entries(types).map(([family, type]) => ({
      column: col(`${base}_${variant.label}_${family}`, type),
      variant,
      denied: nameKind === "denied",
      family: family as keyof typeof types,
    })),
  ),
);

/** The decision table of the README, written independently of the implementation. */
function expected(c: Case, hasSource: boolean): { action: string; rule: string; treatment: string | null } {
  const { classification, treatment } = c.variant;
  if (classification === null) return { action: "REMOVED", rule: "unclassified", treatment: null };
  if (classification === "de") return { action: "REMOVED", rule: "classification:de", treatment: null };
  const effective = treatment ?? defaultPolicy.defaultHwcTreatment;
  const hides = classification === "hwc" && (effective.kind === "keyed_hash" || effective.kind === "null");
  if (c.denied && !hides) return { action: "REMOVED", rule: "deny-pattern:driver", treatment: null };
  if (classification === "nr") return { action: "EXPORTED", rule: "classification:nr", treatment: "AS_IS" };
  if (classification === "mx") {
    return hasSource
      ? { action: "NULLED_BY_SOURCE", rule: "classification:mx", treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE" }
      : { action: "REMOVED", rule: "mx-without-source-column", treatment: null };
  }
  const fits =
    (effective.kind === "round" && c.family === "num") ||
    (effective.kind === "truncate_to_hour" && c.family === "ts") ||
    effective.kind === "keyed_hash" ||
    effective.kind === "null";
  if (!fits) return { action: "REMOVED", rule: `treatment-type-mismatch:${effective.kind}`, treatment: null };
  const projected = { keyed_hash: "KEYED_HASH", round: "ROUND", truncate_to_hour: "TRUNCATE_TO_HOUR", null: "NULLIFY" };
  return { action: "MASKED", rule: `treatment:${effective.kind}`, treatment: projected[effective.kind] };
}

describe.each([true, false])("every combination (source column present: %s)", (hasSource) => {
  const columnRules = cases.flatMap((c) =>
    c.variant.classification === null
      ? []
      : [rule(c.column.name, c.variant.classification, c.variant.treatment ? { treatment: c.variant.treatment } : {})],
  );
  const sourceColumns = hasSource ? [col("source")] : [];
  const result = planned({
    table: tableConfig({ sourceColumn: hasSource ? "source" : null }),
    columns: [...sourceColumns, ...cases.map((c) => c.column)],
    rules: rules({ columns: columnRules, sources: [{ source: "FUSION", classification: "nr" }] }),
  });
  const audited = result.audit.slice(sourceColumns.length);

  it("gives every warehouse column exactly one decision, in order", () => {
    expect(result.audit.map((d) => d.column)).toEqual(
      [...sourceColumns, ...cases.map((c) => c.column)].map((c) => c.name),
    );
  });

  it.each(cases.map((c, i) => [c.column.name, i] as const))("%s", (_name, i) => {
    const c = cases[i] as Case;
    const want = expected(c, hasSource);
    const decision = audited[i];
    expect(decision).toMatchObject({ action: want.action, rule: want.rule, classification: c.variant.classification });
    const projection = result.columns.find((p) => p.name === c.column.name);
    expect(projection?.treatment ?? null).toBe(want.treatment);
  });

  it("never exports a deny-listed column unless it is hashed or nulled", () => {
    const deniedNames = new Set(cases.filter((c) => c.denied).map((c) => c.column.name));
    for (const p of result.columns.filter((p) => deniedNames.has(p.name))) {
      expect(["KEYED_HASH", "NULLIFY"]).toContain(p.treatment);
    }
  });

  it("never exports unclassified or de columns, and lists the unclassified ones", () => {
    const blocked = cases.filter((c) => c.variant.classification === null || c.variant.classification === "de");
    const exported = new Set(result.columns.map((p) => p.name));
    for (const c of blocked) expect(exported.has(c.column.name)).toBe(false);
    expect(result.unclassifiedColumns).toEqual([
      ...sourceColumns.map((c) => c.name),
      ...cases.filter((c) => c.variant.classification === null).map((c) => c.column.name),
    ]);
  });

  it("projects exactly the columns not REMOVED, in warehouse order, and AS_IS only for nr", () => {
    expect(result.columns.map((p) => p.name)).toEqual(
      result.audit.filter((d) => d.action !== "REMOVED").map((d) => d.column),
    );
    for (const p of result.columns) {
      const decision = result.audit.find((d) => d.column === p.name);
      if (p.treatment === "AS_IS") expect(decision?.classification).toBe("nr");
      expect(p.roundDigits).toBe(p.treatment === "ROUND" ? 2 : null);
    }
  });
});
