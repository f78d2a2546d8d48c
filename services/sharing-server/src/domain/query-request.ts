import { SharingError } from "./errors.js";
import type { PartitionHints } from "./partition-filter.js";

/** A query's body, validated: what this server honours, and the version it must be asked of (if any). */
export interface QueryRequest extends PartitionHints {
  readonly limitHint: number | undefined;
  readonly version: number | undefined;
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * The body of POST .../query. Reading history (`timestamp`) and changes (`startingVersion`, streaming) is refused:
 * exports keep only their current files, so an older version cannot be served as it was.
 */
export function parseQueryRequest(body: unknown): QueryRequest {
  if (body === undefined || body === null)
    return { predicateHints: [], jsonPredicateHints: undefined, limitHint: undefined, version: undefined };
  if (typeof body !== "object" || Array.isArray(body))
    throw new SharingError("MALFORMED_REQUEST", "the query body must be a JSON object");
  // A null field is an absent one, as the reference server's JSON reader (Jackson into Options) has it.
  const b: Record<string, unknown> = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
  const { predicateHints, jsonPredicateHints, limitHint, version } = b;
  if (
    predicateHints !== undefined &&
    !(Array.isArray(predicateHints) && predicateHints.every((h) => typeof h === "string"))
  )
    throw new SharingError("INVALID_PARAMETER_VALUE", "predicateHints must be an array of strings");
  if (jsonPredicateHints !== undefined && typeof jsonPredicateHints !== "string")
    throw new SharingError("INVALID_PARAMETER_VALUE", "jsonPredicateHints must be a string holding JSON");
  if (limitHint !== undefined && !isInt(limitHint))
    throw new SharingError("INVALID_PARAMETER_VALUE", "limitHint must be a non-negative integer");
  if (version !== undefined && !isInt(version))
    throw new SharingError("INVALID_PARAMETER_VALUE", "version must be a non-negative integer");
  if (b["timestamp"] !== undefined)
    throw new SharingError(
      "UNSUPPORTED_OPERATION",
      "reading a table as of a timestamp is not supported: history is not shared",
    );
  if (b["startingVersion"] !== undefined || b["endingVersion"] !== undefined)
    throw new SharingError(
      "UNSUPPORTED_OPERATION",
      "startingVersion (change data, streaming) is not supported: history is not shared",
    );
  return {
    predicateHints: predicateHints ?? [],
    jsonPredicateHints: jsonPredicateHints,
    limitHint: limitHint,
    version: version,
  };
}
