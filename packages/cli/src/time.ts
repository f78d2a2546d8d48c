import { BadArgumentsError } from "./errors.js";

const EPOCH_SECONDS = /^\d{1,11}$/;
// Date-only ISO strings are read as UTC midnight by Date.parse; the export windows are instants, so say it.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const DURATION = /^(\d+)([mhdw])$/;
const unitSeconds: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * An instant given as epoch seconds (1712322000) or ISO-8601 (2024-04-05T13:00:00Z, 2024-04-06T00:00+11:00, or a
 * date, read as UTC midnight), as epoch seconds. A time without an offset is refused: it would depend on the
 * machine's time zone.
 */
export function parseInstant(text: string, option: string): number {
  const value = text.trim();
  if (EPOCH_SECONDS.test(value)) return Number(value);
  if (ISO_INSTANT.test(value)) {
    const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) {
      if (ms % 1000 !== 0) throw new BadArgumentsError(`${option} must be a whole second, got ${JSON.stringify(text)}`);
      return ms / 1000;
    }
  }
  throw new BadArgumentsError(
    `${option} must be epoch seconds or an ISO-8601 instant with its offset (2024-04-06T00:00:00+11:00), ` +
      `got ${JSON.stringify(text)}`,
  );
}

/** `--since`: an instant (as parseInstant), or a duration back from `nowSeconds` (30m, 12h, 7d, 2w). */
export function parseSince(text: string, nowSeconds: number): number {
  const duration = DURATION.exec(text.trim());
  if (duration?.[1] !== undefined && duration[2] !== undefined) {
    return nowSeconds - Number(duration[1]) * (unitSeconds[duration[2]] ?? 0);
  }
  try {
    return parseInstant(text, "--since");
  } catch {
    throw new BadArgumentsError(
      `--since must be an instant (epoch seconds, ISO-8601) or a duration back from now (30m, 12h, 7d, 2w), ` +
        `got ${JSON.stringify(text)}`,
    );
  }
}

/** A request's window: start before end. The API checks the rest (at most one day). */
export function parseWindow(from: string, to: string): { startTime: number; endTime: number } {
  const startTime = parseInstant(from, "--from");
  const endTime = parseInstant(to, "--to");
  if (endTime <= startTime) throw new BadArgumentsError("--to must be after --from");
  return { startTime, endTime };
}
