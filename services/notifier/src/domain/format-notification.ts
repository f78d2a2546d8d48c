import type { ExportCompleted, ExportStatus } from "@data-exporter/contracts";

export interface Notification {
  /** At most 100 characters (SNS limit). */
  readonly subject: string;
  readonly message: string;
  /** String attributes subscribers can filter on. */
  readonly attributes: Readonly<Record<"status" | "mode" | "exportDate" | "requestId", string>>;
}

/** The seed's spelling of the summary status. */
export function publicStatus(status: ExportStatus): "SUCCESS" | "FAILED" | "PARTIAL-SUCCESS" {
  return status === "PARTIAL_SUCCESS" ? "PARTIAL-SUCCESS" : status;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A summary a human can read in an e-mail, with attributes a machine can filter on. */
export function formatNotification(event: ExportCompleted): Notification {
  const status = publicStatus(event.status);
  const failed = event.tables.filter((table) => table.status === "FAILED");
  const what = event.mode === "SCHEDULED" ? `scheduled export ${event.exportDate ?? ""}`.trim() : "on-demand export";
  const counts =
    failed.length === 0 ? `${event.tables.length} tables` : `${failed.length} of ${event.tables.length} tables failed`;
  const subject = `data-exporter ${what}: ${status} (${counts})`.slice(0, 100);
  const lines = [
    `Data export ${status}`,
    "",
    `Request:  ${event.requestId}`,
    `Mode:     ${event.mode}${event.exportDate ? ` (${event.exportDate})` : ""}`,
    `Window:   ${iso(event.windowStart)} to ${iso(event.windowEnd)}`,
    `Finished: ${iso(event.completedAt)}`,
    "",
    "Tables:",
    ...event.tables.map(
      (table) =>
        `- ${table.table}: ${table.status}, ${table.rows} rows, ${table.fileCount} files, ${table.s3Prefix}` +
        (table.error ? `\n    error: ${table.error}` : ""),
    ),
  ];
  if (failed.length > 0) lines.push("", `Failed tables: ${failed.map((table) => table.table).join(", ")}`);
  return {
    subject,
    message: lines.join("\n"),
    attributes: { status, mode: event.mode, exportDate: event.exportDate ?? "", requestId: event.requestId },
  };
}
