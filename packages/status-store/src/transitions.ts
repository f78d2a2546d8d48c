import type {
  ExportCompleted,
  ExportPlanned,
  ExportRequested,
  DailyExportTriggered,
  TopicEvent,
} from "@data-exporter/contracts";
import {
  exportStatusOf,
  finishedStatusOf,
  isFinished,
  isRetryableJob,
  isTerminalJob,
  type ExportRequestState,
  type TableJob,
} from "./model.js";

/** An event of the lifecycle topic (derived from the contracts' topic map). */
export type LifecycleEvent = TopicEvent<"exportLifecycle">;

export interface Transition {
  /** The new state, or the same object when the event changes nothing (a redelivery, a stale attempt). */
  readonly state: ExportRequestState;
  readonly changed: boolean;
  /** Set exactly when this event finished the export. */
  readonly completed?: ExportCompleted;
  /** Why an event was ignored, for the log. */
  readonly ignored?: string;
}

export function requestedState(
  event: ExportRequested | DailyExportTriggered,
  mode: "ON_DEMAND" | "SCHEDULED",
): ExportRequestState {
  return {
    requestId: event.requestId,
    mode,
    exportDate: "exportDate" in event ? event.exportDate : null,
    windowStart: event.windowStart,
    windowEnd: event.windowEnd,
    status: "REQUESTED",
    run: 0,
    plannedTables: null,
    skippedTables: [],
    bucket: null,
    configVersion: null,
    requestedAt: "requestedAt" in event ? event.requestedAt : event.triggeredAt,
    requestedBy: "requestedBy" in event ? event.requestedBy : null,
    requestRecorded: true,
    plannedAt: null,
    completedAt: null,
    completionPublishedAt: null,
    tables: [],
  };
}

/**
 * Records a request (the state `requestedState` made of its ExportRequested or DailyExportTriggered). A request
 * already recorded stays as it is (a redelivery). A row its ExportPlanned created first (the tracker read the
 * lifecycle topic ahead of the request's topic) takes the request's real time: the state does not depend on how the
 * topics interleave, so a replay that applies every request before the lifecycle rebuilds the same row.
 */
export function applyRequested(current: ExportRequestState | undefined, requested: ExportRequestState): Transition {
  if (!current) return { state: requested, changed: true };
  if (current.requestRecorded) return unchanged(current, "request already recorded");
  return {
    state: {
      ...current,
      requestedAt: requested.requestedAt,
      requestedBy: requested.requestedBy,
      requestRecorded: true,
    },
    changed: true,
  };
}

/**
 * Applies one lifecycle event. Pure and idempotent: applying the same event twice changes nothing the second time,
 * and times come from the events, so replaying the topic rebuilds the same state.
 *
 * Attempt numbers order the starts and heartbeats of one table, not its outcome: a Completed, or a final Failed,
 * finishes a table that is not finished yet whatever attempt it carries (after a crash, a redelivered command can
 * report under a number lower than one already seen), and nothing reopens a finished table (a late event of a
 * superseded run is ignored). A retryExport re-plans failed and cancelled tables (applyPlanned with a later run): the
 * events of their earlier runs are ignored from then on (every table event carries its run).
 */
export function applyLifecycleEvent(current: ExportRequestState | undefined, event: LifecycleEvent): Transition {
  if (event.type === "ExportPlanned") return applyPlanned(current, event.value);
  if (!current) return unchanged(emptyState(event.value.requestId), "event for an unknown request");
  if (isFinished(current.status)) return unchanged(current, "request already finished");
  const job = current.tables.find((candidate) => candidate.table === event.value.table);
  if (!job) return unchanged(current, `table ${event.value.table} is not part of the plan`);
  if (isTerminalJob(job)) return unchanged(current, `table ${job.table} already ${job.status}`);
  if (event.value.run < job.run)
    return unchanged(current, `${event.type} of run ${event.value.run}, before the table was retried (run ${job.run})`);

  const next = nextJob(job, event);
  if (next === undefined) return unchanged(current, `stale ${event.type} of attempt ${event.value.attempt}`);
  if (next === job) return unchanged(current, `${event.type} already applied`);
  const tables = current.tables.map((candidate) => (candidate.table === next.table ? next : candidate));
  return finishIfDone({ ...current, tables, status: "IN-PROGRESS" }, eventTime(event));
}

