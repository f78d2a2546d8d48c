import { requestDataMutation } from "../api/operations.js";
import { exitCodes, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import type { CommandContext } from "./context.js";

export interface RequestArgs {
  readonly startTime: number;
  readonly endTime: number;
  readonly force: boolean;
}

/** requestData: prints the request id alone (or {"requestId"}), so `id=$(data-exporter request …)` works. */
export async function requestExport(ctx: CommandContext, args: RequestArgs): Promise<ExitCode> {
  const { requestData } = await ctx.api.call<{ requestData: string }>(requestDataMutation, { ...args });
  if (ctx.json) json(ctx.output, { requestId: requestData, ...args });
  else ctx.output.out(requestData);
  return exitCodes.ok;
}
