import type { DeadLetter } from "@data-exporter/bus";
import type { TypedEvent } from "@data-exporter/contracts";
import { isFinished, isTerminalJob, type ExportRequestState } from "@data-exporter/status-store";

/** A dead letter as an operator sees it: what failed, for which export, and what re-driving it would do. */
export interface DeadLetterView {
  readonly id: string;
  readonly failedAt: string;
  readonly consumerGroup: string;
  readonly topic: string;
  readonly kind: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly key: string | null;
  readonly eventType: string | null;
  readonly requestId: string | null;
  readonly table: string | null;
  readonly redrivenAt: string | null;
  /** Whether `dlq redrive` would publish it again, and why not when it would not. */
  readonly redrive: { readonly eligible: true } | { readonly eligible: false; readonly why: string };
}

/** Which export (and table) a dead letter is about, from its event or, when undecodable, its key. */
export function exportOf(
  deadLetter: DeadLetter,
  event: TypedEvent | undefined,
): { requestId: string | null; table: string | null } {
  if (event && "requestId" in event.value)
    return { requestId: event.value.requestId, table: "table" in event.value ? String(event.value.table) : null };
  if (deadLetter.originalTopic === "unloadCommands") {
    const [requestId, table] = (deadLetter.key ?? "").split("/");
    return { requestId: requestId || null, table: table || null };
  }
  if (deadLetter.originalTopic === "dailyExportTriggered") return { requestId: null, table: null };
  return { requestId: deadLetter.key, table: null };
}

/**
 * Whether a dead letter should be published again. Never twice; never for another deployment's topic; and not
 * when the export work it carried has ended already (its table or request was failed for it, or finished another
 * way): re-running it would produce files nobody's export lists. Ask for the export again instead.
 */
export function viewOf(
  deadLetter: DeadLetter,
  event: TypedEvent | undefined,
  state: ExportRequestState | undefined,
  redrivenAt: string | undefined,
): DeadLetterView {
  const { requestId, table } = exportOf(deadLetter, event);
  const view = {
    id: deadLetter.id,
    failedAt: deadLetter.failedAt,
    consumerGroup: deadLetter.consumerGroup,
    topic: deadLetter.originalTopicName,
    kind: deadLetter.kind,
    errorCode: deadLetter.errorCode,
    errorMessage: deadLetter.errorMessage,
    attempts: deadLetter.attempts,
    key: deadLetter.key,
    eventType: event?.type ?? null,
    requestId,
    table,
    redrivenAt: redrivenAt ?? null,
  };
  const no = (why: string): DeadLetterView => ({ ...view, redrive: { eligible: false, why } });
  if (redrivenAt !== undefined) return no(`re-driven already, at ${redrivenAt}`);
  if (deadLetter.originalTopic === undefined) return no("its original topic is not one of this deployment's");
  if (deadLetter.originalTopic === "unloadCommands") {
    const job = state?.tables.find((t) => t.table === table);
    if (state && (isFinished(state.status) || (job && isTerminalJob(job))))
      return no(`its table already ended ${job?.status ?? state.status}; request the export again`);
  }
  if (deadLetter.originalTopic === "exportRequested" || deadLetter.originalTopic === "dailyExportTriggered") {
    if (
      state &&
      (isFinished(state.status) || state.plannedTables !== null) &&
      deadLetter.consumerGroup.includes("planner")
    )
      return no(`its request was already planned or ended (${state.status}); request the export again`);
  }
  return { ...view, redrive: { eligible: true } };
}
