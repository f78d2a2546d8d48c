import type { DeadLetter } from "@data-exporter/bus";
import type { ExportPlanned, TableUnloadFailed, TypedEvent } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { isFinished, isTerminalJob, type ExportRequestState } from "@data-exporter/status-store";

export interface DeadLetterDeps {
  readonly loadRequest: (requestId: string) => Promise<ExportRequestState | undefined>;
  /** Decodes the dead letter's original event, when its bytes can be decoded. */
  readonly originalEvent: (deadLetter: DeadLetter) => TypedEvent | undefined;
  readonly publishFailed: (event: TableUnloadFailed) => Promise<void>;
  readonly publishPlanned: (event: ExportPlanned) => Promise<void>;
  readonly now: () => number;
  readonly log: Pick<Logger, "warn">;
}

export type DeadLetterOutcome =
  | { readonly ended: "table"; readonly requestId: string; readonly table: string }
  | { readonly ended: "request"; readonly requestId: string }
  | { readonly ended: "nothing"; readonly why: string };

/** The services whose dead letters stop an export's work: the work is not done, so its request or table fails. */
const UNLOADER = "data-exporter.unloader";
const PLANNERS = new Set(["data-exporter.planner", "data-exporter.planner.scheduled"]);

export function deadLetterReason(deadLetter: DeadLetter): string {
  const code = deadLetter.errorCode && deadLetter.errorCode !== "UNKNOWN" ? ` ${deadLetter.errorCode}` : "";
  return (
    `dead-lettered by ${deadLetter.consumerGroup || "a consumer"} after ${deadLetter.attempts} attempt(s) ` +
    `(${deadLetter.kind}${code}): ${deadLetter.errorMessage}; kept as dead letter ${deadLetter.id} ` +
    `(npm run dlq -- show ${deadLetter.id})`
  );
}

/**
 * Turns a dead letter into a terminal, explained state, so no export waits for work that will not happen: a
 * command the unloader gave up on fails its table; a request the planner gave up on fails the request (an empty
 * plan naming the dead letter). Dead letters of bookkeeping (this tracker's own, the notifier's) change no export:
 * they wait on the topic for an operator to re-drive them after a fix, and are logged. Idempotent.
 */
export async function handleDeadLetter(deadLetter: DeadLetter, deps: DeadLetterDeps): Promise<DeadLetterOutcome> {
  const reason = deadLetterReason(deadLetter);
  const event = deps.originalEvent(deadLetter);
  const context = { deadLetter: deadLetter.id, group: deadLetter.consumerGroup, topic: deadLetter.originalTopicName };
  if (deadLetter.originalTopic === "unloadCommands" && deadLetter.consumerGroup === UNLOADER) {
    const [keyRequest, keyTable] = (deadLetter.key ?? "").split("/");
    const ids =
      event?.type === "UnloadTableCommand"
        ? { requestId: event.value.requestId, table: event.value.table }
        : { requestId: keyRequest ?? "", table: keyTable ?? "" };
    const state = await deps.loadRequest(ids.requestId);
    const job = state?.tables.find((t) => t.table === ids.table);
    if (!state || isFinished(state.status) || !job || isTerminalJob(job))
      return ignored(deps, context, "its table is unknown or already finished");
    await deps.publishFailed({
      requestId: ids.requestId,
      table: ids.table,
      attempt: job.attempts,
      run: job.run,
      errorKind: "UNKNOWN",
      errorMessage: reason,
      retryable: false,
      finalAttempt: true,
      failedAt: deps.now(),
      cancelled: false,
      cancelledBy: null,
    });
    return { ended: "table", ...ids };
  }
  if (
    (deadLetter.originalTopic === "exportRequested" || deadLetter.originalTopic === "dailyExportTriggered") &&
    PLANNERS.has(deadLetter.consumerGroup)
  ) {
    const requestId =
      event?.type === "ExportRequested" || event?.type === "DailyExportTriggered"
        ? event.value.requestId
        : deadLetter.originalTopic === "exportRequested"
          ? (deadLetter.key ?? "")
          : "";
    const state = requestId === "" ? undefined : await deps.loadRequest(requestId);
    if (!state || isFinished(state.status) || state.plannedTables !== null)
      return ignored(deps, context, "its request is unknown, already planned or finished");
    await deps.publishPlanned({
      requestId,
      mode: state.mode,
      exportDate: state.exportDate,
      windowStart: state.windowStart,
      windowEnd: state.windowEnd,
      tables: [],
      skippedTables: [{ table: "(request)", reason }],
      configVersion: "not-planned",
      bucket: "",
      plannedAt: deps.now(),
      run: 0,
    });
    return { ended: "request", requestId };
  }
  return ignored(deps, context, "a dead letter of bookkeeping: re-drive it after a fix (npm run dlq)");
}

function ignored(deps: DeadLetterDeps, context: Record<string, string>, why: string): DeadLetterOutcome {
  deps.log.warn({ ...context, why }, "dead letter changes no export");
  return { ended: "nothing", why };
}
