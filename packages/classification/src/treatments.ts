import type { ColumnProjection, ColumnTreatment } from "@data-exporter/contracts";
import { InvalidTreatmentError } from "./errors.js";
import type { ColumnTypeFamily } from "./column-types.js";
import type { HwcTreatment } from "./types.js";

/** Round digits accepted; negative digits round to tens, hundreds, ... */
export const minRoundDigits = -10;
export const maxRoundDigits = 10;

/** Checks a treatment read from configuration and returns a clean copy (no extra properties). */
export function validateTreatment(treatment: unknown, where: string): HwcTreatment {
  if (typeof treatment !== "object" || treatment === null) {
    throw new InvalidTreatmentError(treatment, "not an object", where);
  }
  const { kind, digits } = treatment as { kind?: unknown; digits?: unknown };
  switch (kind) {
    case "keyed_hash":
    case "truncate_to_hour":
    case "null":
      return { kind };
    case "round":
      if (typeof digits !== "number" || !Number.isInteger(digits)) {
        throw new InvalidTreatmentError(treatment, "round digits must be an integer", where);
      }
      if (digits < minRoundDigits || digits > maxRoundDigits) {
        throw new InvalidTreatmentError(
          treatment,
          `round digits must be between ${minRoundDigits} and ${maxRoundDigits}`,
          where,
        );
      }
      return { kind, digits };
    default:
      throw new InvalidTreatmentError(treatment, "unknown treatment kind", where);
  }
}

/**
 * Whether the treatment can mask a column of this family. keyed_hash hashes the value's text form, so it fits every
 * type (the exported column becomes text); null fits every type.
 */
export function treatmentFits(treatment: HwcTreatment, family: ColumnTypeFamily): boolean {
  switch (treatment.kind) {
    case "round":
      return family === "numeric";
    case "truncate_to_hour":
      return family === "timestamp";
    case "keyed_hash":
    case "null":
      return true;
  }
}

/** Keyed hash and null hide the value itself, which is the only masking accepted on a deny-listed column. */
export function hidesValue(treatment: HwcTreatment): boolean {
  return treatment.kind === "keyed_hash" || treatment.kind === "null";
}

const projectionTreatment: Readonly<Record<HwcTreatment["kind"], ColumnTreatment>> = {
  keyed_hash: "KEYED_HASH",
  round: "ROUND",
  truncate_to_hour: "TRUNCATE_TO_HOUR",
  null: "NULLIFY",
};

export function maskedProjection(name: string, treatment: HwcTreatment): ColumnProjection {
  return {
    name,
    treatment: projectionTreatment[treatment.kind],
    roundDigits: treatment.kind === "round" ? treatment.digits : null,
  };
}

export function describeTreatment(treatment: HwcTreatment): string {
  return treatment.kind === "round" ? `round(${treatment.digits})` : treatment.kind;
}
