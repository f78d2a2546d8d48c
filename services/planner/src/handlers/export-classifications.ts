import type { ExportedFile, ExportPlanned, TableUnloadEvent, UnloadErrorKind } from "@data-exporter/contracts";
import type { ExportConfigSnapshot } from "@data-exporter/config-store";
import {
  CLASSIFICATIONS_TABLE,
  classificationSnapshotTables,
  type SnapshotTable,
} from "../domain/classification-snapshot.js";

export interface SnapshotTarget {
  readonly requestId: string;
  readonly exportDate: string | null;
  readonly outputPrefix: string;
  readonly configVersion: string;
  readonly configLoadedAt: number;
}

export interface ClassificationExportDeps {
  /** Writes the tables as Parquet under the prefix and the manifest last; returns the files in order. */
  readonly writeSnapshot: (
    tables: readonly SnapshotTable[],
    target: SnapshotTarget,
  ) => Promise<{ files: ExportedFile[]; manifestKey: string }>;
  readonly publish: (event: TableUnloadEvent) => Promise<void>;
  /** Attempts in all: 1 + MAX_RETRY_COUNT. */
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly worker: string;
  readonly now: () => number;
}

export type SnapshotOutcome =
  | { readonly status: "COMPLETED"; readonly attempts: number; readonly files: readonly ExportedFile[] }
  | { readonly status: "FAILED"; readonly attempts: number; readonly error: string }
  | { readonly status: "NOT_PLANNED" };

/** Adapters decide the kind and retryability where the failure is understood (ObjectStoreError carries both). */
function describeFailure(error: unknown): { kind: UnloadErrorKind; message: string; retryable: boolean } {
  const e = error as { errorKind?: UnloadErrorKind; retryable?: boolean; message?: string } | null;
  return {
    kind: e?.errorKind ?? "UNKNOWN",
    message: e?.message ?? "writing the classification snapshot failed",
    retryable: e?.retryable === true,
  };
}

/**
 * Exports the configuration snapshot a scheduled plan was made with as the `classifications` table, reporting it
 * with the unloader's lifecycle events (Started, then Completed or Failed with finalAttempt), so the status
 * tracker counts it like any other table. A failure is an outcome, not an exception; only a publish failure throws.
 */
export async function exportClassifications(
  planned: ExportPlanned,
  config: ExportConfigSnapshot,
  deps: ClassificationExportDeps,
): Promise<SnapshotOutcome> {
  const entry = planned.tables.find((table) => table.table === CLASSIFICATIONS_TABLE);
  if (!entry) return { status: "NOT_PLANNED" };
  const tables = classificationSnapshotTables(config);
  const target: SnapshotTarget = {
    requestId: planned.requestId,
    exportDate: planned.exportDate,
    outputPrefix: entry.outputPrefix,
    configVersion: planned.configVersion,
    configLoadedAt: config.loadedAt,
  };
  const ids = { requestId: planned.requestId, table: CLASSIFICATIONS_TABLE };
  for (let attempt = 1; ; attempt++) {
    const startedAt = deps.now();
    await deps.publish({ type: "TableUnloadStarted", value: { ...ids, attempt, worker: deps.worker, startedAt } });
    try {
      const { files, manifestKey } = await deps.writeSnapshot(tables, target);
      await deps.publish({
        type: "TableUnloadCompleted",
        value: {
          ...ids,
          attempt,
          rows: files.reduce((sum, file) => sum + file.rows, 0),
          bytes: files.reduce((sum, file) => sum + file.bytes, 0),
          files,
          manifestKey,
          durationMs: deps.now() - startedAt,
          completedAt: deps.now(),
        },
      });
      return { status: "COMPLETED", attempts: attempt, files };
    } catch (error) {
      const failure = describeFailure(error);
      const finalAttempt = !failure.retryable || attempt >= deps.maxAttempts;
      await deps.publish({
        type: "TableUnloadFailed",
        value: {
          ...ids,
          attempt,
          errorKind: failure.kind,
          errorMessage: failure.message,
          retryable: failure.retryable,
          finalAttempt,
          failedAt: deps.now(),
        },
      });
      if (finalAttempt) return { status: "FAILED", attempts: attempt, error: failure.message };
      await deps.sleep(deps.backoffMs(attempt));
    }
  }
}
