import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir, repoRoot } from "../stack/paths.js";
import { ensureVenv } from "../stack/python.js";

/** The official Delta Sharing Python client (PyPI), as recipients install it: what the tests read the server with. */
export const deltaSharingClientVersion = "1.4.2";
const venv = join(cacheDir, "delta-sharing-venv");
const script = join(repoRoot, "dev", "harness", "delta-sharing", "read_share.py");

/** Creates (once; reused while the pinned version stays) the venv with the client; its Python. */
export async function ensureDeltaSharingClient(log: (message: string) => void = () => undefined): Promise<string> {
  const dir = await ensureVenv(venv, [`delta-sharing==${deltaSharingClientVersion}`], "delta-sharing client", log);
  return join(dir, "bin", "python");
}

export interface SharedTableName {
  readonly share: string;
  readonly schema: string;
  readonly name: string;
}

export interface LoadedTable {
  readonly columns: readonly string[];
  readonly dtypes: Readonly<Record<string, string>>;
  readonly rows: readonly Record<string, unknown>[];
}

/** What the client raised: the HTTP status it got, when it got one. */
export class DeltaSharingClientError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

async function run(args: readonly string[]): Promise<unknown> {
  const python = await ensureDeltaSharingClient();
  const result = await promisify(execFile)(python, [script, ...args], { maxBuffer: 256 << 20 }).catch(
    (error: { code?: number; stdout?: string; stderr?: string; message: string }) => {
      if (error.code === 3 && error.stdout) {
        const failure = JSON.parse(error.stdout) as { error: string; status: number | null };
        throw new DeltaSharingClientError(failure.error, failure.status);
      }
      throw new Error(`delta-sharing client failed: ${error.message}\n${error.stderr ?? ""}`);
    },
  );
  return JSON.parse(result.stdout);
}

/** SharingClient(profile).list_all_tables(). */
export async function listAllSharedTables(profileFile: string): Promise<SharedTableName[]> {
  return ((await run(["tables", profileFile])) as { tables: SharedTableName[] }).tables;
}

/** delta_sharing.load_as_pandas("<profile>#share.schema.table", jsonPredicateHints=...), its rows as plain values. */
export async function loadSharedTable(
  profileFile: string,
  table: string,
  jsonPredicateHints?: unknown,
): Promise<LoadedTable> {
  const args = [
    "load",
    profileFile,
    table,
    ...(jsonPredicateHints === undefined ? [] : [JSON.stringify(jsonPredicateHints)]),
  ];
  return (await run(args)) as LoadedTable;
}
