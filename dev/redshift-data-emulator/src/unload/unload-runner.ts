import { mkdtemp, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectStore } from "@data-exporter/object-store";
import { copyToParquet, duckString, openDuckDb } from "@data-exporter/warehouse";
import type pg from "pg";
import { notEmulated, redshiftMessage, StatementError, valueTooLong, MAX_VARCHAR_BYTES } from "../errors.js";
import type { Target } from "../statements.js";
import { buildManifest, dataFileKey, manifestKey, type ManifestColumn, type UnloadedFile } from "./unload-files.js";
import type { UnloadStatement } from "./unload-parser.js";

export interface UnloadSettings {
  /** postgres_scanner.duckdb_extension of the DuckDB inside @duckdb/node-api. */
  readonly duckdbPostgresExtension: string;
  readonly tempDir: string;
  readonly duckdbMemoryLimit: string;
  /** Rows per Parquet row group (a file may exceed MAXFILESIZE by up to one row group). */
  readonly rowGroupRows: number;
  /** IAM roles associated with the emulated cluster; the first is its default role. */
  readonly iamRoles: readonly string[];
  readonly region: string;
  readonly accountId: string;
}

export interface UnloadJob {
  readonly unload: UnloadStatement;
  readonly target: Target;
  readonly queryId: number;
  /** The statement's connection, inside its REPEATABLE READ transaction: the rows come from its snapshot. */
  readonly client: pg.Client;
  /** libpq URL of the statement's database, for DuckDB's postgres extension. */
  readonly conninfo: string;
  readonly signal: AbortSignal;
}

export interface UnloadDeps {
  readonly settings: UnloadSettings;
  /** The object store of one bucket of the S3 emulator. */
  readonly bucket: (name: string) => ObjectStore;
  /** pg_cancel_backend of DuckDB's connection when the statement is cancelled. */
  readonly cancelBackend: (database: string, pid: number) => Promise<void>;
}

export interface UnloadOutcome {
  readonly rows: number;
  readonly files: readonly UnloadedFile[];
  readonly manifestKey: string | undefined;
}

const roleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const characterTypes = new Set(["text", "character varying", "character", "name"]);

