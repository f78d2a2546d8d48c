import type { DailyExportTriggered } from "@data-exporter/contracts";

/** One published DailyExportTriggered, as `trigger --json` reports it. */
export interface TriggeredExport {
  readonly requestId: string;
  readonly exportDate: string;
  readonly timeZone: string;
  /** First instant of the export window (ISO 8601, UTC). */
  readonly windowStart: string;
  /** End of the export window, exclusive (ISO 8601, UTC). */
  readonly windowEnd: string;
  /** Length of the window: 24, or 23 / 25 on daylight-saving changes. */
  readonly hours: number;
  readonly force: boolean;
  readonly triggeredBy: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * What `trigger --json` prints on stdout, as one line: every event it published, in order. Printed also when
 * publishing failed part-way (exit code 1), listing what was published before the failure.
 */
export interface TriggerOutput {
  readonly triggered: readonly TriggeredExport[];
}

/** Where the bus put an event. */
export interface PublishedAt {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function triggeredExport(event: DailyExportTriggered, publishedAt: PublishedAt): TriggeredExport {
  return {
    requestId: event.requestId,
    exportDate: event.exportDate,
    timeZone: event.timeZone,
    windowStart: new Date(event.windowStart).toISOString(),
    windowEnd: new Date(event.windowEnd).toISOString(),
    hours: (event.windowEnd - event.windowStart) / 3_600_000,
    force: event.force,
    triggeredBy: event.triggeredBy,
    topic: publishedAt.topic,
    partition: publishedAt.partition,
    offset: publishedAt.offset,
  };
}
