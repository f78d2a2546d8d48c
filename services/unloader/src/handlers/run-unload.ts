import type {
  TableUnloadCompleted,
  TableUnloadFailed,
  TableUnloadStarted,
  UnloadErrorKind,
  UnloadTableCommand,
} from "@data-exporter/contracts";
import type { UnloadResult } from "@data-exporter/warehouse";

export type TableEvent =
  | { type: "TableUnloadStarted"; value: TableUnloadStarted }
  | { type: "TableUnloadCompleted"; value: TableUnloadCompleted }
  | { type: "TableUnloadFailed"; value: TableUnloadFailed };

export interface UnloaderDeps {
  readonly unload: (command: UnloadTableCommand, signal: AbortSignal) => Promise<UnloadResult>;
  readonly publish: (event: TableEvent) => Promise<void>;
  /** Attempts per table in all: 1 + MAX_RETRY_COUNT. */
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly timeoutMs: number;
  readonly worker: string;
  readonly now: () => number;
  /** Aborted on shutdown: the in-flight unload stops and its command is redelivered to another unloader. */
  readonly shutdown: AbortSignal;
}

export interface UnloadOutcome {
  readonly status: "COMPLETED" | "FAILED";
  readonly attempts: number;
  readonly result?: UnloadResult;
  readonly error?: { kind: UnloadErrorKind; message: string };
}

/** What the unloader needs to know of an error; warehouse adapters decide these where the failure is understood. */
function describeFailure(error: unknown): { kind: UnloadErrorKind; message: string; retryable: boolean } {
  const e = error as { errorKind?: UnloadErrorKind; retryable?: boolean; message?: string } | null;
  if (e && typeof e.errorKind === "string") {
    return { kind: e.errorKind, message: e.message ?? "unload failed", retryable: e.retryable === true };
  }
  // Not a typed warehouse error: a defect here, not in the data. Retrying will not help.
  return { kind: "UNKNOWN", message: "unexpected unloader error", retryable: false };
}

/**
 * Runs one table's unload with retries and backoff, publishing Started / Failed / Completed for each attempt. A
 * table that fails for good is an outcome (TableUnloadFailed with finalAttempt), not an exception, so the command
 * is committed; only a failure to publish, or a shutdown, throws and leaves the command to be redelivered.
 */
export async function runUnload(command: UnloadTableCommand, deps: UnloaderDeps): Promise<UnloadOutcome> {
  for (let attempt = command.attempt; ; attempt++) {
    deps.shutdown.throwIfAborted();
    const startedAt = deps.now();
    await deps.publish({
      type: "TableUnloadStarted",
      value: { requestId: command.requestId, table: command.table, attempt, worker: deps.worker, startedAt },
    });
    try {
      const signal = AbortSignal.any([deps.shutdown, AbortSignal.timeout(deps.timeoutMs)]);
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
      if (finalAttempt) return { status: "FAILED", attempts: attempt, error: { kind: failure.kind, message: failure.message } };
      await deps.sleep(deps.backoffMs(attempt), deps.shutdown);
    }
  }
}
