import { UNKNOWN_REQUEST, type RequestStatus } from "../api/operations.js";
import { exitCodeOfStatus, isTerminal, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import { eraseLines, renderStatus } from "../render/progress.js";
import type { CommandContext } from "./context.js";
import { fetchStatus, unknownExport } from "./fetch-status.js";

export interface StatusArgs {
  readonly watch: boolean;
  readonly intervalMs: number;
  /** How long an id may stay unknown while watching: a request just accepted may not be recorded yet. */
  readonly unknownGraceMs: number;
}

/**
 * Prints an export's status with a bar per table; with watch, follows it until it finished. Exit code: 1 for an
 * export that failed, was cancelled or only partly completed, 0 otherwise.
 */
export async function showStatus(ctx: CommandContext, requestId: string, args: StatusArgs): Promise<ExitCode> {
  const status = args.watch ? await watch(ctx, requestId, args) : await fetchStatus(ctx.api, requestId);
  if (status.status === UNKNOWN_REQUEST) throw unknownExport(requestId);
  if (ctx.json) json(ctx.output, status);
  else if (!args.watch) ctx.output.out(renderStatus(status).join("\n"));
  return exitCodeOfStatus(status.status);
}

async function watch(ctx: CommandContext, requestId: string, args: StatusArgs): Promise<RequestStatus> {
  const began = ctx.now();
  let shown: string[] = [];
  for (;;) {
    const status = await fetchStatus(ctx.api, requestId);
    const unknown = status.status === UNKNOWN_REQUEST;
    if (unknown && ctx.now() - began >= args.unknownGraceMs) return status;
    if (!unknown && !ctx.json) shown = show(ctx, renderStatus(status), shown);
    if (isTerminal(status.status)) return status;
    await ctx.sleep(args.intervalMs);
  }
}

/** A terminal redraws the block in place; a pipe or log gets a new block only when something changed. */
function show(ctx: CommandContext, lines: string[], shown: string[]): string[] {
  if (lines.join("\n") === shown.join("\n")) return shown;
  const block = lines.join("\n");
  ctx.output.out(ctx.output.interactive ? `${eraseLines(shown.length)}${block}` : block);
  return lines;
}
