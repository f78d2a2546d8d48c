import type { ExportMode, ExportStatus } from "@data-exporter/contracts";

/**
 * Lifecycle of one export in the read model. REQUESTED: accepted, not yet planned. CANCELLED: finished with at least
 * one table stopped by cancelExport (the others completed or failed before it reached them).
 */
export type RequestStatus = "REQUESTED" | "IN-PROGRESS" | "COMPLETED" | "FAILED" | "PARTIAL-SUCCESS" | "CANCELLED";
/** Status of one table's job, named as the seed's table_export_job_statuses (CANCELLED: stopped by cancelExport). */
export type TableJobStatus = "PENDING" | "IN-PROGRESS" | "COMPLETED" | "FAILED" | "CANCELLED";

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
  /** Who cancelled the export this table stopped for (status CANCELLED); null otherwise or when unknown. */
  readonly cancelledBy: string | null;
  /** The run that last planned the table: 0, or the retryExport run that planned it again. */
  readonly run: number;
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
  /** 0 until a retryExport plans some tables again (ExportPlanned.run). */
  readonly run: number;
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

export const isTerminalJob = (job: TableJob): boolean =>
  job.status === "COMPLETED" || job.status === "FAILED" || job.status === "CANCELLED";

export const isFinished = (status: RequestStatus): boolean =>
  status === "COMPLETED" || status === "FAILED" || status === "PARTIAL-SUCCESS" || status === "CANCELLED";

/** Whether a retryExport runs the table again: it failed or was cancelled. */
export const isRetryableJob = (job: TableJob): boolean => job.status === "FAILED" || job.status === "CANCELLED";

/** Tables a retryExport runs again. */
export const retryableTables = (state: ExportRequestState): string[] =>
  state.tables.filter(isRetryableJob).map((job) => job.table);

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

/** The status of a finished export: CANCELLED when a table was stopped by cancelExport, else by its tables' outcomes. */
export function finishedStatusOf(jobs: readonly TableJob[]): RequestStatus {
  return jobs.some((job) => job.status === "CANCELLED") ? "CANCELLED" : requestStatusOf(exportStatusOf(jobs));
}

export function requestStatusOf(status: ExportStatus): RequestStatus {
  if (status === "SUCCESS") return "COMPLETED";
  return status === "FAILED" ? "FAILED" : "PARTIAL-SUCCESS";
}
