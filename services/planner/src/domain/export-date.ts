/** The scheduled export's calendar: Melbourne days, which are 23, 24 or 25 hours long around DST changes. */
export const EXPORT_TIME_ZONE = "Australia/Melbourne";

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidExportDateError extends Error {
  readonly code = "INVALID_EXPORT_DATE";
  constructor(message: string) {
    super(message);
    this.name = "InvalidExportDateError";
  }
}

/** Validates YYYY-MM-DD as a real calendar date. */
export function parseExportDate(text: string): { year: number; month: number; day: number } {
  const match = datePattern.exec(text);
  if (!match) throw new InvalidExportDateError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new InvalidExportDateError(`${text} is not a calendar date`);
  }
  return { year, month, day };
}

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wallClockAsUtc = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wallClockAsUtc - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` in `timeZone` (Melbourne changes clocks at 02:00/03:00, never at midnight). */
export function localMidnight(date: string, timeZone = EXPORT_TIME_ZONE): number {
  const { year, month, day } = parseExportDate(date);
  const naive = Date.UTC(year, month - 1, day);
  const guess = naive - zoneOffsetMs(timeZone, naive);
  return naive - zoneOffsetMs(timeZone, guess);
}

/** The export window of a calendar date: [local midnight, next local midnight). */
export function exportWindowOf(date: string, timeZone = EXPORT_TIME_ZONE): { windowStart: number; windowEnd: number } {
  return { windowStart: localMidnight(date, timeZone), windowEnd: localMidnight(addDays(date, 1), timeZone) };
}

/** Calendar arithmetic on YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseExportDate(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The calendar date in `timeZone` at `instant`. */
export function localDate(instant: number, timeZone = EXPORT_TIME_ZONE): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(instant),
  );
}

/** "Yesterday" in Melbourne at `instant`: the default date of the 01:00 CronJob. */
export function yesterdayIn(instant: number, timeZone = EXPORT_TIME_ZONE): string {
  return addDays(localDate(instant, timeZone), -1);
}

/** Every date from `from` to `to`, both included (a backfill). */
export function dateRange(from: string, to: string, maxDays = 366): string[] {
  if (from > to) throw new InvalidExportDateError(`--from ${from} is after --to ${to}`);
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    dates.push(date);
    if (dates.length > maxDays) throw new InvalidExportDateError(`a backfill may cover at most ${maxDays} days`);
  }
  return dates;
}
