import { progressOf, type ExportRequestState, type RequestStatus } from "@data-exporter/status-store";

/** The seed's status strings (existing callers compare them), plus the two outcomes the seed never had. */
export const statusText = {
  unknown: "Request has not been requested",
  inProgress: "In Progress",
  completed: "Completed",
  failed: "Failed",
  partial: "Partially Completed",
} as const;

export function statusTextOf(status: RequestStatus): string {
  switch (status) {
    case "REQUESTED":
    case "IN-PROGRESS":
      return statusText.inProgress;
    case "COMPLETED":
      return statusText.completed;
    case "FAILED":
      return statusText.failed;
    case "PARTIAL-SUCCESS":
      return statusText.partial;
  }
}

/**
 * Makes a time-limited download URL for an object of the export bucket, pinned to the version the export wrote (so a
 * later export of the same folder never changes what it serves); unpinned when the version is unknown (null).
 */
export type Presign = (bucket: string, key: string, versionId: string | null) => Promise<string>;

export interface FileView {
  key: string;
  url: string;
  rows: number;
  bytes: number;
  sha256: string;
}
export interface TableView {
  tableName: string;
  status: string;
  attempts: number;
  rows: number | null;
  bytes: number | null;
  fileCount: number;
  files: FileView[];
  manifestUrl: string | null;
  errorKind: string | null;
  error: string | null;
  startedAt: string | null;
  lastProgressAt: string | null;
  finishedAt: string | null;
}
export interface RequestStatusView {
  requestId: string;
  status: string;
  progress: number;
  dataRequestDownloadLinks: Record<string, string[]>;
  mode: string | null;
  exportDate: string | null;
  windowStart: number | null;
  windowEnd: number | null;
  requestedAt: string | null;
  completedAt: string | null;
  tables: TableView[];
  skippedTables: { table: string; reason: string }[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Builds the requestStatus answer; links are presigned now, so they are never stale when the caller reads them. */
export async function toStatusView(
  requestId: string,
  state: ExportRequestState | undefined,
  presign: Presign,
): Promise<RequestStatusView> {
  if (!state) {
    return {
      requestId,
      status: statusText.unknown,
      progress: 0,
      dataRequestDownloadLinks: {},
      mode: null,
      exportDate: null,
      windowStart: null,
      windowEnd: null,
      requestedAt: null,
      completedAt: null,
      tables: [],
      skippedTables: [],
    };
  }
  const bucket = state.bucket;
  const tables = await Promise.all(
    state.tables.map(async (job): Promise<TableView> => {
      const downloadable = job.status === "COMPLETED" && bucket !== null;
      const files = downloadable
        ? await Promise.all(
            job.files.map(async (file) => ({ ...file, url: await presign(bucket, file.key, file.versionId) })),
          )
        : [];
      return {
        tableName: job.table,
        status: job.status,
        attempts: job.attempts,
        rows: job.rows,
        bytes: job.bytes,
        fileCount: job.files.length,
        files,
        manifestUrl:
          downloadable && job.manifestKey ? await presign(bucket, job.manifestKey, job.manifestVersionId) : null,
        errorKind: job.errorKind,
        error: job.lastError,
        startedAt: iso(job.startedAt),
        lastProgressAt: iso(job.lastProgressAt),
        finishedAt: iso(job.finishedAt),
      };
    }),
  );
  const links: Record<string, string[]> = {};
  for (const table of tables) if (table.files.length > 0) links[table.tableName] = table.files.map((file) => file.url);
  return {
    requestId: state.requestId,
    status: statusTextOf(state.status),
    progress: progressOf(state),
    dataRequestDownloadLinks: links,
    mode: state.mode,
    exportDate: state.exportDate,
    windowStart: Math.floor(state.windowStart / 1000),
    windowEnd: Math.floor(state.windowEnd / 1000),
    requestedAt: iso(state.requestedAt),
    completedAt: iso(state.completedAt),
    tables,
    skippedTables: [...state.skippedTables],
  };
}
