import type { RequestStatus } from "@data-exporter/status-store";
import { invalidInput } from "./errors.js";
import { statusText } from "./status-view.js";

/** The seed's status strings a caller filters by, and the read model's statuses each stands for. */
const statusesOf: Readonly<Record<string, readonly RequestStatus[]>> = {
  [statusText.inProgress]: ["REQUESTED", "IN-PROGRESS"],
  [statusText.completed]: ["COMPLETED"],
  [statusText.failed]: ["FAILED"],
  [statusText.partial]: ["PARTIAL-SUCCESS"],
  [statusText.cancelled]: ["CANCELLED"],
};

export function readModelStatuses(seedStatuses: readonly string[]): RequestStatus[] {
  return seedStatuses.flatMap((status) => {
    const statuses = statusesOf[status];
    if (statuses === undefined)
      throw invalidInput(
        "INVALID_FILTER",
        `unknown status ${JSON.stringify(status)}; one of ${Object.keys(statusesOf).join(", ")}`,
      );
    return statuses;
  });
}

export function validateMode(mode: string): "ON_DEMAND" | "SCHEDULED" {
  if (mode === "ON_DEMAND" || mode === "SCHEDULED") return mode;
  throw invalidInput("INVALID_FILTER", `unknown mode ${JSON.stringify(mode)}; ON_DEMAND or SCHEDULED`);
}

export const MAX_PAGE_SIZE = 100;

export function validatePageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    throw invalidInput("INVALID_FILTER", `first must be between 1 and ${MAX_PAGE_SIZE} (got ${first})`);
  return first;
}

/** Where a page ends: the last request listed (opaque to callers). */
export interface Cursor {
  readonly requestedAt: number;
  readonly requestId: string;
}

export const encodeCursor = (cursor: Cursor): string =>
  Buffer.from(JSON.stringify([cursor.requestedAt, cursor.requestId])).toString("base64url");

export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isFinite(parsed[0]) &&
      typeof parsed[1] === "string" &&
      /^[0-9a-f-]{36}$/.test(parsed[1])
    )
      return { requestedAt: parsed[0] as number, requestId: parsed[1] };
  } catch {
    // reported below
  }
  throw invalidInput("INVALID_FILTER", "after is not a cursor this API returned");
}
