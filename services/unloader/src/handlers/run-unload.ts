import type { TableUnloadEvent, UnloadErrorKind, UnloadTableCommand } from "@data-exporter/contracts";
import { deadline, isRetryable, retryWithin } from "@data-exporter/retry";
import type { UnloadResult } from "@data-exporter/warehouse";
import { AttemptLease, ExportCancelledError } from "./attempt-lease.js";
import { readsWarehouse } from "./export-table.js";
import type { JobKey, JobOutcome, UnloadJobs } from "./unload-job-store.js";

/** One of the deployment-wide unload slots (MAX_CONCURRENCY_LIMIT), held while an attempt runs. */
export interface UnloadSlot {
  /** Aborts if the slot is lost while held (its lock connection dropped): the attempt stops and is retried. */
  readonly lost: AbortSignal;
  /** Never throws. */
  release(): Promise<void>;
}

export interface ExportOptions {
  readonly signal: AbortSignal;
  /** Run right before the export becomes visible (its manifest); throwing stops it there. */
  readonly beforeCommit: () => Promise<void>;
}

export interface UnloaderDeps {
  /** Waits for a free slot; rejects only when the signal (shutdown) aborts. The command is for logs. */
  readonly acquireSlot: (signal: AbortSignal, command: UnloadTableCommand) => Promise<UnloadSlot>;
  readonly unload: (command: UnloadTableCommand, options: ExportOptions) => Promise<UnloadResult>;
  readonly publish: (event: TableUnloadEvent) => Promise<void>;
  /** The durable record of table jobs: attempt numbers, leases, recorded outcomes. */
  readonly jobs: UnloadJobs;
  /** A command issued longer ago than this is refused (its classification may be outdated). */
  readonly maxCommandAgeMs: number;
  /** Attempts per table in all: 1 + MAX_RETRY_COUNT (attempts given back after an interruption do not count). */
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly timeoutMs: number;
  /** How long one lease renewal holds the job (STUCK_AFTER_MS), and how often it is renewed. */
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly worker: string;
  readonly now: () => number;
  /** Aborted on shutdown: the in-flight unload stops and its command is redelivered to another unloader. */
  readonly shutdown: AbortSignal;
  /** Told of an error that is not a typed warehouse error (a defect): operators need its detail in the log. */
  readonly onUnexpectedError: (error: unknown, command: UnloadTableCommand, attempt: number) => void;
  /** Told when a lease renewal or a heartbeat could not be sent (the attempt goes on while its lease holds). */
  readonly onHeartbeatError: (error: unknown, command: UnloadTableCommand) => void;
  /** Told of the lease a command holds while it runs, and when it ends (so a cancellation can renew it at once). */
  readonly onLease?: (requestId: string, lease: AttemptLease) => void;
  readonly onLeaseEnd?: (requestId: string, lease: AttemptLease) => void;
}

export interface UnloadOutcome {
  /**
   * COMPLETED / FAILED: the outcome was recorded and published. CANCELLED: the export was cancelled; the table
   * stopped before its files became visible, and said so. SUPERSEDED: the attempt lost its lease (another run took
   * the table over, or it stalled past its lease), or a retry planned the table again: it published nothing.
   */
  readonly status: "COMPLETED" | "FAILED" | "CANCELLED" | "SUPERSEDED";
  readonly attempts: number;
  readonly result?: UnloadResult;
  readonly error?: { kind: UnloadErrorKind; message: string };
}

/**
 * What the unloader reports of an error. Typed errors (warehouse, object store) carry their kind and retryability;
 * anything else is a defect or an unwrapped outage: reported as UNKNOWN with a generic message (its own may quote
 * internals), retried like any error by the one policy, and logged in full through `onUnexpectedError`.
 */
function describeFailure(error: unknown): {
  kind: UnloadErrorKind;
  message: string;
  retryable: boolean;
  unexpected: boolean;
} {
  const e = error as { errorKind?: UnloadErrorKind; message?: string } | null;
  const typed = e !== null && typeof e.errorKind === "string";
  return {
    kind: typed ? (e.errorKind as UnloadErrorKind) : "UNKNOWN",
    message: typed ? (e.message ?? "unload failed") : "unexpected unloader error",
    retryable: isRetryable(error),
    unexpected: !typed,
  };
}

