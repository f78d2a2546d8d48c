import type { TableUnloadEvent, UnloadErrorKind, UnloadTableCommand } from "@data-exporter/contracts";
import { isRetryable } from "@data-exporter/retry";
import type { UnloadResult } from "@data-exporter/warehouse";
import { readsWarehouse } from "./export-table.js";

/** One of the deployment-wide unload slots (MAX_CONCURRENCY_LIMIT), held while an attempt runs. */
export interface UnloadSlot {
  /** Aborts if the slot is lost while held (its lock connection dropped): the attempt stops and is retried. */
  readonly lost: AbortSignal;
  /** Never throws. */
  release(): Promise<void>;
}

export interface UnloaderDeps {
  /** Waits for a free slot; rejects only when the signal (shutdown) aborts. The command is for logs. */
  readonly acquireSlot: (signal: AbortSignal, command: UnloadTableCommand) => Promise<UnloadSlot>;
  readonly unload: (command: UnloadTableCommand, signal: AbortSignal) => Promise<UnloadResult>;
  readonly publish: (event: TableUnloadEvent) => Promise<void>;
  /** A command issued longer ago than this is refused (its classification may be outdated). */
  readonly maxCommandAgeMs: number;
  /** Attempts per table in all: 1 + MAX_RETRY_COUNT. */
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly timeoutMs: number;
  readonly worker: string;
  readonly now: () => number;
  /** Aborted on shutdown: the in-flight unload stops and its command is redelivered to another unloader. */
  readonly shutdown: AbortSignal;
  /** Told of an error that is not a typed warehouse error (a defect): operators need its detail in the log. */
  readonly onUnexpectedError: (error: unknown, command: UnloadTableCommand, attempt: number) => void;
}

export interface UnloadOutcome {
  readonly status: "COMPLETED" | "FAILED";
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

/**
 * Runs one table's unload with retries and backoff, publishing Started / Failed / Completed for each attempt. A
 * table that fails for good is an outcome (TableUnloadFailed with finalAttempt), not an exception, so the command
 * is committed; only a failure to publish, or a shutdown, throws and leaves the command to be redelivered.
 *
 * Each attempt of a warehouse table holds an unload slot from before TableUnloadStarted until its outcome is
 * published, so the lifecycle timings show real running time, the timeout does not count time spent waiting, and the
 * backoff between attempts leaves the slot to others.
 */
export async function runUnload(command: UnloadTableCommand, deps: UnloaderDeps): Promise<UnloadOutcome> {
  const age = deps.now() - command.issuedAt;
  if (age > deps.maxCommandAgeMs) return refuseStale(command, age, deps);
  for (let attempt = command.attempt; ; attempt++) {
    deps.shutdown.throwIfAborted();
    const slot = readsWarehouse(command) ? await deps.acquireSlot(deps.shutdown, { ...command, attempt }) : noSlot;
    let outcome: UnloadOutcome | undefined;
    try {
      outcome = await runAttempt(command, attempt, slot, deps);
    } finally {
      await slot.release();
    }
    if (outcome !== undefined) return outcome;
    await deps.sleep(deps.backoffMs(attempt), deps.shutdown);
  }
}

/** A snapshot export does not touch the warehouse, so it takes none of the warehouse's slots. */
const noSlot: UnloadSlot = { lost: new AbortController().signal, release: () => Promise.resolve() };

/**
 * A command planned long ago (replayed from the dead-letter topic, or stuck behind an outage) was classified with
 * rules that may have changed since (a column reclassified `de` during an incident): it is not run. The table ends
 * FAILED saying so, and the export can be requested again under the current rules.
 */
async function refuseStale(command: UnloadTableCommand, ageMs: number, deps: UnloaderDeps): Promise<UnloadOutcome> {
  const message =
    `command planned ${Math.round(ageMs / 60_000)} min ago (${new Date(command.issuedAt).toISOString()}), older than ` +
    `MAX_COMMAND_AGE_MS: not run under possibly outdated classification rules; request the export again`;
  await deps.publish({
    type: "TableUnloadFailed",
    value: {
      requestId: command.requestId,
      table: command.table,
      attempt: command.attempt,
      errorKind: "INVALID_COMMAND",
      errorMessage: message,
      retryable: false,
      finalAttempt: true,
      failedAt: deps.now(),
    },
  });
  return { status: "FAILED", attempts: 0, error: { kind: "INVALID_COMMAND", message } };
}

/** One attempt; undefined when it failed and another attempt follows. */
async function runAttempt(
  command: UnloadTableCommand,
  attempt: number,
  slot: UnloadSlot,
  deps: UnloaderDeps,
): Promise<UnloadOutcome | undefined> {
  const startedAt = deps.now();
  await deps.publish({
    type: "TableUnloadStarted",
    value: { requestId: command.requestId, table: command.table, attempt, worker: deps.worker, startedAt },
  });
  try {
    const signal = AbortSignal.any([deps.shutdown, slot.lost, AbortSignal.timeout(deps.timeoutMs)]);
    const result = await deps.unload({ ...command, attempt }, signal);
    await deps.publish({
      type: "TableUnloadCompleted",
      value: {
        requestId: command.requestId,
        table: command.table,
        attempt,
        rows: result.rows,
        bytes: result.bytes,
        files: result.files.map((file) => ({ ...file })),
        manifestKey: result.manifestKey,
        durationMs: deps.now() - startedAt,
        completedAt: deps.now(),
      },
    });
    return { status: "COMPLETED", attempts: attempt, result };
  } catch (error) {
    deps.shutdown.throwIfAborted();
    const failure = describeFailure(error);
    if (failure.unexpected) deps.onUnexpectedError(error, command, attempt);
    const finalAttempt = !failure.retryable || attempt >= deps.maxAttempts;
    await deps.publish({
      type: "TableUnloadFailed",
      value: {
        requestId: command.requestId,
        table: command.table,
        attempt,
        errorKind: failure.kind,
        errorMessage: failure.message,
        retryable: failure.retryable,
        finalAttempt,
        failedAt: deps.now(),
      },
    });
    return finalAttempt
      ? { status: "FAILED", attempts: attempt, error: { kind: failure.kind, message: failure.message } }
      : undefined;
  }
}
