import type { RequestStatusResult } from "./graphql/client.js";

/** One readable line per table of an export (status, attempts, rows, files, error) and per skipped table. */
export function exportReport(status: RequestStatusResult): string[] {
  const names = [...status.tables.map((t) => t.tableName), ...status.skippedTables.map((s) => s.table)];
  const width = Math.max(20, ...names.map((name) => name.length + 1));
  return [
    ...status.tables.map(
      (t) =>
        `  ${t.tableName.padEnd(width)} ${t.status.padEnd(11)} attempts=${t.attempts} rows=${t.rows ?? 0} files=${t.fileCount}${t.error ? ` error=${t.error}` : ""}`,
    ),
    ...status.skippedTables.map((s) => `  ${s.table.padEnd(width)} skipped: ${s.reason}`),
  ];
}