/** A snapshot export does not touch the warehouse, so it takes none of the warehouse's slots. */
const noSlot: UnloadSlot = { lost: new AbortController().signal, release: () => Promise.resolve() };

/**
 * Runs one table's unload with retries and backoff, publishing Started, Heartbeats, then Failed / Completed for
 * each attempt. A table that fails for good is an outcome (TableUnloadFailed with finalAttempt), not an exception,
 * so the command is committed; only a failure to record or publish, or a shutdown, throws and leaves the command to
 * be redelivered.
 *
 * Attempts are numbered by the job's durable record (`deps.jobs`), so a redelivered command continues the count,
 * and the budget holds across crashes: a command that kills its unloader every time still ends FAILED. The outcome
 * is recorded before it is published; a redelivered command whose outcome is recorded publishes it again instead
 * of running. Each attempt of a warehouse table holds an unload slot from before TableUnloadStarted until its
 * outcome is published; the backoff between attempts leaves the slot to others.
 */
export async function runUnload(command: UnloadTableCommand, deps: UnloaderDeps): Promise<UnloadOutcome> {
  const key: JobKey = { requestId: command.requestId, table: command.table };
  let lease: AttemptLease | undefined;
  try {
    for (;;) {
      deps.shutdown.throwIfAborted();
      const start = await deps.jobs.begin(key, deps.worker, deps.leaseMs, command.run);
      if (start.kind === "finished") return await republish(start.outcome, start.attempts, deps);
      if (start.kind === "stale") return { status: "SUPERSEDED", attempts: 0 };
      if (start.kind === "cancelled") {
        // Never started: nothing to record or remove, only to report (a redelivery reports it again; the tracker
        // takes the first).
        await deps.publish(cancelledOutcome(command, start.attempts, start.cancelledBy, deps));
        return { status: "CANCELLED", attempts: start.attempts };
      }
      if (start.kind === "lapsed") {
        const stuck = lapsedFailure(command, start, deps);
        if (!(await deps.jobs.finishLapsed(command, stuck))) continue; // another delivery recorded an outcome
        await deps.publish(stuck);
        return {
          status: "FAILED",
          attempts: start.attempts,
          error: { kind: "TIMEOUT", message: stuck.value.errorMessage },
        };
      }
      const { attempt, runStartedAfter } = start;
      // Attempts of earlier runs (before a retry) and attempts given back do not count against the budget.
      const uncounted = start.interrupted + runStartedAfter;
      if (lease) lease.switchTo(attempt);
      else {
        lease = new AttemptLease(key, attempt, leaseDeps(command, deps));
        deps.onLease?.(command.requestId, lease);
      }
      const refusal = staleRefusal(command, attempt, deps) ?? exhausted(command, attempt, uncounted, deps);
      if (refusal) {
        const error = { kind: refusal.value.errorKind, message: refusal.value.errorMessage };
        return await conclude(command, attempt, refusal, lease, deps, { status: "FAILED", attempts: attempt, error });
      }
      const slot = await acquire(command, attempt, lease, deps);
      let outcome: UnloadOutcome | "retry";
      try {
        outcome = await runAttempt(command, attempt, uncounted, slot, lease, deps);
      } finally {
        await slot.release();
      }
      if (outcome !== "retry") return outcome;
      await deps.sleep(deps.backoffMs(attempt), AbortSignal.any([deps.shutdown, lease.fenced]));
    }
  } catch (error) {
    if (lease?.fenced.aborted && !deps.shutdown.aborted) {
      const reason: unknown = lease.fenced.reason;
      if (reason instanceof ExportCancelledError) return await concludeCancelled(command, reason, deps);
      return { status: "SUPERSEDED", attempts: 0 };
    }
    throw error;
  } finally {
    lease?.stop();
    if (lease) deps.onLeaseEnd?.(command.requestId, lease);
  }
}

/**
 * The export was cancelled while this attempt held the table: the unload stopped (its warehouse statement
 * cancelled) before the manifest, and the files it had uploaded were taken back (publishExport). Records the
 * cancellation so a redelivered command reports it again rather than running, then reports it.
 */
async function concludeCancelled(
  command: UnloadTableCommand,
  cancelled: ExportCancelledError,
  deps: UnloaderDeps,
): Promise<UnloadOutcome> {
  const outcome = cancelledOutcome(command, cancelled.attempt, cancelled.cancelledBy, deps);
  const held = await retryWithin(deps.leaseMs / 2, () =>
    deps.jobs.finishCancelled(command, cancelled.attempt, outcome),
  );
  if (!held) return { status: "SUPERSEDED", attempts: cancelled.attempt };
  await deps.publish(outcome);
  return { status: "CANCELLED", attempts: cancelled.attempt };
}

