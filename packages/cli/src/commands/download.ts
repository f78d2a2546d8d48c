import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CliError } from "../errors.js";
import { exitCodeOfStatus, exitCodes, isTerminal, type ExitCode } from "../exit-codes.js";
import { fetchJson, fetchToFile } from "../download/fetch-to-file.js";
import { localName, manifestChecksums, mismatchOf } from "../download/manifest.js";
import { json } from "../output.js";
import type { CommandContext } from "./context.js";
import { knownStatus } from "./fetch-status.js";

export interface DownloadArgs {
  /** Default: ./<request id>. */
  readonly dir: string | undefined;
}

interface Downloaded {
  readonly table: string;
  readonly key: string;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Downloads every file of an export's completed tables to <dir>/<table>/, each verified against its table's
 * manifest (and the status): a file whose SHA-256 does not match is deleted and the command fails (exit 1). An
 * export that did not complete is downloaded as far as it got, and exits 1.
 */
export async function downloadExport(ctx: CommandContext, requestId: string, args: DownloadArgs): Promise<ExitCode> {
  const status = await knownStatus(ctx.api, requestId);
  if (!isTerminal(status.status)) {
    throw new CliError(
      "EXPORT_NOT_DONE",
      `${requestId} is ${status.status} (${Math.round(status.progress)}%): wait with \`status ${requestId} --watch\``,
    );
  }
  const dir = resolve(args.dir ?? requestId);
  const downloaded: Downloaded[] = [];
  for (const table of status.tables.filter((t) => t.status === "COMPLETED")) {
    if (table.manifestUrl === null) throw new CliError("DOWNLOAD_MISMATCH", `${table.tableName} has no manifest link`);
    const checksums = manifestChecksums(
      await fetchJson(table.manifestUrl, `${table.tableName}'s manifest`),
      table.tableName,
    );
    for (const file of table.files) {
      const path = join(dir, localName(table.tableName, file.key));
      const actualSha256 = await fetchToFile(file.url, path);
      const mismatch = mismatchOf({
        key: file.key,
        statusSha256: file.sha256,
        manifestSha256: checksums.get(file.key),
        actualSha256,
      });
      if (mismatch !== undefined) {
        await rm(path, { force: true });
        throw new CliError("DOWNLOAD_MISMATCH", `verification failed, file removed: ${mismatch}`);
      }
      downloaded.push({ table: table.tableName, key: file.key, path, bytes: file.bytes, sha256: actualSha256 });
      if (!ctx.json) ctx.output.err(`  ${path}  sha256 ok`);
    }
  }
  const code = exitCodeOfStatus(status.status);
  if (ctx.json) json(ctx.output, { requestId, status: status.status, dir, files: downloaded });
  else {
    ctx.output.out(`${downloaded.length} file(s) of ${requestId} in ${dir}, every SHA-256 matches its manifest`);
    if (code !== exitCodes.ok)
      ctx.output.err(`${requestId} is ${status.status}: only its completed tables were downloaded`);
  }
  return code;
}
