import type { Presign } from "@data-exporter/export-links";
import { progressOf, type ExportRequestState, type RequestStatus } from "@data-exporter/status-store";

/** The seed's status strings (existing callers compare them), plus the outcomes the seed never had. */
export const statusText = {
  unknown: "Request has not been requested",
  inProgress: "In Progress",
  completed: "Completed",
  failed: "Failed",
  partial: "Partially Completed",
  cancelled: "Cancelled",
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
    case "CANCELLED":
      return statusText.cancelled;
  }
}

/** Made by the composition root (`confinedPresign` of @data-exporter/export-links). */
export type { Presign };

export interface FileView {
  key: string;
  url: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** ISO-8601: when `url` stops working. */
  expiresAt: string;
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
  /** ISO-8601: when this table's links stop working (null without links). */
  linksExpireAt: string | null;
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
  /** ISO-8601: when the first of the links stops working (null without links); refreshLinks grants a new day. */
  linksExpireAt: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Builds the requestStatus answer. Links are signed as at their grant: a table's links for one day (LINK_TTL_SECONDS)
 * from when the table finished, or from the owner's latest refreshLinks (`grantedAt`). Reading the status never
 * extends them, and the same grant gives the same URLs on every read.
 */
export async function toStatusView(
  requestId: string,
  state: ExportRequestState | undefined,
  presign: Presign,
  grantedAt: number | null = null,
  now: () => number = Date.now,
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
      linksExpireAt: null,
    };
  }
  const bucket = state.bucket;
  const tables = await Promise.all(
    state.tables.map(async (job): Promise<TableView> => {
      const downloadable = job.status === "COMPLETED" && bucket !== null;
      const signedAt = grantedAt ?? job.finishedAt ?? now();
      const files = downloadable
        ? (
            await Promise.all(
              job.files.map(async (file) => {
                const link = await presign(bucket, file.key, file.versionId, signedAt);
                return link && { ...file, url: link.url, expiresAt: new Date(link.expiresAt).toISOString() };
              }),
            )
          ).filter((file) => file !== undefined)
        : [];
      const manifest =
        downloadable && job.manifestKey
          ? ((await presign(bucket, job.manifestKey, job.manifestVersionId, signedAt)) ?? null)
          : null;
      return {
        tableName: job.table,
        status: job.status,
        attempts: job.attempts,
        rows: job.rows,
        bytes: job.bytes,
        fileCount: job.files.length,
        files,
        manifestUrl: manifest?.url ?? null,
        linksExpireAt: manifest === null ? (files[0]?.expiresAt ?? null) : new Date(manifest.expiresAt).toISOString(),
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
    linksExpireAt:
      tables
        .map((table) => table.linksExpireAt)
        .filter((at): at is string => at !== null)
        .sort()[0] ?? null,
  };
}
