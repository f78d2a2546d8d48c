import { invalidInput } from "./errors.js";

/** 2000-01-01T00:00:00Z: nothing the warehouse holds is older, so an earlier start is a caller's mistake. */
export const EARLIEST_START_SECONDS = 946_684_800;

export interface ExportWindow {
  /** Epoch milliseconds, inclusive. */
  readonly windowStart: number;
  /** Epoch milliseconds, exclusive. */
  readonly windowEnd: number;
}

/**
 * Validates a requested window of epoch seconds: end after start, at most `maxWindowSeconds` long, not before
 * 2000, and not ending more than a day in the future (such data cannot exist yet).
 */
export function validateExportWindow(
  startTime: number,
  endTime: number,
  { nowMs, maxWindowSeconds }: { nowMs: number; maxWindowSeconds: number },
): ExportWindow {
  for (const [name, value] of [
    ["startTime", startTime],
    ["endTime", endTime],
  ] as const) {
    if (!Number.isInteger(value))
      throw invalidInput("INVALID_WINDOW", `${name} must be an integer number of epoch seconds`);
    if (value < 0) throw invalidInput("INVALID_WINDOW", `${name} must not be negative (got ${value})`);
    if (value < EARLIEST_START_SECONDS) {
      throw invalidInput(
        "INVALID_WINDOW",
        `${name} ${value} is before 2000-01-01; epoch seconds are expected (not days or hours)`,
      );
    }
  }
  if (endTime <= startTime) {
    throw invalidInput("INVALID_WINDOW", `endTime (${endTime}) must be after startTime (${startTime})`);
  }
  if (endTime - startTime > maxWindowSeconds) {
    throw invalidInput(
      "INVALID_WINDOW",
      `the window is ${endTime - startTime} s long; at most ${maxWindowSeconds} s (${maxWindowSeconds / 3600} h) may be requested at once`,
    );
  }
  const latestEnd = Math.floor(nowMs / 1000) + 86_400;
  if (endTime > latestEnd) {
    throw invalidInput("INVALID_WINDOW", `endTime ${endTime} is more than a day in the future`);
  }
  return { windowStart: startTime * 1000, windowEnd: endTime * 1000 };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateRequestId(requestId: string): string {
  const trimmed = requestId.trim();
  if (!uuidPattern.test(trimmed))
    throw invalidInput(
      "INVALID_REQUEST_ID",
      `requestId must be a UUID (got ${JSON.stringify(requestId.slice(0, 64))})`,
    );
  return trimmed.toLowerCase();
}