/** Identifier quoting for DuckDB (and PostgreSQL). */
const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A PostgreSQL escape-string literal: read the same whatever standard_conforming_strings is at the time. */
const escapeLiteral = (value: string): string => `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;

interface SessionSetting {
  readonly name: string;
  readonly value: string;
}

/**
 * The settings the statement's session changed (the emulator's own, and a batch's SET statements): DuckDB's
 * connection takes them over, so the query reads the same there (time zone, date style, float digits, search path,
 * literal syntax) as it would on the session Redshift runs the UNLOAD in.
 */
async function sessionSettings(client: pg.Client): Promise<SessionSetting[]> {
  const { rows } = await client.query<SessionSetting>(
    `SELECT name, current_setting(name) AS value FROM pg_settings
      WHERE source = 'session'
        AND name NOT IN ('transaction_isolation', 'transaction_read_only', 'transaction_deferrable')`,
  );
  return rows;
}

/**
 * The role UNLOAD writes as: IAM_ROLE default is the cluster's default role; of a chain, the first role is the one
 * the cluster assumes, so it must be associated with the cluster. Nothing is enforced on S3 (moto checks no IAM).
 */
function assumeRole(job: UnloadJob, settings: UnloadSettings): string {
  const chain = job.unload.iamRole === "default" ? settings.iamRoles.slice(0, 1) : job.unload.iamRole;
  const [first] = chain;
  if (first === undefined) {
    throw new StatementError("PERMISSION", redshiftMessage("No default IAM role is associated with the cluster"));
  }
  const malformed = chain.find((arn) => !roleArn.test(arn));
  if (malformed !== undefined) {
    throw new StatementError("INVALID_UNLOAD", redshiftMessage(`Invalid IAM role ARN: ${malformed}`));
  }
  if (!settings.iamRoles.includes(first)) {
    const { target } = job;
    const user =
      target.clusterIdentifier !== undefined
        ? `arn:aws:redshift:${settings.region}:${settings.accountId}:dbuser:${target.clusterIdentifier}/${target.dbUser ?? "IAM"}`
        : `arn:aws:redshift-serverless:${settings.region}:${settings.accountId}:workgroup/${target.workgroupName ?? ""}`;
    const message = `User ${user} is not authorized to assume IAM Role ${first}`;
    throw new StatementError(
      "PERMISSION",
      redshiftMessage(message, { error: message, code: 8001, context: `IAM Role=${first}`, query: job.queryId }),
    );
  }
  return first;
}

/** The query's columns and PostgreSQL types, from its own snapshot (no row is read). */
async function describeColumns(client: pg.Client, query: string): Promise<ManifestColumn[]> {
  const described = await client.query({ text: `SELECT * FROM (${query}) AS unload_query LIMIT 0`, rowMode: "array" });
  if (described.fields.length === 0) return [];
  const { rows } = await client.query<{ format_type: string }>(
    `SELECT format_type(t.oid, t.mod) FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS t(oid, mod, n) ORDER BY t.n`,
    [described.fields.map((f) => f.dataTypeID), described.fields.map((f) => f.dataTypeModifier)],
  );
  return described.fields.map((f, i) => ({ name: f.name, formatType: rows[i]?.format_type ?? "unknown" }));
}

function s3Error(error: unknown): StatementError {
  const message = error instanceof Error ? error.message : String(error);
  return new StatementError("S3", redshiftMessage(`S3ServiceException:${message}`), { cause: error });
}

/**
 * Removes what CLEANPATH removes (every object under the TO prefix), or refuses, as Redshift does without
 * ALLOWOVERWRITE or CLEANPATH, when that prefix already holds objects.
 */
async function prepareDestination(job: UnloadJob, store: ObjectStore): Promise<void> {
  const { unload, signal } = job;
  let existing;
  try {
    existing = await store.list(unload.prefix, { signal });
  } catch (error) {
    throw s3Error(error);
  }
  if (existing.length === 0 || unload.allowOverwrite) return;
  if (unload.cleanPath) {
    try {
      await store.deleteObjects(
        existing.map((o) => o.key),
        { signal },
      );
    } catch (error) {
      throw s3Error(error);
    }
    return;
  }
  throw new StatementError(
    "DESTINATION_NOT_EMPTY",
    redshiftMessage(
      "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.",
    ),
  );
}

/**
 * Writes the rows with the project's DuckDB Parquet writer. DuckDB reads PostgreSQL through its own connection, so
 * that connection imports the statement's exported snapshot (SET TRANSACTION SNAPSHOT): the rows are exactly those
 * the statement's transaction sees, the same as a COUNT earlier in the same batch saw. Character values over 65,535
 * bytes stop the COPY (DuckDB's error()), as Redshift's VARCHAR limit does.
 */
async function writeParquet(
  job: UnloadJob,
  deps: UnloadDeps,
  params: {
    snapshot: string;
    settings: readonly SessionSetting[];
    columns: readonly ManifestColumn[];
    outDir: string;
  },
): Promise<{ path: string; rows: number }[]> {
  const { settings } = deps;
  const duck = await openDuckDb({ memoryLimit: settings.duckdbMemoryLimit, spillDir: params.outDir });
  const { connection } = duck;
  let backendPid: number | undefined;
  let open = false;
  const onAbort = (): void => {
    connection.interrupt();
    if (backendPid !== undefined) void deps.cancelBackend(job.target.database, backendPid).catch(() => undefined);
  };
  job.signal.addEventListener("abort", onAbort, { once: true });
  const checkAbort = (): void => {
    if (job.signal.aborted) throw new Error("cancelled");
  };
  const tooLong = "redshift-data-emulator: value too long";
  try {
    await connection.run(`LOAD ${duckString(settings.duckdbPostgresExtension)}`);
    await connection.run(`ATTACH ${duckString(job.conninfo)} AS pg (TYPE postgres, READ_ONLY)`);
    await connection.run("BEGIN TRANSACTION");
    open = true;
    await connection.run(
      `CALL postgres_execute('pg', ${duckString(`SET TRANSACTION SNAPSHOT ${`'${params.snapshot.replaceAll("'", "''")}'`}`)})`,
    );
    for (const { name, value } of params.settings) {
      const sql = `SELECT set_config(${escapeLiteral(name)}, ${escapeLiteral(value)}, false)`;
      await connection.run(`CALL postgres_execute('pg', ${duckString(sql)})`);
    }
    const probe = await connection.runAndReadAll(
      "SELECT pid FROM postgres_query('pg', 'SELECT pg_backend_pid() AS pid')",
    );
    backendPid = Number(probe.getRowObjectsJS()[0]?.["pid"]);
    checkAbort();
    const projection = params.columns
      .map((c) => {
        const name = quoteIdent(c.name);
        const base = c.formatType.replace(/\(.*$/, "").trim();
        if (!characterTypes.has(base)) return name;
        return (
          `CASE WHEN strlen(${name}) > ${MAX_VARCHAR_BYTES} THEN error(${duckString(`${tooLong}|${c.name}|`)} || strlen(${name})) ` +
          `ELSE ${name} END AS ${name}`
        );
      })
      .join(", ");
    const written = await copyToParquet(connection, {
      select: `SELECT ${projection} FROM postgres_query('pg', ${duckString(job.unload.query)})`,
      outDir: join(params.outDir, "out"),
      rowGroupSize: settings.rowGroupRows,
      maxFileBytes: job.unload.maxFileBytes,
      // Redshift compresses each row group of its Parquet files with SNAPPY.
      compression: "snappy",
    });
    await connection.run("COMMIT");
    open = false;
    return written.files.map((f) => ({ path: f.path, rows: f.rows }));
  } catch (error) {
    if (job.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const overlong = message.indexOf(tooLong);
    if (overlong !== -1) {
      const [, column = "?", bytes = "0"] = message.slice(overlong).split("|");
      throw valueTooLong(column, Number.parseInt(bytes, 10), job.queryId);
    }
    // DuckDB quotes PostgreSQL's error after its own prefix; Redshift would show PostgreSQL's part.
    const pgMessage = /ERROR:\s*(.*)$/s.exec(message)?.[1] ?? message;
    throw new StatementError("DATABASE", redshiftMessage(pgMessage.trim()), { cause: error });
  } finally {
    job.signal.removeEventListener("abort", onAbort);
    // Close only after a rollback (postgres-duckdb.ts explains why DuckDB must not roll back in its destructor).
    if (open) await connection.run("ROLLBACK").catch(() => undefined);
    duck.close();
  }
}

/**
 * Runs one UNLOAD ... FORMAT PARQUET inside the statement's transaction: checks the role and the destination,
 * writes the files under Redshift's names (slice 0000), then the manifest; returns the rows unloaded. A failure after
 * some files were uploaded leaves them, as Redshift does.
 */
export async function runUnload(job: UnloadJob, deps: UnloadDeps): Promise<UnloadOutcome> {
  const { unload, client, signal } = job;
  const { settings } = deps;
  assumeRole(job, settings);
  const { rows: probe } = await client.query<{ wrote: boolean; snapshot: string }>(
    "SELECT txid_current_if_assigned() IS NOT NULL AS wrote, pg_export_snapshot() AS snapshot",
  );
  const [state] = probe;
  if (state === undefined) throw new Error("no snapshot exported");
  if (state.wrote) {
    // DuckDB reads through another connection, which cannot see this transaction's uncommitted writes.
    throw notEmulated("UNLOAD after a write in the same transaction");
  }
  const columns = await describeColumns(client, unload.query);
  const session = await sessionSettings(client);
  const store = deps.bucket(unload.bucket);
  await prepareDestination(job, store);

  const workDir = await mkdtemp(join(settings.tempDir, "redshift-unload-"));
  try {
    const written = await writeParquet(job, deps, {
      snapshot: state.snapshot,
      settings: session,
      columns,
      outDir: workDir,
    });
    const rows = written.reduce((sum, f) => sum + f.rows, 0);
    // Redshift writes no Parquet file for an empty result (the manifest then lists none).
    const data = rows === 0 ? [] : written;
    const files: UnloadedFile[] = [];
    for (const [i, file] of data.entries()) {
      const key = dataFileKey(unload.prefix, i, unload.parallel, unload.extension);
      const bytes = (await stat(file.path)).size;
      try {
        await store.putFile(key, file.path, "application/octet-stream", { signal });
      } catch (error) {
        throw s3Error(error);
      }
      files.push({ key, bytes, rows: file.rows });
    }
    let manifest: string | undefined;
    if (unload.manifest !== "none") {
      manifest = manifestKey(unload.prefix);
      const body = buildManifest({ bucket: unload.bucket, files, verbose: unload.manifest === "verbose", columns });
      try {
        await store.putObject(manifest, body, "application/json", { signal });
      } catch (error) {
        throw s3Error(error);
      }
    }
    return { rows, files, manifestKey: manifest };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