function cancelledOutcome(
  command: UnloadTableCommand,
  attempt: number,
  cancelledBy: string | null,
  deps: UnloaderDeps,
): Failure {
  const by = cancelledBy === null ? "" : ` by ${cancelledBy}`;
  const outcome = failure(
    command,
    attempt,
    "UNKNOWN",
    `cancelled${by}: no file of this table was published`,
    false,
    true,
    deps,
  );
  return { ...outcome, value: { ...outcome.value, cancelled: true, cancelledBy } };
}

/** The warehouse slot for an attempt; a shutdown while waiting gives the attempt back. */
async function acquire(
  command: UnloadTableCommand,
  attempt: number,
  lease: AttemptLease,
  deps: UnloaderDeps,
): Promise<UnloadSlot> {
  if (!readsWarehouse(command)) return noSlot;
  try {
    const signal = AbortSignal.any([deps.shutdown, lease.fenced]);
    signal.throwIfAborted();
    return await deps.acquireSlot(signal, { ...command, attempt });
  } catch (error) {
    if (deps.shutdown.aborted) await deps.jobs.giveBack(command, attempt).catch(() => undefined);
    throw error;
  }
}

function leaseDeps(command: UnloadTableCommand, deps: UnloaderDeps) {
  return {
    jobs: deps.jobs,
    leaseMs: deps.leaseMs,
    heartbeatMs: deps.heartbeatMs,
    now: deps.now,
    onRenewed: (attempt: number) =>
      deps.publish({
        type: "TableUnloadHeartbeat",
        value: {
          requestId: command.requestId,
          table: command.table,
          attempt,
          run: command.run,
          worker: deps.worker,
          at: deps.now(),
        },
      }),
    onRenewError: (error: unknown) => deps.onHeartbeatError(error, command),
  };
}

/** The command was redelivered after its outcome was recorded: publish that outcome again (the tracker dedupes). */
async function republish(outcome: JobOutcome, attempts: number, deps: UnloaderDeps): Promise<UnloadOutcome> {
  await deps.publish(outcome);
  return outcome.type === "TableUnloadCompleted"
    ? { status: "COMPLETED", attempts }
    : {
        status: "FAILED",
        attempts,
        error: { kind: outcome.value.errorKind, message: outcome.value.errorMessage },
      };
}

/** Records the outcome while the attempt still holds the job, then publishes it; SUPERSEDED when fenced. */
async function conclude(
  command: UnloadTableCommand,
  attempt: number,
  outcome: JobOutcome,
  lease: AttemptLease,
  deps: UnloaderDeps,
  result: UnloadOutcome,
): Promise<UnloadOutcome> {
  // The unload is done: ride out a database blip here rather than throw and redo the whole unload.
  const held = await retryWithin(deps.leaseMs / 2, () => deps.jobs.finish(command, attempt, outcome));
  if (!held) return { status: "SUPERSEDED", attempts: attempt };
  // Recorded: a publish that fails now (Kafka down) throws, and the redelivered command publishes the record.
  lease.settle();
  await deps.publish(outcome);
  return result;
}

/**
 * A command planned long ago (replayed from the dead-letter topic, or stuck behind an outage) was classified with
 * rules that may have changed since (a column reclassified `de` during an incident): it is not run. The table ends
 * FAILED saying so, and the export can be requested again under the current rules.
 */
type Failure = Extract<JobOutcome, { type: "TableUnloadFailed" }>;

function staleRefusal(command: UnloadTableCommand, attempt: number, deps: UnloaderDeps): Failure | undefined {
  const ageMs = deps.now() - command.issuedAt;
  if (ageMs <= deps.maxCommandAgeMs) return undefined;
  const message =
    `command planned ${Math.round(ageMs / 60_000)} min ago (${new Date(command.issuedAt).toISOString()}), older than ` +
    `MAX_COMMAND_AGE_MS: not run under possibly outdated classification rules; request the export again`;
  return failure(command, attempt, "INVALID_COMMAND", message, false, true, deps);
}

