import type { Classification } from "./types.js";

export const classificationCodes: readonly Classification[] = Object.freeze(["nr", "mx", "de", "hwc"]);

/** Runtime guard: rules come from a database, so their codes are checked, not trusted. */
export function isClassification(value: unknown): value is Classification {
  return typeof value === "string" && (classificationCodes as readonly string[]).includes(value);
}

/** Rows of a source or metric with these classifications may be exported; de and unknown ones never. */
export function allowsRows(classification: Classification): boolean {
  return classification !== "de";
}
