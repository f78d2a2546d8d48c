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

/** The summary status of an export: CANCELLED when cancelExport stopped it, else the seed's spelling of its outcome. */
export function publicStatusOf(event: ExportCompleted): "SUCCESS" | "FAILED" | "PARTIAL-SUCCESS" | "CANCELLED" {
  return event.cancelled ? "CANCELLED" : publicStatus(event.status);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A summary a human can read in an e-mail, with attributes a machine can filter on. */
export function formatNotification(event: ExportCompleted): Notification {
  const status = publicStatusOf(event);
  const failed = event.tables.filter((table) => table.status === "FAILED" && !table.cancelled);
  const cancelled = event.tables.filter((table) => table.cancelled);
  const what = event.mode === "SCHEDULED" ? `scheduled export ${event.exportDate ?? ""}`.trim() : "on-demand export";
  const counts = [
    failed.length > 0 ? `${failed.length} of ${event.tables.length} tables failed` : "",
    cancelled.length > 0 ? `${cancelled.length} of ${event.tables.length} tables cancelled` : "",
  ]
    .filter((part) => part !== "")
    .join(", ");
  const retried = event.run > 0 ? `, retry ${event.run}` : "";
  const subject = `data-exporter ${what}: ${status} (${counts || `${event.tables.length} tables`}${retried})`.slice(
    0,
    100,
  );
  const lines = [
    `Data export ${status}`,
    "",
    `Request:  ${event.requestId}${event.run > 0 ? ` (run ${event.run}: retried)` : ""}`,
    `Mode:     ${event.mode}${event.exportDate ? ` (${event.exportDate})` : ""}`,
    `Window:   ${iso(event.windowStart)} to ${iso(event.windowEnd)}`,
    `Finished: ${iso(event.completedAt)}`,
    ...(event.cancelled ? [`Cancelled by: ${event.cancelledBy ?? "unknown"}`] : []),
    "",
    "Tables:",
    ...event.tables.map(
      (table) =>
        `- ${table.table}: ${table.cancelled ? "CANCELLED" : table.status}, ${table.rows} rows, ${table.fileCount} files, ${table.s3Prefix}` +
        (table.error ? `\n    error: ${table.error}` : ""),
    ),
  ];
  if (failed.length > 0) lines.push("", `Failed tables: ${failed.map((table) => table.table).join(", ")}`);
  if (cancelled.length > 0) lines.push("", `Cancelled tables: ${cancelled.map((table) => table.table).join(", ")}`);
  return {
    subject,
    message: lines.join("\n"),
    attributes: { status, mode: event.mode, exportDate: event.exportDate ?? "", requestId: event.requestId },
  };
}