/** The job after a table event: undefined when the event is stale, `job` itself when it changes nothing. */
function nextJob(job: TableJob, event: Exclude<LifecycleEvent, { type: "ExportPlanned" }>): TableJob | undefined {
  const { attempt } = event.value;
  const attempts = Math.max(job.attempts, attempt);
  switch (event.type) {
    case "TableUnloadStarted":
      if (attempt < job.attempts) return undefined;
      if (job.status === "IN-PROGRESS" && job.attempts === attempt) return job;
      return {
        ...job,
        status: "IN-PROGRESS",
        attempts,
        startedAt: job.startedAt ?? event.value.startedAt,
        lastProgressAt: latest(job.lastProgressAt, event.value.startedAt),
      };
    case "TableUnloadHeartbeat": {
      if (attempt < job.attempts) return undefined;
      const lastProgressAt = latest(job.lastProgressAt, event.value.at);
      if (lastProgressAt === job.lastProgressAt && job.status === "IN-PROGRESS" && attempts === job.attempts)
        return job;
      return { ...job, status: "IN-PROGRESS", attempts, startedAt: job.startedAt ?? event.value.at, lastProgressAt };
    }
    case "TableUnloadCompleted":
      return {
        ...job,
        status: "COMPLETED",
        attempts,
        rows: event.value.rows,
        bytes: event.value.bytes,
        files: event.value.files.map((file) => ({ ...file })),
        manifestKey: event.value.manifestKey,
        manifestVersionId: event.value.manifestVersionId,
        // The earlier attempts' errors are in the lifecycle topic; a completed table has none.
        errorKind: null,
        lastError: null,
        finishedAt: event.value.completedAt,
      };
    case "TableUnloadFailed":
      if (event.value.cancelled)
        return {
          ...job,
          status: "CANCELLED",
          attempts,
          errorKind: "CANCELLED",
          lastError: event.value.errorMessage,
          cancelledBy: event.value.cancelledBy,
          finishedAt: event.value.failedAt,
        };
      if (event.value.finalAttempt)
        return {
          ...job,
          status: "FAILED",
          attempts,
          errorKind: event.value.errorKind,
          lastError: event.value.errorMessage,
          finishedAt: event.value.failedAt,
        };
      // A retry follows: an older attempt's failure says nothing new.
      if (attempt < job.attempts) return undefined;
      if (job.lastError === event.value.errorMessage && job.attempts === attempt && job.status === "IN-PROGRESS")
        return job;
      return {
        ...job,
        status: "IN-PROGRESS",
        attempts,
        errorKind: event.value.errorKind,
        lastError: event.value.errorMessage,
        lastProgressAt: latest(job.lastProgressAt, event.value.failedAt),
      };
  }
}

const latest = (a: number | null, b: number): number => (a === null ? b : Math.max(a, b));

function eventTime(event: LifecycleEvent): number {
  switch (event.type) {
    case "ExportPlanned":
      return event.value.plannedAt;
    case "TableUnloadStarted":
      return event.value.startedAt;
    case "TableUnloadHeartbeat":
      return event.value.at;
    case "TableUnloadCompleted":
      return event.value.completedAt;
    case "TableUnloadFailed":
      return event.value.failedAt;
  }
}

function applyPlanned(current: ExportRequestState | undefined, plan: ExportPlanned): Transition {
  if (current?.plannedTables) {
    if (plan.run <= current.run) return unchanged(current, `run ${plan.run} already planned`);
    return applyRetryPlanned(current, plan);
  }
  // Planned before its request was recorded: the plan's time stands in until the request arrives (applyRequested).
  const base = current ?? {
    ...requestedState({ ...plan, requestedAt: plan.plannedAt, requestedBy: null }, plan.mode),
    requestRecorded: false,
  };
  const state: ExportRequestState = {
    ...base,
    mode: plan.mode,
    exportDate: plan.exportDate,
    status: "IN-PROGRESS",
    plannedTables: plan.tables.map((table) => table.table),
    skippedTables: plan.skippedTables.map((skipped) => ({ ...skipped })),
    bucket: plan.bucket,
    configVersion: plan.configVersion,
    plannedAt: plan.plannedAt,
    run: plan.run,
    tables: plan.tables.map((table) => pendingJob(table.table, table.outputPrefix, plan.run)),
  };
  return finishIfDone(state, plan.plannedAt);
}

