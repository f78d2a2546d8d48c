import { messageKey, type TopicEvent } from "@data-exporter/contracts";

/** How the bench's lifecycle workload is shaped: what a busy deployment's unloaders and request-api publish. */
export interface MixShape {
  /** Tables each export plans (each gets a start, heartbeats and a completion). */
  readonly tablesPerRequest: number;
  /** Heartbeats of each attempt between its start and its outcome. */
  readonly heartbeatsPerAttempt: number;
  /** Every n-th table's first attempt fails (retryable) and a second attempt completes it; 0: none fails. */
  readonly retryEvery: number;
  /** Exports in flight at once: their events interleave on the topics, each export's own in order. */
  readonly concurrentRequests: number;
}

export const defaultMixShape: MixShape = {
  tablesPerRequest: 4,
  heartbeatsPerAttempt: 1,
  retryEvery: 10,
  concurrentRequests: 50,
};

/** One event to publish: its topic and the event (keyed by its request id, as the real producers key them). */
export type MixEvent =
  | { readonly topic: "exportRequested"; readonly event: TopicEvent<"exportRequested"> }
  | { readonly topic: "exportLifecycle"; readonly event: TopicEvent<"exportLifecycle"> };

/** The key the real producer gives the event: the contracts' key rule of its topic (its request id). */
export function keyOf(mixEvent: MixEvent): string {
  // Two calls, so each narrows the event to its own topic's events.
  return mixEvent.topic === "exportRequested"
    ? messageKey(mixEvent.topic, mixEvent.event)
    : messageKey(mixEvent.topic, mixEvent.event);
}

/** What a mix holds, and what the read model must show once the tracker handled all of it. */
export interface MixPlan {
  readonly requests: number;
  readonly events: number;
  readonly requestedEvents: number;
  readonly lifecycleEvents: number;
  /** Tables whose first attempt fails and is retried. */
  readonly retriedTables: number;
  /** Every export ends COMPLETED with every table COMPLETED. */
  readonly completedTables: number;
}

/** The retried tables of one export: table indexes i with (global table number) % retryEvery === retryEvery - 1. */
function isRetried(shape: MixShape, request: number, table: number): boolean {
  return shape.retryEvery > 0 && (request * shape.tablesPerRequest + table) % shape.retryEvery === shape.retryEvery - 1;
}

/** Events of one table: started, heartbeats, (failed, started again, heartbeats,) completed. */
function tableEventCount(shape: MixShape, retried: boolean): number {
  const attempt = 1 + shape.heartbeatsPerAttempt;
  return retried ? 2 * attempt + 2 : attempt + 1;
}

function requestEventCount(shape: MixShape, request: number): number {
  let count = 2; // ExportRequested + ExportPlanned
  for (let t = 0; t < shape.tablesPerRequest; t++) count += tableEventCount(shape, isRetried(shape, request, t));
  return count;
}

/** The smallest number of whole exports whose events reach `targetEvents`, and what they add up to. */
export function planMix(targetEvents: number, shape: MixShape = defaultMixShape): MixPlan {
  if (!Number.isInteger(targetEvents) || targetEvents < 1)
    throw new RangeError(`events must be ≥ 1, got ${targetEvents}`);
  if (shape.tablesPerRequest < 1 || shape.concurrentRequests < 1 || shape.heartbeatsPerAttempt < 0)
    throw new RangeError("a mix needs at least one table and one export in flight");
  let requests = 0;
  let events = 0;
  let retriedTables = 0;
  while (events < targetEvents) {
    events += requestEventCount(shape, requests);
    for (let t = 0; t < shape.tablesPerRequest; t++) if (isRetried(shape, requests, t)) retriedTables++;
    requests++;
  }
  return {
    requests,
    events,
    requestedEvents: requests,
    lifecycleEvents: events - requests,
    retriedTables,
    completedTables: requests * shape.tablesPerRequest,
  };
}

export interface MixIds {
  /** The request id of export n (a UUID: the contracts and the read model's column require one). */
  readonly requestId: (n: number) => string;
  /** Epoch ms of the first request; every later time is derived from it. */
  readonly startedAt: number;
}

