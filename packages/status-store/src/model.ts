import type { ExportMode, ExportStatus } from "@data-exporter/contracts";

/** Lifecycle of one export in the read model. REQUESTED: accepted, not yet planned. */
export type RequestStatus = "REQUESTED" | "IN-PROGRESS" | "COMPLETED" | "FAILED" | "PARTIAL-SUCCESS";
/** Status of one table's job, named as the seed's table_export_job_statuses. */
export type TableJobStatus = "PENDING" | "IN-PROGRESS" | "COMPLETED" | "FAILED";

export interface ExportedFileView {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The object version its link is pinned to; null for a bucket without versioning (and rows recorded before). */
  readonly versionId: string | null;
}

export interface TableJob {
  readonly table: string;
  readonly status: TableJobStatus;
  readonly attempts: number;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly outputPrefix: string;
  readonly files: readonly ExportedFileView[];
  readonly manifestKey: string | null;
  readonly manifestVersionId: string | null;
  readonly errorKind: string | null;
  readonly lastError: string | null;
  readonly startedAt: number | null;
  /** The latest sign of life of the running attempt (its start or a heartbeat); null before it started. */
  readonly lastProgressAt: number | null;
  readonly finishedAt: number | null;
}

export interface ExportRequestState {
  readonly requestId: string;
  readonly mode: ExportMode;
  readonly exportDate: string | null;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly status: RequestStatus;
  /** null until ExportPlanned arrived. */
  readonly plannedTables: readonly string[] | null;
  readonly skippedTables: readonly { table: string; reason: string }[];
  readonly bucket: string | null;
  readonly configVersion: string | null;
  readonly requestedAt: number;
  /** The caller the gateway verified (ExportRequested.requestedBy); null for a scheduled export. */
  readonly requestedBy: string | null;
  /**
   * Whether the request's own event (ExportRequested, DailyExportTriggered) was applied. False for a row its
   * ExportPlanned created first, whose requestedAt is the plan's time until the request arrives.
   */
  readonly requestRecorded: boolean;
  readonly plannedAt: number | null;
  readonly completedAt: number | null;
  readonly completionPublishedAt: number | null;
  readonly tables: readonly TableJob[];
}

export const isTerminalJob = (job: TableJob): boolean => job.status === "COMPLETED" || job.status === "FAILED";

export const isFinished = (status: RequestStatus): boolean =>
  status === "COMPLETED" || status === "FAILED" || status === "PARTIAL-SUCCESS";

/** progress = finished tables / planned tables × 100 (0 until planned; 100 for a finished export). */
export function progressOf(state: ExportRequestState): number {
  if (isFinished(state.status)) return 100;
  const planned = state.plannedTables?.length ?? 0;
  if (planned === 0) return 0;
  const finished = state.tables.filter((job) => state.plannedTables?.includes(job.table) && isTerminalJob(job)).length;
  return Math.round((finished / planned) * 10000) / 100;
}

/** SUCCESS when every table completed, FAILED when none did (an export that planned no table exported nothing). */
export function exportStatusOf(jobs: readonly TableJob[]): ExportStatus {
  if (jobs.length === 0) return "FAILED";
  const completed = jobs.filter((job) => job.status === "COMPLETED").length;
  if (completed === jobs.length) return "SUCCESS";
  return completed === 0 ? "FAILED" : "PARTIAL_SUCCESS";
}

export function requestStatusOf(status: ExportStatus): RequestStatus {
  if (status === "SUCCESS") return "COMPLETED";
  return status === "FAILED" ? "FAILED" : "PARTIAL-SUCCESS";
}
