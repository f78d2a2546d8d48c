import { parseArgs } from "node:util";
import type { DailyExportTriggered } from "@data-exporter/contracts";
import { TriggerArgsError } from "../errors.js";
import {
  dateRange,
  EXPORT_TIME_ZONE,
  exportWindowOf,
  InvalidExportDateError,
  parseExportDate,
  yesterdayIn,
} from "../domain/export-date.js";

export { TriggerArgsError };

export const triggerSources = ["cronjob", "operator", "backfill"] as const;
export type TriggeredBy = (typeof triggerSources)[number];

export const triggerUsage = `usage: trigger [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--force] [--triggered-by cronjob|operator|backfill] [--json]

Emits one DailyExportTriggered per date; the planner exports each date once (the date is the idempotency key).
  (no date)          yesterday in ${EXPORT_TIME_ZONE} at the moment it runs (what the daily CronJob does)
  --date D           one date
  --from D --to D    every date from D to D, both included (a backfill)
  --force            export again even if the date was already exported
  --triggered-by W   recorded in the event (default: $TRIGGERED_BY, else backfill for a range, operator otherwise)
  --json             print what was published as one JSON line on stdout (logs go to stderr instead):
                       {"triggered":[{"requestId","exportDate","timeZone","windowStart","windowEnd","hours",
                                      "force","triggeredBy","topic","partition","offset"}]}
                     windows as ISO 8601 instants (end exclusive); also printed when publishing fails part-way

Exit codes: 0 published, 1 could not publish (Kafka unreachable), 2 bad arguments or configuration.`;

export interface TriggerRequest {
  readonly dates: readonly string[];
  readonly force: boolean;
  readonly triggeredBy: TriggeredBy;
  /** Report what was published as a JSON document on stdout (trigger-output.ts), logs on stderr. */
  readonly json: boolean;
}

export interface TriggerArgsContext {
  /** The moment the trigger runs: "yesterday" and "not ended yet" are relative to it. */
  readonly now: number;
  /** From the TRIGGERED_BY variable (the CronJob sets cronjob). */
  readonly defaultTriggeredBy?: TriggeredBy | undefined;
}

function isTriggeredBy(value: string): value is TriggeredBy {
  return (triggerSources as readonly string[]).includes(value);
}

/** Parses the trigger's command line; `"help"` when help was asked for. */
export function parseTriggerArgs(argv: readonly string[], context: TriggerArgsContext): TriggerRequest | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        date: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        force: { type: "boolean", default: false },
        "triggered-by": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new TriggerArgsError((error as Error).message);
  }
  if (values.help) return "help";
  if (values.date !== undefined && (values.from !== undefined || values.to !== undefined)) {
    throw new TriggerArgsError("--date cannot be combined with --from/--to");
  }
  if ((values.from === undefined) !== (values.to === undefined))
    throw new TriggerArgsError("--from and --to go together");
  const triggeredBy = values["triggered-by"];
  if (triggeredBy !== undefined && !isTriggeredBy(triggeredBy)) {
    throw new TriggerArgsError(
      `--triggered-by must be one of ${triggerSources.join(", ")}, got ${JSON.stringify(triggeredBy)}`,
    );
  }
  const isRange = values.from !== undefined && values.to !== undefined;
  let dates: string[];
  try {
    if (values.from !== undefined && values.to !== undefined) {
      parseExportDate(values.from);
      parseExportDate(values.to);
      dates = dateRange(values.from, values.to);
    } else if (values.date !== undefined) {
      parseExportDate(values.date);
      dates = [values.date];
    } else {
      dates = [yesterdayIn(context.now)];
    }
  } catch (error) {
    if (error instanceof InvalidExportDateError) throw new TriggerArgsError(error.message);
    throw error;
  }
  // A day that has not ended would be exported incomplete, and claiming it would turn the real run into a no-op.
  const unfinished = dates.filter((date) => exportWindowOf(date).windowEnd > context.now);
  if (unfinished.length > 0) {
    throw new TriggerArgsError(
      `${unfinished[0]} has not ended yet in ${EXPORT_TIME_ZONE}; only finished days can be exported`,
    );
  }
  return {
    dates,
    force: values.force,
    triggeredBy: triggeredBy ?? context.defaultTriggeredBy ?? (isRange ? "backfill" : "operator"),
    json: values.json,
  };
}

/** One DailyExportTriggered per date, each with a new request id; the window is the date's Melbourne calendar day. */
export function triggerEvents(
  request: TriggerRequest,
  deps: { now: number; newId: () => string },
): DailyExportTriggered[] {
  return request.dates.map((exportDate) => ({
    requestId: deps.newId(),
    exportDate,
    timeZone: EXPORT_TIME_ZONE,
    ...exportWindowOf(exportDate),
    force: request.force,
    triggeredAt: deps.now,
    triggeredBy: request.triggeredBy,
  }));
}
