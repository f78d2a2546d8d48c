import { CliError } from "../errors.js";

/**
 * The SHA-256 of every file a table's manifest lists (the unloader's UnloadManifest, written last: its files are
 * the table's complete output), by object key. Only the fields the CLI checks are read.
 */
export function manifestChecksums(document: unknown, table: string): Map<string, string> {
  const files = (document as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new CliError("DOWNLOAD_MISMATCH", `${table}: the manifest lists no files`);
  const checksums = new Map<string, string>();
  for (const file of files as unknown[]) {
    const { key, sha256 } = (file ?? {}) as { key?: unknown; sha256?: unknown };
    if (typeof key !== "string" || typeof sha256 !== "string") {
      throw new CliError("DOWNLOAD_MISMATCH", `${table}: the manifest has a file without key or sha256`);
    }
    checksums.set(key, sha256.toLowerCase());
  }
  return checksums;
}

export interface FileCheck {
  readonly key: string;
  /** What requestStatus says. */
  readonly statusSha256: string;
  /** What the manifest says; undefined when the manifest does not list the file. */
  readonly manifestSha256: string | undefined;
  /** Of the bytes downloaded. */
  readonly actualSha256: string;
}

/** Why a downloaded file cannot be trusted, or undefined when status, manifest and bytes agree. */
export function mismatchOf(check: FileCheck): string | undefined {
  if (check.manifestSha256 === undefined) return `${check.key} is not in its table's manifest`;
  if (check.manifestSha256 !== check.statusSha256.toLowerCase()) {
    return `${check.key}: the manifest says sha256 ${check.manifestSha256}, the status ${check.statusSha256}`;
  }
  if (check.actualSha256 !== check.manifestSha256) {
    return `${check.key}: downloaded bytes have sha256 ${check.actualSha256}, the manifest says ${check.manifestSha256}`;
  }
  return undefined;
}

/** Where a file goes: <dir>/<table>/<file name of its key>. Keys are the API's, so refuse anything that climbs. */
export function localName(table: string, key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (name === "" || name === "." || name === ".." || /[\\/]/.test(table) || table.startsWith(".")) {
    throw new CliError("DOWNLOAD_MISMATCH", `refusing to write ${JSON.stringify(key)} of table ${table}`);
  }
  return `${table}/${name}`;
}