/** A UUID made from a run's random prefix and the export's number, so ids are unique yet cheap. */
export function sequentialUuid(prefix: string, n: number): string {
  if (!/^[0-9a-f]{8}$/.test(prefix)) throw new RangeError("prefix must be 8 lower-case hex digits");
  const tail = n.toString(16).padStart(12, "0");
  return `${prefix}-0000-4000-8000-${tail}`;
}

/** One export's events in the order its producers publish them. */
function requestEvents(shape: MixShape, n: number, ids: MixIds): MixEvent[] {
  const requestId = ids.requestId(n);
  const requestedAt = ids.startedAt + n * 10;
  const windowStart = Date.UTC(2024, 3, 6);
  const windowEnd = windowStart + 3_600_000;
  const events: MixEvent[] = [
    {
      topic: "exportRequested",
      event: {
        type: "ExportRequested",
        value: { requestId, windowStart, windowEnd, requestedAt, requestedBy: "bench" },
      },
    },
  ];
  const tables = Array.from({ length: shape.tablesPerRequest }, (_, t) => `bench_table_${t}`);
  events.push({
    topic: "exportLifecycle",
    event: {
      type: "ExportPlanned",
      value: {
        requestId,
        mode: "ON_DEMAND",
        exportDate: null,
        windowStart,
        windowEnd,
        tables: tables.map((table) => ({
          table,
          outputPrefix: `bench/${requestId}/${table}/`,
          exportedColumns: ["obs_time", "way_id", "speed"],
          unclassifiedColumns: [],
        })),
        skippedTables: [],
        configVersion: "bench-1",
        bucket: "bench",
        plannedAt: requestedAt + 100,
        run: 0,
      },
    },
  });
  const base = { requestId, run: 0, worker: "bench-unloader" };
  tables.forEach((table, t) => {
    let at = requestedAt + 200 + t;
    const attempt = (n: number): void => {
      events.push({
        topic: "exportLifecycle",
        event: { type: "TableUnloadStarted", value: { ...base, table, attempt: n, startedAt: (at += 1000) } },
      });
      for (let h = 0; h < shape.heartbeatsPerAttempt; h++)
        events.push({
          topic: "exportLifecycle",
          event: { type: "TableUnloadHeartbeat", value: { ...base, table, attempt: n, at: (at += 1000) } },
        });
    };
    if (isRetried(shape, n, t)) {
      attempt(1);
      events.push({
        topic: "exportLifecycle",
        event: {
          type: "TableUnloadFailed",
          value: {
            requestId,
            table,
            attempt: 1,
            run: 0,
            errorKind: "WAREHOUSE_QUERY",
            errorMessage: "connection reset (bench)",
            retryable: true,
            finalAttempt: false,
            failedAt: (at += 1000),
            cancelled: false,
            cancelledBy: null,
          },
        },
      });
      attempt(2);
    } else attempt(1);
    const rows = 1000 + t;
    events.push({
      topic: "exportLifecycle",
      event: {
        type: "TableUnloadCompleted",
        value: {
          requestId,
          table,
          attempt: isRetried(shape, n, t) ? 2 : 1,
          run: 0,
          rows,
          bytes: rows * 40,
          files: [
            {
              key: `bench/${requestId}/${table}/part-0.parquet`,
              rows,
              bytes: rows * 40,
              sha256: "0".repeat(64),
              versionId: null,
            },
          ],
          manifestKey: `bench/${requestId}/${table}/_manifest.json`,
          manifestVersionId: null,
          durationMs: 900,
          completedAt: (at += 1000),
        },
      },
    });
  });
  return events;
}

/**
 * The mix's events in publishing order: exports in waves of `concurrentRequests`, whose events interleave round-robin
 * (as concurrent unloaders publish them), each export's own events in their order. Yields chunks to keep memory flat.
 */
export function* mixEvents(plan: MixPlan, ids: MixIds, shape: MixShape = defaultMixShape): Generator<MixEvent[]> {
  for (let first = 0; first < plan.requests; first += shape.concurrentRequests) {
    const wave: MixEvent[][] = [];
    for (let n = first; n < Math.min(first + shape.concurrentRequests, plan.requests); n++)
      wave.push(requestEvents(shape, n, ids));
    const out: MixEvent[] = [];
    const longest = Math.max(...wave.map((events) => events.length));
    for (let step = 0; step < longest; step++)
      for (const events of wave) {
        const event = events[step];
        if (event) out.push(event);
      }
    yield out;
  }
}
