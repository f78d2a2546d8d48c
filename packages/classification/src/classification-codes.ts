import type { Classification } from "./types.js";

export const classificationCodes: readonly Classification[] = Object.freeze(["nr", "mx", "de", "hwc"]);

/** Runtime guard: rules come from a database, so their codes are checked, not trusted. */
export function isClassification(value: unknown): value is Classification {
  return typeof value === "string" && (classificationCodes as readonly string[]).includes(value);
}

/**
 * What a source's or a metric's classification does to its rows. `unrestricted` (nr): exported, mx columns keep
 * their values. `restricted` (hwc, and mx, which says nothing more precise about a row): exported, but every mx
 * column is NULL in them. `dropped` (de): not exported. A value without a rule is dropped too. In every exported row
 * nr columns are as is and hwc columns get their treatment: a row classification never loosens a column rule.
 */
export type RowAccess = "unrestricted" | "restricted" | "dropped";

export function rowAccess(classification: Classification): RowAccess {
  switch (classification) {
    case "nr":
      return "unrestricted";
    case "mx":
    case "hwc":
      return "restricted";
    case "de":
      return "dropped";
  }
}

/** Rows of a source or metric with these classifications may be exported; de and unknown ones never. */
export function allowsRows(classification: Classification): boolean {
  return rowAccess(classification) !== "dropped";
}
