import { cancelExportMutation, retryExportMutation, type ChangedExport } from "../api/operations.js";
import { exitCodes, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import type { CommandContext } from "./context.js";

/** cancelExport: the export as it was when asked; `status --watch` follows it to Cancelled. */
export async function cancelExport(ctx: CommandContext, id: string): Promise<ExitCode> {
  const { cancelExport: changed } = await ctx.api.call<{ cancelExport: ChangedExport }>(cancelExportMutation, { id });
  report(ctx, changed, "cancellation requested");
  return exitCodes.ok;
}

/** retryExport: the failed and cancelled tables run again as the next run of the same request. */
export async function retryExport(ctx: CommandContext, id: string): Promise<ExitCode> {
  const { retryExport: changed } = await ctx.api.call<{ retryExport: ChangedExport }>(retryExportMutation, { id });
  report(ctx, changed, `retry requested (run ${changed.run + 1})`);
  return exitCodes.ok;
}

function report(ctx: CommandContext, changed: ChangedExport, what: string): void {
  if (ctx.json) json(ctx.output, changed);
  else ctx.output.out(`${changed.id}: ${what}; it was ${changed.status} (${Math.round(changed.progress)}%)`);
}
