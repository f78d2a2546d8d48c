import {
  exportRequestsQuery,
  type ExportRequestFilter,
  type ExportRequestsPage,
  type ExportSummary,
} from "../api/operations.js";
import { exitCodes, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import type { CommandContext } from "./context.js";

export interface ListArgs {
  readonly filter: ExportRequestFilter;
  /** At most this many exports, newest first. */
  readonly limit: number;
}

/** The API's largest page. */
const PAGE = 100;

/** exportRequests, page after page (cursor pagination) until `limit` or the last page. */
export async function listExports(ctx: CommandContext, args: ListArgs): Promise<ExitCode> {
  const exports: ExportSummary[] = [];
  let after: string | null = null;
  do {
    const page: ExportRequestsPage = await ctx.api.call<ExportRequestsPage>(exportRequestsQuery, {
      filter: args.filter,
      first: Math.min(PAGE, args.limit - exports.length),
      after,
    });
    exports.push(...page.exportRequests.edges.map((edge) => edge.node));
    after = page.exportRequests.pageInfo.hasNextPage ? page.exportRequests.pageInfo.endCursor : null;
  } while (after !== null && exports.length < args.limit);

  if (ctx.json) json(ctx.output, { exports });
  else if (exports.length === 0) ctx.output.out("no exports");
  else for (const line of exportTable(exports)) ctx.output.out(line);
  return exitCodes.ok;
}

/** One line per export, columns aligned. */
export function exportTable(exports: readonly ExportSummary[]): string[] {
  const rows = exports.map((e) => [
    e.id,
    e.status,
    `${Math.round(e.progress)}%`,
    e.mode,
    e.exportDate ?? `${e.windowStart} .. ${e.windowEnd}`,
    e.requestedAt,
    e.requestedBy ?? "-",
  ]);
  const header = ["ID", "STATUS", "PROGRESS", "MODE", "WINDOW", "REQUESTED AT", "BY"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}