function pendingJob(table: string, outputPrefix: string, run: number, attempts = 0): TableJob {
  return {
    table,
    status: "PENDING",
    attempts,
    rows: null,
    bytes: null,
    outputPrefix,
    files: [],
    manifestKey: null,
    manifestVersionId: null,
    errorKind: null,
    lastError: null,
    cancelledBy: null,
    run,
    startedAt: null,
    lastProgressAt: null,
    finishedAt: null,
  };
}

/**
 * A retryExport's plan: the tables it lists that failed or were cancelled start over (PENDING, their earlier
 * runs' events ignored from now on); completed tables keep their files and links. The export is in progress
 * again and completes again (a new ExportCompleted, for this run). Its configuration version stays the first plan's:
 * an export retried under other rules mixes two versions, and must not be reused as if made under either.
 */
function applyRetryPlanned(current: ExportRequestState, plan: ExportPlanned): Transition {
  const retried = new Map(plan.tables.map((table) => [table.table, table.outputPrefix]));
  const tables = current.tables.map((job) => {
    const outputPrefix = retried.get(job.table);
    if (outputPrefix === undefined || !isRetryableJob(job)) return job;
    return pendingJob(job.table, outputPrefix, plan.run, job.attempts);
  });
  const state: ExportRequestState = {
    ...current,
    run: plan.run,
    status: "IN-PROGRESS",
    plannedAt: plan.plannedAt,
    completedAt: null,
    completionPublishedAt: null,
    tables,
  };
  return finishIfDone(state, plan.plannedAt);
}

function finishIfDone(state: ExportRequestState, now: number): Transition {
  if (!state.plannedTables || !state.tables.every(isTerminalJob)) return { state, changed: true };
  const finished: ExportRequestState = {
    ...state,
    status: finishedStatusOf(state.tables),
    completedAt: now,
  };
  return { state: finished, changed: true, completed: completionEventOf(finished) };
}

/** The ExportCompleted of a finished export, rebuilt from its state alone (also to re-send one after a crash). */
export function completionEventOf(state: ExportRequestState): ExportCompleted {
  const bucket = state.bucket ?? "";
  const cancelled = state.tables.filter((job) => job.status === "CANCELLED");
  return {
    requestId: state.requestId,
    mode: state.mode,
    exportDate: state.exportDate,
    windowStart: state.windowStart,
    windowEnd: state.windowEnd,
    status: exportStatusOf(state.tables),
    bucket,
    completedAt: state.completedAt ?? state.plannedAt ?? state.requestedAt,
    tables: state.tables.map((job) => ({
      table: job.table,
      status: job.status === "COMPLETED" ? "COMPLETED" : "FAILED",
      rows: job.rows ?? 0,
      bytes: job.bytes ?? 0,
      s3Prefix: `s3://${bucket}/${job.outputPrefix}`,
      fileCount: job.files.length,
      error: job.lastError,
      cancelled: job.status === "CANCELLED",
    })),
    run: state.run,
    cancelled: cancelled.length > 0,
    cancelledBy: cancelled.find((job) => job.cancelledBy !== null)?.cancelledBy ?? null,
  };
}

function unchanged(state: ExportRequestState, ignored: string): Transition {
  return { state, changed: false, ignored };
}

function emptyState(requestId: string): ExportRequestState {
  return {
    requestId,
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: 0,
    windowEnd: 0,
    status: "REQUESTED",
    run: 0,
    plannedTables: null,
    skippedTables: [],
    bucket: null,
    configVersion: null,
    requestedAt: 0,
    requestedBy: null,
    requestRecorded: false,
    plannedAt: null,
    completedAt: null,
    completionPublishedAt: null,
    tables: [],
  };
}
