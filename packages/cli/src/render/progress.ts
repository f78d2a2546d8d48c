import type { RequestStatus, TableExport } from "../api/operations.js";

const BAR_WIDTH = 20;

/**
 * How full a table's bar is. The API reports no progress within a table, so a running table shows half a bar and
 * a finished one (completed, failed or cancelled) a full bar, marked by its status.
 */
export function tableFraction(status: string): number {
  if (status === "PENDING") return 0;
  if (status === "IN-PROGRESS") return 0.5;
  return 1;
}

/** `[##########----------]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

const count = (n: number): string => n.toLocaleString("en-US");

function tableDetail(table: TableExport): string {
  if (table.status === "COMPLETED") {
    const files = `${table.fileCount} file${table.fileCount === 1 ? "" : "s"}`;
    return `${count(table.rows ?? 0)} rows, ${files}`;
  }
  if (table.status === "FAILED") return table.error ?? "failed";
  if (table.status === "IN-PROGRESS" && table.attempts > 1) return `attempt ${table.attempts}`;
  return "";
}

/** The lines `status` prints: the export's bar and one bar per table, in the order the API lists them. */
export function renderStatus(status: RequestStatus): string[] {
  const finished = status.tables.filter((t) => tableFraction(t.status) === 1).length;
  const head =
    `${status.requestId}  ${status.status}  ${bar(status.progress / 100)} ${Math.round(status.progress)}%` +
    (status.tables.length > 0 ? `  (${finished}/${status.tables.length} tables)` : "");
  const nameWidth = Math.max(0, ...status.tables.map((t) => t.tableName.length));
  const tables = status.tables.map((table) =>
    `  ${table.tableName.padEnd(nameWidth)}  ${bar(tableFraction(table.status))} ${table.status.padEnd(11)} ${tableDetail(table)}`.trimEnd(),
  );
  const skipped = status.skippedTables.map((s) => `  ${s.table.padEnd(nameWidth)}  skipped: ${s.reason}`);
  return [head, ...tables, ...skipped];
}

/** ANSI: move the cursor up `lines` lines to their start and clear to the end of the screen, to redraw a block. */
export function eraseLines(lines: number): string {
  return lines === 0 ? "" : `\x1b[${lines}F\x1b[J`;
}