/**
 * The previous run stalled past its lease without an outcome: it is fenced, and the status tracker fails such a
 * table as stuck (the same rule, read from the same lease), so this delivery records and publishes that failure
 * rather than starting a run whose result nobody would take.
 */
function lapsedFailure(
  command: UnloadTableCommand,
  start: { attempts: number; worker: string; leaseUntil: number },
  deps: UnloaderDeps,
): Failure {
  const message =
    `stuck: attempt ${start.attempts} (worker ${start.worker}) let its lease lapse at ` +
    `${new Date(start.leaseUntil).toISOString()} without an outcome (STUCK_AFTER_MS); request the export again`;
  return failure(command, start.attempts, "TIMEOUT", message, false, true, deps);
}

function exhausted(
  command: UnloadTableCommand,
  attempt: number,
  uncounted: number,
  deps: UnloaderDeps,
): Failure | undefined {
  if (attempt - uncounted <= deps.maxAttempts) return undefined;
  const message =
    `gave up after ${attempt - 1} attempts (${uncounted} given back after a shutdown or rebalance, or made before a ` +
    `retry): the earlier ones ended without an outcome, e.g. the unloader running them was killed`;
  return failure(command, attempt, "UNKNOWN", message, false, true, deps);
}

function failure(
  command: UnloadTableCommand,
  attempt: number,
  errorKind: UnloadErrorKind,
  errorMessage: string,
  retryable: boolean,
  finalAttempt: boolean,
  deps: UnloaderDeps,
): Failure {
  return {
    type: "TableUnloadFailed",
    value: {
      requestId: command.requestId,
      table: command.table,
      attempt,
      run: command.run,
      errorKind,
      errorMessage,
      retryable,
      finalAttempt,
      failedAt: deps.now(),
      cancelled: false,
      cancelledBy: null,
    },
  };
}

/** One attempt; "retry" when it failed and another attempt follows. */
async function runAttempt(
  command: UnloadTableCommand,
  attempt: number,
  uncounted: number,
  slot: UnloadSlot,
  lease: AttemptLease,
  deps: UnloaderDeps,
): Promise<UnloadOutcome | "retry"> {
  const startedAt = deps.now();
  await deps.publish({
    type: "TableUnloadStarted",
    value: {
      requestId: command.requestId,
      table: command.table,
      attempt,
      run: command.run,
      worker: deps.worker,
      startedAt,
    },
  });
  let result: UnloadResult;
  const timeout = deadline(deps.timeoutMs, "the unload");
  try {
    const signal = AbortSignal.any([deps.shutdown, slot.lost, lease.fenced, timeout.signal]);
    result = await deps.unload({ ...command, attempt }, { signal, beforeCommit: () => lease.check() });
  } catch (error) {
    timeout.clear();
    if (deps.shutdown.aborted) {
      // Not the table's fault: the next owner of the command runs it without this attempt counting.
      await deps.jobs.giveBack(command, attempt).catch(() => undefined);
      throw deps.shutdown.reason;
    }
    if (lease.fenced.aborted) throw lease.fenced.reason;
    const described = describeFailure(error);
    if (described.unexpected) deps.onUnexpectedError(error, command, attempt);
    const finalAttempt = !described.retryable || attempt - uncounted >= deps.maxAttempts;
    const failed = failure(
      command,
      attempt,
      described.kind,
      described.message,
      described.retryable,
      finalAttempt,
      deps,
    );
    if (!finalAttempt) {
      await deps.publish(failed);
      return "retry";
    }
    const reported = { kind: described.kind, message: described.message };
    return conclude(command, attempt, failed, lease, deps, { status: "FAILED", attempts: attempt, error: reported });
  }
  timeout.clear();
  // Outside the try: a failure to record or publish the outcome is not a failed unload (the command is redelivered
  // and the recorded outcome published then).
  const completed: JobOutcome = {
    type: "TableUnloadCompleted",
    value: {
      requestId: command.requestId,
      table: command.table,
      attempt,
      run: command.run,
      rows: result.rows,
      bytes: result.bytes,
      files: result.files.map((file) => ({ ...file })),
      manifestKey: result.manifestKey,
      manifestVersionId: result.manifestVersionId,
      durationMs: deps.now() - startedAt,
      completedAt: deps.now(),
    },
  };
  return conclude(command, attempt, completed, lease, deps, { status: "COMPLETED", attempts: attempt, result });
}
