import { exitCodes, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import type { CommandContext } from "./context.js";
import { knownStatus } from "./fetch-status.js";

/** Every presigned link of an export's completed tables, with the manifest and when the links expire. */
export async function showLinks(ctx: CommandContext, requestId: string): Promise<ExitCode> {
  const status = await knownStatus(ctx.api, requestId);
  const tables = status.tables
    .filter((table) => table.status === "COMPLETED")
    .map((table) => ({
      table: table.tableName,
      manifestUrl: table.manifestUrl,
      linksExpireAt: table.linksExpireAt,
      files: table.files.map(({ key, url, sha256, expiresAt }) => ({ key, url, sha256, expiresAt })),
    }));
  if (ctx.json) {
    json(ctx.output, { requestId, status: status.status, linksExpireAt: status.linksExpireAt, tables });
    return exitCodes.ok;
  }
  if (tables.length === 0) ctx.output.err(`${requestId}: ${status.status}, no completed table has links yet`);
  for (const table of tables) {
    ctx.output.out(`${table.table}  (links expire ${table.linksExpireAt ?? "?"})`);
    if (table.manifestUrl !== null) ctx.output.out(`  manifest  ${table.manifestUrl}`);
    for (const file of table.files) ctx.output.out(`  ${file.key}\n    ${file.url}`);
  }
  return exitCodes.ok;
}
